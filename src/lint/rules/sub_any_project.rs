use crate::finding::{Finding, Rule, Severity};
use crate::lint::{sub_conditions, Context, Docs, LintRule};
use crate::policy::Document;
use crate::subject::pattern_scope;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL005",
        name: "sub-any-project",
        severity: Severity::Error,
        why: "A sub pattern that admits any project lets every project on the GitLab instance assume the role; on gitlab.com that is anyone.",
    },
    check,
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a `sub` condition whose project part is a wildcard: a lone `*`, `project_path:*…` or `project_id:*…`.",
    why_is_this_bad: "`*` matches any project on the instance. On gitlab.com anyone can create a project and run a pipeline, so anyone can assume the role.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"StringLike":{"gitlab.com:sub":"project_path:*:ref_type:branch:ref:main"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    context: "{}",
};

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (condition, path) in sub_conditions(index, statement) {
            for value in condition.values.iter().filter(|v| pattern_scope(v).any_project) {
                findings.push(
                    Finding::new(
                        &RULE.rule,
                        format!("sub {value:?} admits any project on the instance; name the project (project_path:group/project:…)"),
                    )
                    .about("sub")
                    .at(path.clone()),
                );
            }
        }
    }
    findings
}
