use crate::finding::{Finding, Rule, Severity};
use crate::lint::sub_scope;
use crate::lint::{deny_guardrails, granted_sub_conditions, provider_claim, trusted_host, Context, Docs, LintRule};
use crate::policy::evaluate::{apply, expected_values};
use crate::policy::variables::KeyValue;
use crate::policy::{Condition, Document, Operator, Statement};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL007",
        name: "sub-any-ref",
        severity: Severity::Warning,
        why: "Any branch means anyone who can push a branch, even an unprotected one, can assume the role.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a `sub` that admits any ref (`ref:*`), any ref type (`ref_type:*`), or ends in a wildcard after the project, unless on gitlab.com `ref_protected` is pinned to `\"true\"` (or a Deny refuses every other value).",
    why_is_this_bad: "Developers can push any unprotected branch and run its pipeline. A role for deployments should trust only protected refs: name the branch or tag, or on gitlab.com pin `ref_protected` to `\"true\"` with `StringEquals` (a negated operator, `Null` or `ForAllValues` pins nothing).",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:*"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    context: "{}",
    fix: r#"Name the branch or tag (`ref_type:branch:ref:main`). On gitlab.com you can instead pin `"StringEquals": {"gitlab.com:ref_protected": "true"}`; elsewhere add `ref_protected` to the project's `ci_id_token_sub_claim_components` and match `ref_protected:true` in `sub`."#,
};

/// Whether a statement admits only protected refs: on gitlab.com (the only issuer whose
/// `ref_protected` AWS evaluates), a positive condition on the key that "true" satisfies
/// and "false" does not, or a Deny refusing every value but "true". A negated operator,
/// `Null` or `ForAllValues` in the statement pins nothing.
pub(super) fn protected_only(document: &Document, statement: &Statement) -> bool {
    let admits = |c: &Condition, value: &str| {
        let expected = expected_values(c, document.version.as_deref(), &|_| KeyValue::Missing);
        apply(&c.operator, &c.values, &expected, &[value.to_owned()], None).0
    };
    trusted_host(statement).is_some_and(|host| host.is_gitlab_com())
        && (statement.conditions.iter().any(|c| {
            let operator = Operator::parse(&c.operator);
            provider_claim(statement, c).is_some_and(|claim| claim.eq_ignore_ascii_case("ref_protected"))
                && operator.pins()
                && admits(c, "true")
                && !admits(c, "false")
        }) || deny_guardrails(document, statement, "ref_protected")
            .any(|(_, values)| values.iter().all(|v| v.eq_ignore_ascii_case("true"))))
}

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if protected_only(document, statement) {
            continue; // ref_protected = "true" already limits the refs to protected ones.
        }
        for (condition, path) in granted_sub_conditions(index, statement) {
            for value in &condition.values {
                let scope = sub_scope(document, value);
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
