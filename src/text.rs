//! Quoting helpers every renderer shares: a user value reaches an output only
//! through the helper for that language, so it can never leave its string.

/// A JSON string literal.
#[must_use]
pub fn json_string(value: &str) -> String {
    json(&serde_json::Value::from(value))
}

/// Compact JSON text of a value, as its `Display` prints it, through the one
/// writer `to_js` also uses ([`crate::json`]): `Display` (`{value}`, `to_string`)
/// would compile two more copies of the JSON writer (1.3 KB gzipped).
#[must_use]
pub fn json(value: &serde_json::Value) -> String {
    crate::json::to_string(value).unwrap_or_default()
}

/// Pretty JSON text of a value, as `serde_json::to_string_pretty` prints it (two-space
/// indent, `"key": value`, empty arrays and objects as `[]` and `{}`), followed by a
/// newline. Scalars and keys go through [`json`]: `serde_json`'s pretty writer was a second
/// copy of the whole serializer (0.5 KB gzipped).
#[must_use]
pub fn json_pretty_line(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_pretty(&mut out, value, 1);
    out.push('\n');
    out
}

fn write_pretty(out: &mut String, value: &serde_json::Value, depth: usize) {
    use serde_json::Value;
    let (open, close) = match value {
        Value::Array(items) if !items.is_empty() => ('[', ']'),
        Value::Object(map) if !map.is_empty() => ('{', '}'),
        scalar => return out.push_str(&json(scalar)),
    };
    out.push(open);
    let mut separator = "\n";
    let mut item = |out: &mut String, key: Option<&String>, value: &Value| {
        out.push_str(separator);
        separator = ",\n";
        indent(out, depth);
        if let Some(key) = key {
            out.push_str(&json_string(key));
            out.push_str(": ");
        }
        write_pretty(out, value, depth + 1);
    };
    match value {
        Value::Array(items) => items.iter().for_each(|value| item(out, None, value)),
        Value::Object(map) => map.iter().for_each(|(key, value)| item(out, Some(key), value)),
        _ => {}
    }
    out.push('\n');
    indent(out, depth - 1);
    out.push(close);
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// `parts.join(sep)`. Each copy of the standard join (one for `[String]`, one for
/// `[&str]`) cost 1 KB of WebAssembly, this loop much less.
#[must_use]
pub fn join<S: AsRef<str>>(parts: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            out.push_str(sep);
        }
        out.push_str(part.as_ref());
    }
    out
}

/// [`join`] as a method, for the end of an iterator chain: `parts.joined(sep)`.
pub trait Joined {
    /// `self.join(sep)`.
    fn joined(&self, sep: &str) -> String;
}

impl<S: AsRef<str>> Joined for [S] {
    fn joined(&self, sep: &str) -> String {
        join(self, sep)
    }
}

/// Byte offset of the first `needle` in `hay`, as `hay.find(needle)` gives it. core's
/// two-way searcher for `&str` patterns cost more WebAssembly than every caller here
/// together; the needles are short literals, so a plain scan does.
#[must_use]
#[inline(never)]
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    (0..=hay.len().checked_sub(needle.len())?).find(|&at| hay[at..].starts_with(needle))
}

/// `s.chars().take(n).collect::<String>()`, borrowed: the first `n` characters.
#[must_use]
pub fn first_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(at, _)| &s[..at])
}

/// `s.chars().map(f).collect::<String>()`, one copy for every `f`: each standard
/// `collect` into a `String` compiled its own `from_iter`, `extend` and `fold`.
#[must_use]
#[inline(never)]
pub fn map_chars(s: &str, f: &dyn Fn(char) -> char) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push(f(c));
    }
    out
}

/// `hay.contains(needle)`, through [`find`].
#[must_use]
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `hay.split_once(needle)`, through [`find`].
#[must_use]
pub fn split_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(hay, needle)?;
    Some((&hay[..at], &hay[at + needle.len()..]))
}

/// `value.to_string()` for any `Display` value, in one copy: each type's own `to_string`
/// compiled its own (0.1 KB each). Strings and numbers have faster ones of their own.
#[must_use]
#[inline(never)]
pub fn display(value: &dyn std::fmt::Display) -> String {
    let mut out = String::new();
    let _ = std::fmt::Write::write_fmt(&mut out, format_args!("{value}"));
    out
}

/// `serde_json`'s message for text that is not JSON, without its " at line L column C" (the
/// error's line and column are reported apart) and never quoting the text.
#[must_use]
pub fn json_error_message(error: &serde_json::Error) -> String {
    let text = display(error);
    split_once(&text, " at line ")
        .map_or(&*text, |(head, _)| head)
        .to_owned()
}

/// `hay.replacen(from, to, 1)`, through [`split_once`].
#[must_use]
pub fn replace_first(hay: &str, from: &str, to: &str) -> String {
    let Some((head, tail)) = split_once(hay, from) else {
        return hay.to_owned();
    };
    let mut out = String::from(head);
    out.push_str(to);
    out.push_str(tail);
    out
}

/// `set.contains(c)`: core's `char` pattern searches for a letter outside ASCII with
/// the `&str` searcher, which [`find`] replaces.
#[must_use]
pub fn has_char(set: &str, c: char) -> bool {
    set.chars().any(|x| x == c)
}

/// `hay.trim_start_matches(prefix)` for a non-empty `prefix`.
#[must_use]
pub fn trim_prefixes<'a>(mut hay: &'a str, prefix: &str) -> &'a str {
    while let Some(rest) = hay.strip_prefix(prefix) {
        hay = rest;
    }
    hay
}

/// `collect::<Vec<_>>()` as a plain push loop: each standard `collect` into a `Vec`
/// compiled its own `from_iter`, `extend_trusted` and `fold`.
pub trait Gather: Iterator + Sized {
    /// The items in order, in a new `Vec`.
    fn gather(self) -> Vec<Self::Item> {
        let mut out = Vec::new();
        for item in self {
            out.push(item);
        }
        out
    }
}

impl<I: Iterator> Gather for I {}

/// `s.split(c)` for an ASCII `c`: core's forward `char` searcher and its `Split`
/// iterator cost more than this one.
#[must_use]
pub fn split_ascii(s: &str, c: u8) -> SplitAscii<'_> {
    SplitAscii {
        rest: Some(s),
        c,
        lines: false,
    }
}

/// `s.lines()`: pieces ended by `\n` or `\r\n`, the last one only when it is not empty.
#[must_use]
pub fn lines(s: &str) -> SplitAscii<'_> {
    SplitAscii {
        rest: Some(s),
        c: b'\n',
        lines: true,
    }
}

/// The iterator of [`split_ascii`] and [`lines`].
#[derive(Clone)]
pub struct SplitAscii<'a> {
    rest: Option<&'a str>,
    c: u8,
    lines: bool,
}

impl<'a> Iterator for SplitAscii<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let Some(at) = rest.bytes().position(|b| b == self.c) else {
            self.rest = None;
            return (!self.lines || !rest.is_empty()).then_some(rest);
        };
        self.rest = Some(&rest[at + 1..]);
        let piece = &rest[..at];
        Some(if self.lines {
            piece.strip_suffix('\r').unwrap_or(piece)
        } else {
            piece
        })
    }
}

/// `s.split_once(c)` for an ASCII `c`.
#[must_use]
pub fn split_once_ascii(s: &str, c: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == c)?;
    Some((&s[..at], &s[at + 1..]))
}

/// `s.splitn(n, c).collect()` for an ASCII `c` and `n > 0`.
#[must_use]
pub fn splitn_ascii(s: &str, n: usize, c: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = s;
    while parts.len() + 1 < n {
        let Some((head, tail)) = split_once_ascii(rest, c) else {
            break;
        };
        parts.push(head);
        rest = tail;
    }
    parts.push(rest);
    parts
}

/// `s.rsplit_once(c)` for an ASCII `c`, without core's reverse `char` searcher.
#[must_use]
pub fn rsplit_once_ascii(s: &str, c: u8) -> Option<(&str, &str)> {
    let at = s.bytes().rposition(|b| b == c)?;
    Some((&s[..at], &s[at + 1..]))
}

/// `s.trim_end_matches(c)` for an ASCII `c`.
#[must_use]
pub fn trim_end_ascii(s: &str, c: u8) -> &str {
    &s[..s.bytes().rposition(|b| b != c).map_or(0, |at| at + 1)]
}

/// `value.contains(['*', '?'])`, without core's multi-`char` searcher.
#[must_use]
pub fn has_wildcard(value: &str) -> bool {
    value.bytes().any(|b| matches!(b, b'*' | b'?'))
}

/// `value.replace(['*', '?'], with)`: core's multi-`char` searcher, for three callers,
/// cost more than this loop.
#[must_use]
pub fn replace_wildcards(value: &str, with: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        if matches!(c, '*' | '?') {
            out.push_str(with);
        } else {
            out.push(c);
        }
    }
    out
}

/// A YAML double-quoted scalar. Everything outside printable ASCII is
/// escaped, so no parser can read a newline, tag or anchor into it.
#[must_use]
pub fn yaml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if u32::from(c) <= 0xFFFF => push_hex_escape(&mut out, 'u', c, 4),
            c => push_hex_escape(&mut out, 'U', c, 8),
        }
    }
    out.push('"');
    out
}

/// `\u00E9`-style: a backslash, `letter`, and `c` as `digits` uppercase hex digits (`c`
/// always fits them), as `{:04X}` would print it without core's integer formatting.
fn push_hex_escape(out: &mut String, letter: char, c: char, digits: u32) {
    out.push('\\');
    out.push(letter);
    for shift in (0..digits).rev() {
        out.push(char::from(
            b"0123456789ABCDEF"[(u32::from(c) >> (shift * 4)) as usize & 0xF],
        ));
    }
}

/// An HCL (Terraform) quoted string: escapes, and `${`/`%{` doubled so
/// nothing is interpolated.
#[must_use]
pub fn hcl_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => push_hex_escape(&mut out, 'u', c, 4),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A POSIX shell word that the shell reads literally: single-quoted, with
/// each `'` written as `'\''`.
#[must_use]
pub fn shell_word(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(json_string("a\"b\n"), r#""a\"b\n""#);
        assert_eq!(yaml_string("a\"b\\c\né"), r#""a\"b\\c\u000A\u00E9""#);
        assert_eq!(yaml_string("😀"), r#""\U0001F600""#);
        assert_eq!(yaml_string("\u{7f}\u{ffff}\u{10ffff}"), r#""\u007F\uFFFF\U0010FFFF""#);
        assert_eq!(hcl_string("\u{1}\u{9f}"), r#""\u0001\u009F""#);
        assert_eq!(hcl_string("${x} %{y} $z \"q\"\n"), r#""$${x} %%{y} $z \"q\"\n""#);
        assert_eq!(shell_word("it's $(x)"), r"'it'\''s $(x)'");
    }

    #[test]
    fn pretty_json_is_serde_jsons() {
        let text = r#"[{"a": [], "b": {}, "c": [1, -2.5, 1e300, true, null, "x\"\u0001é"],
            "d\n": {"e": {"f": [[{}], [[]]]}}}, "s", 7, [], {}, [{"g": null}]]"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut values = vec![value.clone()];
        values.extend(value.as_array().unwrap().iter().cloned());
        for value in values {
            let expected = serde_json::to_string_pretty(&value).unwrap() + "\n";
            assert_eq!(json_pretty_line(&value), expected);
            assert_eq!(json(&value), value.to_string());
        }
    }

    #[test]
    fn display_is_to_string() {
        let error = serde_json::from_str::<serde_json::Value>("[1,").unwrap_err();
        assert_eq!(display(&error), error.to_string());
        assert_eq!(display(&'é'), 'é'.to_string());
        assert_eq!(display(&-12_i64), (-12_i64).to_string());
        assert_eq!(display(&""), "");
    }

    #[test]
    fn char_helpers_are_the_standard_ones() {
        for text in ["", "a", "é-x", "abcdefghij", "ñandú/Ω-1"] {
            for n in [0, 1, 2, 8, 100] {
                assert_eq!(first_chars(text, n), text.chars().take(n).collect::<String>());
            }
            let upper = |c: char| if c == '-' { '_' } else { c.to_ascii_uppercase() };
            assert_eq!(map_chars(text, &upper), text.chars().map(upper).collect::<String>());
        }
    }

    #[test]
    fn lines_are_the_standard_ones() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\n",
            "a\r",
            "\r\n\r\n",
            "a\n\nb",
            "a\r\r\nb\n\r",
            "é\r\né",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn searches_are_the_standard_ones() {
        let hays = [
            "",
            "a",
            "ab",
            "aab",
            "abab",
            "é:ref:x:ref:",
            "ForAnyValue:ForAnyValue:x",
            "xx..yy",
        ];
        let needles = ["", "a", "ab", "b", "é", ":ref:", "ForAnyValue:", "..", "abab!"];
        for hay in hays {
            for needle in needles {
                assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
                assert_eq!(contains(hay, needle), hay.contains(needle));
                assert_eq!(split_once(hay, needle), hay.split_once(needle));
                assert_eq!(replace_first(hay, needle, "Z"), hay.replacen(needle, "Z", 1));
                for c in needle.chars().chain(['é', 'x']) {
                    assert_eq!(has_char(hay, c), hay.contains(c));
                }
                for c in [b'a', b'b', b':', b'.'] {
                    let ch = char::from(c);
                    assert_eq!(
                        split_ascii(hay, c).collect::<Vec<_>>(),
                        hay.split(ch).collect::<Vec<_>>()
                    );
                    assert_eq!(split_once_ascii(hay, c), hay.split_once(ch));
                    for n in 1..5 {
                        assert_eq!(splitn_ascii(hay, n, c), hay.splitn(n, ch).collect::<Vec<_>>());
                    }
                    assert_eq!(rsplit_once_ascii(hay, c), hay.rsplit_once(char::from(c)));
                    assert_eq!(trim_end_ascii(hay, c), hay.trim_end_matches(char::from(c)));
                    assert_eq!(trim_end_ascii(needle, c), needle.trim_end_matches(char::from(c)));
                }
                assert_eq!(has_wildcard(hay), hay.contains(['*', '?']));
                assert_eq!(has_wildcard(needle), needle.contains(['*', '?']));
                assert_eq!(replace_wildcards(hay, needle), hay.replace(['*', '?'], needle));
                assert_eq!(
                    replace_wildcards("a*b?é*", needle),
                    "a*b?é*".replace(['*', '?'], needle)
                );
                if !needle.is_empty() {
                    assert_eq!(trim_prefixes(hay, needle), hay.trim_start_matches(needle));
                }
            }
        }
    }
}
