use crate::finding::{Finding, Rule, Severity};
use crate::lint::{condition_path, provider_claim, Context, Docs, LintRule};
use crate::policy::{Document, Operator};
use crate::token::catalog::{claim_info, AwsConditionKey};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL013",
        name: "key-not-evaluated",
        severity: Severity::Error,
        why: "AWS evaluates only sub and aud (and on gitlab.com a fixed list) for GitLab tokens; any other claim as a key is always missing.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags condition keys AWS never evaluates for GitLab: `<host>:ref`, `:ref_type`, `:environment`, `:project_path`, `:namespace_path`, `:job_id`, and any other claim outside AWS's list.",
    why_is_this_bad: "The key is missing from every request, so a plain condition never matches (AccessDenied) and a negated or `…IfExists` one restricts nothing. Match refs and paths through `sub`.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main","gitlab.com:environment":"production"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Remove the condition and match the same fact through `<host>:sub`: the ref and project are in it by default; add components such as `environment_protected` or `deployment_tier` to the project's `ci_id_token_sub_claim_components` when the policy needs them.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for condition in &statement.conditions {
            let Some(claim) = provider_claim(statement, condition) else {
                continue;
            };
            let evaluated =
                claim_info(&claim.to_ascii_lowercase()).is_some_and(|i| i.aws_condition_key != AwsConditionKey::No);
            if evaluated {
                continue;
            }
            let effect = if Operator::parse(&condition.operator).true_when_missing() {
                "the condition is always true and restricts nothing"
            } else {
                "the condition never matches and jobs get AccessDenied"
            };
            let hint = match claim {
                "ref" | "ref_type" | "project_path" => "; match it through sub",
                "environment" | "environment_protected" | "deployment_tier" => {
                    "; add environment_protected or deployment_tier to the project's sub components instead"
                }
                _ => "",
            };
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!(
                        "AWS does not evaluate {claim} for GitLab tokens: the key is always missing, so {effect}{hint}"
                    ),
                )
                .about(claim)
                .at(condition_path(index, condition)),
            );
        }
    }
    findings
}
