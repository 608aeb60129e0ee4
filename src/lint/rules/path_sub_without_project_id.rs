use crate::finding::{Finding, Rule, Severity};
use crate::lint::sub_scope;
use crate::lint::{deny_guardrails, granted_sub_conditions, trusted_host, Context, Docs, LintRule};
use crate::policy::{Document, Operator, Statement};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL014",
        name: "path-sub-without-project-id",
        severity: Severity::Warning,
        why: "A path-based sub follows the path, not the project: a rename or transfer carries the trust to whatever sits at the path, and GitLab releases before its reclaimed-path check let a new project at an old path inherit it.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "On gitlab.com, flags a statement whose `sub` names the project by path with no `gitlab.com:project_id` pin: a `StringEquals` (or other positive) condition whose values are literal ids.",
    why_is_this_bad: "Paths are reusable; project ids never are. Newer GitLab refuses to issue an ID token whose `sub` path belonged to another project (`lib/gitlab/ci/oidc_burned_path_error.rb`, job failure `id_token_burned_project_path`; enforced on gitlab.com, release not confirmed here), so a stranger can no longer take over an old path there; but a renamed or transferred project still carries its path-based trust with it, older self-managed instances lack the check, and the path alone names no one project over time. AWS evaluates `gitlab.com:project_id`, which stays the same across renames and transfers: pinning it is the stable identity. (Self-managed instances have no such key: start the sub with `project_id` there, via `ci_id_token_sub_claim_components`.)",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main","gitlab.com:project_id":"42"}}}]}"#,
    context: "{}",
    fix: r#"Add `"StringEquals": {"gitlab.com:project_id": "<id>"}` beside the path-based `sub`, with the project's id (Settings › General, or the token's `project_id` claim); `trustPolicyForToken` pins it from a token."#,
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

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if !trusted_host(statement).is_some_and(|h| h.is_gitlab_com()) {
            continue;
        }
        if project_pinned(document, statement) {
            continue;
        }
        let by_path = granted_sub_conditions(index, statement).find_map(|(c, path)| {
            c.values
                .iter()
                .find(|v| {
                    let scope = sub_scope(document, v);
                    scope.by_path && !scope.any_project
                })
                .map(|v| (v, path))
        });
        if let Some((value, path)) = by_path {
            // In a merge request pipeline from a fork, project_id (the key AWS has) is the
            // fork's, while job_project_path names the project the job runs in: the stable
            // identity for that sub is job_project_id in sub itself (GitLab's reclaimed-path
            // advice: start sub with the id component that matches the path component).
            let advice = if value.starts_with("job_project_path:") {
                "start sub with job_project_id instead (ci_id_token_sub_claim_components): AWS has no job_project_id key, and gitlab.com:project_id is the fork's in merge request pipelines from forks"
            } else {
                "pin the project id"
            };
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!("sub names the project by path and nothing pins gitlab.com:project_id; the trust follows the path through renames and transfers (and, before GitLab refused reclaimed paths, to a new project at the old path): {advice}"),
                )
                .about("project_id")
                .at(path),
            );
        }
    }
    findings
}
