use crate::finding::{Finding, Rule, Severity};
use crate::lint::{Context, Docs, LintRule};
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL016",
        name: "principal-not-oidc-provider",
        severity: Severity::Error,
        why: "A role for GitLab jobs must trust exactly the IAM OIDC provider of the GitLab issuer; \"*\" or other principals trust far more.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags `\"Principal\": \"*\"`, `Federated` values that are not `oidc-provider` ARNs, and extra `AWS`/`Service` principals in a statement that allows.",
    why_is_this_bad: "`*` lets any principal assume the role, subject only to the conditions. A SAML provider, Cognito or Google cannot vouch for a GitLab job. Extra principals widen the role to callers that are not GitLab jobs.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main","gitlab.com:project_id":"42"}}"#),
    context: "{}",
    fix: r#"Trust exactly the GitLab instance's IAM OIDC provider: `"Principal": {"Federated": "arn:aws:iam::<account>:oidc-provider/<host>"}`. Give any other caller its own statement, or its own role."#,
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if statement.effect != "Allow" {
            continue;
        }
        let path = format!("$.Statement[{index}].Principal");
        if statement.principal_any {
            findings.push(
                Finding::new(&RULE.rule, "Principal \"*\" trusts every principal; name the provider: {\"Federated\": \"arn:aws:iam::<account>:oidc-provider/<host>\"}")
                    .at(path.clone()),
            );
        }
        // A principal known only at deploy time (`!Ref ProviderArn`) may be the provider.
        for arn in statement
            .federated
            .iter()
            .filter(|a| !crate::text::contains(a, ":oidc-provider/") && !crate::policy::unknown::is_unknown(a))
        {
            findings.push(
                Finding::new(&RULE.rule, format!("Principal.Federated {arn:?} is not an IAM OIDC provider ARN (arn:<partition>:iam::<account>:oidc-provider/<host>)"))
                    .at(path.clone()),
            );
        }
        if !statement.federated.is_empty() {
            for kind in statement.other_principals.keys() {
                findings.push(
                    Finding::new(&RULE.rule, format!("Principal also trusts {kind} principals; a role for GitLab jobs needs only the OIDC provider"))
                        .at(format!("{path}.{kind}")),
                );
            }
        }
    }
    findings
}
