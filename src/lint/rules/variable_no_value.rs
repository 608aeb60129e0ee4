use crate::text::Gather as _;
use crate::finding::{Finding, Rule, Severity};
use crate::lint::{condition_path, fixed, trusted_host, Context, Docs, LintRule};
use crate::policy::variables::{self, Piece, Variable};
use crate::policy::{is_global_key, split_key, Document, Statement};
use crate::token::catalog;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL026",
        name: "variable-no-value",
        severity: Severity::Warning,
        why: "In a 2012-10-17 policy IAM reads ${…} in a condition value as a policy variable; one that no web-identity request has a value for makes the value match nothing (and a negated operator always hold).",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "In a `\"Version\": \"2012-10-17\"` policy, flags a condition value holding `${name}` where `name` is no key a web-identity request carries for the statement's provider (`${CI}`, `${CI_COMMIT_REF_NAME}`, `${gitlab.com:ref}`), with no default. Offers the value with `$` written as `${$}`.",
    why_is_this_bad: "IAM substitutes policy variables in condition values; a variable without a value is null, so `StringEquals` and `StringLike` never match the value and `StringNotEquals` and `StringNotLike` always hold (IAM User Guide, policy variables with no value). A git ref may contain `$`, so a generated or copied ref such as `release-${CI}` silently denies that job. A literal `$` is written `${$}`, `*` and `?` under `StringLike` as `${*}` and `${?}`.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:release-${CI}"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:release-${$}{CI}"}}"#),
    context: "{}",
    fix: "Write a literal `$` as `${$}` (the one-click fix does). A `${CI…}` left by a template that was never rendered has no fix here: render the template before deploying the policy.",
};

/// Whether a web-identity request under this statement can have a value for the key: one the
/// STS call sets (`aws:…`, `sts:…`: unknown here, so given the benefit of the doubt), or a
/// claim AWS evaluates for the provider the statement trusts.
fn has_value(statement: &Statement, key: &str) -> bool {
    if is_global_key(key) {
        return true;
    }
    let Some((prefix, claim)) = split_key(key) else {
        return false;
    };
    trusted_host(statement).is_some_and(|host| {
        prefix.eq_ignore_ascii_case(host.as_str())
            && catalog::condition_key_claims(host.is_gitlab_com()).any(|info| info.name.eq_ignore_ascii_case(claim))
    })
}

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    if !variables::substituted(document.version.as_deref()) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (position, condition) in statement.conditions.iter().enumerate() {
            if condition.operator == "Null" {
                continue; // IAM substitutes no variables in Null
            }
            for (value_index, value) in condition.values.iter().enumerate() {
                let dead: Vec<&str> = variables::pieces(value)
                    .into_iter()
                    .filter_map(|piece| match piece {
                        Piece::Variable(Variable::Key { key, default: None }) if !has_value(statement, key) => Some(key),
                        _ => None,
                    })
                    .gather();
                let Some(first) = dead.first() else { continue };
                let path = condition_path(index, condition);
                // A CI/CD variable left by a template that was never rendered: escaping its `$`
                // would not make the value mean anything either.
                if first.starts_with("CI_") || first.starts_with("GITLAB_") {
                    findings.push(
                        Finding::new(
                            &RULE.rule,
                            format!(
                                "{} value {value:?} holds ${{{first}}}, a GitLab CI/CD variable left in the policy: IAM reads it as a policy variable with no value, so the value matches nothing; substitute it before creating the role",
                                condition.key
                            ),
                        )
                        .at(path),
                    );
                    continue;
                }
                // The value as meant: the `$` of every dead variable written `${$}`.
                let mut escaped = value.clone();
                for key in &dead {
                    escaped = crate::text::replace_first(&escaped, &format!("${{{key}}}"), &format!("${{$}}{{{key}}}"));
                }
                let fix = fixed(document, |d| {
                    d.statements[index].conditions[position].values[value_index].clone_from(&escaped);
                });
                findings.push(
                    Finding::new(
                        &RULE.rule,
                        format!(
                            "{} value {value:?} holds ${{{first}}}, a policy variable no request from this provider has a value for, so the value matches nothing; write a literal $ as ${{$}} ({escaped:?})",
                            condition.key
                        ),
                    )
                    .at(path)
                    .with_fix(fix),
                );
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use crate::lint::{lint, Context};
    use crate::policy::parse::parse_policy;

    fn findings(version: &str, sub: &str) -> Vec<crate::finding::Finding> {
        let policy = format!(
            r#"{{"Version":"{version}","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":{sub:?}}}}}}}]}}"#
        );
        lint(&parse_policy(&policy).unwrap(), &Context::default())
            .into_iter()
            .filter(|f| f.code == "POL026")
            .collect()
    }

    #[test]
    fn dead_variables_are_found_and_escaped() {
        let found = findings("2012-10-17", "project_path:acme/app:ref_type:branch:ref:a-${x}-${y}");
        assert_eq!(found.len(), 1, "{found:?}");
        let fix = found[0].fix.as_deref().unwrap();
        assert!(fix.contains("ref:a-${$}{x}-${$}{y}"), "{fix}");
        // The fixed policy no longer fires.
        assert!(findings("2012-10-17", "project_path:acme/app:ref_type:branch:ref:a-${$}{x}").is_empty());
        // Keys a request carries, defaults and the special characters are not dead.
        for sub in [
            "project_path:acme/app:ref_type:branch:ref:${gitlab.com:ref_protected}",
            "project_path:acme/app:ref_type:branch:ref:${x, 'main'}",
            "project_path:acme/app:ref_type:branch:ref:${aws:PrincipalTag/ref}",
            "project_path:acme/app:ref_type:branch:ref:v${*}${?}",
        ] {
            assert!(findings("2012-10-17", sub).is_empty(), "{sub}");
        }
        // A claim AWS does not evaluate, or another provider's key, has no value.
        assert_eq!(findings("2012-10-17", "project_path:acme/app:ref_type:branch:ref:${gitlab.com:ref}").len(), 1);
        assert_eq!(findings("2012-10-17", "project_path:acme/app:ref_type:branch:ref:${gitlab.example.com:sub}").len(), 1);
        // 2008-10-17 has no variables.
        assert!(findings("2008-10-17", "project_path:acme/app:ref_type:branch:ref:a-${x}").is_empty());
        // A CI/CD variable from an unrendered template: no escape is offered.
        let template = findings("2012-10-17", "project_path:${CI_PROJECT_PATH}:ref_type:branch:ref:main");
        assert!(template[0].fix.is_none() && template[0].message.contains("GitLab CI/CD variable"));
    }
}
