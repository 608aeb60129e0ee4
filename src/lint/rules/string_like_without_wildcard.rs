use crate::finding::{Finding, Rule, Severity};
use crate::lint::{condition_path, with_operator, Context, Docs, LintRule};
use crate::policy::{Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL004",
        name: "string-like-without-wildcard",
        severity: Severity::Info,
        why: "StringLike with no * or ? behaves like StringEquals; StringEquals says what is meant and cannot grow a wildcard by accident.",
    },
    docs: Docs {
        what_it_does: "Flags a `StringLike` condition none of whose values has `*` or `?`.",
        why_is_this_bad: "Nothing breaks, but the reader has to check each value for wildcards. Exact values belong under `StringEquals`.",
        example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
        use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
        context: "{}",
    },
    check,
};

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (position, condition) in statement.conditions.iter().enumerate() {
            let operator = Operator::parse(&condition.operator);
            if !matches!(operator.base, "StringLike" | "StringNotLike")
                || condition.values.iter().any(|v| v.contains(['*', '?']))
            {
                continue;
            }
            let equals = if operator.negated() {
                "StringNotEquals"
            } else {
                "StringEquals"
            };
            let replacement = condition.operator.replacen(operator.base, equals, 1);
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!(
                        "{} on {} has no wildcard; {replacement} says the same plainly",
                        condition.operator, condition.key
                    ),
                )
                .at(condition_path(index, condition))
                .with_fix(with_operator(document, index, position, &replacement)),
            );
        }
    }
    findings
}
