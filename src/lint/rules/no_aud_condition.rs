use crate::finding::{Finding, Rule, Severity};
use crate::lint::{claim_conditions, deny_guardrails, fixed, trusted_host, trusts_oidc, Context, Docs, LintRule};
use crate::policy::spec::DEFAULT_AUDIENCE;
use crate::policy::{Condition, Document, Operator};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL002",
        name: "no-aud-condition",
        severity: Severity::Warning,
        why: "Without an aud condition the role accepts a token minted for any audience the provider lists, such as one meant for another service.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags an Allow statement trusting an OIDC provider with no condition that restricts `<host>:aud`, and no Deny refusing every audience but literal ones (negated `<host>:aud` conditions only).",
    why_is_this_bad: "STS checks aud against the provider's client-ID list, which may hold several audiences shared by many roles. A condition ties this role to the audience its jobs request.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main","gitlab.com:project_id":"42"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main","gitlab.com:project_id":"42","gitlab.com:aud":"sts.amazonaws.com"}}"#),
    context: "{}",
    fix: r#"Add `"StringEquals": {"<host>:aud": "<audience>"}` to the statement, with the `aud` the job requests in `id_tokens:` (`sts.amazonaws.com` by default). The one-click fix adds it with the context's audience."#,
};

pub(super) fn check(document: &Document, context: &Context) -> Vec<Finding> {
    let audience = context.audience.as_deref().unwrap_or(DEFAULT_AUDIENCE);
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        // A condition restricts aud when it admits listed values (not negated, not `Null`), none of them `*`.
        let restricts = |c: &Condition| {
            Operator::parse(&c.operator).positive() && !c.values.iter().any(|v| v.chars().all(|ch| ch == '*'))
        };
        // A Deny refusing every aud but literal ones restricts it as well.
        let guarded = || {
            deny_guardrails(document, statement, "aud").any(|(_, auds)| !auds.iter().any(|v| crate::text::has_wildcard(v)))
        };
        if !trusts_oidc(statement) || claim_conditions(index, statement, "aud").any(|(c, _)| restricts(c)) || guarded() {
            continue;
        }
        let star = claim_conditions(index, statement, "aud")
            .any(|(c, _)| c.values.iter().any(|v| v.chars().all(|ch| ch == '*')));
        let what = if star {
            "the aud condition admits any audience (*)"
        } else {
            "no condition restricts aud"
        };
        let mut finding = Finding::new(
            &RULE.rule,
            format!("{what}; use StringEquals <host>:aud {audience:?}, the audience the job requests"),
        )
        .about("aud")
        .at(format!("$.Statement[{index}]"));
        if let Some(host) = trusted_host(statement) {
            finding = finding.with_fix(fixed(document, |d| {
                d.statements[index].conditions.push(Condition::new(
                    "StringEquals",
                    host.condition_key("aud"),
                    vec![audience.to_owned()],
                ));
            }));
        }
        findings.push(finding);
    }
    findings
}
