//! The trust-policy spec a person fills in, checked field by field, and the
//! policy built from it.

use crate::text::Gather as _;
use crate::text::Joined as _;
use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

use super::arn::{self, Partition};
use super::{variables, Condition, Document, Statement, ASSUME_ROLE_WITH_WEB_IDENTITY, POLICY_VERSION};
use crate::error::Coded;
use crate::input::{self, Fields, InputError};
use crate::issuer::{IssuerError, ProviderHost};
use crate::subject::{check_value, Component, FIRST_NAMES};
use crate::token::{catalog, Claims};

/// GitLab's current advice: the audience names the service that consumes
/// the token. STS is that service, and AWS's own GitLab guides use it.
pub const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";
pub const DEFAULT_ISSUER: &str = "https://gitlab.com";

pub const DEFAULT_MAX_SESSION_SECONDS: u32 = 3600;
/// The claims a trust policy may pin on gitlab.com, besides `sub` and `aud`.
pub const PIN_CLAIMS: [&str; 5] = [
    "project_id",
    "namespace_id",
    "ref_protected",
    "pipeline_source",
    "runner_environment",
];

/// The audience a trust policy for this token should expect: its only one, or
/// [`DEFAULT_AUDIENCE`] when it lists several and AWS's own is among them.
/// Otherwise `Err` with the audiences it has (none, or several with no clear choice).
///
/// # Errors
/// The token's audiences when none of them is the clear choice.
pub fn aws_audience(claims: &Claims) -> Result<&str, Vec<&str>> {
    match claims.audiences().as_slice() {
        [one] => Ok(one),
        list if list.contains(&DEFAULT_AUDIENCE) => Ok(DEFAULT_AUDIENCE),
        list => Err(list.to_vec()),
    }
}

/// The spec as it arrives from JavaScript (JSON): loose types, checked by [`TrustPolicySpec::validate`].
/// Serialized (by `specForToken`) with absent fields left out.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustPolicySpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_claim_components: Option<Vec<String>>,
    pub subjects: Vec<Map<String, Value>>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub pins: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_session_duration: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub tags: Map<String, Value>,
    /// Whether the formats create the IAM OIDC provider (default) or refer to an existing one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_provider: Option<bool>,
}

/// A spec field that cannot be used; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SpecError {
    #[error("spec is not valid: {0}")]
    Json(InputError),
    #[error("issuer: {0}")]
    Issuer(IssuerError),
    #[error("accountId is missing; expected the 12-digit AWS account id that owns the role")]
    AccountIdMissing,
    #[error("accountId {0:?} is not an AWS account id; expected exactly 12 digits")]
    AccountId(String),
    #[error("partition {0:?} is unknown; expected {names}", names = arn::PARTITION_NAMES)]
    Partition(String),
    #[error("audience {0:?} is not usable: {1}")]
    Audience(String, &'static str),
    #[error("subClaimComponents: {0}")]
    SubClaimComponents(String),
    #[error("subjects: give at least one subject, e.g. {{ \"project_path\": \"group/project\", \"ref_type\": \"branch\", \"ref\": \"main\" }}")]
    NoSubjects,
    #[error("subjects[{index}]: {message}")]
    Subject { index: usize, message: String },
    #[error("pins: {message}")]
    Pins {
        /// The pinned claim the message is about, when it is one of [`PIN_CLAIMS`].
        claim: Option<&'static str>,
        message: String,
    },
    /// A pin on a claim other than [`PIN_CLAIMS`].
    #[error("pins: {0:?} cannot be pinned; expected {names}", names = crate::text::join(&PIN_CLAIMS, ", "))]
    PinName(String),
    #[error("roleName {0:?} is not an IAM role name; expected 1–64 characters of letters, digits and + = , . @ _ -")]
    RoleName(String),
    #[error("maxSessionDuration {0} is out of range; expected whole seconds from 3600 to 43200")]
    MaxSessionDuration(String),
    #[error("description: {0}")]
    Description(&'static str),
    #[error("tags: {0}")]
    Tags(String),
}

impl Coded for SpecError {
    fn code(&self) -> &'static str {
        match self {
            Self::Json(_) => "spec.invalid",
            Self::Issuer(_) => "spec.issuer",
            Self::AccountIdMissing | Self::AccountId(_) => "spec.account_id",
            Self::Partition(_) => "spec.partition",
            Self::Audience(..) => "spec.audience",
            Self::SubClaimComponents(_) => "spec.sub_claim_components",
            Self::NoSubjects | Self::Subject { .. } => "spec.subjects",
            Self::Pins { .. } | Self::PinName(_) => "spec.pins",
            Self::RoleName(_) => "spec.role_name",
            Self::MaxSessionDuration(_) => "spec.max_session_duration",
            Self::Description(_) => "spec.description",
            Self::Tags(_) => "spec.tags",
        }
    }

    fn field(&self) -> Option<String> {
        let name = match self {
            Self::Json(error) => return error.field().map(str::to_owned),
            Self::Subject { index, .. } => return Some(format!("subjects[{index}]")),
            Self::Pins { claim: Some(claim), .. } => return Some(format!("pins.{claim}")),
            Self::PinName(name) => return Some(format!("pins.{name}")),
            Self::Issuer(_) => "issuer",
            Self::AccountIdMissing | Self::AccountId(_) => "accountId",
            Self::Partition(_) => "partition",
            Self::Audience(..) => "audience",
            Self::SubClaimComponents(_) => "subClaimComponents",
            Self::NoSubjects => "subjects",
            Self::Pins { claim: None, .. } => "pins",
            Self::RoleName(_) => "roleName",
            Self::MaxSessionDuration(_) => "maxSessionDuration",
            Self::Description(_) => "description",
            Self::Tags(_) => "tags",
        };
        Some(name.to_owned())
    }
}

/// A checked spec: every value is safe to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSpec {
    pub issuer: String,
    pub host: ProviderHost,
    pub account_id: String,
    pub partition: Partition,
    pub audience: String,
    pub components: Vec<Component>,
    /// Each subject's components in `components` order; values may be patterns.
    pub subjects: Vec<Vec<(Component, String)>>,
    /// gitlab.com claims pinned with `StringEquals`, in [`PIN_CLAIMS`] order.
    pub pins: Vec<(&'static str, Vec<String>)>,
    pub role_name: String,
    pub max_session_duration: u32,
    pub description: String,
    pub tags: Vec<(String, String)>,
    pub create_provider: bool,
}

impl TrustPolicySpec {
    /// Parses a spec from JSON text.
    ///
    /// # Errors
    /// [`SpecError::Json`] for JSON that is not a spec object.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let map = input::parse_object(text, &Self::FIELDS).map_err(SpecError::Json)?;
        Self::from_fields(Fields::new(&map, "")).map_err(SpecError::Json)
    }

    /// The field names, as JSON spells them.
    pub const FIELDS: [&'static str; 12] = [
        "issuer",
        "accountId",
        "partition",
        "audience",
        "subClaimComponents",
        "subjects",
        "pins",
        "roleName",
        "maxSessionDuration",
        "description",
        "tags",
        "createProvider",
    ];

    fn from_fields(fields: Fields<'_>) -> Result<Self, InputError> {
        // Field by field into a default, in the order the fields are checked: see `SnippetSpec`.
        let mut spec = Self::default();
        fields.read_string(&mut spec.issuer, "issuer")?;
        fields.read_string(&mut spec.account_id, "accountId")?;
        fields.read_string(&mut spec.partition, "partition")?;
        fields.read_string(&mut spec.audience, "audience")?;
        spec.sub_claim_components = fields.strings("subClaimComponents")?;
        spec.subjects = fields.objects("subjects")?.into_iter().cloned().gather();
        spec.pins = fields.object("pins")?;
        fields.read_string(&mut spec.role_name, "roleName")?;
        spec.max_session_duration = fields.value("maxSessionDuration").cloned();
        fields.read_string(&mut spec.description, "description")?;
        spec.tags = fields.object("tags")?;
        spec.create_provider = fields.boolean("createProvider")?;
        Ok(spec)
    }

    /// Checks every field.
    ///
    /// # Errors
    /// The first field that cannot be used.
    pub fn validate(&self) -> Result<ValidSpec, SpecError> {
        let issuer = self.issuer.clone().unwrap_or_else(|| DEFAULT_ISSUER.to_owned());
        let host = ProviderHost::from_issuer(&issuer).map_err(SpecError::Issuer)?;
        let account_id = self.account_id.clone().ok_or(SpecError::AccountIdMissing)?;
        if !arn::is_account_id(&account_id) {
            return Err(SpecError::AccountId(account_id));
        }
        let partition = match self.partition.as_deref() {
            None => Partition::Aws,
            Some(name) => Partition::from_name(name).ok_or_else(|| SpecError::Partition(name.to_owned()))?,
        };
        let audience = self.audience.clone().unwrap_or_else(|| DEFAULT_AUDIENCE.to_owned());
        check_audience(&audience)?;
        let components = components(self.sub_claim_components.as_deref())?;
        if self.subjects.is_empty() {
            return Err(SpecError::NoSubjects);
        }
        let mut subjects = Vec::with_capacity(self.subjects.len());
        for (index, subject) in self.subjects.iter().enumerate() {
            subjects
                .push(subject_values(subject, &components).map_err(|message| SpecError::Subject { index, message })?);
        }
        let pins = pins(&self.pins, &host)?;
        let role_name = match &self.role_name {
            Some(name) if arn::is_role_name(name) => name.clone(),
            Some(name) => return Err(SpecError::RoleName(name.clone())),
            None => default_role_name(&subjects),
        };
        let max_session_duration = match &self.max_session_duration {
            None => DEFAULT_MAX_SESSION_SECONDS,
            Some(value) => value
                .as_u64()
                .and_then(|s| u32::try_from(s).ok())
                .filter(|s| (3600..=43200).contains(s))
                .ok_or_else(|| SpecError::MaxSessionDuration(crate::text::json(value)))?,
        };
        let description = match &self.description {
            Some(text) => {
                check_description(text)?;
                text.clone()
            }
            None => default_description(&host, &subjects),
        };
        Ok(ValidSpec {
            issuer,
            host,
            account_id,
            partition,
            audience,
            components,
            subjects,
            pins,
            role_name,
            max_session_duration,
            description,
            tags: tags(&self.tags)?,
            create_provider: self.create_provider.unwrap_or(true),
        })
    }
}

fn check_audience(audience: &str) -> Result<(), SpecError> {
    let fail = |why| Err(SpecError::Audience(audience.to_owned(), why));
    if audience.is_empty() {
        return fail(
            "it is empty; GitLab requires id_tokens: …: aud:, and IAM matches it to the provider's client IDs",
        );
    }
    if audience.len() > 255 {
        return fail("IAM client IDs are at most 255 characters");
    }
    if audience.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return fail("it contains whitespace or control characters");
    }
    if !audience.chars().all(super::allowed_in_policy) {
        return fail("it contains a character IAM refuses in policy documents (only tab, line feed, carriage return and U+0020 to U+00FF)");
    }
    Ok(())
}

fn components(names: Option<&[String]>) -> Result<Vec<Component>, SpecError> {
    let Some(names) = names else {
        return Ok(Component::DEFAULT.to_vec());
    };
    let fail = |message: String| Err(SpecError::SubClaimComponents(message));
    let mut components: Vec<Component> = Vec::new();
    // As GitLab validates the setting: a project component first, then any allowed component
    // (a project component again, or a repeat, included: GitLab checks only membership, and
    // writes a repeated component into sub each time, so the policy must too).
    for name in names {
        let Some(component) = Component::from_name(name) else {
            return fail(format!(
                "{name:?} is not a component GitLab supports; expected {FIRST_NAMES} first, then any of those or ref_type, ref, ref_protected, environment_protected, deployment_tier"
            ));
        };
        if components.is_empty() && !component.identifies_project() {
            return fail(format!("{name} is first; GitLab requires {FIRST_NAMES} first"));
        }
        components.push(component);
    }
    if components.is_empty() {
        return fail("it is empty; GitLab's default is project_path, ref_type, ref".to_owned());
    }
    Ok(components)
}

/// True when a value is a `StringLike` pattern.
#[must_use]
pub fn is_pattern(value: &str) -> bool {
    crate::text::has_wildcard(value)
}

fn subject_values(subject: &Map<String, Value>, components: &[Component]) -> Result<Vec<(Component, String)>, String> {
    let configured: Vec<&str> = components.iter().map(|c| c.name()).gather();
    for name in subject.keys() {
        let known = Component::from_name(name).is_some_and(|c| components.contains(&c));
        if !known {
            return Err(format!(
                "{name:?} is not one of the project's sub components ({}); add it to subClaimComponents or remove it",
                crate::text::join(&configured, ", ")
            ));
        }
    }
    let mut values = Vec::new();
    for &component in components {
        let name = component.name();
        let value = match subject.get(name) {
            Some(Value::String(value)) => value,
            Some(other) => {
                return Err(format!(
                    "{name} is {}; expected a string",
                    crate::token::json_kind(other)
                ))
            }
            // GitLab drops environment components when a job has no environment.
            None if matches!(component, Component::EnvironmentProtected | Component::DeploymentTier) => continue,
            None => {
                return Err(format!(
                    "{name} is missing; every subject needs a value for each sub component ({}), or * for any",
                    crate::text::join(&configured, ", ")
                ))
            }
        };
        check_subject_value(component, value).map_err(|why| format!("{name} {value:?} {why}"))?;
        values.push((component, value.clone()));
    }
    Ok(values)
}

fn check_subject_value(component: Component, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("is empty".to_owned());
    }
    if value.bytes().any(|b| b == b':') {
        return Err("contains ':', which GitLab uses only between sub components".to_owned());
    }
    // Git allows refs IAM cannot hold: such a ref can never be named in a trust policy.
    super::check_policy_text(value)?;
    if !is_pattern(value) {
        return check_value(component, value).map_err(|e| format!("is not valid: {e}"));
    }
    // StringLike's * and ? cross '/' and ':': a pattern that leaves the top-level group
    // (or the id) open admits projects anyone can create, as the linter's POL005 says.
    match component {
        c if c.is_project_id() => Err(
            "admits any project: ids go to whoever creates the next project, so a wildcard in an id matches projects you do not own; give the exact id".to_owned(),
        ),
        c if c.is_project_path() && is_pattern(crate::text::split_ascii(value, b'/').next().unwrap_or_default()) => Err(
            "admits any project: * and ? cross '/', so a wildcard in the top-level group matches groups anyone can register; start with your group (e.g. acme/*)".to_owned(),
        ),
        _ if value.chars().all(|c| c == '*') => Ok(()),
        c if c.is_project_path() || c == Component::Ref => {
            // Check the literal parts: a pattern must still look like the component.
            let literal = crate::text::replace_wildcards(value, "a");
            check_value(component, &literal).map_err(|e| format!("is not a valid pattern: {e}"))
        }
        _ => Err("can only be an exact value or *".to_owned()),
    }
}

fn pins(pins: &Map<String, Value>, host: &ProviderHost) -> Result<Vec<(&'static str, Vec<String>)>, SpecError> {
    if pins.is_empty() {
        return Ok(Vec::new());
    }
    if !host.is_gitlab_com() {
        return Err(SpecError::Pins {
            claim: None,
            message: format!(
                "AWS evaluates only sub and aud for tokens from {host}; claims such as project_id can be pinned only on gitlab.com (put them in sub instead)"
            ),
        });
    }
    if let Some(name) = pins.keys().find(|k| !PIN_CLAIMS.contains(&k.as_str())) {
        return Err(SpecError::PinName(name.clone()));
    }
    let mut checked = Vec::new();
    for claim in PIN_CLAIMS {
        let Some(value) = pins.get(claim) else { continue };
        let values: Vec<String> = match value {
            Value::String(s) => vec![s.clone()],
            Value::Array(list) if !list.is_empty() && list.iter().all(Value::is_string) => {
                list.iter().filter_map(Value::as_str).map(str::to_owned).gather()
            }
            _ => {
                return Err(SpecError::Pins {
                    claim: Some(claim),
                    message: format!("{claim} must be a string or a non-empty list of strings"),
                })
            }
        };
        for v in &values {
            let ok = match claim {
                "project_id" | "namespace_id" => !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()),
                "ref_protected" => v == "true" || v == "false",
                _ => catalog::claim_info(claim).is_some_and(|info| info.known_values.contains(&v.as_str())),
            };
            if !ok {
                let expected = match claim {
                    "project_id" | "namespace_id" => "digits (GitLab's numeric id, as a string)".to_owned(),
                    "ref_protected" => "\"true\" or \"false\"".to_owned(),
                    _ => {
                        catalog::claim_info(claim).map_or_else(String::new, |i| crate::text::join(i.known_values, ", "))
                    }
                };
                return Err(SpecError::Pins {
                    claim: Some(claim),
                    message: format!("{claim} {v:?} is not valid; expected {expected}"),
                });
            }
        }
        checked.push((claim, values));
    }
    Ok(checked)
}

fn default_role_name(subjects: &[Vec<(Component, String)>]) -> String {
    let project = subjects
        .first()
        .and_then(|s| s.first())
        .map(|(_, v)| crate::text::replace_wildcards(v, ""))
        .unwrap_or_default();
    let mut name = crate::text::map_chars(&format!("gitlab-ci-{project}"), &|c| {
        if c.is_ascii_alphanumeric() || crate::text::has_char("+=,.@_-", c) {
            c
        } else {
            '-'
        }
    });
    name.truncate(64);
    crate::text::trim_end_ascii(&name, b'-').to_owned()
}

fn default_description(host: &ProviderHost, subjects: &[Vec<(Component, String)>]) -> String {
    let first = subjects
        .first()
        .and_then(|s| s.first())
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let more = match subjects.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    let text = format!("Assumed by GitLab CI jobs of {first}{more} on {host} through OIDC");
    crate::text::first_chars(&text, 1000).to_owned()
}

fn check_description(text: &str) -> Result<(), SpecError> {
    if text.chars().count() > 1000 {
        return Err(SpecError::Description(
            "IAM role descriptions are at most 1000 characters",
        ));
    }
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{A1}'..='\u{FF}');
    if !text.chars().all(allowed) {
        return Err(SpecError::Description(
            "IAM allows only tab, newline, printable ASCII and Latin-1 letters in role descriptions",
        ));
    }
    Ok(())
}

fn tags(tags: &Map<String, Value>) -> Result<Vec<(String, String)>, SpecError> {
    if tags.len() > 50 {
        return Err(SpecError::Tags(format!("{} tags; IAM allows at most 50", tags.len())));
    }
    // Non-ASCII characters are left for IAM to judge (it allows Unicode letters and
    // digits): Unicode's letter tables would cost 1.9 KB gzipped in the module, and
    // every renderer escapes whatever passes.
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || c == ' '
            || crate::text::has_char("_.:/=+-@", c)
            || !(c.is_ascii() || c.is_control())
    };
    // A loop rather than collecting `Result`s: the adapters compile to more code.
    let mut checked = Vec::with_capacity(tags.len());
    for (key, value) in tags {
        let Value::String(value) = value else {
            return Err(SpecError::Tags(format!("{key:?} has a value that is not a string")));
        };
        if key.is_empty() || key.chars().count() > 128 || !key.chars().all(allowed) {
            return Err(SpecError::Tags(format!(
                "key {key:?} is not an IAM tag key; expected 1–128 letters, digits, spaces and _ . : / = + - @"
            )));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(SpecError::Tags(format!("key {key:?} uses the reserved aws: prefix")));
        }
        if value.chars().count() > 256 || !value.chars().all(allowed) {
            return Err(SpecError::Tags(format!(
                "value of {key:?} is not an IAM tag value; expected up to 256 letters, digits, spaces and _ . : / = + - @"
            )));
        }
        checked.push((key.clone(), value.clone()));
    }
    Ok(checked)
}

impl ValidSpec {
    #[must_use]
    pub fn provider_arn(&self) -> String {
        arn::provider_arn(self.partition, &self.account_id, &self.host)
    }

    #[must_use]
    pub fn role_arn(&self) -> String {
        arn::role_arn(self.partition, &self.account_id, &self.role_name)
    }

    /// Each subject as the `sub` string (or pattern) GitLab would emit.
    #[must_use]
    pub fn sub_values(&self) -> Vec<String> {
        self.subjects
            .iter()
            .map(|subject| subject.iter().map(|(c, v)| format!("{c}:{v}")).gather().joined(":"))
            .gather()
    }

    /// The trust policy: one statement, `aud` and `sub` always, pins on gitlab.com.
    #[must_use]
    pub fn document(&self) -> Document {
        let key = |claim: &str| self.host.condition_key(claim);
        // Values reach IAM as written: a `$` (git refs may hold one) would start a policy
        // variable, so it is written `${$}`. The subjects' `*` and `?` are wildcards on purpose.
        let escape = |value: &String| variables::escape(value, false);
        let subs = self.sub_values();
        let sub_operator = if subs.iter().any(|s| is_pattern(s)) {
            "StringLike"
        } else {
            "StringEquals"
        };
        let mut conditions = vec![Condition::new("StringEquals", key("aud"), vec![escape(&self.audience)])];
        conditions.push(Condition::new(
            sub_operator,
            key("sub"),
            subs.iter().map(escape).gather(),
        ));
        conditions.extend(
            self.pins
                .iter()
                .map(|(claim, values)| Condition::new("StringEquals", key(claim), values.iter().map(escape).gather())),
        );
        Document {
            version: Some(POLICY_VERSION.to_owned()),
            statements: vec![Statement {
                effect: "Allow".to_owned(),
                federated: vec![self.provider_arn()],
                actions: vec![ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned()],
                conditions,
                ..Statement::default()
            }],
        }
    }
}
