//! The token inspector: everything a person needs to read a GitLab ID token,
//! computed from the text and a given "now".

use crate::text::Gather as _;
use serde::Serialize;
use serde_json::{Map, Value};

use super::catalog::{self, AwsConditionKey, ClaimType};
use super::rules;
use super::times::{token_times, Times, Validity};
use super::{decode_unverified, json_kind, Claims, TokenError, UnverifiedToken};
use crate::finding::Finding;
use crate::issuer::{IssuerError, ProviderHost};
use crate::subject::{Component, Subject, SubjectError};

/// What the inspector returns for a decodable token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    /// The header exactly as decoded.
    pub header: Map<String, Value>,
    /// The payload exactly as decoded, unknown claims kept in order.
    pub claims: Map<String, Value>,
    /// `sub` split into components, when it is a `sub` GitLab can emit.
    pub subject: Option<SubjectView>,
    /// One entry per claim in the token, in token order.
    pub explanations: Vec<Explanation>,
    pub times: Times,
    /// The IAM OIDC provider host for `iss` (`gitlab.com`, `example.com/gitlab`).
    pub provider_host: Option<String>,
    /// Errors first, then warnings, then information.
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectView {
    /// Components in `sub` order.
    pub components: Vec<SubjectComponent>,
    /// GitLab's default `project_path`, `ref_type`, `ref`.
    pub default_form: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectComponent {
    pub name: &'static str,
    pub value: String,
}

/// A claim in the token and what it means.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub claim: String,
    pub value: Value,
    /// Whether GitLab documents this claim.
    pub known: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence: Option<&'static str>,
    /// GitLab version that introduced the claim in ID tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_type: Option<ClaimType>,
    /// The condition key AWS evaluates for this claim and this issuer, e.g.
    /// `gitlab.com:project_id`; absent when AWS cannot match on it here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_condition_key: Option<String>,
    /// Where AWS evaluates the claim at all: every instance, gitlab.com only, or never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_key_scope: Option<AwsConditionKey>,
    /// Plain words on whether and how a trust policy can use the claim.
    pub aws_note: String,
}

/// Decodes a token without verifying it and explains it as of `now` (seconds since 1970).
///
/// # Errors
/// Only when the text is not a decodable JWT; everything else is a finding.
pub fn inspect_token(token: &str, now: i64) -> Result<Inspection, TokenError> {
    let decoded = decode_unverified(token)?;
    let mut inspection = explain_token(&decoded, now);
    // Moved, not cloned: the decoded token is not needed any more.
    (inspection.header, inspection.claims) = decoded.into_maps();
    Ok(inspection)
}

/// Explains an already decoded token.
#[must_use]
pub fn inspect_decoded(token: &UnverifiedToken, now: i64) -> Inspection {
    let mut inspection = explain_token(token, now);
    inspection.header.clone_from(token.header());
    inspection.claims.clone_from(token.claims().raw());
    inspection
}

/// Everything in an [`Inspection`] but the header and claims, left empty for the caller
/// to move or clone in.
fn explain_token(token: &UnverifiedToken, now: i64) -> Inspection {
    let claims = token.claims();
    let mut findings = Vec::new();

    let legacy = is_legacy_v1(claims);
    if legacy {
        findings.push(
            Finding::new(
                &rules::LEGACY_CI_JOB_JWT,
                "this is a legacy CI_JOB_JWT v1 token (iss without https://, sub job_<id>); GitLab 17.0 removed it: add id_tokens: with an aud to the job and use that variable",
            )
            .about("iss"),
        );
    }

    let issuer = claims.issuer();
    let provider_host = match issuer.map(ProviderHost::from_issuer) {
        Some(Ok(host)) => Some(host),
        Some(Err(IssuerError::NoScheme(_))) if legacy => None,
        Some(Err(err)) => {
            findings.push(Finding::new(&rules::ISSUER_NOT_IAM, crate::text::display(&err)).about("iss"));
            None
        }
        None => None,
    };
    let gitlab_com = provider_host.as_ref().is_some_and(ProviderHost::is_gitlab_com);

    check_header(token, &mut findings);
    check_required(claims, legacy, &mut findings);
    check_types(claims, &mut findings);
    let subject = check_subject(claims, legacy, &mut findings);

    let times = token_times(claims, now);
    check_times(&times, &mut findings);

    if let Some(list) = claims.get("aud").and_then(Value::as_array) {
        findings.push(
            Finding::new(
                &rules::AUD_LIST,
                format!(
                    "aud is a list of {} audiences; AWS matches a single audience, so give the job one ID token per audience (id_tokens: NAME: aud: sts.amazonaws.com)",
                    list.len()
                ),
            )
            .about("aud"),
        );
    }

    findings.push(Finding::new(
        &rules::CLAIMS_NOT_VERIFIED,
        "decoded without verifying the signature: these are the token's claims, not proof that GitLab issued them",
    ));
    crate::finding::sort_by_severity(&mut findings);

    let explanations = claims
        .raw()
        .iter()
        .map(|(name, value)| explain(name, value, provider_host.as_ref(), gitlab_com))
        .gather();

    Inspection {
        header: Map::new(),
        claims: Map::new(),
        subject: subject.map(|s| SubjectView {
            default_form: s.is_default_form(),
            components: s
                .components()
                .iter()
                .map(|(c, v)| SubjectComponent {
                    name: c.name(),
                    value: v.clone(),
                })
                .gather(),
        }),
        explanations,
        times,
        provider_host: provider_host.map(|h| h.as_str().to_owned()),
        findings,
    }
}

/// `CI_JOB_JWT` v1: `iss` is a bare host and `sub` is `job_<id>` (digits only: an ID token's
/// `sub` may start with `job_project_path:` or `job_project_id:`).
fn is_legacy_v1(claims: &Claims) -> bool {
    let bare_issuer = claims.issuer().is_some_and(|iss| !crate::text::contains(iss, "://"));
    let job_subject = claims.subject().is_some_and(|sub| {
        sub.strip_prefix("job_")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
    });
    bare_issuer || job_subject
}

fn check_header(token: &UnverifiedToken, findings: &mut Vec<Finding>) {
    match token.header().get("alg") {
        Some(Value::String(alg)) if alg == "RS256" => {}
        Some(Value::String(alg)) => {
            let why = match alg.as_str() {
                "none" => "an unsigned token claims to need no signature",
                a if a.starts_with("HS") => "a shared-secret algorithm is the key-confusion attack on RS256 verifiers",
                _ => "GitLab never uses it",
            };
            findings.push(
                Finding::new(
                    &rules::ALG_NOT_RS256,
                    format!("alg is {alg:?}; GitLab signs ID tokens with RS256 ({why})"),
                )
                .about("alg"),
            );
        }
        Some(other) => findings.push(
            Finding::new(
                &rules::ALG_NOT_RS256,
                format!("alg is {}; expected the string \"RS256\"", json_kind(other)),
            )
            .about("alg"),
        ),
        None => findings.push(
            Finding::new(
                &rules::ALG_NOT_RS256,
                "the header has no alg; GitLab sets alg to \"RS256\"",
            )
            .about("alg"),
        ),
    }
    if token.key_id().is_none() {
        findings.push(
            Finding::new(
                &rules::MISSING_KID,
                "the header has no string kid; GitLab names its signing key in kid",
            )
            .about("kid"),
        );
    }
    if token.signature().is_empty() {
        findings.push(Finding::new(
            &rules::UNSIGNED,
            "the signature segment is empty; the token is unsigned",
        ));
    }
}

fn check_required(claims: &Claims, legacy: bool, findings: &mut Vec<Finding>) {
    if claims.get("sub").is_none() {
        findings.push(
            Finding::new(
                &rules::MISSING_SUB,
                "the token has no sub; AWS trust policies need it to tell projects apart",
            )
            .about("sub"),
        );
    }
    for name in ["iss", "aud", "exp", "iat"] {
        if claims.get(name).is_none() && !(legacy && name == "aud") {
            findings.push(
                Finding::new(
                    &rules::MISSING_CLAIM,
                    format!("the token has no {name}; STS requires it"),
                )
                .about(name),
            );
        }
    }
}

fn check_types(claims: &Claims, findings: &mut Vec<Finding>) {
    for (name, value) in claims.raw() {
        let Some(info) = catalog::claim_info(name) else {
            continue;
        };
        if !info.value_type.accepts(value) {
            findings.push(
                Finding::new(
                    &rules::CLAIM_WRONG_TYPE,
                    format!(
                        "{name} is {}; GitLab sends {}",
                        describe(value),
                        info.value_type.expected()
                    ),
                )
                .about(name.as_str()),
            );
        } else if let (false, Some(text)) = (info.known_values.is_empty(), value.as_str()) {
            if !info.known_values.contains(&text) {
                findings.push(
                    Finding::new(
                        &rules::UNEXPECTED_VALUE,
                        format!(
                            "{name} is {text:?}; GitLab documents {}",
                            crate::text::join(info.known_values, ", ")
                        ),
                    )
                    .about(name.as_str()),
                );
            }
        }
    }
}

/// "the boolean true", "the string \"12\"": what a value is, for messages.
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string {s:?}"),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        other => json_kind(other).to_owned(),
    }
}

fn check_subject(claims: &Claims, legacy: bool, findings: &mut Vec<Finding>) -> Option<Subject> {
    // A non-string sub is reported as a wrong type.
    let Value::String(sub) = claims.get("sub")? else {
        return None;
    };
    let subject = match Subject::parse(sub) {
        Ok(subject) => subject,
        Err(SubjectError::LegacyJob(_)) if legacy => return None,
        Err(err @ SubjectError::GithubForm(_)) => {
            findings.push(Finding::new(&rules::SUB_GITHUB_FORM, crate::text::display(&err)).about("sub"));
            return None;
        }
        Err(err) => {
            findings.push(Finding::new(&rules::SUB_NOT_GITLAB, crate::text::display(&err)).about("sub"));
            return None;
        }
    };
    // Every component is the claim of the same name (a repeated one has one value: see parse).
    for component in Component::ALL {
        let (Some(in_sub), Some(in_claim)) = (subject.get(component), claims.string(component.name())) else {
            continue;
        };
        if in_sub != in_claim {
            findings.push(
                Finding::new(
                    &rules::SUB_MISMATCH,
                    format!("sub has {component}:{in_sub} but the {component} claim is {in_claim:?}; GitLab builds sub from that claim"),
                )
                .about("sub"),
            );
        }
    }
    // GitLab validates only the setting's first element and that each is a known component,
    // so a repeated one is legal (it is emitted again): advice, not an error.
    for component in subject.repeated() {
        findings.push(
            Finding::new(
                &rules::SUB_REPEATED_COMPONENT,
                format!("sub has {component} more than once because the project's ci_id_token_sub_claim_components repeats it: GitLab accepts that and writes it each time, and a trust policy must repeat it too; list it once unless that is meant"),
            )
            .about("sub"),
        );
    }
    Some(subject)
}

fn check_times(times: &Times, findings: &mut Vec<Finding>) {
    let utc = |i: &Option<super::times::Instant>| {
        i.as_ref()
            .and_then(|i| i.utc.clone())
            .unwrap_or_else(|| "an unrepresentable date".to_owned())
    };
    match times.validity {
        Validity::Expired => findings.push(
            Finding::new(
                &rules::EXPIRED,
                format!(
                    "{}; STS stopped accepting it at {} (exp plus 5 minutes of clock skew)",
                    times.summary,
                    utc(&times.aws_accepts_until)
                ),
            )
            .about("exp"),
        ),
        Validity::ExpiredWithinSkew => {
            findings.push(Finding::new(&rules::EXPIRED_WITHIN_SKEW, times.summary.clone()).about("exp"));
        }
        Validity::NotYetValid => findings.push(
            Finding::new(
                &rules::NOT_YET_VALID,
                format!(
                    "nbf is {}: the token {}; check the clocks",
                    utc(&times.not_before),
                    times.summary
                ),
            )
            .about("nbf"),
        ),
        Validity::Valid | Validity::NoExpiry => {}
    }
}

fn explain(name: &str, value: &Value, host: Option<&ProviderHost>, gitlab_com: bool) -> Explanation {
    let info = catalog::claim_info(name);
    let aws_condition_key = info.and_then(|info| match (info.aws_condition_key, host) {
        (AwsConditionKey::EveryInstance, Some(host)) => Some(host.condition_key(name)),
        (AwsConditionKey::GitlabComOnly, Some(host)) if gitlab_com => Some(host.condition_key(name)),
        _ => None,
    });
    let aws_note = match (info.map(|i| i.aws_condition_key), &aws_condition_key) {
        (_, Some(key)) => format!("AWS can match on this as {key}"),
        _ if name == "iss" => match host {
            Some(host) => format!("not a condition key: STS matches it to the IAM OIDC provider https://{host}"),
            None => "not a condition key: STS matches it to the IAM OIDC provider URL".to_owned(),
        },
        _ if matches!(name, "exp" | "nbf" | "iat") => "not a condition key: STS checks it itself".to_owned(),
        (Some(AwsConditionKey::EveryInstance), None) => {
            format!("AWS matches {name} for every GitLab instance, but this token's iss is not a usable provider URL")
        }
        (Some(AwsConditionKey::GitlabComOnly), None) => format!(
            "AWS evaluates {name} only for tokens from gitlab.com; for this issuer only sub and aud can be matched"
        ),
        // A claim that can be a sub component (ref, job_project_id, …).
        (Some(AwsConditionKey::No), None) if Component::from_name(name).is_some() => {
            "AWS cannot match on this claim directly; match it through sub".to_owned()
        }
        (Some(AwsConditionKey::No), None) => "AWS cannot match on this claim".to_owned(),
        (None, _) => "not a claim GitLab documents; AWS cannot match on it".to_owned(),
    };
    let fixed = CatalogFields::of(info);
    Explanation {
        claim: name.to_owned(),
        value: value.clone(),
        known: info.is_some(),
        meaning: fixed.meaning,
        presence: fixed.presence,
        since: fixed.since,
        value_type: fixed.value_type,
        aws_condition_key,
        aws_key_scope: fixed.aws_key_scope,
        aws_note,
    }
}

/// The fields of an explanation that the claim catalog alone decides, from the claim's name.
#[derive(PartialEq)]
struct CatalogFields {
    meaning: Option<&'static str>,
    presence: Option<&'static str>,
    since: Option<&'static str>,
    value_type: Option<ClaimType>,
    aws_key_scope: Option<AwsConditionKey>,
}

impl CatalogFields {
    /// What `explain` gives a claim the catalog documents as `info`; every field `None` without it.
    fn of(info: Option<&'static catalog::ClaimInfo>) -> Self {
        Self {
            meaning: info.map(|i| i.meaning),
            presence: info.map(|i| i.presence),
            since: info.map(|i| i.since).filter(|since| !since.is_empty()),
            value_type: info.map(|i| i.value_type),
            aws_key_scope: info.map(|i| i.aws_condition_key),
        }
    }
}

impl Explanation {
    /// Whether the fields the catalog decides (`known`, meaning, presence, version, value type, key
    /// scope) are exactly what it gives this claim's name, as `explain` fills them: a reader holding
    /// the catalog can then be sent only the claim, its value, its condition key and its note
    /// (`inspectToken` does, `src/wasm/inspector.rs`).
    #[must_use]
    pub fn repeats_catalog(&self) -> bool {
        let info = catalog::claim_info(&self.claim);
        let own = CatalogFields {
            meaning: self.meaning,
            presence: self.presence,
            since: self.since,
            value_type: self.value_type,
            aws_key_scope: self.aws_key_scope,
        };
        self.known == info.is_some() && own == CatalogFields::of(info)
    }
}
