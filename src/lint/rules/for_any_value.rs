use crate::finding::{Finding, Rule, Severity};
use crate::lint::{condition_path, with_operator, Context, Docs, LintRule};
use crate::policy::{split_key, Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL009",
        name: "for-any-value-single-key",
        severity: Severity::Warning,
        why: "ForAnyValue is for multi-valued keys; GitLab's keys hold one value, so the prefix only hides what the condition does.",
    },
    docs: Docs {
        what_it_does: "Flags `ForAnyValue:` on a GitLab condition key (`sub`, `aud`, `project_id`, …), all of which are single-valued.",
        why_is_this_bad: "It happens to work for one value, but readers and tools expect a set; and a negated `ForAnyValue` operator does not mean what it seems.",
        example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"ForAnyValue:StringEquals":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
        use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
        context: "{}",
    },
    check,
};

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (position, condition) in statement.conditions.iter().enumerate() {
            let gitlab_key = split_key(&condition.key).is_some_and(|(prefix, _)| prefix.contains('.'));
            if Operator::parse(&condition.operator).set != Some("ForAnyValue") || !gitlab_key {
                continue;
            }
            let plain = condition.operator.trim_start_matches("ForAnyValue:").to_owned();
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!(
                        "{} is single-valued; use {plain} instead of {}",
                        condition.key, condition.operator
                    ),
                )
                .at(condition_path(index, condition))
                .with_fix(with_operator(document, index, position, &plain)),
            );
        }
    }
    findings
}
