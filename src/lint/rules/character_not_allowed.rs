use crate::finding::{Finding, Rule, Severity};
use crate::lint::{Context, Docs, LintRule};
use crate::policy::{allowed_in_policy, describe_char, Document};
use serde_json::Value;
use std::fmt::Write as _;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL027",
        name: "character-not-allowed",
        severity: Severity::Error,
        why: "IAM refuses policy documents with characters other than tab, line feed, carriage return and U+0020 to U+00FF.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Finds the first character in the policy (in a key or a value, after JSON escapes are read) that IAM does not accept in policy documents, and says where it is.",
    why_is_this_bad: "\"Policy documents can contain only the following Unicode characters: horizontal tab (U+0009), linefeed (U+000A), carriage return (U+000D), and characters in the range U+0020 to U+00FF\" (IAM quotas). Creating or updating the role fails with MalformedPolicyDocument. Git allows refs with other characters (an en dash, an emoji): such a ref cannot be named in a trust policy, so match it with a pattern or rename it.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:fix\u2013login"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:fix-login"}}"#),
    context: "{}",
    fix: "Rename the branch or tag to use characters IAM accepts, or match it with a `StringLike` pattern in which `?` stands for the character; the finding's path says where it is.",
};

/// The JSON path and text of the first string (key or value) holding a refused character.
fn first_refused(value: &Value, path: &mut String, markers: bool) -> Option<(String, String, char)> {
    use crate::policy::unknown::{CLOSE, OPEN};
    let refused = |text: &str| {
        text.chars()
            .find(|&c| !(allowed_in_policy(c) || markers && matches!(c, OPEN | CLOSE)))
    };
    match value {
        Value::String(text) => refused(text).map(|c| (path.clone(), text.clone(), c)),
        Value::Array(items) => items.iter().enumerate().find_map(|(index, item)| {
            let length = path.len();
            let _ = write!(path, "[{index}]");
            let found = first_refused(item, path, markers);
            path.truncate(length);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            if let Some(c) = refused(key) {
                return Some((path.clone(), key.clone(), c));
            }
            let length = path.len();
            // As `condition_path` writes them: `.Statement`, `["gitlab.com:sub"]`.
            if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b':' || b == b'_') {
                let _ = write!(path, ".{key}");
            } else {
                let _ = write!(path, "[{}]", crate::text::json_string(key));
            }
            let found = first_refused(item, path, markers);
            path.truncate(length);
            found
        }),
        _ => None,
    }
}

pub(super) fn check(document: &Document, context: &Context) -> Vec<Finding> {
    let mut path = "$".to_owned();
    // A value known only at deploy time is written as a marker of two private-use characters.
    let Some((path, text, c)) = first_refused(&document.to_json_value(), &mut path, context.unknown_values) else {
        return Vec::new();
    };
    vec![Finding::new(
        &RULE.rule,
        format!(
            "{text:?} contains {}, which IAM refuses in policy documents (only tab, line feed, carriage return and U+0020 to U+00FF): creating the role fails with MalformedPolicyDocument",
            describe_char(c)
        ),
    )
    .at(path)]
}
