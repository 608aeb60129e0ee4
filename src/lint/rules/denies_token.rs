use crate::finding::{Finding, Rule, Severity};
use crate::lint::{Context, Docs, LintRule};
use crate::policy::evaluate::{evaluate, Request};
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL023",
        name: "denies-token",
        severity: Severity::Error,
        why: "A job whose token the policy does not admit gets AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "With a token in the context, evaluates the policy as IAM would and reports why it denies the token; a warning when the outcome hangs on conditions this tool cannot evaluate (request keys such as `aws:SourceIp`, operators it does not implement). Silent when a statement's `Effect` is not exactly `Allow` or `Deny`: IAM rejects that policy outright (POL024).",
    why_is_this_bad:
        "The token is the job's real request; if the policy refuses it, the pipeline fails at the STS call.",
    example: gitlab_com_policy!(
        r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"46573356","gitlab.com:sub":"project_path:acme/platform/deployer:ref_type:branch:ref:develop"}}"#
    ),
    use_instead: gitlab_com_policy!(
        r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"46573356","gitlab.com:sub":"project_path:acme/platform/deployer:ref_type:branch:ref:main"}}"#
    ),
    context: r#"{"token":"@gitlab-com-main"}"#,
    fix: "Read the finding's message: it names the statement and condition that refuse the token. Change the policy to admit this job (step 2 of the page builds one from the token), or run the job where the policy expects it (another branch, tag or environment).",
};

pub(super) fn check(document: &Document, context: &Context) -> Vec<Finding> {
    let Some((claims, host)) = &context.token else {
        return Vec::new();
    };
    // IAM rejects the policy outright (POL024 says so): there is no token verdict to give.
    if document.statements.iter().any(|s| s.effect != "Allow" && s.effect != "Deny") {
        return Vec::new();
    }
    let evaluation = evaluate(
        document,
        Request {
            claims,
            host: host.as_ref(),
        },
    );
    if evaluation.allowed {
        return Vec::new();
    }
    if evaluation.undecided.is_empty() {
        return vec![Finding::new(&RULE.rule, format!("this token would be {}", evaluation.reason)).about("sub")];
    }
    // Not a certain denial: the outcome hangs on conditions this tool cannot evaluate.
    let mut finding = Finding::new(
        &RULE.rule,
        format!("whether this token is allowed is {}", evaluation.reason),
    )
    .about("sub");
    finding.severity = Severity::Warning;
    vec![finding]
}
