//! Each possible cause of an error, and the check that tells it apart. The causes of each
//! kind of error are data ([`checks_for`]); each check reads what the context holds (the
//! token's claims, the parsed policy, the job) and says what it found, with the values that
//! decided it. A check never guesses: without what it needs, it says what would confirm it.

use serde_json::{Map, Value};

use super::access;
use super::job::{self, Job};
use super::recognize::{validation_members, Kind};
use super::rules;
use super::{Cause, Context, Fix, FixKind, RecognizedError, Verdict};
use crate::finding::Finding;
use crate::issuer::ProviderHost;
use crate::policy::arn::Partition;
use crate::policy::parse::{parse_policy, PolicyError};
use crate::policy::{split_key, Document, Operator};
use crate::text::{contains, find, Gather as _, Joined as _};
use crate::token::times::{duration, format_utc, token_times, Validity, AWS_CLOCK_SKEW_SECONDS};
use crate::token::{decode_unverified, Claims, TokenError};

/// What the context holds, read once for every check.
#[derive(Debug, Default)]
pub struct Facts {
    pub claims: Option<Claims>,
    pub header: Option<Map<String, Value>>,
    /// The context's token text, when it did not decode.
    pub token_error: Option<TokenError>,
    /// The claims are those of a token found in the error text.
    pub token_from_text: bool,
    /// The provider host of the token's `iss`, when it names one.
    pub host: Option<ProviderHost>,
    pub policy: Option<Document>,
    /// The policy as pasted (its length counts against IAM's quota as written).
    pub policy_text: Option<String>,
    pub policy_error: Option<PolicyError>,
    pub job: Option<Job>,
    pub role_arn: Option<String>,
    pub role_arn_from_job: bool,
    pub client_ids: Option<Vec<String>>,
    pub max_session: Option<u32>,
    pub region: Option<String>,
    pub now: Option<i64>,
}

impl Facts {
    /// Reads the context; what cannot be read becomes a finding.
    pub fn build(context: &Context, token_in_text: Option<&str>, findings: &mut Vec<Finding>) -> Self {
        let mut facts = Self::default();
        if let Some(text) = &context.token {
            match decode_unverified(text) {
                Ok(token) => {
                    facts.header = Some(token.header().clone());
                    facts.claims = Some(token.claims().clone());
                }
                Err(error) => {
                    findings.push(Finding::new(
                        &rules::TOKEN_UNREADABLE,
                        format!("the context's token does not decode ({error}); the checks that need its claims were skipped"),
                    ));
                    facts.token_error = Some(error);
                }
            }
        } else if let Some(claims) = &context.claims {
            facts.claims = Some(claims.clone());
        } else if let Some(token) = token_in_text.and_then(|t| decode_unverified(t).ok()) {
            facts.header = Some(token.header().clone());
            facts.claims = Some(token.claims().clone());
            facts.token_from_text = true;
            findings.push(Finding::new(
                &rules::TOKEN_FROM_TEXT,
                "the context has no token, so the checks read the claims of the token found in the text (masked here); they hold for that token",
            ));
        }
        facts.host = facts
            .claims
            .as_ref()
            .and_then(Claims::issuer)
            .and_then(|iss| ProviderHost::from_issuer(iss).ok());
        if let Some(text) = &context.policy {
            facts.read_policy(text, findings);
        }
        if let Some(text) = &context.job {
            facts.job = Some(read_job(text, findings));
        }
        facts.role_arn.clone_from(&context.role_arn);
        if facts.role_arn.is_none() {
            if let Some(job) = &facts.job {
                let written = job
                    .call
                    .as_ref()
                    .and_then(|c| c.role_arn.as_deref())
                    .or_else(|| job.variable("AWS_ROLE_ARN"));
                let resolved = written.map(|w| job.resolve(w)).filter(|r| r.starts_with("arn:"));
                facts.role_arn_from_job = resolved.is_some();
                facts.role_arn = resolved;
            }
        }
        facts.region = context
            .region
            .clone()
            .or_else(|| facts.job.as_ref().and_then(Job::region))
            .filter(|r| !r.starts_with('$'));
        facts.client_ids.clone_from(&context.client_ids);
        facts.max_session = context.max_session_duration;
        facts.now = context.now;
        facts
    }

    /// Parses the context's policy; what cannot be read becomes a finding.
    fn read_policy(&mut self, text: &str, findings: &mut Vec<Finding>) {
        if text.len() > super::MAX_POLICY_BYTES {
            findings.push(Finding::new(
                &rules::POLICY_UNREADABLE,
                format!(
                    "the policy is {} bytes; a trust policy is at most 8192 characters, so it was not read",
                    text.len()
                ),
            ));
            return;
        }
        match parse_policy(text) {
            Ok(document) => {
                self.policy = Some(document);
                self.policy_text = Some(text.to_owned());
            }
            Err(error) => {
                findings.push(Finding::new(
                    &rules::POLICY_UNREADABLE,
                    format!("{error}; the checks that need the policy were skipped"),
                ));
                self.policy_error = Some(error);
            }
        }
    }

    fn iss(&self) -> Option<&str> {
        self.claims.as_ref().and_then(Claims::issuer)
    }

    fn audiences(&self) -> Vec<&str> {
        self.claims.as_ref().map(Claims::audiences).unwrap_or_default()
    }

    fn claim(&self, name: &str) -> Option<&str> {
        self.claims.as_ref().and_then(|c| c.string(name))
    }

    fn role(&self) -> Option<crate::ci::RoleArn> {
        crate::ci::RoleArn::parse(self.role_arn.as_deref()?).ok()
    }

    /// The role's name (without its path), or a placeholder.
    fn role_name(&self) -> String {
        self.role()
            .map_or_else(|| "<role-name>".to_owned(), |r| super::last_segment(&r.text).to_owned())
    }

    /// `(arn, partition, account, host)` of every OIDC provider the policy trusts.
    fn trusted_providers(&self) -> Vec<(String, String, String, String)> {
        let Some(policy) = &self.policy else {
            return Vec::new();
        };
        let mut providers: Vec<(String, String, String, String)> = Vec::new();
        for arn in policy.statements.iter().flat_map(|s| s.federated.iter()) {
            let parts = crate::text::splitn_ascii(arn, 6, b':');
            if let ["arn", partition, "iam", "", account, resource] = parts[..] {
                if let Some(host) = resource.strip_prefix("oidc-provider/") {
                    if !providers.iter().any(|(a, ..)| a == arn) {
                        providers.push((arn.clone(), partition.to_owned(), account.to_owned(), host.to_owned()));
                    }
                }
            }
        }
        providers
    }

    /// The provider ARN STS looks for: the policy's for the token's host, else built from
    /// the role's account and the token's issuer, with placeholders for what is unknown.
    fn provider_arn(&self) -> String {
        let host = self.host.as_ref().map(|h| h.as_str().to_owned());
        let trusted = self.trusted_providers();
        if let Some((arn, ..)) = trusted
            .iter()
            .find(|(.., h)| host.as_deref().is_none_or(|host| host == h))
        {
            return arn.clone();
        }
        let (partition, account) = self.role().map_or_else(
            || ("aws".to_owned(), "<account-id>".to_owned()),
            |r| (r.partition.as_str().to_owned(), r.account_id),
        );
        format!(
            "arn:{partition}:iam::{account}:oidc-provider/{}",
            host.unwrap_or_else(|| "<gitlab-host>".to_owned())
        )
    }

    /// The `aud` values the policy's Allow statements expect.
    fn policy_audiences(&self) -> Vec<String> {
        let Some(policy) = &self.policy else {
            return Vec::new();
        };
        let mut values = Vec::new();
        for statement in policy.statements.iter().filter(|s| s.effect == "Allow") {
            for condition in &statement.conditions {
                let aud = split_key(&condition.key).is_some_and(|(_, claim)| claim.eq_ignore_ascii_case("aud"));
                if aud && Operator::parse(&condition.operator).pins() {
                    for value in &condition.values {
                        if !values.contains(value) {
                            values.push(value.clone());
                        }
                    }
                }
            }
        }
        values
    }

    /// The variable the job passes as its token (or writes to the token file).
    fn job_token_variable(&self) -> Option<String> {
        let job = self.job.as_ref()?;
        job.call
            .as_ref()
            .and_then(|c| c.token.as_deref())
            .and_then(job::variable_name)
            .map(str::to_owned)
            .or_else(|| job.token_file_variable.clone())
    }

    /// The audiences the job requests for the token it passes (or its only ID token).
    fn job_audiences(&self) -> Option<(String, Vec<String>)> {
        let job = self.job.as_ref()?;
        let variable = self.job_token_variable();
        job.id_tokens
            .iter()
            .find(|(name, _)| variable.as_deref().is_none_or(|v| v == name))
            .or_else(|| (job.id_tokens.len() == 1).then(|| &job.id_tokens[0]))
            .cloned()
    }

    /// The audience a fix should use: the policy's, the token's, or AWS's default.
    fn audience_for_fix(&self) -> String {
        self.policy_audiences()
            .first()
            .cloned()
            .or_else(|| self.audiences().first().map(|a| (*a).to_owned()))
            .unwrap_or_else(|| crate::policy::spec::DEFAULT_AUDIENCE.to_owned())
    }
}

/// Reads the context's job; a job with nothing to check becomes a finding.
fn read_job(text: &str, findings: &mut Vec<Finding>) -> Job {
    let job = job::read_job(text);
    let cut = if job.truncated {
        " (only its first 256 KiB were read)"
    } else {
        ""
    };
    if job.not_a_job {
        findings.push(Finding::new(
            &rules::JOB_UNREADABLE,
            format!("the job has no script:, trigger: or extends: key, so it is not a GitLab CI job{cut}; the job checks found nothing to read"),
        ));
    } else if job.call.is_none() && !job.uses_token_file {
        findings.push(Finding::new(
            &rules::JOB_UNREADABLE,
            format!("the job has no aws sts assume-role-with-web-identity call and does not use AWS_WEB_IDENTITY_TOKEN_FILE{cut}: its STS arguments could not be checked"),
        ));
    }
    job
}

/// What an error message states, beyond its kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// The issuer or provider URL it names (E1, E6).
    pub url: Option<String>,
    /// The URL it names is masked (`<redacted>`, `****`, `[MASKED]`): `url` is left empty.
    pub url_redacted: bool,
    /// The claim it says is missing (E3).
    pub claim: Option<String>,
    /// STS's "current date/time" and the token's expiry (E8).
    pub sts_now: Option<i64>,
    pub sts_expiry: Option<i64>,
    /// The account it names (E15).
    pub account: Option<String>,
    /// A validation error's members, with the value it shows for each (`None`: no value given).
    pub members: Vec<(Kind, Option<String>)>,
}

fn word_after<'a>(message: &'a str, lower: &str, needle: &str) -> Option<&'a str> {
    let start = find(lower, needle)? + needle.len();
    let rest = message[start..].trim_start();
    let end = rest.bytes().position(|b| b.is_ascii_whitespace()).unwrap_or(rest.len());
    let mut word = &rest[..end];
    // Quotes, brackets and a sentence's full stop around it (all ASCII: byte tests, without
    // core's multi-`char` pattern).
    loop {
        let bytes = word.as_bytes();
        if bytes
            .first()
            .is_some_and(|b| matches!(b, b'`' | b'"' | b'\'' | b'(' | b')'))
        {
            word = &word[1..];
        } else if bytes
            .last()
            .is_some_and(|b| matches!(b, b'`' | b'"' | b'\'' | b')' | b'(' | b',' | b'.'))
        {
            word = &word[..word.len() - 1];
        } else {
            break;
        }
    }
    (!word.is_empty()).then_some(word)
}

/// A URL someone masked before pasting (`{redacted}`, `<ID>`, `****`, `[MASKED]`, GitLab's
/// masked-variable mark): comparing it with anything would only compare the mask.
fn looks_redacted(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    url.bytes()
        .any(|b| matches!(b, b'<' | b'>' | b'*' | b'[' | b']' | b'{' | b'}'))
        || contains(url, "\u{2026}")
        || ["redacted", "masked", "hidden", "xxxx"]
            .iter()
            .any(|w| contains(&lower, w))
}

fn digits_after(lower: &str, needle: &str) -> Option<i64> {
    let start = find(lower, needle)? + needle.len();
    let rest = lower[start..].trim_start();
    let digits = rest.bytes().take(19).take_while(u8::is_ascii_digit).count();
    super::number(&rest[..digits])
}

impl Details {
    /// Reads what a message states.
    #[must_use]
    pub fn read(message: &str) -> Self {
        let lower = message.to_ascii_lowercase();
        let url = word_after(message, &lower, "provider found in your account for this url:")
            .or_else(|| word_after(message, &lower, "provider found in your account for"))
            .or_else(|| word_after(message, &lower, "configuration of provider:"))
            .or_else(|| word_after(message, &lower, "openid-configuration of provider:"))
            .map(str::to_owned);
        let url_redacted = url.as_deref().is_some_and(looks_redacted);
        let url = url.filter(|_| !url_redacted);
        let claim = word_after(message, &lower, "missing a required claim:").map(str::to_owned);
        let account = digits_after(&lower, "for account:").map(|a| format!("{a:012}"));
        let mut members: Vec<(Kind, Option<String>)> =
            validation_members(&lower).into_iter().map(|k| (k, None)).gather();
        // Server form: Value 'x' at 'member'.
        let mut rest = 0;
        while let Some(at) = find(&lower[rest..], "value '") {
            let value_start = rest + at + "value '".len();
            let Some(close) = find(&lower[value_start..], "' at '") else {
                break;
            };
            let value = &message[value_start..value_start + close];
            let member_start = value_start + close + "' at '".len();
            let member = &lower[member_start..];
            if let Some((kind, slot)) = members.iter_mut().find(|(kind, _)| member_kind(member) == Some(*kind)) {
                if slot.is_none() {
                    *slot = Some(value.to_owned());
                }
                let _ = kind;
            }
            rest = member_start;
        }
        // botocore's form: parameter Member, value: 0, …
        let mut rest = 0;
        while let Some(at) = find(&lower[rest..], "parameter ") {
            let member_start = rest + at + "parameter ".len();
            let member = &lower[member_start..];
            let value = find(member, "value: ").map(|v| {
                let tail = &message[member_start + v + "value: ".len()..];
                let end = tail.bytes().position(|b| b == b',' || b == b' ').unwrap_or(tail.len());
                tail[..end].to_owned()
            });
            if let Some((_, slot)) = members.iter_mut().find(|(kind, _)| member_kind(member) == Some(*kind)) {
                if slot.is_none() {
                    *slot = value;
                }
            }
            rest = member_start;
        }
        Self {
            url,
            url_redacted,
            claim,
            sts_now: digits_after(&lower, "current date/time"),
            sts_expiry: digits_after(&lower, "expiration date/time"),
            account,
            members,
        }
    }

    fn member(&self, kind: Kind) -> Option<&Option<String>> {
        self.members.iter().find(|(k, _)| *k == kind).map(|(_, v)| v)
    }
}

/// The member a text starts with (`durationseconds'…`, `RoleArn, value…`).
fn member_kind(text: &str) -> Option<Kind> {
    [
        ("durationseconds", Kind::DurationOutOfRange),
        ("rolesessionname", Kind::SessionNameInvalid),
        ("rolearn", Kind::RoleArnInvalid),
        ("webidentitytoken", Kind::TokenEmpty),
    ]
    .iter()
    .find(|(name, _)| text.starts_with(name))
    .map(|(_, kind)| *kind)
}

/// One sentence per kind of error: what it means.
#[must_use]
pub fn summary(kind: Kind) -> &'static str {
    match kind {
        Kind::NoProvider => "STS found no IAM OIDC provider for the token's issuer in the role's account.",
        Kind::IncorrectAudience => "The token's aud is not one of the client IDs of the IAM OIDC provider.",
        Kind::MissingClaim => "The token lacks a claim STS requires: it is not a GitLab ID token (id_tokens:).",
        Kind::JwksUnreachable => "STS could not fetch the GitLab instance's signing keys (its /oauth/discovery/keys).",
        Kind::ThumbprintMismatch => {
            "The certificate of the instance's keys endpoint does not match the provider's thumbprint."
        }
        Kind::ProviderConnect => "IAM could not read the instance's OpenID configuration while creating the provider.",
        Kind::NotAJwt => "What the job sent as the web identity token is not a JWT.",
        Kind::TokenExpired => "The ID token had expired (past exp and AWS's 5 minutes of clock skew) when STS read it.",
        Kind::NotAuthorized => "The role's trust policy does not admit this token.",
        Kind::DurationExceedsMax => "The requested --duration-seconds is above the role's MaxSessionDuration.",
        Kind::DurationOutOfRange => "--duration-seconds is outside 900 to 43200.",
        Kind::SessionNameInvalid => "--role-session-name breaks [\\w+=,.@-]{2,64}.",
        Kind::RoleArnInvalid => "The role ARN is malformed or empty.",
        Kind::TokenEmpty => "The web identity token was empty: the job's token variable holds nothing.",
        Kind::RegionDisabled => "STS is not active in the region the job called it in.",
        Kind::IdpCommunication => "STS could not reach the identity provider to verify the token; often transient.",
        Kind::IdpRejectedClaim => "The identity provider reported the token as invalid, expired or revoked.",
        Kind::SessionExpired => "The assumed session's credentials expired before the call that used them.",
        Kind::InvalidClientToken => "The credentials used are not valid where they were used.",
        Kind::PolicyTooLarge => "The trust policy is longer than IAM's quota for it (2048 characters by default).",
        Kind::InvalidIdentityToken => "STS refused the token; its message is not one this tool knows.",
        Kind::ValidationError => "STS refused a parameter of the call.",
        Kind::MalformedPolicy => "IAM refuses the trust policy as written.",
        Kind::NoCredentials => "The job had no AWS credentials when it made a call.",
        Kind::ServiceAccessDenied => "A call after the assume was denied: the identity used lacks the permission.",
        Kind::Throttled => "STS throttled the call: too many calls at once, not a problem with the token.",
        Kind::StsUnreachable => "The job got no answer from STS: its network could not reach the endpoint.",
        Kind::Unknown => "No STS or IAM error this tool recognizes.",
    }
}

/// One check: one possible cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    ProviderUrl,
    ProviderMissing,
    ProviderAccount,
    Partition,
    Audience,
    LegacyToken,
    ClaimMissing,
    Jwks,
    Thumbprint,
    ProviderUrlForm,
    CertificateChain,
    TokenShape,
    TokenVariable,
    TokenExpired,
    TrustPolicy,
    DeployedPolicy,
    DurationMax,
    DurationRange,
    SessionName,
    RoleArn,
    RegionSts,
    Transient,
    SessionOutlived,
    StaticKeys,
    NotExported,
    PolicySize,
    PolicyRejected,
    RolePermissions,
    Throttle,
    Network,
}

use Check as C;

/// Every check, for an error this tool cannot place.
const ALL: [Check; 30] = [
    C::TrustPolicy,
    C::TokenExpired,
    C::TokenShape,
    C::TokenVariable,
    C::LegacyToken,
    C::ClaimMissing,
    C::Audience,
    C::ProviderUrl,
    C::ProviderAccount,
    C::Partition,
    C::ProviderMissing,
    C::Jwks,
    C::Thumbprint,
    C::ProviderUrlForm,
    C::CertificateChain,
    C::DeployedPolicy,
    C::DurationMax,
    C::DurationRange,
    C::SessionName,
    C::RoleArn,
    C::RegionSts,
    C::Transient,
    C::SessionOutlived,
    C::StaticKeys,
    C::NotExported,
    C::PolicySize,
    C::PolicyRejected,
    C::RolePermissions,
    C::Throttle,
    C::Network,
];

/// The possible causes of each kind of error, most likely first (GitLab's usual ones first).
fn checks_for(kind: Kind) -> &'static [Check] {
    match kind {
        Kind::NoProvider => &[
            C::ProviderUrl,
            C::ProviderMissing,
            C::ProviderAccount,
            C::Partition,
            C::LegacyToken,
        ],
        Kind::IncorrectAudience => &[C::Audience],
        Kind::MissingClaim => &[C::LegacyToken, C::ClaimMissing, C::TokenVariable],
        Kind::JwksUnreachable => &[C::Jwks, C::Transient],
        Kind::ThumbprintMismatch => &[C::Thumbprint],
        Kind::ProviderConnect => &[C::ProviderUrlForm, C::CertificateChain],
        Kind::NotAJwt => &[C::TokenShape, C::TokenVariable, C::LegacyToken],
        Kind::TokenExpired => &[C::TokenExpired],
        Kind::NotAuthorized => &[C::TrustPolicy, C::ProviderAccount, C::DeployedPolicy],
        Kind::DurationExceedsMax => &[C::DurationMax],
        Kind::DurationOutOfRange => &[C::DurationRange],
        Kind::SessionNameInvalid => &[C::SessionName],
        Kind::RoleArnInvalid => &[C::RoleArn],
        Kind::TokenEmpty => &[C::TokenVariable, C::LegacyToken],
        Kind::RegionDisabled => &[C::RegionSts],
        Kind::IdpCommunication => &[C::Transient, C::Jwks],
        Kind::IdpRejectedClaim => &[C::TokenExpired, C::Transient, C::Jwks],
        Kind::SessionExpired => &[C::SessionOutlived, C::StaticKeys],
        Kind::InvalidClientToken => &[C::StaticKeys, C::NotExported, C::RegionSts],
        Kind::PolicyTooLarge => &[C::PolicySize],
        Kind::InvalidIdentityToken => &[
            C::TokenShape,
            C::Audience,
            C::ProviderUrl,
            C::LegacyToken,
            C::ClaimMissing,
            C::Jwks,
            C::Thumbprint,
        ],
        Kind::ValidationError => &[
            C::DurationRange,
            C::SessionName,
            C::RoleArn,
            C::TokenVariable,
            C::DurationMax,
        ],
        Kind::MalformedPolicy => &[C::PolicyRejected, C::PolicySize],
        Kind::NoCredentials => &[C::NotExported, C::TokenVariable, C::RoleArn],
        Kind::ServiceAccessDenied => &[C::StaticKeys, C::RolePermissions],
        Kind::Throttled => &[C::Throttle],
        Kind::StsUnreachable => &[C::Network],
        Kind::Unknown => &ALL,
    }
}

/// A cause's identity: stable id and title.
fn identity(check: Check) -> (&'static str, &'static str) {
    match check {
        C::ProviderUrl => (
            "provider-url-mismatch",
            "The IAM OIDC provider is for another URL than the token's issuer",
        ),
        C::ProviderMissing => (
            "provider-missing",
            "The role's account has no IAM OIDC provider for the issuer",
        ),
        C::ProviderAccount => (
            "provider-other-account",
            "The role trusts a provider in another account",
        ),
        C::Partition => (
            "partition-mismatch",
            "STS was called in another partition than the role's",
        ),
        C::Audience => (
            "audience-not-client-id",
            "The token's aud is not in the provider's client-ID list",
        ),
        C::LegacyToken => (
            "legacy-token",
            "The job sends a legacy CI_JOB_JWT token, not an ID token",
        ),
        C::ClaimMissing => ("claim-missing", "The token lacks a claim STS requires"),
        C::Jwks => ("jwks-unreachable", "AWS cannot fetch the instance's signing keys"),
        C::Thumbprint => (
            "thumbprint-outdated",
            "The provider's certificate thumbprint is out of date",
        ),
        C::ProviderUrlForm => ("provider-url-form", "The provider URL is not in the form IAM needs"),
        C::CertificateChain => (
            "certificate-chain",
            "The instance serves an incomplete or misordered certificate chain",
        ),
        C::TokenShape => ("token-not-jwt", "What the job sends is not a JWT"),
        C::TokenVariable => ("token-variable-empty", "The job passes an empty token variable"),
        C::TokenExpired => ("token-expired", "The ID token had expired when STS read it"),
        C::TrustPolicy => (
            "trust-policy-denies",
            "The role's trust policy does not admit this token",
        ),
        C::DeployedPolicy => (
            "deployed-policy-differs",
            "The role's deployed trust policy is not the one checked",
        ),
        C::DurationMax => (
            "duration-exceeds-max",
            "--duration-seconds is above the role's MaxSessionDuration",
        ),
        C::DurationRange => ("duration-out-of-range", "--duration-seconds is outside 900 to 43200"),
        C::SessionName => ("session-name-invalid", "The role session name breaks [\\w+=,.@-]{2,64}"),
        C::RoleArn => ("role-arn-invalid", "The role ARN is malformed or empty"),
        C::RegionSts => ("region-sts-inactive", "STS is not active in the region the job calls"),
        C::Transient => ("transient", "A transient failure between AWS and the GitLab instance"),
        C::SessionOutlived => ("session-outlived", "The job ran longer than the session it assumed"),
        C::StaticKeys => ("static-keys", "Static AWS keys are used instead of the assumed role"),
        C::NotExported => (
            "credentials-not-exported",
            "The job goes on without the assumed credentials",
        ),
        C::PolicySize => ("policy-too-large", "The trust policy is over IAM's size quota"),
        C::PolicyRejected => ("policy-rejected", "IAM refuses the trust policy as written"),
        C::RolePermissions => (
            "role-permissions",
            "The assumed role's permissions do not allow the call",
        ),
        C::Throttle => ("sts-throttled", "STS limits how fast the account can call it"),
        C::Network => ("sts-unreachable", "The runner cannot reach the STS endpoint"),
    }
}

/// Every cause this module checks, as `(id, title)`, in catalogue order.
pub fn catalogue() -> impl Iterator<Item = (&'static str, &'static str)> {
    ALL.iter().map(|check| identity(*check))
}

/// `value` in backticks.
#[inline(never)]
fn q(value: &str) -> String {
    format!("`{value}`")
}

/// Values in backticks, comma-separated.
#[inline(never)]
fn quoted(values: &[impl AsRef<str>]) -> String {
    values.iter().map(|v| q(v.as_ref())).gather().joined(", ")
}

struct Builder {
    cause: Cause,
}

// The builders are never inlined: each inlined copy moved the whole `Cause` at every call.
impl Builder {
    #[inline(never)]
    fn fix(mut self, kind: FixKind, description: impl Into<String>, code: Option<String>) -> Self {
        self.cause.fix = Some(Fix {
            kind,
            description: description.into(),
            code,
            policy: None,
        });
        self
    }

    #[inline(never)]
    fn confirm(mut self, command: impl Into<String>) -> Self {
        self.cause.confirm = Some(command.into());
        self
    }

    #[inline(never)]
    fn done(self) -> Cause {
        self.cause
    }
}

#[inline(never)]
fn cause(check: Check, verdict: Verdict, evidence: impl Into<String>) -> Builder {
    let (id, title) = identity(check);
    Builder {
        cause: Cause {
            id,
            title,
            verdict,
            evidence: evidence.into(),
            fix: None,
            confirm: None,
            failed: None,
        },
    }
}

/// The causes of an error, each checked, most likely first.
pub fn causes_for(kind: Kind, details: &Details, facts: &Facts) -> Vec<Cause> {
    let mut checks: Vec<Check> = checks_for(kind).to_vec();
    for (member, _) in &details.members {
        for check in checks_for(*member) {
            if !checks.contains(check) {
                checks.push(*check);
            }
        }
    }
    // Confirmed, possible, cannot tell, ruled out (`Verdict`'s order); the catalogue's order
    // within each: each cause goes before the first of a later verdict, none is cloned.
    let mut ordered: Vec<Cause> = Vec::with_capacity(checks.len());
    for check in checks {
        let cause = run(check, kind, details, facts);
        // For an error this tool cannot place, only what the context decided: an undecided
        // check, or a possibility that holds for any error (a passing outage), says nothing.
        let generic = matches!(
            check,
            C::Transient | C::Jwks | C::PolicyRejected | C::Throttle | C::Network
        ) && cause.verdict == Verdict::Possible;
        if kind == Kind::Unknown && (cause.verdict == Verdict::CannotTellOffline || generic) {
            continue;
        }
        let at = ordered
            .iter()
            .position(|c| c.verdict > cause.verdict)
            .unwrap_or(ordered.len());
        ordered.insert(at, cause);
    }
    ordered
}

fn run(check: Check, kind: Kind, details: &Details, facts: &Facts) -> Cause {
    match check {
        C::ProviderUrl => provider_url(details, facts),
        C::ProviderMissing => provider_missing(details, facts),
        C::ProviderAccount => provider_account(facts),
        C::Partition => partition(facts),
        C::Audience => audience(facts),
        C::LegacyToken => legacy_token(facts),
        C::ClaimMissing => claim_missing(details, facts),
        C::Jwks => jwks(details, facts),
        C::Thumbprint => thumbprint(facts),
        C::ProviderUrlForm => provider_url_form(details, facts),
        C::CertificateChain => certificate_chain(details, facts),
        C::TokenShape => token_shape(facts),
        C::TokenVariable => token_variable(facts),
        C::TokenExpired => token_expired(details, facts),
        C::TrustPolicy => trust_policy(facts),
        C::DeployedPolicy => deployed_policy(facts),
        C::DurationMax => duration_max(facts),
        C::DurationRange => duration_range(details, facts),
        C::SessionName => session_name(details, facts),
        C::RoleArn => role_arn(details, facts),
        C::RegionSts => region_sts(kind, details, facts),
        C::Transient => transient(facts),
        C::SessionOutlived => session_outlived(facts),
        C::StaticKeys => static_keys(facts),
        C::NotExported => not_exported(facts),
        C::PolicySize => policy_size(facts),
        C::PolicyRejected => policy_rejected(facts),
        C::RolePermissions => role_permissions(facts),
        C::Throttle => throttle(facts),
        C::Network => network(facts),
    }
}

fn create_provider_command(facts: &Facts) -> String {
    format!(
        "aws iam create-open-id-connect-provider --url {} --client-id-list {}",
        facts.iss().unwrap_or("https://<gitlab-host>"),
        facts.audience_for_fix()
    )
}

/// Without the token: what the URL the error names shows.
fn provider_url_from_error(details: &Details) -> Cause {
    let confirm = "aws iam list-open-id-connect-providers";
    match &details.url {
        Some(url) => match ProviderHost::from_issuer(url) {
            Err(error) => cause(
                C::ProviderUrl,
                Verdict::Confirmed,
                format!("the error names the issuer {}: {error}", q(url)),
            )
            .fix(
                FixKind::Gitlab,
                "Set the instance's ID-token issuer to its https:// URL without a trailing slash (gitlab_rails['ci_id_tokens_issuer_url']), and create the provider for exactly that URL.",
                None,
            )
            .confirm(confirm)
            .done(),
            Ok(_) => cause(
                C::ProviderUrl,
                Verdict::CannotTellOffline,
                format!("STS looked for a provider for {} (the token's iss); whether the account's provider has exactly this URL only the account can say", q(url)),
            )
            .confirm(confirm)
            .done(),
        },
        None if details.url_redacted => cause(
            C::ProviderUrl,
            Verdict::CannotTellOffline,
            "the URL in the error is masked, and without the token (or its claims) there is no issuer to compare with the provider",
        )
        .confirm(confirm)
        .done(),
        None => cause(
            C::ProviderUrl,
            Verdict::CannotTellOffline,
            "without the token (or its claims) there is no issuer to compare with the provider",
        )
        .confirm(confirm)
        .done(),
    }
}

fn provider_url(details: &Details, facts: &Facts) -> Cause {
    let confirm = "aws iam list-open-id-connect-providers";
    let Some(iss) = facts.iss() else {
        return provider_url_from_error(details);
    };
    let host = match ProviderHost::from_issuer(iss) {
        Ok(host) => host,
        Err(error) => {
            return cause(
                C::ProviderUrl,
                Verdict::Confirmed,
                format!("your token's iss is {}: {error}", q(iss)),
            )
            .fix(
                FixKind::Job,
                "Send an ID token (id_tokens:), whose iss is the instance's https:// URL; a legacy CI_JOB_JWT v1 token's iss has no scheme.",
                Some(id_tokens_yaml(facts)),
            )
            .confirm(confirm)
            .done()
        }
    };
    let trusted = facts.trusted_providers();
    if trusted.is_empty() {
        return cause(
            C::ProviderUrl,
            Verdict::CannotTellOffline,
            format!(
                "your token's iss is {}: the provider must be created with exactly this URL, so its ARN ends in {}; the policy (not given, or naming no OIDC provider) cannot show which URL the account's provider has",
                q(iss),
                q(&format!("oidc-provider/{host}"))
            ),
        )
        .fix(FixKind::AwsCli, "Create the provider for the token's issuer, if the account has none for it.", Some(create_provider_command(facts)))
        .confirm(confirm)
        .done();
    }
    if trusted.iter().any(|(.., h)| *h == host.as_str()) {
        return cause(
            C::ProviderUrl,
            Verdict::RuledOut,
            format!(
                "the policy trusts {}, the provider for your token's iss {}",
                q(&format!("oidc-provider/{host}")),
                q(iss)
            ),
        )
        .confirm(confirm)
        .done();
    }
    let names = trusted.iter().map(|(arn, ..)| arn.as_str()).gather();
    cause(
        C::ProviderUrl,
        Verdict::Confirmed,
        format!(
            "your token's iss is {} (provider {}), but the policy trusts {}: that provider was created for another URL (IAM compares the URL exactly: scheme, host, path, no trailing slash)",
            q(iss),
            q(host.as_str()),
            quoted(&names)
        ),
    )
    .fix(
        FixKind::AwsCli,
        format!(
            "Create the provider for the token's exact issuer and trust it in Principal.Federated (arn:…:oidc-provider/{host}), with condition keys prefixed {host}:."
        ),
        Some(create_provider_command(facts)),
    )
    .confirm(confirm)
    .done()
}

fn provider_missing(details: &Details, facts: &Facts) -> Cause {
    let issuer = facts.iss().map(str::to_owned).or_else(|| details.url.clone());
    let account = facts.role().map_or_else(
        || "the role's account".to_owned(),
        |r| format!("account {}", r.account_id),
    );
    let evidence = match &issuer {
        Some(issuer) => format!(
            "STS needs a provider for {} in {account}; whether one exists only the account can say",
            q(issuer)
        ),
        None => format!(
            "STS needs a provider for the token's issuer in {account}; whether one exists only the account can say"
        ),
    };
    cause(C::ProviderMissing, Verdict::CannotTellOffline, evidence)
        .fix(
            FixKind::AwsCli,
            "Create the IAM OIDC provider for the issuer in the role's account (a new account or a sandbox reset has none).",
            Some(create_provider_command(facts)),
        )
        .confirm(format!(
            "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {}",
            facts.provider_arn()
        ))
        .done()
}

fn provider_account(facts: &Facts) -> Cause {
    let trusted = facts.trusted_providers();
    let (Some(role), false) = (facts.role(), trusted.is_empty()) else {
        return cause(
            C::ProviderAccount,
            Verdict::CannotTellOffline,
            "comparing accounts needs both the role ARN and a policy that names an OIDC provider",
        )
        .confirm(format!(
            "aws iam get-role --role-name {} --query Role.AssumeRolePolicyDocument",
            facts.role_name()
        ))
        .done();
    };
    let other = trusted
        .iter()
        .find(|(_, partition, account, _)| *account != role.account_id || partition != role.partition.as_str());
    match other {
        Some((arn, ..)) => cause(
            C::ProviderAccount,
            Verdict::Confirmed,
            format!(
                "the role {} is in account {}, but the policy trusts {} in another account or partition; a role can only trust a provider in its own account",
                q(&role.text),
                role.account_id,
                q(arn)
            ),
        )
        .fix(
            FixKind::AwsCli,
            format!(
                "Create the provider in account {} and trust that one in Principal.Federated.",
                role.account_id
            ),
            Some(create_provider_command(facts)),
        )
        .confirm("aws iam list-open-id-connect-providers")
        .done(),
        None => cause(
            C::ProviderAccount,
            Verdict::RuledOut,
            format!(
                "the role {} and the provider the policy trusts are both in account {}",
                q(&role.text),
                role.account_id
            ),
        )
        .done(),
    }
}

/// The partition a region belongs to.
fn region_partition(region: &str) -> &'static str {
    const PREFIXES: [(&str, &str); 7] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-iso-", "aws-iso"),
        ("eusc-", "aws-eusc"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

fn partition(facts: &Facts) -> Cause {
    let role_partition = facts
        .role()
        .map(|r| r.partition.as_str().to_owned())
        .or_else(|| facts.trusted_providers().first().map(|(_, p, ..)| p.clone()));
    let (Some(region), Some(role_partition)) = (facts.region.as_deref(), role_partition) else {
        return cause(
            C::Partition,
            Verdict::CannotTellOffline,
            "comparing partitions needs the region the job calls STS in and the role ARN (or the policy's provider ARN)",
        )
        .done();
    };
    let called = region_partition(region);
    if called == role_partition {
        return cause(
            C::Partition,
            Verdict::RuledOut,
            format!("the region {} is in the partition {called}, like the role", q(region)),
        )
        .done();
    }
    cause(
        C::Partition,
        Verdict::Confirmed,
        format!(
            "the job calls STS in {} (partition {called}), but the role is in the partition {role_partition}: STS looks for the provider in the partition it is called in",
            q(region)
        ),
    )
    .fix(
        FixKind::Job,
        format!("Call STS in a region of the partition {role_partition} (set AWS_REGION or --region accordingly)."),
        None,
    )
    .done()
}

fn id_tokens_yaml(facts: &Facts) -> String {
    let variable = facts
        .job_token_variable()
        .filter(|v| !v.starts_with("CI_JOB_JWT"))
        .unwrap_or_else(|| crate::ci::DEFAULT_TOKEN_VARIABLE.to_owned());
    format!(
        "id_tokens:\n  {variable}:\n    aud: {}\n# and pass \"${variable}\" to --web-identity-token",
        crate::text::yaml_string(&facts.audience_for_fix())
    )
}

/// What the job's audience and a list `aud` add to the audience evidence.
fn audience_notes(auds: &[&str], job: Option<&(String, Vec<String>)>) -> String {
    let mut notes = Vec::new();
    if let (Some((variable, job_auds)), false) = (job, auds.is_empty()) {
        if !job_auds.is_empty() && !auds.iter().all(|a| job_auds.iter().any(|j| j == a)) {
            notes.push(format!(
                "the job requests aud {} for {variable}, not the token's {}: is the token this job's?",
                quoted(job_auds),
                quoted(auds)
            ));
        }
    }
    if auds.len() > 1 {
        notes.push(
            "the token has several audiences (a list aud); use one ID token per audience so aud is a string".to_owned(),
        );
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.joined("; "))
    }
}

/// The audience check when the token has no `aud` (or there is no token).
fn audience_without_token(facts: &Facts, job: Option<&(String, Vec<String>)>, confirm: String) -> Cause {
    if facts.claims.is_some() {
        return cause(
            C::Audience,
            Verdict::Confirmed,
            "your token has no aud claim: STS has nothing to match against the provider's client IDs",
        )
        .fix(
            FixKind::Job,
            "Request an ID token with an audience (id_tokens: … aud:).",
            Some(id_tokens_yaml(facts)),
        )
        .confirm(confirm)
        .done();
    }
    let evidence = match job {
        Some((variable, job_auds)) if !job_auds.is_empty() => format!(
            "the job requests aud {} for {variable}; it must be one of the provider's client IDs, which only the account can show",
            quoted(job_auds)
        ),
        _ => "without the token (or its claims) or the job there is no audience to compare".to_owned(),
    };
    cause(C::Audience, Verdict::CannotTellOffline, evidence)
        .confirm(confirm)
        .done()
}

fn audience(facts: &Facts) -> Cause {
    let arn = facts.provider_arn();
    let confirm =
        format!("aws iam get-open-id-connect-provider --open-id-connect-provider-arn {arn} --query ClientIDList");
    let auds = facts.audiences();
    let add = |aud: &str| {
        format!(
            "aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {arn} --client-id {aud}"
        )
    };
    let job = facts.job_audiences();
    let notes = audience_notes(&auds, job.as_ref());
    let Some(aud) = auds.first().copied() else {
        return audience_without_token(facts, job.as_ref(), confirm);
    };
    if let Some(client_ids) = &facts.client_ids {
        let listed = auds.iter().any(|a| client_ids.iter().any(|c| c == a));
        return if listed {
            cause(
                C::Audience,
                Verdict::RuledOut,
                format!(
                    "your token's aud {} is in the provider's client IDs {}{notes}",
                    quoted(&auds),
                    quoted(client_ids)
                ),
            )
            .done()
        } else {
            cause(
                C::Audience,
                Verdict::Confirmed,
                format!(
                    "your token's aud is {}; the provider's client IDs are {}{notes}",
                    quoted(&auds),
                    quoted(client_ids)
                ),
            )
            .fix(
                FixKind::AwsCli,
                format!(
                    "Add the token's aud to the provider's client IDs, or change the job's id_tokens aud to one of {}.",
                    quoted(client_ids)
                ),
                Some(add(aud)),
            )
            .confirm(confirm)
            .done()
        };
    }
    let expected = facts.policy_audiences();
    if !expected.is_empty()
        && !auds
            .iter()
            .any(|a| expected.iter().any(|e| crate::policy::wildcard::matches(e, a)))
    {
        return cause(
            C::Audience,
            Verdict::Possible,
            format!(
                "your token's aud is {}, but the policy expects {}: the provider was most likely created with that client ID{notes}",
                quoted(&auds),
                quoted(&expected)
            ),
        )
        .fix(
            FixKind::Job,
            format!(
                "Request the audience the provider lists: set the job's id_tokens aud to {} (or add {} to the provider's client IDs).",
                q(&expected[0]),
                q(aud)
            ),
            Some(id_tokens_yaml(facts)),
        )
        .confirm(confirm)
        .done();
    }
    cause(
        C::Audience,
        Verdict::CannotTellOffline,
        format!(
            "your token's aud is {}; whether the provider lists it as a client ID only the account can show (GitLab's docs have used both https://gitlab.com and sts.amazonaws.com){notes}",
            quoted(&auds)
        ),
    )
    .fix(FixKind::AwsCli, "Add the token's aud to the provider's client IDs if it is missing.", Some(add(aud)))
    .confirm(confirm)
    .done()
}

/// A legacy `CI_JOB_JWT` v1 token: `iss` without a scheme, or `sub` `job_<id>`.
fn is_v1(claims: &Claims) -> bool {
    claims.issuer().is_some_and(|i| !contains(i, "://"))
        || claims
            .subject()
            .and_then(|s| s.strip_prefix("job_"))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

fn legacy_token(facts: &Facts) -> Cause {
    let fix = |b: Builder| {
        b.fix(
            FixKind::Job,
            "Request an ID token with id_tokens: and pass its variable; CI_JOB_JWT, CI_JOB_JWT_V1 and CI_JOB_JWT_V2 were removed in GitLab 17.0.",
            Some(id_tokens_yaml(facts)),
        )
    };
    if let Some(variable) = facts.job.as_ref().and_then(|j| j.legacy) {
        return fix(cause(
            C::LegacyToken,
            Verdict::Confirmed,
            format!("the job reads ${variable}, removed in GitLab 17.0 (empty since then)"),
        ))
        .done();
    }
    if let Some(claims) = &facts.claims {
        if is_v1(claims) {
            return fix(cause(
                C::LegacyToken,
                Verdict::Confirmed,
                format!(
                    "your token has the legacy CI_JOB_JWT v1 shape (iss {}, sub {})",
                    q(claims.issuer().unwrap_or("-")),
                    q(claims.subject().unwrap_or("-"))
                ),
            ))
            .done();
        }
        return cause(
            C::LegacyToken,
            Verdict::RuledOut,
            format!(
                "your token is an ID token (iss {}){}",
                q(claims.issuer().unwrap_or("-")),
                if facts.job.is_some() {
                    ", and the job reads no CI_JOB_JWT variable"
                } else {
                    ""
                }
            ),
        )
        .done();
    }
    if facts.job.is_some() {
        return cause(
            C::LegacyToken,
            Verdict::RuledOut,
            "the job reads no CI_JOB_JWT variable",
        )
        .done();
    }
    cause(
        C::LegacyToken,
        Verdict::CannotTellOffline,
        "without the token or the job there is nothing to tell an ID token from a legacy one",
    )
    .done()
}

fn claim_missing(details: &Details, facts: &Facts) -> Cause {
    let Some(claims) = &facts.claims else {
        return cause(
            C::ClaimMissing,
            Verdict::CannotTellOffline,
            "without the token (or its claims) there are no claims to check",
        )
        .done();
    };
    let required: Vec<&str> = match &details.claim {
        Some(claim) => vec![claim.as_str()],
        None => vec!["iss", "sub", "aud", "exp", "iat"],
    };
    let missing = required
        .iter()
        .filter(|name| claims.get(name).is_none_or(Value::is_null))
        .copied()
        .gather();
    if missing.is_empty() {
        return cause(
            C::ClaimMissing,
            Verdict::RuledOut,
            format!("your token has {}", quoted(&required)),
        )
        .done();
    }
    cause(
        C::ClaimMissing,
        Verdict::Confirmed,
        format!("your token has no {}: it is not a GitLab ID token", quoted(&missing)),
    )
    .fix(
        FixKind::Job,
        "Pass the job's ID token (id_tokens:), not CI_JOB_TOKEN or a legacy CI_JOB_JWT.",
        Some(id_tokens_yaml(facts)),
    )
    .done()
}

/// Whether a host looks reachable only from inside a network.
fn private_host(host: &str) -> bool {
    let name = crate::text::split_once_ascii(host, b'/')
        .map_or(host, |(name, _)| name)
        .to_ascii_lowercase();
    let octets = crate::text::split_ascii(&name, b'.')
        .map(|p| super::number(p).and_then(|n| u8::try_from(n).ok()))
        .gather();
    if octets.len() == 4 && octets.iter().all(Option::is_some) {
        let o = octets.iter().map(|o| o.unwrap_or(0)).gather();
        return o[0] == 10 || o[0] == 127 || (o[0] == 172 && (16..32).contains(&o[1])) || (o[0] == 192 && o[1] == 168);
    }
    !contains(&name, ".")
        || [
            ".internal",
            ".local",
            ".corp",
            ".lan",
            ".intranet",
            ".home.arpa",
            ".localdomain",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

fn jwks(details: &Details, facts: &Facts) -> Cause {
    let host = facts.host.as_ref().map(|h| h.as_str().to_owned()).or_else(|| {
        details
            .url
            .as_deref()
            .and_then(|u| ProviderHost::from_issuer(u).ok())
            .map(|h| h.as_str().to_owned())
    });
    let Some(host) = host else {
        return cause(
            C::Jwks,
            Verdict::CannotTellOffline,
            "without the token's issuer there is no keys endpoint to look at",
        )
        .confirm("curl -fsS https://<gitlab-host>/oauth/discovery/keys")
        .done();
    };
    let confirm = format!("curl -fsS https://{host}/oauth/discovery/keys");
    let kid = if facts.header.as_ref().is_some_and(|h| h.get("kid").is_none()) {
        "; the token's header has no kid, which GitLab always sets"
    } else {
        ""
    };
    let fix = |b: Builder| {
        b.fix(
            FixKind::Gitlab,
            format!(
                "Make https://{host}/.well-known/openid-configuration and https://{host}/oauth/discovery/keys reachable from the internet within 5 seconds, or for a non-public instance publish copies and set gitlab_rails['ci_id_tokens_issuer_url'] (GitLab 18.1 and later)."
            ),
            None,
        )
    };
    if host == "gitlab.com" {
        return cause(
            C::Jwks,
            Verdict::Possible,
            format!("the issuer is gitlab.com, whose keys are public: when STS cannot fetch them it is usually a passing outage, so retry{kid}"),
        )
        .fix(FixKind::Retry, "Retry the job; if it persists, check status.gitlab.com and the AWS Health Dashboard.", None)
        .confirm(confirm)
        .done();
    }
    if private_host(&host) {
        return fix(cause(
            C::Jwks,
            Verdict::Possible,
            format!("the issuer's host {} looks private (an internal name or address): AWS fetches the keys from the internet{kid}", q(&host)),
        ))
        .confirm(format!("{confirm}   # from a machine outside your network"))
        .done();
    }
    fix(cause(
        C::Jwks,
        Verdict::CannotTellOffline,
        format!("the issuer's host is {}; whether AWS can reach its keys from the internet (firewall, VPN, more than 5 s) only a request from outside can show{kid}", q(&host)),
    ))
    .confirm(format!("{confirm}   # from a machine outside your network"))
    .done()
}

fn thumbprint(facts: &Facts) -> Cause {
    let arn = facts.provider_arn();
    let Some(host) = &facts.host else {
        return cause(
            C::Thumbprint,
            Verdict::CannotTellOffline,
            "without the token's issuer there is no host whose certificate to check",
        )
        .confirm(format!(
            "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {arn} --query ThumbprintList"
        ))
        .done();
    };
    if host.is_gitlab_com() {
        return cause(
            C::Thumbprint,
            Verdict::RuledOut,
            "the issuer is gitlab.com: AWS verifies its certificate through its own trusted root CAs and ignores the thumbprint",
        )
        .done();
    }
    let name = crate::text::split_once_ascii(host.as_str(), b'/')
        .map_or(host.as_str(), |(name, _)| name)
        .to_owned();
    cause(
        C::Thumbprint,
        Verdict::CannotTellOffline,
        format!("the issuer {} is self-managed: AWS uses the provider's thumbprint only when its certificate is not from a publicly trusted CA, and only the account shows the thumbprint", q(host.as_str())),
    )
    .fix(
        FixKind::AwsCli,
        format!("Compute the SHA-1 fingerprint of the top intermediate CA that {name} serves (openssl s_client -connect {name}:443 -showcerts, then openssl x509 -fingerprint -sha1 on the last certificate, colons removed) and set it."),
        Some(format!("aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn {arn} --thumbprint-list <40-hex-digit-sha1>")),
    )
    .confirm(format!("aws iam get-open-id-connect-provider --open-id-connect-provider-arn {arn} --query ThumbprintList"))
    .done()
}

fn provider_url_form(details: &Details, facts: &Facts) -> Cause {
    let Some(url) = details.url.as_deref().or_else(|| facts.iss()) else {
        return cause(
            C::ProviderUrlForm,
            Verdict::CannotTellOffline,
            "neither the error nor the context gives the provider URL",
        )
        .done();
    };
    let well_known = contains(url, "/.well-known");
    match ProviderHost::from_issuer(url) {
        Ok(_) if !well_known => cause(
            C::ProviderUrlForm,
            Verdict::RuledOut,
            format!(
                "the URL {} has IAM's form: https://, a host, an optional path, no port, query or trailing slash",
                q(url)
            ),
        )
        .done(),
        result => {
            let why = match result {
                Err(error) => crate::text::display(&error),
                Ok(_) => "IAM wants the issuer URL itself, not its /.well-known/openid-configuration".to_owned(),
            };
            cause(
                C::ProviderUrlForm,
                Verdict::Confirmed,
                format!("the URL {}: {why}", q(url)),
            )
            .fix(
                FixKind::AwsCli,
                "Create the provider with the issuer URL exactly as the token's iss has it.",
                Some(create_provider_command(facts)),
            )
            .done()
        }
    }
}

fn certificate_chain(details: &Details, facts: &Facts) -> Cause {
    let host = details
        .url
        .as_deref()
        .or_else(|| facts.iss())
        .and_then(|u| crate::text::split_once(u, "://").map(|(_, rest)| rest))
        .map_or_else(
            || "<gitlab-host>".to_owned(),
            |rest| {
                let end = rest.bytes().position(|b| b == b'/' || b == b':').unwrap_or(rest.len());
                rest[..end].to_owned()
            },
        );
    cause(
        C::CertificateChain,
        Verdict::CannotTellOffline,
        format!("IAM reads https://{host}/.well-known/openid-configuration when it creates the provider; a certificate chain that is out of order, incomplete or has extra certificates makes that fail, and only the server shows it"),
    )
    .fix(
        FixKind::Gitlab,
        "Serve the full chain in order (the server certificate, then each intermediate), as GitLab's AWS guide describes.",
        None,
    )
    .confirm(format!("openssl s_client -connect {host}:443 -servername {host} -showcerts </dev/null"))
    .done()
}

fn pass_token_fix(facts: &Facts) -> String {
    let variable = facts
        .job_audiences()
        .map_or_else(|| crate::ci::DEFAULT_TOKEN_VARIABLE.to_owned(), |(name, _)| name);
    format!("--web-identity-token \"${variable}\"")
}

fn token_shape(facts: &Facts) -> Cause {
    let fix = |b: Builder| {
        b.fix(
            FixKind::Job,
            "Pass the ID token's variable itself, quoted, with nothing around it.",
            Some(pass_token_fix(facts)),
        )
    };
    if let Some(call) = facts.job.as_ref().and_then(|j| j.call.as_ref()) {
        if let Some(value) = call.token.as_deref() {
            let name = job::variable_name(value);
            if name == Some("CI_JOB_TOKEN") {
                return fix(cause(
                    C::TokenShape,
                    Verdict::Confirmed,
                    "the job passes $CI_JOB_TOKEN, GitLab's job token for its own API: it is not a JWT",
                ))
                .done();
            }
            if name.is_none() && !value.starts_with("file://") && !contains(value, "$") && value.starts_with('/') {
                return fix(cause(
                    C::TokenShape,
                    Verdict::Confirmed,
                    format!(
                        "the job passes the path {} rather than the token; the AWS CLI reads a file only as file://{}",
                        q(value),
                        value
                    ),
                ))
                .done();
            }
        }
    }
    if let Some(error) = &facts.token_error {
        return fix(cause(
            C::TokenShape,
            Verdict::Confirmed,
            format!("the token you gave does not decode: {error}"),
        ))
        .done();
    }
    if let (Some(header), Some(_)) = (&facts.header, &facts.claims) {
        let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
        let accepted = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];
        if !accepted.contains(&alg) {
            return cause(
                C::TokenShape,
                Verdict::Confirmed,
                format!("your token's alg is {}; STS accepts RS256, RS384, RS512, ES256, ES384 and ES512 only (GitLab signs with RS256)", q(alg)),
            )
            .fix(FixKind::Job, "Pass the job's GitLab ID token, not a token from another issuer.", Some(pass_token_fix(facts)))
            .done();
        }
        return cause(
            C::TokenShape,
            Verdict::RuledOut,
            format!("your token has three base64url segments and alg {}: it is a JWT (if the job sent something else, the token-variable check says what)", q(alg)),
        )
        .done();
    }
    cause(
        C::TokenShape,
        Verdict::CannotTellOffline,
        "without the token text (claims alone do not show its shape) or the job there is nothing to check",
    )
    .confirm("echo \"length ${#GITLAB_OIDC_TOKEN}, dots $(printf %s \"$GITLAB_OIDC_TOKEN\" | tr -cd . | wc -c)\"   # in the job: a JWT has 2 dots")
    .done()
}

fn token_variable(facts: &Facts) -> Cause {
    let Some(job) = &facts.job else {
        return cause(
            C::TokenVariable,
            Verdict::CannotTellOffline,
            "without the job there is no id_tokens: to compare with the variable it passes",
        )
        .confirm("echo \"token length: ${#GITLAB_OIDC_TOKEN}\"   # in the job, with its variable: 0 means empty")
        .done();
    };
    let fix = |b: Builder| {
        b.fix(
            FixKind::Job,
            "Declare the ID token in this job (a job's own id_tokens: replaces default:'s) and pass that variable.",
            Some(id_tokens_yaml(facts)),
        )
    };
    if let Some(variable) = job.legacy {
        return fix(cause(
            C::TokenVariable,
            Verdict::Confirmed,
            format!("the job passes ${variable}, removed in GitLab 17.0, so it is empty"),
        ))
        .done();
    }
    let Some(variable) = facts.job_token_variable() else {
        return cause(
            C::TokenVariable,
            Verdict::CannotTellOffline,
            "the job passes no $VARIABLE as the token that this tool can read",
        )
        .done();
    };
    let confirm = format!("echo \"token length: ${{#{variable}}}\"   # in the job: 0 means empty");
    let names = job.id_tokens.iter().map(|(n, _)| n.as_str()).gather();
    if names.contains(&variable.as_str()) {
        return cause(
            C::TokenVariable,
            Verdict::RuledOut,
            format!(
                "${variable} is an ID token of the job (from {})",
                job.id_tokens_from.as_deref().unwrap_or("the job")
            ),
        )
        .done();
    }
    if names.is_empty() {
        if job.extends.iter().any(|e| !contains(&job.text, &format!("{e}:"))) {
            return fix(cause(
                C::TokenVariable,
                Verdict::Possible,
                format!(
                    "the job passes ${variable} but has no id_tokens: of its own; it extends {}, which is not in the pasted text",
                    quoted(&job.extends)
                ),
            ))
            .confirm(confirm)
            .done();
        }
        return fix(cause(
            C::TokenVariable,
            Verdict::Confirmed,
            format!("the job passes ${variable} but has no id_tokens:, so GitLab sets no ID token variable and ${variable} is empty"),
        ))
        .confirm(confirm)
        .done();
    }
    fix(cause(
        C::TokenVariable,
        Verdict::Confirmed,
        format!(
            "the job passes ${variable}, but its id_tokens: defines only {} (names are case-sensitive)",
            quoted(&names)
        ),
    ))
    .confirm(confirm)
    .done()
}

fn utc(seconds: i64) -> String {
    format_utc(seconds).unwrap_or_else(|| seconds.to_string())
}

#[allow(clippy::too_many_lines, reason = "one check, its evidence in every case")]
fn token_expired(details: &Details, facts: &Facts) -> Cause {
    let claims = facts.claims.as_ref();
    let iat = claims.and_then(|c| c.numeric_date("iat"));
    let exp = claims.and_then(|c| c.numeric_date("exp"));
    let lifetime = iat.zip(exp).map(|(i, e)| e.saturating_sub(i));
    let job_note = match (lifetime, facts.job.as_ref()) {
        (Some(life), Some(job)) => match job.timeout_seconds {
            Some(timeout) if timeout != life => format!(
                "; the job's timeout is {}, the token lived {} (GitLab sets exp to the job's timeout when it starts)",
                duration(timeout),
                duration(life)
            ),
            _ if job.uses_token_file => "; the job uses AWS_WEB_IDENTITY_TOKEN_FILE: an SDK that refreshes the session re-reads the same token, which fails once it has expired".to_owned(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    let lifetime_note = lifetime.map_or_else(String::new, |life| {
        format!(
            "; the token lived {} from iat{}",
            duration(life),
            if life <= 300 {
                " (5 minutes: the job has no timeout)"
            } else {
                ""
            }
        )
    });
    let fix = |b: Builder| {
        b.fix(
            FixKind::Job,
            "Call STS early in the job (the token expires with the job's timeout, or after 5 minutes without one), keep --duration-seconds within the token's life when an SDK refreshes from AWS_WEB_IDENTITY_TOKEN_FILE, and check the runner's clock.",
            None,
        )
    };
    if let (Some(now), Some(expiry)) = (details.sts_now, details.sts_expiry) {
        let issued = iat.map_or_else(String::new, |i| {
            format!(", {} after the token was issued", duration(now.saturating_sub(i)))
        });
        return fix(cause(
            C::TokenExpired,
            Verdict::Confirmed,
            format!(
                "STS read the token at {} ({now}), {} after it expired at {} ({expiry}){issued}{lifetime_note}{job_note}",
                utc(now),
                duration(now.saturating_sub(expiry)),
                utc(expiry)
            ),
        ))
        .done();
    }
    let (Some(claims), Some(now)) = (claims, facts.now) else {
        return cause(
            C::TokenExpired,
            Verdict::CannotTellOffline,
            "telling whether the token had expired needs its claims and nowSeconds (or an error that states the times)",
        )
        .confirm("date -u +%s   # in the job, right before the STS call: compare with the token's exp")
        .done();
    };
    let times = token_times(claims, now);
    let at = format!("at nowSeconds {now} ({})", utc(now));
    match times.validity {
        Validity::Expired => fix(cause(
            C::TokenExpired,
            Verdict::Confirmed,
            format!(
                "{at} your token {}, past AWS's {} min of clock skew{lifetime_note}{job_note}",
                times.summary,
                AWS_CLOCK_SKEW_SECONDS / 60
            ),
        ))
        .done(),
        Validity::NoExpiry => fix(cause(
            C::TokenExpired,
            Verdict::Confirmed,
            "your token has no integer exp, which STS requires",
        ))
        .done(),
        Validity::ExpiredWithinSkew => fix(cause(
            C::TokenExpired,
            Verdict::Possible,
            format!("{at} your token {}{lifetime_note}{job_note}", times.summary),
        ))
        .done(),
        Validity::NotYetValid => cause(
            C::TokenExpired,
            Verdict::Possible,
            format!(
                "{at} your token {}: a clock is off (the runner's or this machine's)",
                times.summary
            ),
        )
        .done(),
        Validity::Valid => cause(
            C::TokenExpired,
            Verdict::RuledOut,
            format!("{at} your token is valid ({}){lifetime_note}{job_note}", times.summary),
        )
        .done(),
    }
}

fn trust_policy(facts: &Facts) -> Cause {
    let confirm = format!(
        "aws iam get-role --role-name {} --query Role.AssumeRolePolicyDocument",
        facts.role_name()
    );
    let (Some(document), Some(claims)) = (&facts.policy, &facts.claims) else {
        let missing = match (facts.policy.is_some(), facts.claims.is_some()) {
            (false, false) => "the trust policy and the token (or its claims)",
            (false, true) => "the trust policy",
            _ => "the token (or its claims)",
        };
        return cause(
            C::TrustPolicy,
            Verdict::CannotTellOffline,
            format!("evaluating the trust policy needs {missing}; the deployed policy is the one to paste"),
        )
        .confirm(confirm)
        .done();
    };
    let account = facts.role().map(|r| (r.partition.as_str().to_owned(), r.account_id));
    let outcome = access::analyze(document, claims, facts.host.as_ref(), account.as_ref());
    let mut built = cause(C::TrustPolicy, outcome.verdict, outcome.evidence)
        .confirm(confirm)
        .done();
    built.fix = outcome.fix;
    built.failed = outcome.failed;
    built
}

fn deployed_policy(facts: &Facts) -> Cause {
    let confirm = format!(
        "aws iam get-role --role-name {} --query Role.AssumeRolePolicyDocument",
        facts.role_name()
    );
    let allowed = match (&facts.policy, &facts.claims) {
        (Some(document), Some(claims)) => Some(
            crate::policy::evaluate::evaluate(
                document,
                crate::policy::evaluate::Request {
                    claims,
                    host: facts.host.as_ref(),
                },
            )
            .allowed,
        ),
        _ => None,
    };
    match allowed {
        Some(true) => cause(
            C::DeployedPolicy,
            Verdict::Possible,
            "the policy you gave admits this token, yet STS denied it: the role's deployed policy may differ, the role ARN may name another role, or the token is not the failing job's",
        )
        .confirm(confirm)
        .done(),
        _ => cause(
            C::DeployedPolicy,
            Verdict::CannotTellOffline,
            "only the account shows the trust policy the role really has; compare it with the one checked here",
        )
        .confirm(confirm)
        .done(),
    }
}

/// The job's `--duration-seconds` as a number, when it has one.
fn job_duration(facts: &Facts) -> Option<(String, Option<i64>)> {
    let job = facts.job.as_ref()?;
    let written = job.call.as_ref()?.duration.as_deref()?;
    let resolved = job.resolve(written);
    let number = super::number(&resolved);
    Some((resolved, number))
}

fn duration_max(facts: &Facts) -> Cause {
    let role = facts.role_name();
    let confirm = format!("aws iam get-role --role-name {role} --query Role.MaxSessionDuration");
    let requested = job_duration(facts).and_then(|(_, n)| n);
    let fix = |b: Builder, seconds: i64| {
        b.fix(
            FixKind::AwsCli,
            format!("Raise the role's MaxSessionDuration to at least {seconds} (up to 43200), or lower the job's --duration-seconds."),
            Some(format!("aws iam update-role --role-name {role} --max-session-duration {}", seconds.clamp(3600, 43_200))),
        )
    };
    match (requested, facts.max_session) {
        (Some(requested), Some(max)) if requested > i64::from(max) => fix(
            cause(
                C::DurationMax,
                Verdict::Confirmed,
                format!("the job requests --duration-seconds {requested}; the role's MaxSessionDuration is {max}"),
            ),
            requested,
        )
        .confirm(confirm)
        .done(),
        (Some(requested), Some(max)) => cause(
            C::DurationMax,
            Verdict::RuledOut,
            format!("the job requests --duration-seconds {requested}, within the role's MaxSessionDuration {max}"),
        )
        .done(),
        (Some(requested), None) if requested > 3600 => fix(
            cause(
                C::DurationMax,
                Verdict::Possible,
                format!("the job requests --duration-seconds {requested}, above the 3600 a role allows unless its MaxSessionDuration was raised"),
            ),
            requested,
        )
        .confirm(confirm)
        .done(),
        (Some(requested), None) => cause(
            C::DurationMax,
            Verdict::RuledOut,
            format!("the job requests --duration-seconds {requested}, which every role allows (MaxSessionDuration is at least 3600)"),
        )
        .done(),
        (None, _) => cause(
            C::DurationMax,
            Verdict::CannotTellOffline,
            "the job's requested duration is not known (no job, or no --duration-seconds this tool can read)",
        )
        .confirm(confirm)
        .done(),
    }
}

fn duration_range(details: &Details, facts: &Facts) -> Cause {
    let from_error = details
        .member(Kind::DurationOutOfRange)
        .and_then(|v| v.as_deref())
        .map(|v| ("the error shows", v.to_owned()));
    let from_job = job_duration(facts).map(|(written, _)| ("the job passes", written));
    let Some((source, value)) = from_error.or(from_job) else {
        return cause(
            C::DurationRange,
            Verdict::CannotTellOffline,
            "neither the error nor the job gives the duration",
        )
        .done();
    };
    let fix = |b: Builder| {
        b.fix(
            FixKind::Job,
            "Request a duration from 900 to 43200 seconds (and within the role's MaxSessionDuration).",
            Some("--duration-seconds 3600".to_owned()),
        )
    };
    match super::number(&value).ok_or(()) {
        Ok(seconds) if (900..=43_200).contains(&seconds) => cause(
            C::DurationRange,
            Verdict::RuledOut,
            format!("{source} --duration-seconds {seconds}, within 900 to 43200"),
        )
        .done(),
        Ok(seconds) => fix(cause(
            C::DurationRange,
            Verdict::Confirmed,
            format!("{source} --duration-seconds {seconds}, outside 900 to 43200"),
        ))
        .done(),
        Err(()) if value.is_empty() => fix(cause(
            C::DurationRange,
            Verdict::Confirmed,
            format!("{source} an empty --duration-seconds"),
        ))
        .done(),
        Err(()) => cause(
            C::DurationRange,
            Verdict::CannotTellOffline,
            format!(
                "{source} --duration-seconds {}, whose value this tool cannot know",
                q(&value)
            ),
        )
        .done(),
    }
}

/// The first reason a session name breaks `[\w+=,.@-]{2,64}`.
fn session_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')))
    {
        return Some(format!(
            "contains {}, outside [\\w+=,.@-]",
            crate::policy::describe_char(c)
        ));
    }
    if length < 2 {
        return Some(format!(
            "has {length} character{}, fewer than 2",
            if length == 1 { "" } else { "s" }
        ));
    }
    (length > 64).then(|| format!("has {length} characters, more than 64"))
}

/// GitLab's `CI_COMMIT_REF_SLUG` of a ref: lowercase, every other character `-`, at most 63
/// bytes, no `-` at either end.
fn slug(text: &str) -> String {
    let lowered = crate::text::map_chars(crate::text::first_chars(text, 63), &|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        }
    });
    let start = lowered.bytes().position(|b| b != b'-').unwrap_or(lowered.len());
    crate::text::trim_end_ascii(&lowered[start..], b'-').to_owned()
}

/// A predefined CI/CD variable's value, as the token's claims give it.
fn ci_variable(name: &str, claims: &Claims) -> Option<String> {
    let claim = |n: &str| claims.string(n).map(str::to_owned);
    let branch = claims.ref_type() == Some("branch");
    match name {
        "CI_PROJECT_ID" => claim("project_id"),
        "CI_PIPELINE_ID" => claim("pipeline_id"),
        "CI_JOB_ID" => claim("job_id"),
        "CI_PROJECT_PATH" => claim("project_path"),
        "CI_PROJECT_NAMESPACE" => claim("namespace_path"),
        "CI_PROJECT_NAME" => claims.project_path().map(super::last_segment).map(str::to_owned),
        "CI_COMMIT_REF_NAME" => claim("ref"),
        "CI_COMMIT_BRANCH" if branch => claim("ref"),
        "CI_COMMIT_TAG" if !branch => claim("ref"),
        "CI_COMMIT_REF_SLUG" => claims.ref_name().map(slug),
        "CI_COMMIT_SHA" => claim("sha"),
        "CI_COMMIT_SHORT_SHA" => claims.string("sha").map(|s| crate::text::first_chars(s, 8).to_owned()),
        "GITLAB_USER_LOGIN" => claim("user_login"),
        "GITLAB_USER_EMAIL" => claim("user_email"),
        "GITLAB_USER_ID" => claim("user_id"),
        "CI_ENVIRONMENT_NAME" => claim("environment"),
        "CI_PIPELINE_SOURCE" => claim("pipeline_source"),
        _ => None,
    }
}

/// Predefined variables that can hold characters a session name refuses (`/`, spaces).
const RISKY_VARIABLES: [&str; 15] = [
    "CI_COMMIT_REF_NAME",
    "CI_COMMIT_BRANCH",
    "CI_COMMIT_TAG",
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_DEFAULT_BRANCH",
    "CI_PROJECT_PATH",
    "CI_PROJECT_NAMESPACE",
    "CI_PROJECT_TITLE",
    "CI_JOB_NAME",
    "CI_ENVIRONMENT_NAME",
    "GITLAB_USER_NAME",
    "CI_COMMIT_TITLE",
    "CI_COMMIT_MESSAGE",
    "CI_COMMIT_AUTHOR",
];

/// The session name GitLab's AWS guide uses.
const SAFE_SESSION_NAME: &str = "--role-session-name \"GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID}\"";

/// The session name a job builds, its variables taken from the token's claims and the file;
/// `None` when one of them has no value here.
fn built_session_name(written: &str, names: &[&str], claims: &Claims, job: Option<&Job>) -> Option<String> {
    let mut built = written.to_owned();
    for name in names {
        let value = ci_variable(name, claims).or_else(|| job.and_then(|j| j.variable(name)).map(str::to_owned))?;
        built = super::replace_all(&built, &format!("${{{name}}}"), &value);
        built = super::replace_all(&built, &format!("${name}"), &value);
    }
    Some(built)
}

fn session_name(details: &Details, facts: &Facts) -> Cause {
    let fix = |b: Builder| {
        b.fix(
            FixKind::Job,
            "Build the session name from ids only (or $CI_COMMIT_REF_SLUG, cut to fit 64): refs, paths and user names can hold / and spaces.",
            Some(SAFE_SESSION_NAME.to_owned()),
        )
    };
    if let Some(Some(value)) = details.member(Kind::SessionNameInvalid) {
        if let Some(problem) = session_name_problem(value) {
            return fix(cause(
                C::SessionName,
                Verdict::Confirmed,
                format!("the error shows the session name {}, which {problem}", q(value)),
            ))
            .done();
        }
    }
    let Some(written) = facts
        .job
        .as_ref()
        .and_then(|j| j.call.as_ref())
        .and_then(|c| c.session_name.clone())
    else {
        let evidence = if facts.job.as_ref().is_some_and(|j| j.uses_token_file) {
            "the job uses AWS_WEB_IDENTITY_TOKEN_FILE; its session name is AWS_ROLE_SESSION_NAME or the SDK's default"
        } else {
            "neither the error nor the job shows the session name"
        };
        return cause(C::SessionName, Verdict::CannotTellOffline, evidence).done();
    };
    let job = facts.job.as_ref();
    let names = job::references(&written);
    // With the token's claims, the name the job built.
    if let Some(built) = facts
        .claims
        .as_ref()
        .and_then(|claims| built_session_name(&written, &names, claims, job))
    {
        let (verdict, which) = match session_name_problem(&built) {
            Some(problem) => (Verdict::Confirmed, problem),
            None => (Verdict::RuledOut, "is valid".to_owned()),
        };
        let found = cause(
            C::SessionName,
            verdict,
            format!(
                "with your token's values the job's session name {} is {}, which {which}",
                q(&written),
                q(&built)
            ),
        );
        return if verdict == Verdict::Confirmed {
            fix(found)
        } else {
            found
        }
        .done();
    }
    let literal = names.iter().fold(written.clone(), |text, name| {
        super::replace_all(
            &super::replace_all(&text, &format!("${{{name}}}"), ""),
            &format!("${name}"),
            "",
        )
    });
    if let Some(problem) = session_name_problem(&literal).filter(|_| !literal.is_empty()) {
        if !contains(&problem, "fewer than") {
            return fix(cause(
                C::SessionName,
                Verdict::Confirmed,
                format!("the job's session name {} {problem} in its literal text", q(&written)),
            ))
            .done();
        }
    }
    let risky = names
        .iter()
        .filter(|n| RISKY_VARIABLES.contains(n))
        .map(|n| format!("${n}"))
        .gather();
    if !risky.is_empty() {
        return fix(cause(
            C::SessionName,
            Verdict::Possible,
            format!(
                "the job's session name {} uses {}, which can hold / or spaces (feature/x), refused in session names",
                q(&written),
                risky.joined(", ")
            ),
        ))
        .done();
    }
    cause(
        C::SessionName,
        Verdict::RuledOut,
        format!(
            "the job's session name {} uses only characters and variables a session name allows",
            q(&written)
        ),
    )
    .done()
}

fn role_arn_fix(b: Builder) -> Builder {
    b.fix(
        FixKind::Gitlab,
        "A protected CI/CD variable is empty in jobs on unprotected refs: set the role ARN in the job's variables: (an ARN is not secret), unprotect the variable, or run the job only on protected refs.",
        None,
    )
}

fn role_arn(details: &Details, facts: &Facts) -> Cause {
    if let Some(Some(value)) = details.member(Kind::RoleArnInvalid) {
        if value.is_empty() || value == "0" {
            return empty_role_arn(facts);
        }
    }
    if let Some(text) = &facts.role_arn {
        let source = if facts.role_arn_from_job {
            "the job's role ARN"
        } else {
            "the role ARN"
        };
        return match crate::ci::RoleArn::parse(text) {
            Ok(_) => cause(
                C::RoleArn,
                Verdict::RuledOut,
                format!("{source} {} is well formed", q(text)),
            )
            .done(),
            Err(_) => cause(
                C::RoleArn,
                Verdict::Confirmed,
                format!(
                    "{source} {} is not arn:<partition>:iam::<12 digits>:role/<path><name>",
                    q(text)
                ),
            )
            .fix(FixKind::Job, "Pass the role's ARN exactly as IAM shows it.", None)
            .confirm(format!(
                "aws iam get-role --role-name {} --query Role.Arn",
                facts.role_name()
            ))
            .done(),
        };
    }
    let written = facts.job.as_ref().and_then(|j| {
        j.call
            .as_ref()
            .and_then(|c| c.role_arn.clone())
            .or_else(|| j.variable("AWS_ROLE_ARN").map(str::to_owned))
    });
    if let Some(variable) = written.as_deref().and_then(job::variable_name) {
        return role_arn_variable(facts, variable);
    }
    cause(
        C::RoleArn,
        Verdict::CannotTellOffline,
        "neither the context nor the job gives the role ARN",
    )
    .done()
}

/// The error shows an empty role ARN: the variable that should hold it is not set.
fn empty_role_arn(facts: &Facts) -> Cause {
    let protected = facts.claims.as_ref().and_then(Claims::ref_protected);
    let variable = facts
        .job
        .as_ref()
        .and_then(|j| j.call.as_ref())
        .and_then(|c| c.role_arn.as_deref())
        .and_then(job::variable_name)
        .map(str::to_owned);
    let named = variable
        .as_ref()
        .map_or_else(|| "the variable that holds it".to_owned(), |v| format!("${v}"));
    let evidence = match (protected, facts.claim("ref")) {
        (Some(false), Some(r)) => format!(
            "the role ARN was empty; your token's ref {} is not protected, so {named}, if it is a protected CI/CD variable, is not set in this job",
            q(r)
        ),
        _ => format!("the role ARN was empty: {named} is not set in this job"),
    };
    let shown = variable.unwrap_or_else(|| "ROLE_ARN".to_owned());
    role_arn_fix(cause(C::RoleArn, Verdict::Confirmed, evidence))
        .confirm(format!("echo \"role ARN: ${{{shown}:-<empty>}}\"   # in the job"))
        .done()
}

/// The job reads the role ARN from a variable set outside the file.
fn role_arn_variable(facts: &Facts, variable: &str) -> Cause {
    let protected = facts.claims.as_ref().and_then(Claims::ref_protected);
    let project = facts.claim("project_id").unwrap_or("<project-id>");
    let host = facts.host.as_ref().map_or("<gitlab-host>", |h| h.as_str());
    let confirm = format!(
        "curl --header \"PRIVATE-TOKEN: $GITLAB_API_TOKEN\" \"https://{host}/api/v4/projects/{project}/variables/{variable}\"   # \"protected\": true means empty on unprotected refs"
    );
    if protected == Some(false) {
        return role_arn_fix(cause(
            C::RoleArn,
            Verdict::Possible,
            format!(
                "the job reads the role ARN from ${variable}, set outside the file; your token's ref {} is not protected, so a protected ${variable} is empty here",
                q(facts.claim("ref").unwrap_or("-"))
            ),
        ))
        .confirm(confirm)
        .done();
    }
    cause(
        C::RoleArn,
        Verdict::CannotTellOffline,
        format!("the job reads the role ARN from ${variable}, set in the project's CI/CD settings, not in the file"),
    )
    .confirm(confirm)
    .done()
}

/// AWS regions that are off until an account opts in (STS included).
const OPT_IN_REGIONS: [&str; 15] = [
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

fn region_sts(kind: Kind, details: &Details, facts: &Facts) -> Cause {
    let mut account_note = String::new();
    if let (Some(account), Some(role)) = (&details.account, facts.role()) {
        if *account != role.account_id {
            account_note = format!(
                "; the error names account {account}, the role is in {}",
                role.account_id
            );
        }
    }
    let Some(region) = facts.region.as_deref() else {
        return cause(
            C::RegionSts,
            Verdict::CannotTellOffline,
            format!("the region the job calls STS in is not known (no region in the context, no --region, AWS_REGION or AWS_DEFAULT_REGION in the job){account_note}"),
        )
        .confirm("aws account list-regions --region-opt-status-contains ENABLED ENABLED_BY_DEFAULT")
        .done();
    };
    let confirm = format!("aws account get-region-opt-status --region-name {region}");
    let fix = |b: Builder| {
        b.fix(
            FixKind::AwsCli,
            format!("Enable the region {region} for the account (or activate its STS endpoint in IAM's account settings), or call STS in a default region."),
            Some(format!("aws account enable-region --region-name {region}")),
        )
    };
    if OPT_IN_REGIONS.contains(&region) {
        let why = if kind == Kind::InvalidClientToken {
            "is an opt-in region: credentials from STS's global endpoint are not valid there unless the account uses version 2 global tokens"
        } else {
            "is an opt-in region: STS answers there only once the account has enabled it"
        };
        return fix(cause(
            C::RegionSts,
            Verdict::Possible,
            format!("the job calls {} , which {why}{account_note}", q(region)),
        ))
        .confirm(confirm)
        .done();
    }
    cause(
        C::RegionSts,
        Verdict::CannotTellOffline,
        format!(
            "{} is enabled by default, but an administrator can deactivate its STS endpoint{account_note}",
            q(region)
        ),
    )
    .confirm(confirm)
    .done()
}

fn throttle(facts: &Facts) -> Cause {
    let many = facts.job.as_ref().is_some_and(|j| j.parallel);
    let evidence = if many {
        "STS answered Throttling (Rate exceeded), and the job runs in parallel (parallel:): each copy assumes the role at the same moment".to_owned()
    } else {
        "STS answered Throttling (Rate exceeded): it limits how many calls an account makes in a region per second, whatever the token; many jobs starting at once, or a job that assumes the role before every command, reach it".to_owned()
    };
    // A cause has one fix: the job's, which also says how to retry.
    cause(C::Throttle, Verdict::Possible, evidence)
        .fix(
            FixKind::Job,
            "Assume the role once per job and reuse the credentials for every command; spread jobs that start together (needs:, resource_group:); and give the AWS CLI and SDKs, which retry Throttling, more attempts (AWS_MAX_ATTEMPTS=10, AWS_RETRY_MODE=adaptive).",
            None,
        )
        .confirm("aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=AssumeRoleWithWebIdentity --max-results 50")
        .done()
}

fn network(facts: &Facts) -> Cause {
    let region = facts.region.as_deref();
    let endpoint = match region {
        Some(region) => {
            let suffix = Partition::from_name(region_partition(region))
                .and_then(Partition::dns_suffix)
                .unwrap_or("amazonaws.com");
            format!("https://sts.{region}.{suffix}/")
        }
        None => "https://sts.<region>.amazonaws.com/".to_owned(),
    };
    let probe = format!("curl -sS -o /dev/null -w '%{{http_code}}\\n' {endpoint}");
    cause(
        C::Network,
        Verdict::Possible,
        format!("the client got no answer from STS (it could not resolve, connect to or hear back from {endpoint}): the runner's network, its proxy or its DNS, not IAM, stopped the call"),
    )
    .fix(
        FixKind::Job,
        "Let the runner reach the endpoint: open egress to it on port 443, set HTTPS_PROXY (and NO_PROXY) where a proxy is required, or give a runner without internet access an STS interface VPC endpoint.",
        Some(probe.clone()),
    )
    .confirm(probe)
    .done()
}

fn transient(facts: &Facts) -> Cause {
    let private = facts.host.as_ref().is_some_and(|h| private_host(h.as_str()));
    let (verdict, evidence) = if private {
        (
            Verdict::RuledOut,
            "the issuer's host looks private: AWS cannot reach it at all, which a retry does not change".to_owned(),
        )
    } else {
        (
            Verdict::Possible,
            "STS documents this error as often transient (the identity provider did not answer in time); if a retry succeeds, that was it".to_owned(),
        )
    };
    let built = cause(C::Transient, verdict, evidence);
    if private {
        return built.done();
    }
    built
        .fix(
            FixKind::Retry,
            "Retry the job a few times with a backoff (the AWS CLI: AWS_MAX_ATTEMPTS=5, AWS_RETRY_MODE=standard).",
            None,
        )
        .done()
}

fn session_outlived(facts: &Facts) -> Cause {
    let Some(job) = &facts.job else {
        return cause(
            C::SessionOutlived,
            Verdict::CannotTellOffline,
            "without the job there is no session length or timeout to compare",
        )
        .done();
    };
    let duration_seconds = job_duration(facts).and_then(|(_, n)| n).unwrap_or(3600);
    match job.timeout_seconds {
        Some(timeout) if timeout > duration_seconds => cause(
            C::SessionOutlived,
            Verdict::Possible,
            format!(
                "the job may run {} (its timeout), but the session it assumes lasts {}",
                duration(timeout),
                duration(duration_seconds)
            ),
        )
        .fix(
            FixKind::Job,
            "Request a session as long as the job can run (and raise the role's MaxSessionDuration to match), or assume the role again before the long step.",
            Some(format!("--duration-seconds {}", timeout.clamp(900, 43_200))),
        )
        .done(),
        Some(timeout) => cause(
            C::SessionOutlived,
            Verdict::RuledOut,
            format!(
                "the job's timeout {} is within the session's {}",
                duration(timeout),
                duration(duration_seconds)
            ),
        )
        .done(),
        None => cause(
            C::SessionOutlived,
            Verdict::CannotTellOffline,
            format!(
                "the session lasts {}; the job sets no timeout: (the project's applies, 1 h by default)",
                duration(duration_seconds)
            ),
        )
        .done(),
    }
}

fn static_keys(facts: &Facts) -> Cause {
    let confirm = "aws sts get-caller-identity   # in the job: Arn must be the assumed role";
    let Some(job) = &facts.job else {
        return cause(
            C::StaticKeys,
            Verdict::CannotTellOffline,
            "static keys set as CI/CD variables are not visible here; the job shows which identity it uses",
        )
        .confirm(confirm)
        .done();
    };
    let set = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
        .iter()
        .filter(|v| job.variable(v).is_some())
        .copied()
        .gather();
    let fix = |b: Builder| {
        b.fix(
            FixKind::Gitlab,
            "Remove AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the job's variables and the project's CI/CD variables: the SDKs and the CLI use them before a web identity token.",
            None,
        )
    };
    if !set.is_empty() {
        let verdict = if job.uses_token_file {
            Verdict::Confirmed
        } else {
            Verdict::Possible
        };
        return fix(cause(
            C::StaticKeys,
            verdict,
            format!(
                "the file sets {}{}",
                set.joined(" and "),
                if job.uses_token_file {
                    ", which the SDKs use before AWS_WEB_IDENTITY_TOKEN_FILE"
                } else {
                    ", used wherever the assumed credentials are not exported"
                }
            ),
        ))
        .confirm(confirm)
        .done();
    }
    cause(
        C::StaticKeys,
        Verdict::CannotTellOffline,
        "the file sets no AWS_ACCESS_KEY_ID; a CI/CD variable of the project or group can, which only GitLab's settings show",
    )
    .confirm(confirm)
    .done()
}

fn not_exported(facts: &Facts) -> Cause {
    let Some(job) = &facts.job else {
        return cause(
            C::NotExported,
            Verdict::CannotTellOffline,
            "without the job there is no script to check",
        )
        .done();
    };
    let fix = |b: Builder| {
        b.fix(
            FixKind::Job,
            "Assign the STS output first and stop when the call fails, then export the three values (the generated job does this).",
            Some("creds=$(aws sts assume-role-with-web-identity … --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) || exit 1\nread -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<< \"$creds\"\nexport AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN".to_owned()),
        )
    };
    if job.hides_failure {
        return fix(cause(
            C::NotExported,
            Verdict::Confirmed,
            "the job runs export $(…) around the STS call: when the call fails, the export succeeds with nothing and the job goes on without credentials",
        ))
        .done();
    }
    if job.uses_token_file && job.call.is_none() && !job.sets("AWS_ROLE_ARN") {
        return cause(
            C::NotExported,
            Verdict::Confirmed,
            "the job uses AWS_WEB_IDENTITY_TOKEN_FILE but sets no AWS_ROLE_ARN: the SDKs need both",
        )
        .fix(
            FixKind::Job,
            "Set AWS_ROLE_ARN next to AWS_WEB_IDENTITY_TOKEN_FILE.",
            Some("variables:\n  AWS_ROLE_ARN: arn:aws:iam::<account-id>:role/<role-name>".to_owned()),
        )
        .done();
    }
    if job.call.is_some() && !contains(&job.text, "AWS_SESSION_TOKEN") {
        return fix(cause(
            C::NotExported,
            Verdict::Possible,
            "the job calls STS but never sets AWS_SESSION_TOKEN: the assumed credentials are not passed on",
        ))
        .done();
    }
    cause(
        C::NotExported,
        Verdict::RuledOut,
        "the job passes the assumed credentials on and does not hide a failed call",
    )
    .done()
}

/// IAM's default quota for a role's trust policy, in characters.
const TRUST_POLICY_QUOTA: usize = 2048;

fn policy_size(facts: &Facts) -> Cause {
    let (Some(document), Some(text)) = (&facts.policy, &facts.policy_text) else {
        return cause(
            C::PolicySize,
            Verdict::CannotTellOffline,
            "without the policy there is nothing to measure",
        )
        .done();
    };
    let compact = document.to_compact_json().chars().count();
    let written = text.chars().count();
    let fix = |b: Builder| {
        b.fix(
            FixKind::Policy,
            "Merge statements that differ only in sub into one statement whose sub condition lists every value (or one StringLike pattern, minding what it admits), or ask for the ACLSizePerRole quota to be raised (up to 8192).",
            None,
        )
    };
    if compact > TRUST_POLICY_QUOTA {
        return fix(cause(
            C::PolicySize,
            Verdict::Confirmed,
            format!("the policy is {compact} characters without whitespace, over the default quota of {TRUST_POLICY_QUOTA} (raisable to 8192)"),
        ))
        .done();
    }
    if written > TRUST_POLICY_QUOTA {
        return fix(cause(
            C::PolicySize,
            Verdict::Possible,
            format!("the policy is {written} characters as written but {compact} without whitespace; whether IAM counts the whitespace is not documented"),
        ))
        .done();
    }
    cause(
        C::PolicySize,
        Verdict::RuledOut,
        format!("the policy is {written} characters, within the default quota of {TRUST_POLICY_QUOTA}"),
    )
    .done()
}

fn policy_rejected(facts: &Facts) -> Cause {
    if let Some(error) = &facts.policy_error {
        return cause(
            C::PolicyRejected,
            Verdict::Confirmed,
            format!("the policy is not valid: {error}"),
        )
        .fix(FixKind::Policy, "Fix the policy's JSON where the message points.", None)
        .done();
    }
    let Some(document) = &facts.policy else {
        return cause(
            C::PolicyRejected,
            Verdict::CannotTellOffline,
            "without the policy there is nothing to check",
        )
        .done();
    };
    let context = crate::lint::Context {
        token: facts.claims.clone().map(|c| (c, facts.host.clone())),
        ..crate::lint::Context::default()
    };
    let errors = crate::lint::lint(document, &context)
        .into_iter()
        .filter(|f| f.severity == crate::Severity::Error && f.code != "POL023")
        .gather();
    if errors.is_empty() {
        return cause(
            C::PolicyRejected,
            Verdict::Possible,
            "the linter finds no error IAM would refuse; IAM may also require conditions on shared providers' claims (identity-provider controls)",
        )
        .done();
    }
    let list = errors
        .iter()
        .map(|f| format!("{} {}", f.code, f.message))
        .gather()
        .joined("; ");
    let mut built = cause(
        C::PolicyRejected,
        Verdict::Confirmed,
        format!("the linter finds: {list}"),
    )
    .fix(FixKind::Policy, "Fix what the linter reports.", None)
    .done();
    if let (Some(fix), Some(lint_fix)) = (&mut built.fix, errors.iter().find_map(|f| f.fix.clone())) {
        fix.policy = Some(lint_fix);
    }
    built
}

fn role_permissions(facts: &Facts) -> Cause {
    let _ = facts;
    cause(
        C::RolePermissions,
        Verdict::CannotTellOffline,
        "the assume worked; the role's permission policies (or an SCP or permissions boundary) decide this call, and only the account shows them",
    )
    .confirm("aws sts get-caller-identity   # in the job: is the Arn the assumed role?")
    .done()
}

/// Values the error states that the context contradicts: the context is then likely not the
/// failing job's.
pub fn disagreements(error: &RecognizedError, details: &Details, facts: &Facts, findings: &mut Vec<Finding>) {
    let mut push = |message: String| findings.push(Finding::new(&rules::CONTEXT_DISAGREES, message));
    if let (Some(url), Some(iss)) = (&details.url, facts.iss()) {
        if error.kind == Kind::NoProvider
            && crate::text::trim_end_ascii(url, b'/') != crate::text::trim_end_ascii(iss, b'/')
        {
            push(format!(
                "the error names the issuer {}, but the token's iss is {}: the token is probably not the one that failed",
                q(url),
                q(iss)
            ));
        }
    }
    if let (Some(expiry), Some(exp)) = (
        details.sts_expiry,
        facts.claims.as_ref().and_then(|c| c.numeric_date("exp")),
    ) {
        if expiry != exp {
            push(format!(
                "the error says the token expired at {expiry}, but the token's exp is {exp}: the token is probably not the one that failed"
            ));
        }
    }
    if let (Some(account), Some(role)) = (&details.account, facts.role()) {
        if *account != role.account_id {
            push(format!(
                "the error names account {account}, but the role is in account {}",
                role.account_id
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_messages_state() {
        let details =
            Details::read("No OpenIDConnect provider found in your account for https://gitlab.example.com/gitlab.");
        assert_eq!(details.url.as_deref(), Some("https://gitlab.example.com/gitlab"));
        let details = Details::read(
            "Token expired: current date/time 1764004200 must be before the expiration date/time1764003600",
        );
        assert_eq!(
            (details.sts_now, details.sts_expiry),
            (Some(1_764_004_200), Some(1_764_003_600))
        );
        let details =
            Details::read("STS is not activated in this region for account:012345678901. Your account administrator…");
        assert_eq!(details.account.as_deref(), Some("012345678901"));
        let details = Details::read("Parameter validation failed: Invalid length for parameter RoleArn, value: 0, valid min length: 20 Invalid value for parameter DurationSeconds, value: 100, valid min value: 900");
        assert_eq!(
            details.members,
            [
                (Kind::RoleArnInvalid, Some("0".to_owned())),
                (Kind::DurationOutOfRange, Some("100".to_owned()))
            ]
        );
        let details =
            Details::read("1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint");
        assert_eq!(details.members, [(Kind::SessionNameInvalid, Some("a b".to_owned()))]);
    }

    #[test]
    fn session_names_and_slugs() {
        assert_eq!(session_name_problem("GitLabRunner-1-2"), None);
        assert!(session_name_problem("gl-feature/x").unwrap().contains("U+002F '/'"));
        assert!(session_name_problem("a").unwrap().contains("fewer than 2"));
        assert!(session_name_problem(&"a".repeat(65)).unwrap().contains("65 characters"));
        assert_eq!(slug("Feature/ABC_1--"), "feature-abc-1");
        assert_eq!(region_partition("cn-northwest-1"), "aws-cn");
        assert_eq!(region_partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(region_partition("eu-west-1"), "aws");
        assert!(private_host("gitlab.corp.internal") && private_host("10.1.2.3") && private_host("gitlab"));
        assert!(!private_host("gitlab.example.com") && !private_host("8.8.8.8"));
    }
}
