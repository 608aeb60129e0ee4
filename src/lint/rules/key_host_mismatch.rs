use crate::finding::{Finding, Rule, Severity};
use crate::lint::{condition_path, fixed, trusted_host, Context, Docs, LintRule};
use crate::policy::{is_global_key, split_key, Document};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL010",
        name: "key-host-mismatch",
        severity: Severity::Error,
        why: "A condition key whose prefix is not the trusted provider's host is never present in the request, so the condition never matches (or, negated, never restricts).",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a condition key whose `<host>:` prefix differs from the provider in `Principal.Federated`: another host, a bare name (`gitlab:sub`), a scheme, a missing relative-URL path, a trailing slash. Only the global `aws:` and `sts:` keys have no host.",
    why_is_this_bad: "AWS names keys after the provider URL without `https://`, path included: `example.com/gitlab:sub`, never `https://example.com/gitlab:sub` or `example.com:sub`.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/example.com/gitlab"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"example.com:aud":"sts.amazonaws.com","example.com/gitlab:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/example.com/gitlab"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"example.com/gitlab:aud":"sts.amazonaws.com","example.com/gitlab:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    context: "{}",
    fix: "Write the key with the provider's host exactly as the provider ARN has it, without `https://` and with the relative-URL path: `gitlab.com:sub`, `gitlab.example.com/gitlab:sub`. The one-click fix rewrites the key.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        let Some(host) = trusted_host(statement) else { continue };
        for (position, condition) in statement.conditions.iter().enumerate() {
            let Some((prefix, claim)) = split_key(&condition.key) else {
                continue;
            };
            // Global keys (aws:, sts:) have no host; every other prefix names a provider,
            // however it is spelt (`gitlab:sub` is not `gitlab.example.com:sub`).
            if is_global_key(&condition.key) || prefix.eq_ignore_ascii_case(host.as_str()) {
                continue;
            }
            let key = host.condition_key(claim);
            findings.push(
                Finding::new(
                    &RULE.rule,
                    format!(
                        "{} is not a key of the trusted provider {host}, so it never matches; use {key}",
                        condition.key
                    ),
                )
                .about(claim)
                .at(condition_path(index, condition))
                .with_fix(fixed(document, |d| {
                    d.statements[index].conditions[position].key.clone_from(&key);
                })),
            );
        }
    }
    findings
}
