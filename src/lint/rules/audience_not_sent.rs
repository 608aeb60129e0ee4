use crate::text::Joined as _;
use crate::finding::{Finding, Rule, Severity};
use crate::lint::{claim_conditions, Context, Docs, LintRule};
use crate::policy::evaluate::{apply, expected_values};
use crate::policy::variables::KeyValue;
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL022",
        name: "audience-not-sent",
        severity: Severity::Error,
        why: "The job's ID token carries the aud it requested; a policy expecting another audience denies it.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "With the job's audience in the context (or a token), flags an `aud` condition that the job's audience cannot satisfy.",
    why_is_this_bad: "A mismatch between `id_tokens: …: aud:` and the policy fails with AccessDenied (or, if the provider lacks the client ID, `Incorrect token audience`).",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"https://gitlab.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: r#"{"audience":"sts.amazonaws.com"}"#,
    fix: "Make the policy's `<host>:aud` the audience the job requests in `id_tokens: …: aud:`, or change the job to request the policy's; keep that audience in the provider's client-ID list.",
};

pub(super) fn check(document: &Document, context: &Context) -> Vec<Finding> {
    let Some(audience) = context.audience.as_deref() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if statement.effect != "Allow" {
            continue;
        }
        for (condition, path) in claim_conditions(index, statement, "aud") {
            // An audience known only at deploy time may be the job's.
            if condition.values.iter().any(|v| crate::policy::unknown::has_unknown(v)) {
                continue;
            }
            let (matched, _) = apply(
                &condition.operator,
                &condition.values,
                &expected_values(condition, document.version.as_deref(), &|_| KeyValue::Missing),
                &[audience.to_owned()],
                None,
            );
            if !matched {
                findings.push(
                    Finding::new(
                        &RULE.rule,
                        format!(
                            "the job requests aud {audience:?}, but {} {} expects {}",
                            condition.operator,
                            condition.key,
                            condition.values.joined(" or ")
                        ),
                    )
                    .about("aud")
                    .at(path),
                );
            }
        }
    }
    findings
}
