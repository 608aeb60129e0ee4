use crate::finding::{Finding, Rule, Severity};
use crate::lint::{condition_path, with_operator, Context, Docs, LintRule};
use crate::policy::{Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL008",
        name: "for-all-values",
        severity: Severity::Error,
        why: "ForAllValues is true when the key is missing or empty, so under Allow it can admit requests it was meant to refuse.",
    },
    docs: Docs {
        what_it_does: "Flags `ForAllValues:` on a GitLab condition key in an Allow statement.",
        why_is_this_bad: "IAM evaluates `ForAllValues` as true for an absent key. GitLab's keys are single-valued: use the plain operator. AWS advises never to use `ForAllValues` with `Allow`.",
        example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"ForAllValues:StringEquals":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
        use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
        context: "{}",
    },
    check,
};

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if statement.effect != "Allow" {
            continue;
        }
        for (position, condition) in statement.conditions.iter().enumerate() {
            if Operator::parse(&condition.operator).set != Some("ForAllValues") {
                continue;
            }
            let plain = condition.operator.trim_start_matches("ForAllValues:").to_owned();
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!(
                        "{} on {} is true when the key is missing; use {plain}",
                        condition.operator, condition.key
                    ),
                )
                .at(condition_path(index, condition))
                .with_fix(with_operator(document, index, position, &plain)),
            );
        }
    }
    findings
}
