//! "Why did STS say no?": reads a pasted error (or a whole job log), recognizes the STS or IAM
//! error in it whatever client wrapped it, and checks each of its possible causes against
//! what the context holds: the token (or its claims), the trust policy, the job, the role
//! ARN, the provider's client IDs, the role's `MaxSessionDuration`, the region and "now".
//!
//! It sits above the token inspector, the policy evaluator and linter and the snippet
//! checks, and calls them; nothing below calls it. Recognition is data ([`recognize`]); each
//! cause is one check (`causes`, `access` for the trust policy). Every string the result
//! carries is masked (`mask`): a log can hold a token, and none is ever echoed.
//!
//! Several errors in one text: the first STS or IAM error (in text order, before any later
//! consequence such as `Unable to locate credentials`) is `error`, with its `causes`; every
//! other distinct error is in `others`, each with its own causes; `findings` cover them all.
//!
//! The result as JSON (optional fields are left out when absent):
//!
//! ```text
//! { error: { code, kind, summary, operation?, message, client, status? },
//!   causes: [{ id, title, verdict, evidence,
//!              fix?: { kind, description, code?, policy? }, confirm?,
//!              failed?: { statement, element, operator?, key?, actual: [], expected: [] } }],
//!   others: [{ error, causes }],
//!   findings: [{ code, name, severity, message, why }] }
//! ```
//!
//! `verdict` is `confirmed`, `possible`, `cannot-tell-offline` or `ruled-out`; `fix.kind` is
//! `policy`, `job`, `aws-cli`, `gitlab` or `retry`; `client` and `kind` are kebab-case
//! ([`Client`], [`Kind`]); the cause ids and titles are [`catalogue`].

mod access;
mod causes;
pub mod job;
pub(crate) mod mask;
pub mod recognize;
pub mod rules;

use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

use crate::error::Coded;
use crate::finding::Finding;
use crate::input::{self, Fields, InputError};
use crate::text::Gather as _;
use crate::token::Claims;

pub use causes::catalogue;
pub use recognize::{Client, Kind};

/// The most of a pasted policy that is read (IAM's trust-policy quota is at most 8192).
const MAX_POLICY_BYTES: usize = 128 * 1024;

/// What the diagnosis knows beyond the error text. Every field is optional.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The job's ID token, as a compact JWT.
    pub token: Option<String>,
    /// Or its claims, when the token itself is not at hand.
    pub claims: Option<Claims>,
    /// The role's trust policy (JSON text).
    pub policy: Option<String>,
    /// A `.gitlab-ci.yml`, or one job of it.
    pub job: Option<String>,
    pub role_arn: Option<String>,
    /// The IAM OIDC provider's client-ID list, when known.
    pub client_ids: Option<Vec<String>>,
    /// The role's `MaxSessionDuration`, when known.
    pub max_session_duration: Option<u32>,
    /// The region the job calls STS in.
    pub region: Option<String>,
    /// "Now", in seconds since 1970 (the core never reads the clock).
    pub now: Option<i64>,
}

/// Why a diagnosis cannot run at all: only a context that cannot be read. Every other problem
/// (a token that does not decode, a policy that does not parse) is a finding and a cause.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiagnoseError {
    #[error("context is not valid: {0}")]
    Context(InputError),
}

impl Coded for DiagnoseError {
    fn code(&self) -> &'static str {
        "diagnose.context"
    }

    fn field(&self) -> Option<String> {
        match self {
            Self::Context(error) => error.field().map(str::to_owned),
        }
    }
}

impl Context {
    /// The field names of its JSON text, as JSON spells them.
    pub const FIELDS: [&'static str; 9] = [
        "token",
        "claims",
        "policy",
        "job",
        "roleArn",
        "clientIds",
        "maxSessionDuration",
        "region",
        "nowSeconds",
    ];

    /// Reads a context from its JSON text (`{}` for none).
    ///
    /// # Errors
    /// [`DiagnoseError::Context`] naming the field that cannot be used.
    pub fn from_json(text: &str) -> Result<Self, DiagnoseError> {
        let map = input::parse_object(text, &Self::FIELDS).map_err(DiagnoseError::Context)?;
        let fields = Fields::new(&map, "");
        let error = DiagnoseError::Context;
        let claims = match fields.value("claims") {
            None => None,
            Some(Value::Object(claims)) => Some(Claims::new(claims.clone())),
            Some(other) => {
                return Err(error(InputError::at(
                    "claims".to_owned(),
                    format!(
                        "claims: expected the token's claims as a JSON object, got {}",
                        crate::token::json_kind(other)
                    ),
                )))
            }
        };
        let token = fields.string("token").map_err(error)?;
        if token.is_some() && claims.is_some() {
            return Err(error(InputError::at(
                "claims".to_owned(),
                "claims: give the token or its claims, not both".to_owned(),
            )));
        }
        let now = match fields.value("nowSeconds") {
            None => None,
            Some(value) => Some(now_seconds(value).ok_or_else(|| {
                error(InputError::at(
                    "nowSeconds".to_owned(),
                    format!(
                        "nowSeconds: expected a number of seconds since 1970 within ±9e15 (Date.now() / 1000), got {}",
                        crate::text::json(value)
                    ),
                ))
            })?),
        };
        Ok(Self {
            token,
            claims,
            policy: fields.string("policy").map_err(error)?,
            job: fields.string("job").map_err(error)?,
            role_arn: fields.string("roleArn").map_err(error)?,
            client_ids: fields.strings("clientIds").map_err(error)?,
            max_session_duration: fields.unsigned("maxSessionDuration").map_err(error)?,
            region: fields.string("region").map_err(error)?,
            now,
        })
    }
}

/// A JSON number of seconds, floored, within ±9e15 (what `Date.now() / 1000` gives).
fn now_seconds(value: &Value) -> Option<i64> {
    if let Some(seconds) = value.as_i64() {
        return (seconds.unsigned_abs() < 9_000_000_000_000_000).then_some(seconds);
    }
    let seconds = value.as_f64()?;
    #[allow(clippy::cast_possible_truncation, reason = "finite and within ±9e15, so it fits i64")]
    (seconds.is_finite() && seconds.abs() < 9.0e15).then(|| seconds.floor() as i64)
}

/// The error as recognized in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecognizedError {
    /// The error code STS or IAM sent (`AccessDenied`, `InvalidIdentityToken`, …), a client's
    /// own (`ParamValidationError`, `ArgumentError`, `NoCredentials`), or `unknown`.
    pub code: String,
    /// What the error means, whatever its wrapper.
    pub kind: Kind,
    /// One sentence: what the error means.
    pub summary: &'static str,
    /// The API operation, when the text names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The error's message as the text gives it (masked; whitespace runs made one space).
    pub message: String,
    /// The program that wrapped it.
    pub client: Client,
    /// The HTTP status, when the text shows it.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "status_json")]
    pub status: Option<u16>,
}

/// A status (always `Some` here) as the `u64` it equals: `serde_json`'s writer for `u16` was
/// one more copy of its integer formatting.
#[allow(
    clippy::ref_option,
    clippy::trivially_copy_pass_by_ref,
    reason = "the signature serde's serialize_with calls"
)]
fn status_json<S: serde::Serializer>(status: &Option<u16>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(status.map_or(0, u64::from))
}

/// How a cause stands after its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The context shows it.
    Confirmed,
    /// The context points to it, without proving it.
    Possible,
    /// Only the AWS account (or GitLab's settings) can tell; `confirm` says how.
    CannotTellOffline,
    /// The context shows it is not the cause.
    RuledOut,
}

/// What kind of change a fix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixKind {
    /// An edit of the trust policy (`policy` holds the whole edited policy when there is one).
    Policy,
    /// An edit of the job (`code` holds the YAML).
    Job,
    /// An AWS CLI command (`code`).
    AwsCli,
    /// A GitLab setting (a protected branch or variable, the instance's configuration).
    Gitlab,
    /// Nothing to change: try again.
    Retry,
}

/// How to remove a cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fix {
    pub kind: FixKind,
    /// What to do, in words.
    pub description: String,
    /// The command, YAML or statement to copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The whole trust policy with the edit applied, when the fix is a policy edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

/// The check of the trust policy that fails, for the `AccessDenied` cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedCheck {
    /// The statement's index.
    pub statement: usize,
    /// `principal`, `action`, `condition`, `deny` (a matching Deny) or `effect`.
    pub element: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The token's values (empty when it has none).
    pub actual: Vec<String>,
    /// What the statement expects.
    pub expected: Vec<String>,
}

/// One possible cause of the error, and what its check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cause {
    /// Stable, kebab-case (`trust-policy-denies`, `audience-not-client-id`, …).
    pub id: &'static str,
    pub title: &'static str,
    pub verdict: Verdict,
    /// The values that decided the verdict, quoted.
    pub evidence: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The one command that checks the account-side (or GitLab-side) part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<String>,
    /// For `trust-policy-denies`: the check of the closest statement that fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<FailedCheck>,
}

/// A further error in the same text, diagnosed like the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtherError {
    pub error: RecognizedError,
    pub causes: Vec<Cause>,
}

/// What `diagnose` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    /// The first STS or IAM error in the text; `code` `unknown` when there is none.
    pub error: RecognizedError,
    /// Its causes, most likely first: confirmed, possible, cannot tell offline, ruled out.
    pub causes: Vec<Cause>,
    /// Every other distinct error in the text, in text order.
    pub others: Vec<OtherError>,
    /// About the input: what was found in it and what could not be read. Errors first.
    pub findings: Vec<Finding>,
}

/// Parses the context and diagnoses the error text.
///
/// # Errors
/// [`DiagnoseError`] only for a context that cannot be read.
pub fn diagnose_text(error_text: &str, context_json: &str) -> Result<Diagnosis, DiagnoseError> {
    let context = Context::from_json(context_json)?;
    Ok(diagnose(error_text, &context))
}

/// Diagnoses an error text (any length: only its last 4 MiB are read) with a context.
#[must_use]
pub fn diagnose(error_text: &str, context: &Context) -> Diagnosis {
    let scan = recognize::scan(error_text);
    let mut findings = Vec::new();
    let facts = causes::Facts::build(context, scan.first_jwt.as_deref(), &mut findings);
    let mut diagnosed: Vec<(RecognizedError, causes::Details)> = scan
        .errors
        .iter()
        .map(|found| {
            let kind = found.kind;
            let code = found
                .code
                .clone()
                .or_else(|| found.default_code.map(str::to_owned))
                .unwrap_or_else(|| "unknown".to_owned());
            let error = RecognizedError {
                code,
                kind,
                summary: causes::summary(kind),
                operation: found.operation.clone(),
                message: found.message.clone(),
                client: found.client,
                status: found.status,
            };
            let details = causes::Details::read(&found.message);
            (error, details)
        })
        .gather();
    // The first STS or IAM error leads; consequences (no credentials, a later call's
    // AccessDenied) and unknown codes follow, each in text order.
    let rank = |kind: Kind| match kind {
        Kind::Unknown => 2,
        Kind::NoCredentials | Kind::ServiceAccessDenied => 1,
        _ => 0,
    };
    if let Some(lead) = (0..diagnosed.len()).min_by_key(|&i| (rank(diagnosed[i].0.kind), i)) {
        // `insert(0, remove(lead))`, by swaps.
        for at in (0..lead).rev() {
            diagnosed.swap(at, at + 1);
        }
    }
    let mut entries = diagnosed.into_iter();
    let (error, causes) = if let Some((error, details)) = entries.next() {
        let causes = causes::causes_for(error.kind, &details, &facts);
        causes::disagreements(&error, &details, &facts, &mut findings);
        (error, causes)
    } else {
        let error = RecognizedError {
            code: "unknown".to_owned(),
            kind: Kind::Unknown,
            summary: causes::summary(Kind::Unknown),
            operation: None,
            message: String::new(),
            client: Client::Unknown,
            status: None,
        };
        let causes = causes::causes_for(Kind::Unknown, &causes::Details::default(), &facts);
        (error, causes)
    };
    let others = entries
        .map(|(error, details)| {
            let causes = causes::causes_for(error.kind, &details, &facts);
            causes::disagreements(&error, &details, &facts, &mut findings);
            OtherError { error, causes }
        })
        .gather();
    input_findings(&scan, &error, &others, &facts, &causes, &mut findings);
    crate::finding::sort_by_severity(&mut findings);
    let mut diagnosis = Diagnosis {
        error,
        causes,
        others,
        findings,
    };
    mask_all(&mut diagnosis);
    diagnosis
}

/// The findings about the input itself.
fn input_findings(
    scan: &recognize::Scan,
    error: &RecognizedError,
    others: &[OtherError],
    facts: &causes::Facts,
    causes: &[Cause],
    findings: &mut Vec<Finding>,
) {
    if error.kind == Kind::Unknown && error.code == "unknown" {
        let message = if scan.errors.is_empty() {
            "the text holds no STS or IAM error this tool recognizes; every check the context allows was run, and the causes below are what they found"
        } else {
            "the text holds an error this tool cannot place; every check the context allows was run"
        };
        findings.push(Finding::new(&rules::NOT_RECOGNIZED, message));
    }
    if !others.is_empty() {
        let more = if scan.more > 0 {
            format!(" ({} more not listed)", scan.more)
        } else {
            String::new()
        };
        findings.push(Finding::new(
            &rules::SEVERAL_ERRORS,
            format!(
                "the text holds {} distinct errors{more}: the first STS or IAM one is diagnosed as error, the others under others",
                others.len() + 1
            ),
        ));
    }
    if scan.secrets > 0 {
        findings.push(Finding::new(
            &rules::SECRET_IN_TEXT,
            format!(
                "the text contains {} token{} or key{}, masked in this result; if the log is shared, treat them as leaked until they expire",
                scan.secrets,
                if scan.secrets == 1 { "" } else { "s" },
                if scan.secrets == 1 { "" } else { "s" },
            ),
        ));
    }
    if scan.skipped_bytes > 0 || scan.anchors_capped {
        let message = if scan.skipped_bytes > 0 {
            format!(
                "the text is longer than 4 MiB: only its last 4 MiB were read ({} bytes before them were not)",
                scan.skipped_bytes
            )
        } else {
            "the text holds so many error marks that the search stopped before its end".to_owned()
        };
        findings.push(Finding::new(&rules::TEXT_TRUNCATED, message));
    }
    let open = causes
        .iter()
        .filter(|c| c.verdict == Verdict::CannotTellOffline)
        .count();
    let missing = [
        (
            facts.claims.is_none() && facts.token_error.is_none(),
            "token (or claims)",
        ),
        (facts.policy.is_none() && facts.policy_error.is_none(), "policy"),
        (facts.job.is_none(), "job"),
    ]
    .iter()
    .filter(|(missing, _)| *missing)
    .map(|(_, name)| *name)
    .gather();
    if open > 0 && !missing.is_empty() {
        findings.push(Finding::new(
            &rules::MORE_CONTEXT,
            format!(
                "{open} cause{} cannot be decided offline with this context; adding the {} may decide some of them",
                if open == 1 { "" } else { "s" },
                crate::text::join(&missing, ", ")
            ),
        ));
    }
}

/// `text` with every `from` replaced by `to`, through `text::find` (core's `&str` searcher
/// costs more WebAssembly than this loop).
fn replace_all(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = crate::text::find(rest, from).filter(|_| !from.is_empty()) {
        out.push_str(&rest[..at]);
        out.push_str(to);
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// A whole number of at most 18 digits (no sign).
fn number(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0, |n, b| n * 10 + i64::from(b - b'0')))
}

/// The last `/`-separated segment.
fn last_segment(text: &str) -> &str {
    crate::text::rsplit_once_ascii(text, b'/').map_or(text, |(_, last)| last)
}

/// Masks every string of a diagnosis: nothing it returns can carry a token.
fn mask_all(diagnosis: &mut Diagnosis) {
    fn one(text: &mut String) {
        let masked = mask::mask(text);
        if masked.count > 0 {
            *text = masked.text;
        }
    }
    fn error(error: &mut RecognizedError) {
        one(&mut error.code);
        one(&mut error.message);
        if let Some(operation) = &mut error.operation {
            one(operation);
        }
    }
    fn causes(causes: &mut [Cause]) {
        for cause in causes {
            one(&mut cause.evidence);
            if let Some(fix) = &mut cause.fix {
                one(&mut fix.description);
                for text in [&mut fix.code, &mut fix.policy].into_iter().flatten() {
                    one(text);
                }
            }
            if let Some(confirm) = &mut cause.confirm {
                one(confirm);
            }
            if let Some(failed) = &mut cause.failed {
                for text in failed.actual.iter_mut().chain(failed.expected.iter_mut()) {
                    one(text);
                }
                for text in [&mut failed.operator, &mut failed.key].into_iter().flatten() {
                    one(text);
                }
            }
        }
    }
    error(&mut diagnosis.error);
    causes(&mut diagnosis.causes);
    for other in &mut diagnosis.others {
        error(&mut other.error);
        causes(&mut other.causes);
    }
    for finding in &mut diagnosis.findings {
        one(&mut finding.message);
        for text in [&mut finding.claim, &mut finding.path, &mut finding.fix]
            .into_iter()
            .flatten()
        {
            one(text);
        }
    }
}
