use crate::finding::{Finding, Rule, Severity};
use crate::lint::has_plain_wildcard;
use crate::lint::{operator_rewrites, Context, Docs, LintRule};
use crate::policy::{Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL004",
        name: "string-like-without-wildcard",
        severity: Severity::Info,
        why: "StringLike with no * or ? behaves like StringEquals; StringEquals says what is meant and cannot grow a wildcard by accident.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a `StringLike` condition none of whose values has `*` or `?`.",
    why_is_this_bad: "Nothing breaks, but the reader has to check each value for wildcards. Exact values belong under `StringEquals`.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Change the operator to `StringEquals` (`StringNotLike` to `StringNotEquals`): the one-click fix does.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    operator_rewrites(document, &RULE.rule, |_, condition| {
        let operator = Operator::parse(&condition.operator);
        if !matches!(operator.base, "StringLike" | "StringNotLike")
            || condition.values.iter().any(|v| has_plain_wildcard(document, v))
            // A value known only at deploy time may hold a wildcard.
            || condition.values.iter().any(|v| crate::policy::unknown::has_unknown(v))
        {
            return None;
        }
        let equals = if operator.negated() {
            "StringNotEquals"
        } else {
            "StringEquals"
        };
        let replacement = crate::text::replace_first(&condition.operator, operator.base, equals);
        let message = format!(
            "{} on {} has no wildcard; {replacement} says the same plainly",
            condition.operator, condition.key
        );
        Some((replacement, message))
    })
}
