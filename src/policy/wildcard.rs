//! IAM `StringLike` matching: `*` is any run of characters (crossing `:` and
//! `/`), `?` exactly one. Linear in the input for every pattern: a greedy
//! match that remembers only the last `*`, so nothing backtracks exponentially.

use crate::text::Gather as _;

/// One element of a `StringLike` pattern: a character to match exactly, or a wildcard.
/// Policy variables make the difference matter: `${*}` is a literal `*` (see
/// [`super::variables`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glob {
    Char(char),
    /// `*`: any run of characters.
    Any,
    /// `?`: exactly one character.
    One,
}

/// Appends text as written to a pattern: `*` and `?` as wildcards when `like`, else as characters.
pub fn push_text(out: &mut Vec<Glob>, text: &str, like: bool) {
    for c in text.chars() {
        out.push(match c {
            '*' if like => Glob::Any,
            '?' if like => Glob::One,
            c => Glob::Char(c),
        });
    }
}

/// Whether `value` matches `pattern`, case-sensitively.
#[must_use]
pub fn matches(pattern: &str, value: &str) -> bool {
    let mut globs = Vec::with_capacity(pattern.len());
    push_text(&mut globs, pattern, true);
    matches_globs(&globs, value)
}

/// Whether `value` matches a pattern of [`Glob`]s, case-sensitively.
#[must_use]
pub fn matches_globs(pattern: &[Glob], value: &str) -> bool {
    let value: Vec<char> = value.chars().gather();
    let (mut p, mut v) = (0, 0);
    // Where the last `*` was, and the input position it currently absorbs up to.
    let mut star: Option<(usize, usize)> = None;
    while v < value.len() {
        match pattern.get(p) {
            Some(Glob::Any) => {
                star = Some((p, v));
                p += 1;
            }
            Some(Glob::One) => {
                p += 1;
                v += 1;
            }
            Some(&Glob::Char(c)) if c == value[v] => {
                p += 1;
                v += 1;
            }
            _ => match star {
                // Let the last `*` absorb one more character and retry after it.
                Some((star_p, star_v)) => {
                    p = star_p + 1;
                    v = star_v + 1;
                    star = Some((star_p, star_v + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&g| g == Glob::Any)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn iam_semantics() {
        assert!(matches(
            "project_path:g/*:ref_type:branch:ref:main",
            "project_path:g/sub/p:ref_type:branch:ref:main"
        ));
        assert!(matches("*", ""));
        assert!(matches("a*", "a:b/c"));
        assert!(matches("a?c", "abc"));
        assert!(!matches("a?c", "ac"));
        assert!(!matches("abc", "abC"));
        assert!(matches(
            "arn:aws:someservice:*:111122223333:finance/*",
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
        ));
        assert!(matches("*b*b*", "abab"));
        assert!(!matches("*b*b*c", "abab"));
        assert!(matches("", ""));
        assert!(!matches("", "a"));
        assert!(matches("é*", "éx"));
    }

    #[test]
    fn worst_case_is_fast() {
        // 50 stars against 20 000 characters that almost match: linear-ish, not exponential.
        let pattern = format!("{}b", "a*".repeat(50));
        let value = "a".repeat(20_000);
        assert!(!matches(&pattern, &value));
        assert!(matches(&"*a".repeat(50), &value));
    }
}
