//! `trustPolicy` and `trustPolicyForToken`: a spec (or a token) in, the
//! policy, every format and the findings out.

use crate::text::Gather as _;
use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

use super::render::{self, Formats};
use super::spec::{aws_audience, SpecError, TrustPolicySpec};
use crate::error::Coded;
use crate::finding::Finding;
use crate::input::{self, Fields, InputError};
use crate::issuer::ProviderHost;
use crate::lint;
use crate::subject::{Component, Subject};
use crate::token::{decode_unverified, TokenError};

/// Everything generated for one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustPolicyResult {
    /// The trust policy JSON text.
    pub policy: String,
    pub formats: Formats,
    pub findings: Vec<Finding>,
    pub role_name: String,
    pub role_arn: String,
    pub provider_arn: String,
    pub provider_host: String,
    pub issuer: String,
    /// The audience the job must request (`id_tokens: …: aud:`).
    pub audience: String,
    /// The `sub` values (or patterns) the policy admits.
    pub subjects: Vec<String>,
}

/// Builds the policy and every format from a spec.
///
/// # Errors
/// A [`SpecError`] naming the first unusable field.
pub fn trust_policy(spec: &TrustPolicySpec) -> Result<TrustPolicyResult, SpecError> {
    let valid = spec.validate()?;
    let document = valid.document();
    Ok(TrustPolicyResult {
        policy: document.to_json(),
        formats: render::all(&valid, &document),
        findings: lint::lint(&document, &lint::Context::default()),
        role_name: valid.role_name.clone(),
        role_arn: valid.role_arn(),
        provider_arn: valid.provider_arn(),
        provider_host: valid.host.as_str().to_owned(),
        issuer: valid.issuer.clone(),
        audience: valid.audience.clone(),
        subjects: valid.sub_values(),
    })
}

/// Which refs a policy generated from a token admits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RefScope {
    /// Exactly the token's branch or tag.
    #[default]
    ThisRef,
    AnyBranch,
    AnyTag,
}

/// Options for [`trust_policy_for_token`]: the AWS side, and how far to widen.
#[derive(Debug, Clone, Default)]
pub struct TokenPolicyOptions {
    pub account_id: Option<String>,
    pub partition: Option<String>,
    /// Default: the token's own `aud`.
    pub audience: Option<String>,
    pub ref_scope: RefScope,
    /// gitlab.com: pin `ref_protected` = "true" (default: when the token's ref is protected).
    pub protected_only: Option<bool>,
    /// gitlab.com: pin `project_id` (default true).
    pub pin_project_id: Option<bool>,
    /// gitlab.com: pin `namespace_id` (default true).
    pub pin_namespace_id: Option<bool>,
    pub role_name: Option<String>,
    pub max_session_duration: Option<Value>,
    pub description: Option<String>,
    pub tags: Map<String, Value>,
    pub create_provider: Option<bool>,
}

impl RefScope {
    /// The names JSON uses, in declaration order.
    pub const NAMES: [&'static str; 3] = ["this-ref", "any-branch", "any-tag"];
    const ALL: [Self; 3] = [Self::ThisRef, Self::AnyBranch, Self::AnyTag];
}

/// Why no policy can be built from a token.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FromTokenError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("options are not valid: {0}")]
    Options(InputError),
    #[error("token {claim}: {message}")]
    Claim { claim: &'static str, message: String },
    /// An option this token's issuer or `sub` cannot express: refused rather than dropped.
    #[error("options.{field} {message}")]
    Unenforceable { field: &'static str, message: String },
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A spec error on a value the token gave (its `aud`), not the caller: no field to name.
    #[error(transparent)]
    TokenSpec(SpecError),
}

impl Coded for FromTokenError {
    fn code(&self) -> &'static str {
        match self {
            Self::Token(e) => e.code(),
            Self::Options(_) | Self::Unenforceable { .. } => "options.invalid",
            Self::Claim { claim, .. } => match *claim {
                "iss" => "token.iss",
                "aud" => "token.aud",
                _ => "token.sub",
            },
            Self::Spec(e) | Self::TokenSpec(e) => e.code(),
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            Self::Options(error) => error.field().map(str::to_owned),
            Self::Unenforceable { field, .. } => Some((*field).to_owned()),
            // Only a field the caller gave: the rest of the spec comes from the token.
            Self::Spec(error) => error
                .field()
                .filter(|field| TokenPolicyOptions::FIELDS.contains(&field.as_str())),
            Self::Token(_) | Self::Claim { .. } | Self::TokenSpec(_) => None,
        }
    }
}

impl TokenPolicyOptions {
    /// Parses options from JSON text.
    ///
    /// # Errors
    /// [`FromTokenError::Options`] when the JSON is not an options object.
    pub fn from_json(text: &str) -> Result<Self, FromTokenError> {
        let map = input::parse_object(text, &Self::FIELDS).map_err(FromTokenError::Options)?;
        Self::from_fields(Fields::new(&map, "")).map_err(FromTokenError::Options)
    }

    /// The field names, as JSON spells them.
    pub const FIELDS: [&'static str; 12] = [
        "accountId",
        "partition",
        "audience",
        "refScope",
        "protectedOnly",
        "pinProjectId",
        "pinNamespaceId",
        "roleName",
        "maxSessionDuration",
        "description",
        "tags",
        "createProvider",
    ];

    fn from_fields(fields: Fields<'_>) -> Result<Self, InputError> {
        // Field by field into a default, in the order the fields are checked: see `SnippetSpec`.
        let mut options = Self::default();
        fields.read_string(&mut options.account_id, "accountId")?;
        fields.read_string(&mut options.partition, "partition")?;
        fields.read_string(&mut options.audience, "audience")?;
        options.ref_scope = fields
            .choice("refScope", &RefScope::NAMES)?
            .map_or(RefScope::ThisRef, |i| RefScope::ALL[i]);
        options.protected_only = fields.boolean("protectedOnly")?;
        options.pin_project_id = fields.boolean("pinProjectId")?;
        options.pin_namespace_id = fields.boolean("pinNamespaceId")?;
        fields.read_string(&mut options.role_name, "roleName")?;
        options.max_session_duration = fields.value("maxSessionDuration").cloned();
        fields.read_string(&mut options.description, "description")?;
        options.tags = fields.object("tags")?;
        options.create_provider = fields.boolean("createProvider")?;
        Ok(options)
    }
}

/// The least-privilege policy a token satisfies, widened as the options say.
///
/// # Errors
/// When the token cannot be decoded, lacks a usable `iss` or GitLab `sub`, or
/// the options make an invalid spec.
pub fn trust_policy_for_token(token: &str, options: &TokenPolicyOptions) -> Result<TrustPolicyResult, FromTokenError> {
    let spec = spec_for_token(token, options)?;
    trust_policy(&spec).map_err(|error| match error {
        SpecError::Audience(..) if options.audience.is_none() => FromTokenError::TokenSpec(error),
        // The subjects come from the token's sub (e.g. a ref IAM cannot hold): name the claim.
        SpecError::Subject { message, .. } => FromTokenError::Claim { claim: "sub", message },
        error => FromTokenError::Spec(error),
    })
}

/// The spec [`trust_policy_for_token`] builds: shown to people so they can edit it further.
///
/// # Errors
/// As [`trust_policy_for_token`].
pub fn spec_for_token(token: &str, options: &TokenPolicyOptions) -> Result<TrustPolicySpec, FromTokenError> {
    let decoded = decode_unverified(token)?;
    let claims = decoded.claims();
    let claim_error = |claim, message: String| FromTokenError::Claim { claim, message };
    let issuer = claims
        .issuer()
        .ok_or_else(|| claim_error("iss", "is missing; the policy's provider comes from it".to_owned()))?;
    let host = ProviderHost::from_issuer(issuer).map_err(|e| claim_error("iss", crate::text::display(&e)))?;
    let sub = claims
        .subject()
        .ok_or_else(|| claim_error("sub", "is missing; the policy must match it".to_owned()))?;
    let subject = Subject::parse(sub).map_err(|e| claim_error("sub", crate::text::display(&e)))?;
    let audience = match (&options.audience, aws_audience(claims)) {
        (Some(audience), _) => audience.clone(),
        (None, Ok(audience)) => audience.to_owned(),
        (None, Err(list)) if list.is_empty() => {
            return Err(claim_error("aud", "is missing; set options.audience".to_owned()))
        }
        (None, Err(list)) => {
            return Err(claim_error(
                "aud",
                format!(
                    "lists several audiences ({}); set options.audience to the one for AWS",
                    crate::text::join(&list, ", ")
                ),
            ))
        }
    };

    let widened = match options.ref_scope {
        RefScope::ThisRef => None,
        RefScope::AnyBranch => Some(("any-branch", "tags")),
        RefScope::AnyTag => Some(("any-tag", "branches")),
    };
    if let (Some((scope, others)), None) = (widened, subject.get(Component::RefType)) {
        // AWS has no ref_type condition key for any issuer: only sub can tell branches from tags.
        return Err(FromTokenError::Unenforceable {
            field: "refScope",
            message: format!(
                "{scope:?} cannot be enforced for this token: its sub ({sub}) has no ref_type component and AWS has no ref_type condition key, so ref:* would admit {others} too; add ref_type to the project's ci_id_token_sub_claim_components, or keep refScope \"this-ref\""
            ),
        });
    }

    let protected_in_sub = subject.get(Component::RefProtected).is_some();
    if options.protected_only == Some(true) && !host.is_gitlab_com() && !protected_in_sub {
        // AWS evaluates only sub and aud for other issuers: asked for explicitly, protectedOnly
        // is enforced through sub when sub carries ref_protected, and refused otherwise.
        return Err(FromTokenError::Unenforceable {
            field: "protectedOnly",
            message: format!(
                "cannot be enforced for tokens from {host}: AWS evaluates the ref_protected condition key only for gitlab.com tokens, and this token's sub has no ref_protected component, so unprotected refs would be admitted; add ref_protected to the project's ci_id_token_sub_claim_components, or leave protectedOnly unset"
            ),
        });
    }

    let mut subject_map = Map::new();
    for (component, value) in subject.components() {
        let value = match (component, options.ref_scope) {
            (Component::Ref, RefScope::AnyBranch | RefScope::AnyTag) => "*".to_owned(),
            (Component::RefType, RefScope::AnyBranch) => "branch".to_owned(),
            (Component::RefType, RefScope::AnyTag) => "tag".to_owned(),
            // sub carries ref_protected: protectedOnly is enforced there, on any issuer.
            (Component::RefProtected, _) if options.protected_only == Some(true) => "true".to_owned(),
            _ => value.clone(),
        };
        subject_map.insert(component.name().to_owned(), Value::String(value));
    }

    let mut pins = Map::new();
    if host.is_gitlab_com() {
        let mut pin = |name: &str, wanted: bool, value: Option<&str>| {
            if let (true, Some(value)) = (wanted, value) {
                pins.insert(name.to_owned(), Value::String(value.to_owned()));
            }
        };
        pin(
            "project_id",
            options.pin_project_id.unwrap_or(true),
            claims.project_id(),
        );
        pin(
            "namespace_id",
            options.pin_namespace_id.unwrap_or(true),
            claims.string("namespace_id"),
        );
        let protected = options.protected_only.unwrap_or(claims.ref_protected() == Some(true));
        pin("ref_protected", protected, Some("true"));
    }

    Ok(TrustPolicySpec {
        issuer: Some(issuer.to_owned()),
        account_id: options.account_id.clone(),
        partition: options.partition.clone(),
        audience: Some(audience),
        sub_claim_components: Some(subject.components().iter().map(|(c, _)| c.name().to_owned()).gather()),
        subjects: vec![subject_map],
        pins,
        role_name: options.role_name.clone(),
        max_session_duration: options.max_session_duration.clone(),
        description: options.description.clone(),
        tags: options.tags.clone(),
        create_provider: options.create_provider,
    })
}
