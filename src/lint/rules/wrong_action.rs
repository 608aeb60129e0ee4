use crate::text::Joined as _;
use crate::finding::{Finding, Rule, Severity};
use crate::lint::{fixed, trusts_oidc, Context, Docs, LintRule};
use crate::policy::{Document, ASSUME_ROLE_WITH_WEB_IDENTITY};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL015",
        name: "wrong-action",
        severity: Severity::Error,
        why: "A GitLab job assumes the role with sts:AssumeRoleWithWebIdentity; any other action either blocks it or allows more than it needs.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a statement trusting an OIDC provider whose `Action` is not exactly `sts:AssumeRoleWithWebIdentity`: `sts:AssumeRole`, a wildcard, or a list: an error when the web-identity action is missing, a warning when it is there among broader ones.",
    why_is_this_bad: "Without the web-identity action, jobs get AccessDenied; a wildcard such as `sts:*` grants actions the provider's tokens never need.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: r#"Set `"Action": "sts:AssumeRoleWithWebIdentity"` (the one-click fix does). Give other principals and actions a statement or role of their own."#,
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if !trusts_oidc(statement) || statement.actions == [ASSUME_ROLE_WITH_WEB_IDENTITY] {
            continue;
        }
        // NotAction without Action: element-not-allowed (POL017) flags it as too broad; here
        // only whether it leaves the web-identity action out.
        if let (true, Some(excluded)) = (statement.actions.is_empty(), statement.not_actions()) {
            if !statement.covers_web_identity() {
                findings.push(Finding::new(
                    &RULE.rule,
                    format!("NotAction {} excludes sts:AssumeRoleWithWebIdentity, so GitLab jobs get AccessDenied", excluded.joined(", ")),
                )
                .at(format!("$.Statement[{index}].NotAction"))
                .with_fix(fixed(document, |d| {
                    d.statements[index].other.remove("NotAction");
                    d.statements[index].actions = vec![ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned()];
                })));
            }
            continue;
        }
        let covers = statement.covers_web_identity();
        let actions = if statement.actions.is_empty() {
            "no Action".to_owned()
        } else {
            statement.actions.joined(", ")
        };
        let message = if covers {
            format!("Action {actions} allows more than sts:AssumeRoleWithWebIdentity; a GitLab job needs only that")
        } else {
            format!("Action {actions} does not include sts:AssumeRoleWithWebIdentity, so GitLab jobs get AccessDenied")
        };
        let mut finding = Finding::new(&RULE.rule, message);
        if covers {
            // Jobs still work; the role is only broader than it needs to be.
            finding.severity = Severity::Warning;
        }
        findings.push(
            finding
                .at(format!("$.Statement[{index}].Action"))
                .with_fix(fixed(document, |d| {
                    d.statements[index].actions = vec![ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned()];
                })),
        );
    }
    findings
}
