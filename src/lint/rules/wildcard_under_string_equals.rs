use crate::finding::{Finding, Rule, Severity};
use crate::lint::{condition_path, with_operator, Context, Docs, LintRule};
use crate::policy::{Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL003",
        name: "wildcard-under-string-equals",
        severity: Severity::Error,
        why: "StringEquals compares literally: a value with * or ? never matches a real sub, so jobs get AccessDenied (or, under StringNotEquals, the condition excludes nothing).",
    },
    docs: Docs {
        what_it_does: "Flags `*` or `?` in a value under `StringEquals`, `StringEqualsIgnoreCase` or their negations.",
        why_is_this_bad: "Only `StringLike` treats `*` and `?` as wildcards. GitLab's troubleshooting lists this as a cause of `Not authorized to perform sts:AssumeRoleWithWebIdentity`.",
        example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:tag:ref:v*"}}"#),
        use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:tag:ref:v*"}}"#),
        context: "{}",
    },
    check,
};

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (position, condition) in statement.conditions.iter().enumerate() {
            let operator = Operator::parse(&condition.operator);
            if !operator.base.starts_with("StringEquals") && !operator.base.starts_with("StringNotEquals") {
                continue;
            }
            let Some(value) = condition.values.iter().find(|v| v.contains(['*', '?'])) else {
                continue;
            };
            let like = if operator.negated() {
                "StringNotLike"
            } else {
                "StringLike"
            };
            let replacement = condition.operator.replacen(operator.base, like, 1);
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!(
                        "{} compares {value:?} literally, so * and ? are plain characters here; use {replacement}",
                        condition.operator
                    ),
                )
                .at(condition_path(index, condition))
                .with_fix(with_operator(document, index, position, &replacement)),
            );
        }
    }
    findings
}
