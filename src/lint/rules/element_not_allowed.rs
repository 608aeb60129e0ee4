use crate::finding::{Finding, Rule, Severity};
use crate::lint::{fixed, Context, Docs, LintRule};
use crate::policy::{Document, ASSUME_ROLE_WITH_WEB_IDENTITY};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL017",
        name: "element-not-allowed",
        severity: Severity::Error,
        why: "Trust policies name who may assume the role; Resource has no place there (IAM rejects it), NotPrincipal is not allowed in them, and NotAction under Allow grants almost every action.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags `Resource`, `NotResource` and `NotPrincipal` in a trust-policy statement, and `NotAction` in an `Allow` statement.",
    why_is_this_bad: "IAM refuses a trust policy with `Resource` (MalformedPolicyDocument), and IAM role trust policies cannot use `NotPrincipal`. `NotAction` with `Allow` grants every action it does not list. (`NotAction` under `Deny` only narrows what the statement refuses.)",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Resource":"*","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Remove the element (the one-click fix does, and gives a statement left without `Action` the web-identity action): a trust policy says who may assume the role with `Principal`, `Action` and `Condition` under `Allow`.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for element in ["Resource", "NotResource", "NotPrincipal", "NotAction"] {
            if !statement.other.contains_key(element) {
                continue;
            }
            let why = match element {
                "NotPrincipal" => "IAM role trust policies cannot use it",
                // Under Deny it narrows what the statement refuses: nothing too broad.
                "NotAction" if statement.effect != "Allow" => continue,
                "NotAction" => "with Allow it grants every action it does not list",
                _ => "trust policies have no resource; IAM rejects the policy",
            };
            let finding = Finding::new(
                &RULE.rule,
                format!("{element} does not belong in a trust policy: {why}"),
            )
            .at(format!("$.Statement[{index}].{element}"));
            // Without NotPrincipal a statement needs a Principal of its own, and without NotAction an
            // Action: the fix gives the web-identity action, and leaves NotPrincipal alone when no
            // Principal would be left.
            let fixable = element != "NotPrincipal" || statement.principal_any || !statement.federated.is_empty() || !statement.other_principals.is_empty();
            findings.push(if fixable {
                finding.with_fix(fixed(document, |d| {
                    let statement = &mut d.statements[index];
                    statement.other.remove(element);
                    if element == "NotAction" && statement.actions.is_empty() {
                        statement.actions = vec![ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned()];
                    }
                }))
            } else {
                finding
            });
        }
    }
    findings
}
