use crate::finding::{Finding, Rule, Severity};
use crate::lint::has_plain_wildcard;
use crate::lint::{operator_rewrites, Context, Docs, LintRule};
use crate::policy::{Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL003",
        name: "wildcard-under-string-equals",
        severity: Severity::Error,
        why: "StringEquals compares literally: a value with * or ? never matches a real sub, so jobs get AccessDenied (or, under StringNotEquals, the condition excludes nothing).",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags `*` or `?` in a value under `StringEquals`, `StringEqualsIgnoreCase` or their negations.",
    why_is_this_bad: "Only `StringLike` treats `*` and `?` as wildcards. GitLab's troubleshooting lists this as a cause of `Not authorized to perform sts:AssumeRoleWithWebIdentity`.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:ref_protected":"true","gitlab.com:sub":"project_path:acme/app:ref_type:tag:ref:v*"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:ref_protected":"true"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:tag:ref:v*"}}"#),
    context: "{}",
    fix: "For a pattern, use `StringLike` (`StringNotEquals` becomes `StringNotLike`): the one-click fix changes the operator. For an exact value, remove the `*` or `?`. A `*` or `?` meant literally is written `${*}` or `${?}` under `StringLike`.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    operator_rewrites(document, &RULE.rule, |_, condition| {
        let operator = Operator::parse(&condition.operator);
        if !operator.base.starts_with("StringEquals") && !operator.base.starts_with("StringNotEquals") {
            return None;
        }
        let value = condition.values.iter().find(|v| has_plain_wildcard(document, v))?;
        let like = if operator.negated() {
            "StringNotLike"
        } else {
            "StringLike"
        };
        let replacement = crate::text::replace_first(&condition.operator, operator.base, like);
        let message = format!(
            "{} compares {value:?} literally, so * and ? are plain characters here; use {replacement}",
            condition.operator
        );
        Some((replacement, message))
    })
}
