use crate::finding::{Finding, Rule, Severity};
use crate::lint::{fixed, Context, Docs, LintRule};
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL024",
        name: "invalid-effect",
        severity: Severity::Error,
        why: "IAM accepts only \"Allow\" and \"Deny\", spelt exactly so: any other Effect, or none, makes it reject the whole policy.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a statement whose `Effect` is missing or not exactly `Allow` or `Deny` (`allow`, `ALLOW`, `Permit`).",
    why_is_this_bad: "Effect values are case-sensitive: IAM refuses the policy with MalformedPolicyDocument, so the role cannot be created or updated with it. The other rules read such a statement as neither Allow nor Deny.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: r#"Write `"Effect": "Allow"` or `"Effect": "Deny"`, spelt exactly so. The one-click fix corrects the case (`allow` to `Allow`); any other word is left for you to decide."#,
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        let effect = statement.effect.as_str();
        if effect == "Allow" || effect == "Deny" {
            continue;
        }
        let message = if effect.is_empty() {
            "the statement has no Effect; IAM requires \"Allow\" or \"Deny\" and rejects the policy (MalformedPolicyDocument)".to_owned()
        } else {
            format!("Effect {effect:?} is not \"Allow\" or \"Deny\" (case-sensitive): IAM rejects the policy (MalformedPolicyDocument)")
        };
        let mut finding = Finding::new(&RULE.rule, message).at(format!("$.Statement[{index}].Effect"));
        // A different case has one meaning; anything else is left to the author.
        if let Some(meant) = ["Allow", "Deny"].into_iter().find(|e| e.eq_ignore_ascii_case(effect)) {
            finding = finding.with_fix(fixed(document, |d| meant.clone_into(&mut d.statements[index].effect)));
        }
        findings.push(finding);
    }
    findings
}
