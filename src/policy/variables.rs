//! IAM policy variables in condition values.
//!
//! In a policy whose `Version` is `2012-10-17`, IAM replaces `${key}` in the values of string
//! (and ARN) conditions with the request's value for `key`, and `${key, 'default'}` with
//! `default` when the request has none. `${*}`, `${?}` and `${$}` stand for a literal `*`, `?`
//! and `$`. Under any other `Version`, or none (which means `2008-10-17`), `${…}` is plain text.
//! A variable whose key has no value in the request is "effectively null": no value equals or
//! is like it, so `StringEquals`/`StringLike` do not match it and `StringNotEquals`/
//! `StringNotLike` do. Sources: IAM User Guide, "IAM policy elements: Variables and tags"
//! (`reference_policies_variables`: "Using variables in policies", "Special characters",
//! "Policy variables with no value", "Specifying default values").
//!
//! Not documented by AWS, so decided here: a `${` with no closing `}` is plain text (it cannot
//! be a variable); a key with several values (an `aud` list) is not a value the evaluator
//! substitutes, so it leaves the condition undecided.

use crate::policy::wildcard::{push_text, Glob};

/// The policy language version that has variables.
const VARIABLES_VERSION: &str = "2012-10-17";

/// Whether a document's `Version` makes IAM substitute variables.
#[must_use]
pub fn substituted(version: Option<&str>) -> bool {
    version == Some(VARIABLES_VERSION)
}

/// A `${…}` in a value, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variable<'a> {
    /// `${*}`, `${?}` or `${$}`: the character itself.
    Literal(char),
    /// `${key}` or `${key, 'default'}`; the key as written, without surrounding spaces.
    Key { key: &'a str, default: Option<&'a str> },
}

/// A piece of a condition value: text as written, or a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Variable(Variable<'a>),
}

/// Splits a value into text and variables, left to right.
#[must_use]
pub fn pieces(value: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = value;
    while let Some(start) = crate::text::find(rest, "${") {
        let Some(length) = rest[start + 2..].bytes().position(|b| b == b'}') else {
            break; // no closing brace: plain text
        };
        if start > 0 {
            pieces.push(Piece::Text(&rest[..start]));
        }
        pieces.push(Piece::Variable(variable(&rest[start + 2..start + 2 + length])));
        rest = &rest[start + 3 + length..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

/// The inside of `${…}`.
fn variable(inside: &str) -> Variable<'_> {
    match inside.trim() {
        "*" => return Variable::Literal('*'),
        "?" => return Variable::Literal('?'),
        "$" => return Variable::Literal('$'),
        _ => {}
    }
    // `key, 'default'`: the default is what stands between the quotes.
    if let Some((key, default)) = crate::text::split_once_ascii(inside, b',') {
        let default = default.trim();
        if let Some(text) = default.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) {
            return Variable::Key {
                key: key.trim(),
                default: Some(text),
            };
        }
    }
    Variable::Key {
        key: inside.trim(),
        default: None,
    }
}

/// Whether a value holds any `${…}` at all.
#[must_use]
pub fn has_variables(value: &str) -> bool {
    pieces(value).iter().any(|p| matches!(p, Piece::Variable(_)))
}

/// What the request holds for a variable's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    Value(String),
    /// The request has no value for it.
    Missing,
    /// This tool cannot know it (a key the STS call sets), and why.
    Unknown(String),
}

/// A condition value after substitution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The pattern to compare with (`*`/`?` are wildcards only where written plainly under `…Like`).
    Pattern(Vec<Glob>),
    /// A variable with no value: the value is null, and `variable` names it as written.
    Null { variable: String },
    /// A variable this tool cannot resolve, and why.
    Unknown(String),
}

/// Substitutes a condition value's variables. `like`: the operator treats plain `*` and `?`
/// as wildcards. `lookup` answers for a key.
pub fn resolve(value: &str, like: bool, lookup: &dyn Fn(&str) -> KeyValue) -> Resolved {
    let mut globs = Vec::with_capacity(value.len());
    for piece in pieces(value) {
        match piece {
            Piece::Text(text) => push_text(&mut globs, text, like),
            Piece::Variable(Variable::Literal(c)) => globs.push(Glob::Char(c)),
            Piece::Variable(Variable::Key { key, default }) => match (lookup(key), default) {
                // A substituted value is compared as text: its `*` is no wildcard.
                (KeyValue::Value(text), _) => push_text(&mut globs, &text, false),
                (KeyValue::Missing, Some(text)) => push_text(&mut globs, text, false),
                (KeyValue::Missing, None) => {
                    return Resolved::Null {
                        variable: format!("${{{key}}}"),
                    }
                }
                (KeyValue::Unknown(why), _) => return Resolved::Unknown(why),
            },
        }
    }
    Resolved::Pattern(globs)
}

/// A literal value written so that IAM reads it back unchanged in a `2012-10-17` policy:
/// `$` as `${$}`, and under `…Like` operators `*` and `?` as `${*}` and `${?}`.
#[must_use]
pub fn escape(value: &str, like: bool) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '$' => escaped.push_str("${$}"),
            '*' if like => escaped.push_str("${*}"),
            '?' if like => escaped.push_str("${?}"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::wildcard::matches_globs;

    fn lookup(key: &str) -> KeyValue {
        match key.to_ascii_lowercase().as_str() {
            "gitlab.com:ref_protected" => KeyValue::Value("true".to_owned()),
            "aws:sourceip" => KeyValue::Unknown("set by the STS request".to_owned()),
            _ => KeyValue::Missing,
        }
    }

    fn pattern(value: &str, like: bool) -> Vec<Glob> {
        match resolve(value, like, &lookup) {
            Resolved::Pattern(globs) => globs,
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn pieces_split_text_and_variables() {
        assert_eq!(
            pieces("a${*}b${ gitlab.com:sub , 'x y' }${"),
            [
                Piece::Text("a"),
                Piece::Variable(Variable::Literal('*')),
                Piece::Text("b"),
                Piece::Variable(Variable::Key {
                    key: "gitlab.com:sub",
                    default: Some("x y")
                }),
                Piece::Text("${"),
            ]
        );
        assert_eq!(pieces("no variables"), [Piece::Text("no variables")]);
        assert!(!has_variables("release-$CI"));
        assert!(has_variables("release-${CI}"));
    }

    #[test]
    fn special_characters_are_literal() {
        let star = pattern("ref:v${*}", true);
        assert!(matches_globs(&star, "ref:v*"));
        assert!(!matches_globs(&star, "ref:v1"), "${{*}} is a literal *, not a wildcard");
        assert!(matches_globs(&pattern("ref:v*", true), "ref:v1"));
        assert!(matches_globs(&pattern("a${?}", true), "a?"));
        assert!(!matches_globs(&pattern("a${?}", true), "ab"));
        assert!(matches_globs(&pattern("release-${$}{CI}", false), "release-${CI}"));
        assert!(matches_globs(&pattern("v*", false), "v*"), "StringEquals: * is plain");
    }

    #[test]
    fn keys_resolve_to_the_request_value_or_null() {
        assert!(matches_globs(&pattern("${gitlab.com:ref_protected}", true), "true"));
        assert!(matches_globs(&pattern("${GITLAB.COM:ref_protected}-x", true), "true-x"));
        assert!(matches_globs(
            &pattern("${gitlab.com:user_login, 'anon'}", false),
            "anon"
        ));
        assert_eq!(
            resolve("release-${CI}", false, &lookup),
            Resolved::Null {
                variable: "${CI}".to_owned()
            }
        );
        assert!(matches!(
            resolve("${aws:SourceIp}", false, &lookup),
            Resolved::Unknown(_)
        ));
        // A substituted value's * is text, never a wildcard.
        let text = resolve("${k}", true, &|_| KeyValue::Value("a*".to_owned()));
        let Resolved::Pattern(globs) = text else { panic!() };
        assert!(matches_globs(&globs, "a*") && !matches_globs(&globs, "ab"));
    }

    #[test]
    fn escape_round_trips_through_resolve() {
        for (value, like) in [("release-${CI}", false), ("a*b?c$", true), ("$$", false), ("*", false)] {
            let escaped = escape(value, like);
            assert!(matches_globs(&pattern(&escaped, like), value), "{value} -> {escaped}");
        }
        assert_eq!(escape("release-${CI}", false), "release-${$}{CI}");
        assert_eq!(escape("v*?", true), "v${*}${?}");
        assert_eq!(escape("v*?", false), "v*?");
    }

    #[test]
    fn only_2012_10_17_substitutes() {
        assert!(substituted(Some("2012-10-17")));
        assert!(!substituted(Some("2008-10-17")));
        assert!(!substituted(None), "no Version means 2008-10-17");
    }
}
