use crate::finding::{Finding, Rule, Severity};
use crate::lint::{condition_path, provider_claim, trusted_host, Context, Docs, LintRule};
use crate::policy::{Document, Operator};
use crate::token::catalog::{claim_info, AwsConditionKey};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL012",
        name: "gitlab-com-key-elsewhere",
        severity: Severity::Error,
        why: "AWS evaluates project_id, namespace_id, ref_protected and the other extra keys only for gitlab.com; for any other issuer the key is missing.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags gitlab.com-only condition keys (`project_id`, `namespace_id`, `ref_protected`, `pipeline_source`, `runner_environment`, `user_*`) under a self-managed or Dedicated provider.",
    why_is_this_bad: "A missing key makes a plain condition false, so the role can never be assumed; under a negated or `…IfExists` operator it makes the condition true, so it restricts nothing. Put such facts in `sub` instead (`ci_id_token_sub_claim_components`, e.g. `ref_protected`).",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:aud":"sts.amazonaws.com","gitlab.example.com:sub":"project_path:acme/app:ref_type:branch:ref:main","gitlab.example.com:ref_protected":"true"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:aud":"sts.amazonaws.com","gitlab.example.com:sub":"project_path:acme/app:ref_type:branch:ref:main:ref_protected:true"}}}]}"#,
    context: "{}",
    fix: "Remove the key and put the fact into `sub`: add the component (such as `ref_protected`) to the project's `ci_id_token_sub_claim_components` and match it in the `sub` value.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        let Some(host) = trusted_host(statement) else { continue };
        if host.is_gitlab_com() {
            continue;
        }
        for condition in &statement.conditions {
            let Some(claim) = provider_claim(statement, condition) else {
                continue;
            };
            let gitlab_com_only = claim_info(&claim.to_ascii_lowercase())
                .is_some_and(|info| info.aws_condition_key == AwsConditionKey::GitlabComOnly);
            if !gitlab_com_only {
                continue;
            }
            let effect = if Operator::parse(&condition.operator).true_when_missing() {
                "the condition is always true and restricts nothing"
            } else {
                "the condition never matches and jobs get AccessDenied"
            };
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!("AWS evaluates {claim} only for gitlab.com, not for {host}: the key is missing, so {effect}; match it through sub instead"),
                )
                .about(claim)
                .at(condition_path(index, condition)),
            );
        }
    }
    findings
}
