use crate::finding::{Finding, Rule, Severity};
use crate::lint::sub_scope;
use crate::lint::{granted_sub_conditions, Context, Docs, LintRule};
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL006",
        name: "sub-group-wildcard",
        severity: Severity::Warning,
        why: "project_path:group/* admits every project in the group and in all its subgroups, including ones created later.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a `sub` pattern with a wildcard inside the project path, such as `project_path:group/*:…`.",
    why_is_this_bad: "`*` crosses `/`, so `group/*` also matches `group/subgroup/project`: every project anyone with access creates under the group can assume the role. A trailing `*` also crosses `:`, admitting every ref.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:aud":"sts.amazonaws.com"},"StringLike":{"gitlab.example.com:sub":"project_path:acme/*:ref_type:branch:ref:main"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:aud":"sts.amazonaws.com","gitlab.example.com:sub":["project_path:acme/api:ref_type:branch:ref:main","project_path:acme/web:ref_type:branch:ref:main"]}}}]}"#,
    context: "{}",
    fix: "List the projects the role is for by exact path (several values of one key OR together), and on gitlab.com pin `gitlab.com:project_id` to their ids. Keep a group pattern only if every project anyone can create in the group and its subgroups should have the role.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (condition, path) in granted_sub_conditions(index, statement) {
            for value in condition.values.iter().filter(|v| {
                let scope = sub_scope(document, v);
                scope.project_wildcard && !scope.any_project
            }) {
                findings.push(
                    Finding::new(
                        &RULE.rule,
                        format!("sub {value:?} admits every project matching the path pattern, subgroups included; list the projects instead"),
                    )
                    .about("sub")
                    .at(path.clone()),
                );
            }
        }
    }
    findings
}
