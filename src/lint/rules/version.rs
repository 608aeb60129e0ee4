use crate::finding::{Finding, Rule, Severity};
use crate::lint::{fixed, Context, Docs, LintRule};
use crate::policy::{Document, POLICY_VERSION};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL018",
        name: "policy-version",
        severity: Severity::Warning,
        why: "Without \"Version\": \"2012-10-17\" IAM evaluates the policy in the 2008 language, which lacks features such as policy variables.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a trust policy with no `Version` or a version other than `2012-10-17`.",
    why_is_this_bad: "IAM falls back to the 2008-10-17 language: `${…}` policy variables are then literal text, a surprise waiting for the next edit.",
    example: r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: r#"Add `"Version": "2012-10-17"` (the one-click fix does), and write any literal `$` in a value as `${$}`."#,
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    if document.version.as_deref() == Some(POLICY_VERSION) {
        return Vec::new();
    }
    let message = match &document.version {
        None => "the policy has no Version; add \"Version\": \"2012-10-17\"".to_owned(),
        Some(old) => format!("Version {old:?} is the old policy language; use \"2012-10-17\""),
    };
    vec![Finding::new(&RULE.rule, message)
        .at("$.Version")
        .with_fix(fixed(document, |d| d.version = Some(POLICY_VERSION.to_owned())))]
}
