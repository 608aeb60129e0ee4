use crate::finding::{Finding, Rule, Severity};
use crate::lint::{fixed, Context, Docs, LintRule};
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL017",
        name: "element-not-allowed",
        severity: Severity::Error,
        why: "Trust policies name who may assume the role; Resource has no place there (IAM rejects it) and NotPrincipal or NotAction under Allow trust almost everyone.",
    },
    check,
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags `Resource`, `NotResource`, `NotPrincipal` and `NotAction` in a trust-policy statement.",
    why_is_this_bad: "IAM refuses a trust policy with `Resource` (MalformedPolicyDocument). `NotPrincipal` and `NotAction` with `Allow` grant everything not listed.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Resource":"*","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Remove the element (the one-click fix does): a trust policy says who may assume the role with `Principal`, `Action` and `Condition` under `Allow`.",
};

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for element in ["Resource", "NotResource", "NotPrincipal", "NotAction"] {
            if !statement.other.contains_key(element) {
                continue;
            }
            let why = if element.ends_with("Resource") {
                "trust policies have no resource; IAM rejects the policy"
            } else {
                "with Allow it grants everything not listed"
            };
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!("{element} does not belong in a trust policy: {why}"),
                )
                .at(format!("$.Statement[{index}].{element}"))
                .with_fix(fixed(document, |d| {
                    d.statements[index].other.remove(element);
                })),
            );
        }
    }
    findings
}
