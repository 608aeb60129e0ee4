use crate::finding::{Finding, Rule, Severity};
use crate::lint::{deny_guardrails, granted_sub_conditions, trusted_host, Context, Docs, LintRule};
use crate::policy::{Document, Operator, Statement};
use crate::subject::pattern_scope;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL014",
        name: "path-sub-without-project-id",
        severity: Severity::Warning,
        why: "A project path can be reclaimed: if the project is renamed, moved or deleted, whoever creates a project at the old path inherits the trust.",
    },
    check,
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "On gitlab.com, flags a statement whose `sub` names the project by path with no `gitlab.com:project_id` pin: a `StringEquals` (or other positive) condition whose values are literal ids.",
    why_is_this_bad: "Paths are reusable; project ids never are. AWS evaluates `gitlab.com:project_id`, which stays the same across renames and transfers, so pinning it closes the reclaimed-path hole. (Self-managed instances have no such key: use the project_id sub form there.)",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main","gitlab.com:project_id":"42"}}}]}"#,
    context: "{}",
};

/// Whether a statement pins `gitlab.com:project_id` to literal ids with a positive
/// operator (not negated, `Null`, `ForAllValues` or a wildcard pattern).
fn pins_project_id(statement: &Statement) -> bool {
    statement.conditions.iter().any(|c| {
        let operator = Operator::parse(&c.operator);
        c.key.eq_ignore_ascii_case("gitlab.com:project_id")
            && operator.pins()
            && !c.values.is_empty()
            && c.values.iter().all(|id| is_id(id))
    })
}

/// Whether the project id is pinned: by the statement, or by a Deny refusing every
/// project id but literal ones.
pub(super) fn project_pinned(document: &Document, statement: &Statement) -> bool {
    pins_project_id(statement)
        || deny_guardrails(document, statement, "project_id").any(|(_, ids)| ids.iter().all(|id| is_id(id)))
}

/// A literal project id: digits, no wildcard.
fn is_id(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
}

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if !trusted_host(statement).is_some_and(|h| h.is_gitlab_com()) {
            continue;
        }
        if project_pinned(document, statement) {
            continue;
        }
        let by_path = granted_sub_conditions(index, statement).find(|(c, _)| {
            c.values.iter().any(|v| {
                let scope = pattern_scope(v);
                scope.by_path && !scope.any_project
            })
        });
        if let Some((_, path)) = by_path {
            findings.push(
                Finding::new(
                    &RULE.rule,
                    "sub names the project by path and nothing pins gitlab.com:project_id; a project created later at a reclaimed path would inherit this trust",
                )
                .about("project_id")
                .at(path),
            );
        }
    }
    findings
}
