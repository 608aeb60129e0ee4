use crate::finding::{Finding, Rule, Severity};
use crate::lint::{sub_conditions, Context, Docs, LintRule};
use crate::policy::Document;
use crate::subject::pattern_scope;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL007",
        name: "sub-any-ref",
        severity: Severity::Warning,
        why: "Any branch means anyone who can push a branch, even an unprotected one, can assume the role.",
    },
    check,
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a `sub` that admits any ref (`ref:*`), any ref type (`ref_type:*`), or ends in a wildcard after the project.",
    why_is_this_bad: "Developers can push any unprotected branch and run its pipeline. A role for deployments should trust only protected refs: name the branch or tag, or pin `ref_protected` on gitlab.com.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:*"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    context: "{}",
};

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let protected = |statement: &crate::policy::Statement| {
        statement
            .conditions
            .iter()
            .any(|c| c.key.to_ascii_lowercase().ends_with(":ref_protected") && c.values == ["true"])
    };
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if protected(statement) {
            continue; // ref_protected = "true" already limits the refs to protected ones.
        }
        for (condition, path) in sub_conditions(index, statement) {
            for value in &condition.values {
                let scope = pattern_scope(value);
                if scope.any_project || !(scope.any_ref || scope.any_ref_type) {
                    continue; // any-project is its own, graver finding
                }
                let what = if scope.any_ref {
                    "any branch or tag"
                } else {
                    "branches and tags alike"
                };
                findings.push(
                    Finding::new(
                        &RULE.rule,
                        format!("sub {value:?} admits {what}, protected or not; name the ref, or pin ref_protected on gitlab.com"),
                    )
                    .about("sub")
                    .at(path.clone()),
                );
            }
        }
    }
    findings
}
