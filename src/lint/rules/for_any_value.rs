use crate::finding::{Finding, Rule, Severity};
use crate::lint::{operator_rewrites, Context, Docs, LintRule};
use crate::policy::{split_key, Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL009",
        name: "for-any-value-single-key",
        severity: Severity::Warning,
        why: "ForAnyValue is for multi-valued keys; GitLab's keys hold one value, so the prefix only hides what the condition does.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags `ForAnyValue:` on a GitLab condition key (`sub`, `aud`, `project_id`, …), all of which are single-valued.",
    why_is_this_bad: "It happens to work for one value, but readers and tools expect a set; and it changes what a missing key means: `ForAnyValue` is false for a missing key even with a negated or `…IfExists` operator (IAM: \"for no matching key or a null dataset, the condition returns false\"), where the plain operator would be true.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"ForAnyValue:StringEquals":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Drop the `ForAnyValue:` prefix and keep the plain operator (the one-click fix does).",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    operator_rewrites(document, &RULE.rule, |_, condition| {
        let gitlab_key = split_key(&condition.key).is_some_and(|(prefix, _)| prefix.bytes().any(|b| b == b'.'));
        if Operator::parse(&condition.operator).set != Some("ForAnyValue") || !gitlab_key {
            return None;
        }
        let plain = crate::text::trim_prefixes(&condition.operator, "ForAnyValue:").to_owned();
        let message = format!(
            "{} is single-valued; use {plain} instead of {}",
            condition.key, condition.operator
        );
        Some((plain, message))
    })
}
