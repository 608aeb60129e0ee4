use crate::finding::{Finding, Rule, Severity};
use crate::lint::sub_scope;
use crate::lint::{granted_sub_conditions, Context, Docs, LintRule};
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL005",
        name: "sub-any-project",
        severity: Severity::Error,
        why: "A sub pattern that admits any project lets every project on the GitLab instance assume the role; on gitlab.com that is anyone.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a `sub` pattern that admits any project: a lone `*`, a wildcard in the top-level group (`project_path:*…`, `?*`, `a*`, `*/x`) or anywhere in a project id (`project_id:*…`, `project_id:4*`).",
    why_is_this_bad: "`*` and `?` cross `/` and `:`, so a wildcard in the top-level group matches groups anyone can register, and a wildcard in an id matches ids handed to whoever creates the next project. On gitlab.com anyone can create a group or project and run a pipeline, so anyone can assume the role. `group/*` (a literal top-level group) is POL006.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"StringLike":{"gitlab.com:sub":"project_path:*:ref_type:branch:ref:main"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    context: "{}",
    fix: "Name the project exactly (`project_path:acme/app:…`), or start the pattern with your literal top-level group (`project_path:acme/*`, which POL006 still reports), and pin project ids to literal values. On gitlab.com also pin `gitlab.com:project_id`.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (condition, path) in granted_sub_conditions(index, statement) {
            for value in condition.values.iter().filter(|v| sub_scope(document, v).any_project) {
                findings.push(
                    Finding::new(
                        &RULE.rule,
                        format!("sub {value:?} admits any project on the instance (* and ? cross '/' and ':', and a wildcard in the top-level group or the project id matches groups and ids anyone can get); name the project (project_path:group/project:…)"),
                    )
                    .about("sub")
                    .at(path.clone()),
                );
            }
        }
    }
    findings
}
