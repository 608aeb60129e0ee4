use crate::finding::{Finding, Rule, Severity};
use crate::lint::{operator_rewrites, Context, Docs, LintRule};
use crate::policy::{Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL008",
        name: "for-all-values",
        severity: Severity::Error,
        why: "ForAllValues is true when the key is missing or empty, so under Allow it can admit requests it was meant to refuse.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags `ForAllValues:` on a GitLab condition key in an Allow statement.",
    why_is_this_bad: "IAM evaluates `ForAllValues` as true for an absent key. GitLab's keys are single-valued: use the plain operator. AWS advises never to use `ForAllValues` with `Allow`.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"ForAllValues:StringEquals":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Drop the `ForAllValues:` prefix and keep the plain operator (the one-click fix does): it is false for a missing key.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    operator_rewrites(document, &RULE.rule, |statement, condition| {
        if statement.effect != "Allow" || Operator::parse(&condition.operator).set != Some("ForAllValues") {
            return None;
        }
        let plain = crate::text::trim_prefixes(&condition.operator, "ForAllValues:").to_owned();
        let message = format!(
            "{} on {} is true when the key is missing; use {plain}",
            condition.operator, condition.key
        );
        Some((plain, message))
    })
}
