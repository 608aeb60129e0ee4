//! The values of one condition key, split into cells no condition can tell apart.
//!
//! Every string condition on a key asks whether the request's value is in some base language:
//! a literal (`StringEquals`), a literal ignoring ASCII case (`…IgnoreCase`) or a `StringLike`
//! pattern. Two values inside the same base languages satisfy the same conditions, so a cell is
//! a set of base languages a value is in and all the others it is not in, and one witness per
//! nonempty cell stands for every value in it. The nonempty cells are found exactly by running
//! all the patterns' automata together, breadth first, over an alphabet of the characters the
//! patterns name plus one character that stands for every other; the search stops at a bound.

use crate::policy::wildcard::Glob;
use crate::text::Gather as _;

/// One base language: a pattern, and whether letters match ignoring ASCII case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    pub globs: Vec<Glob>,
    pub ignore_case: bool,
}

impl Language {
    fn matches_char(&self, position: usize, c: char) -> bool {
        match self.globs[position] {
            Glob::Any | Glob::One => true,
            Glob::Char(x) if self.ignore_case => x.eq_ignore_ascii_case(&c),
            Glob::Char(x) => x == c,
        }
    }

    /// The positions reachable from `states` by skipping `*`s (which may match nothing).
    fn close(&self, states: &mut Vec<usize>) {
        let mut index = 0;
        while index < states.len() {
            let at = states[index];
            if at < self.globs.len() && self.globs[at] == Glob::Any && !states.contains(&(at + 1)) {
                states.push(at + 1);
            }
            index += 1;
        }
        sort_dedup(states);
    }

    fn step(&self, states: &[usize], c: char) -> Vec<usize> {
        let mut next = Vec::new();
        for &at in states {
            if at < self.globs.len() && self.matches_char(at, c) {
                let to = if self.globs[at] == Glob::Any { at } else { at + 1 };
                if !next.contains(&to) {
                    next.push(to);
                }
            }
        }
        self.close(&mut next);
        next
    }

    fn accepts(&self, states: &[usize]) -> bool {
        states.binary_search(&self.globs.len()).is_ok()
    }

    /// Whether a whole string is in the language.
    #[must_use]
    pub fn contains(&self, value: &str) -> bool {
        let mut states = vec![0];
        self.close(&mut states);
        for c in value.chars() {
            states = self.step(&states, c);
            if states.is_empty() {
                return false;
            }
        }
        self.accepts(&states)
    }
}

/// A nonempty cell: which base languages its values are in, and one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub inside: Vec<bool>,
    pub witness: String,
}

/// The search went past its bound: the cells are not all known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany;

/// Every nonempty cell of the base languages over all strings, each with a witness. Values in
/// `preferred` that fall in a cell are used as its witness (so that witnesses look like what
/// GitLab sends); the others are the shortest strings found. `limit` bounds the automaton states.
///
/// # Errors
/// [`TooMany`] when more than `limit` states are reached.
pub fn cells(languages: &[Language], preferred: &[String], limit: usize) -> Result<Vec<Cell>, TooMany> {
    let mut alphabet: Vec<char> = Vec::new();
    for language in languages {
        for glob in &language.globs {
            if let Glob::Char(c) = *glob {
                let mut add = |c: char| {
                    if !alphabet.contains(&c) {
                        alphabet.push(c);
                    }
                };
                add(c);
                if language.ignore_case {
                    add(c.to_ascii_lowercase());
                    add(c.to_ascii_uppercase());
                }
            }
        }
    }
    // One character for all the others: any that no pattern names.
    if let Some(other) = ('a'..='z')
        .chain('0'..='9')
        .chain(['-', '_', '.'])
        .find(|c| !alphabet.contains(c))
    {
        alphabet.push(other);
    } else if let Some(other) = ('\u{c0}'..='\u{ff}').find(|c| !alphabet.contains(c)) {
        alphabet.push(other);
    }
    let start: Vec<Vec<usize>> = languages
        .iter()
        .map(|language| {
            let mut states = vec![0];
            language.close(&mut states);
            states
        })
        .gather();
    let accepting =
        |state: &[Vec<usize>]| -> Vec<bool> { languages.iter().zip(state).map(|(l, s)| l.accepts(s)).gather() };
    // Cells in the order the search reaches them (shortest witness first). The states seen are
    // keyed by their text in a serde_json map: the module already carries that map, where a
    // std HashSet would add its own hashing code to the WebAssembly.
    let mut cells: Vec<Cell> = Vec::new();
    let mut seen = serde_json::Map::new();
    let mut queue: Vec<(Vec<Vec<usize>>, String)> = Vec::new();
    seen.insert(state_key(&start), serde_json::Value::Null);
    queue.push((start, String::new()));
    let mut head = 0;
    while let Some((state, text)) = queue.get(head).cloned() {
        head += 1;
        let inside = accepting(&state);
        if !cells.iter().any(|c| c.inside == inside) {
            cells.push(Cell {
                inside,
                witness: text.clone(),
            });
        }
        for &c in &alphabet {
            let next: Vec<Vec<usize>> = languages.iter().zip(&state).map(|(l, s)| l.step(s, c)).gather();
            let key = state_key(&next);
            if seen.contains_key(&key) {
                continue;
            }
            if seen.len() >= limit {
                return Err(TooMany);
            }
            seen.insert(key, serde_json::Value::Null);
            let mut longer = text.clone();
            longer.push(c);
            queue.push((next, longer));
        }
    }
    for value in preferred {
        let inside: Vec<bool> = languages.iter().map(|l| l.contains(value)).gather();
        if let Some(cell) = cells.iter_mut().find(|c| c.inside == inside) {
            if !is_preferred(&cell.witness, preferred) {
                cell.witness.clone_from(value);
            }
        }
    }
    Ok(cells)
}

/// A product state as text: each automaton's positions, `,` between positions, `;` after each.
fn state_key(state: &[Vec<usize>]) -> String {
    let mut key = String::new();
    for positions in state {
        for (index, at) in positions.iter().enumerate() {
            if index > 0 {
                key.push(',');
            }
            key.push_str(&at.to_string());
        }
        key.push(';');
    }
    key
}

fn is_preferred(witness: &str, preferred: &[String]) -> bool {
    preferred.iter().any(|p| p == witness)
}

/// The cells of a closed set of values (a key GitLab fills from a fixed list, or with a number):
/// each value's membership decides its cell; the first value in each cell is its witness.
#[must_use]
pub fn cells_of_values(languages: &[Language], values: &[String]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    for value in values {
        let inside: Vec<bool> = languages.iter().map(|l| l.contains(value)).gather();
        if !cells.iter().any(|c| c.inside == inside) {
            cells.push(Cell {
                inside,
                witness: value.clone(),
            });
        }
    }
    cells
}

/// `states.sort_unstable(); states.dedup();` by insertion into a sorted list: core's
/// unstable sort, for this one caller, cost 4 KB of WebAssembly.
fn sort_dedup(states: &mut Vec<usize>) {
    let mut sorted: Vec<usize> = Vec::with_capacity(states.len());
    for &state in states.iter() {
        if let Err(at) = sorted.binary_search(&state) {
            sorted.insert(at, state);
        }
    }
    *states = sorted;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::wildcard::push_text;

    fn language(pattern: &str, like: bool) -> Language {
        let mut globs = Vec::new();
        push_text(&mut globs, pattern, like);
        Language {
            globs,
            ignore_case: false,
        }
    }

    #[test]
    fn sort_dedup_is_sort_then_dedup() {
        for list in [
            vec![],
            vec![3],
            vec![2, 2],
            vec![5, 1, 4, 1, 0, 5, 9, 2, 6, 5, 3],
            (0..40).rev().collect(),
        ] {
            let mut expected = list.clone();
            expected.sort_unstable();
            expected.dedup();
            let mut got = list;
            sort_dedup(&mut got);
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn languages_match_as_iam_does() {
        for (pattern, value, expected) in [
            ("a*", "a:b/c", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*b*b*", "abab", true),
            ("*b*b*c", "abab", false),
            ("", "", true),
            ("*", "", true),
        ] {
            assert_eq!(language(pattern, true).contains(value), expected, "{pattern} {value}");
            assert_eq!(
                crate::policy::wildcard::matches(pattern, value),
                expected,
                "{pattern} {value}"
            );
        }
        let ci = Language {
            ignore_case: true,
            ..language("Main", false)
        };
        assert!(ci.contains("mAIN") && !ci.contains("main2"));
    }

    #[test]
    fn cells_are_the_nonempty_venn_regions() {
        let languages = [language("g/*", true), language("g/app", false), language("*/app", true)];
        let found = cells(&languages, &[], 10_000).unwrap();
        let mut regions: Vec<Vec<bool>> = found.iter().map(|c| c.inside.clone()).collect();
        regions.sort();
        // g/app is in all three; g/x only in the first; x/app only in the third; g/x/app in
        // the first and third (`*` crosses `/`); x in none.
        assert_eq!(
            regions,
            [
                vec![false, false, false],
                vec![false, false, true],
                vec![true, false, false],
                vec![true, false, true],
                vec![true, true, true],
            ]
        );
        for cell in &found {
            let inside: Vec<bool> = languages.iter().map(|l| l.contains(&cell.witness)).collect();
            assert_eq!(inside, cell.inside, "{}", cell.witness);
        }
        // A preferred witness takes its cell's place.
        let more = cells(
            &[language("g/*", true), language("*/app", true), language("g/app", false)],
            &["g/sub/app".to_owned()],
            10_000,
        )
        .unwrap();
        assert!(more
            .iter()
            .any(|c| c.witness == "g/sub/app" && c.inside == [true, true, false]));
    }

    #[test]
    fn the_bound_stops_the_search() {
        let languages: Vec<Language> = (0..12).map(|i| language(&format!("*{i}*{i}*{i}*"), true)).collect();
        assert_eq!(cells(&languages, &[], 50), Err(TooMany));
    }
}
