//! `.gitlab-ci.yml` jobs that assume an AWS role with the job's ID token,
//! and their companion files. Every user value reaches YAML through
//! `text::yaml_string` and reaches the shell only as a variable the script
//! quotes, so no value can change what a script does.

mod codebuild;
mod legacy;
pub mod rules;
mod trust;

use crate::text::Gather as _;
use std::fmt::Write as _;

use serde::Serialize;
use thiserror::Error;

use crate::error::Coded;
use crate::finding::Finding;
use crate::input::{self, Fields, InputError};
use crate::issuer::ProviderHost;
use crate::policy::arn::{is_account_id, is_role_name, Partition};
use crate::policy::spec::DEFAULT_AUDIENCE;
use crate::subject::check_ref_name;
use crate::text::yaml_string;

pub use codebuild::CodeBuildSpec;
pub use legacy::check_existing_job;
pub use trust::{PolicyFacts, PolicyInput};

pub const DEFAULT_IMAGE: &str = "amazon/aws-cli:latest";
pub const DEFAULT_TOKEN_VARIABLE: &str = "GITLAB_OIDC_TOKEN";

/// What to generate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    AssumeRole,
    MultiRole,
    WebIdentityFile,
    CodebuildPublish,
    Component,
}

/// When the job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Protected branches and tags only (the default: a deploy role should trust only those).
    Protected,
    DefaultBranch,
    Tags,
    /// No rules: every pipeline.
    Always,
}

impl Kind {
    /// The names JSON uses, in declaration order.
    pub const NAMES: [&'static str; 5] = [
        "assume-role",
        "multi-role",
        "web-identity-file",
        "codebuild-publish",
        "component",
    ];
    const ALL: [Self; 5] = [
        Self::AssumeRole,
        Self::MultiRole,
        Self::WebIdentityFile,
        Self::CodebuildPublish,
        Self::Component,
    ];
}

impl When {
    /// The names JSON uses, in declaration order.
    pub const NAMES: [&'static str; 4] = ["protected", "default-branch", "tags", "always"];
    const ALL: [Self; 4] = [Self::Protected, Self::DefaultBranch, Self::Tags, Self::Always];
}

/// One role of a `multi-role` job, used through an AWS CLI profile.
#[derive(Debug, Clone)]
pub struct ProfileRole {
    pub profile: String,
    pub role_arn: String,
}

/// The snippet spec as it arrives from JavaScript.
#[derive(Debug, Clone, Default)]
pub struct SnippetSpec {
    pub kind: Kind,
    pub role_arn: Option<String>,
    pub roles: Vec<ProfileRole>,
    pub audience: Option<String>,
    pub region: Option<String>,
    pub duration_seconds: Option<u32>,
    pub token_variable: Option<String>,
    pub image: Option<String>,
    pub stage: Option<String>,
    pub job_name: Option<String>,
    pub tags: Vec<String>,
    pub when: Option<When>,
    /// Run only on this branch (overrides `when`).
    pub branch: Option<String>,
    /// The job's environment, so its token carries environment claims.
    pub environment: Option<String>,
    /// The GitLab instance (issuer URL), to check the policy's provider.
    pub issuer: Option<String>,
    pub codebuild: Option<CodeBuildSpec>,
    /// For `component`: where the component is published, e.g. `gitlab.com/acme/aws/assume-role@1.0.0`.
    pub component: Option<String>,
    /// The trust policy the job is checked against.
    pub policy: Option<PolicyInput>,
    /// A job someone pasted, checked for `CI_JOB_JWT*` and other legacy patterns.
    pub existing_job: Option<String>,
}

/// A spec field that cannot be used; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SnippetError {
    #[error("spec is not valid: {0}")]
    Json(InputError),
    #[error("{field} {value:?} is not an IAM role ARN; expected arn:<partition>:iam::<12 digits>:role/<path><name>")]
    RoleArn {
        /// `roleArn`, or `roles[i].roleArn` for a multi-role job's entry.
        field: String,
        value: String,
    },
    #[error("roleArn is missing; expected the ARN of the role the job assumes")]
    RoleArnMissing,
    /// The message starts with the field: `roles` or `roles[i].profile`.
    #[error("{message}")]
    Roles { field: String, message: String },
    #[error("audience {0:?} is not usable: {1}")]
    Audience(String, &'static str),
    #[error("region {0:?} is not an AWS region name such as eu-west-1")]
    Region(String),
    #[error("durationSeconds {0} is out of range; expected 900 to 43200 (and at most the role's maximum session)")]
    Duration(u32),
    #[error("{field} {value:?} is not valid: {why}")]
    Name {
        field: &'static str,
        value: String,
        why: &'static str,
    },
    #[error("codebuild: {message}")]
    CodeBuild {
        /// The field of `codebuild` the message is about; `None` for the object as a whole.
        field: Option<&'static str>,
        message: String,
    },
    #[error("issuer: {0}")]
    Issuer(String),
    /// `policy` is none of the shapes it takes, or holds no usable trust policy.
    #[error("{message}")]
    Policy {
        /// `policy`, or the part of it: `policy.Role.AssumeRolePolicyDocument`, `policy.audience`.
        field: String,
        message: String,
        /// Where a JSON syntax error is in `policy` given as text.
        position: Option<(usize, usize)>,
    },
    #[error(
        "existingJob is {0} bytes; paste one job or one .gitlab-ci.yml, at most {max} bytes",
        max = legacy::MAX_EXISTING_JOB_BYTES
    )]
    ExistingJobTooLarge(usize),
}

impl Coded for SnippetError {
    fn code(&self) -> &'static str {
        match self {
            Self::Json(_) => "snippet.invalid",
            Self::RoleArn { .. } | Self::RoleArnMissing => "snippet.role_arn",
            Self::Roles { .. } => "snippet.roles",
            Self::Audience(..) => "snippet.audience",
            Self::Region(_) => "snippet.region",
            Self::Duration(_) => "snippet.duration_seconds",
            Self::Name { field, .. } => match *field {
                "tokenVariable" => "snippet.token_variable",
                "image" => "snippet.image",
                "stage" => "snippet.stage",
                "jobName" => "snippet.job_name",
                "tags" => "snippet.tags",
                "branch" => "snippet.branch",
                "environment" => "snippet.environment",
                _ => "snippet.component",
            },
            Self::CodeBuild { .. } => "snippet.codebuild",
            Self::Issuer(_) => "snippet.issuer",
            Self::Policy { .. } => "snippet.policy",
            Self::ExistingJobTooLarge(_) => "snippet.existing_job",
        }
    }

    fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Policy { position, .. } => *position,
            _ => None,
        }
    }

    fn field(&self) -> Option<String> {
        let name = match self {
            Self::Json(error) => return error.field().map(str::to_owned),
            Self::RoleArn { field, .. } | Self::Roles { field, .. } | Self::Policy { field, .. } => {
                return Some(field.clone())
            }
            Self::CodeBuild { field: Some(field), .. } => return Some(format!("codebuild.{field}")),
            Self::Name { field, .. } => field,
            Self::RoleArnMissing => "roleArn",
            Self::Audience(..) => "audience",
            Self::Region(_) => "region",
            Self::Duration(_) => "durationSeconds",
            Self::CodeBuild { field: None, .. } => "codebuild",
            Self::Issuer(_) => "issuer",
            Self::ExistingJobTooLarge(_) => "existingJob",
        };
        Some(name.to_owned())
    }
}

/// What `ciSnippet` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snippet {
    /// The `.gitlab-ci.yml` text.
    pub yaml: String,
    /// Companion files (`buildspec.yml`, policies, the component template) as
    /// (name, text), sorted by name; a JSON object by name in JavaScript.
    #[serde(serialize_with = "files_as_object")]
    pub files: Vec<(String, String)>,
    pub findings: Vec<Finding>,
}

/// A `Vec` rather than a `BTreeMap`: the map's code cost 2.6 KB (gzipped) of WebAssembly for at most three entries.
fn files_as_object<S: serde::Serializer>(files: &[(String, String)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(files.iter().map(|(name, text)| (name, text)))
}

/// A role ARN split into the parts the checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleArn {
    pub text: String,
    pub partition: Partition,
    pub account_id: String,
}

impl RoleArn {
    /// Parses `arn:<partition>:iam::<12 digits>:role/<path><name>`.
    ///
    /// # Errors
    /// [`SnippetError::RoleArn`] for anything else.
    pub fn parse(text: &str) -> Result<Self, SnippetError> {
        let fail = || SnippetError::RoleArn {
            field: "roleArn".to_owned(),
            value: text.to_owned(),
        };
        let parts: Vec<&str> = crate::text::splitn_ascii(text, 6, b':');
        let ["arn", partition, "iam", "", account, resource] = parts[..] else {
            return Err(fail());
        };
        let partition = Partition::from_name(partition).ok_or_else(fail)?;
        let path_and_name = resource.strip_prefix("role/").ok_or_else(fail)?;
        let (path, name) = crate::text::rsplit_once_ascii(path_and_name, b'/').unwrap_or(("", path_and_name));
        let path_ok = crate::text::split_ascii(path, b'/').all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'=' | b',' | b'.' | b'@' | b'_' | b'-'))
        });
        if !is_account_id(account) || !is_role_name(name) || !path_ok || text.len() > 2048 {
            return Err(fail());
        }
        Ok(Self {
            text: text.to_owned(),
            partition,
            account_id: account.to_owned(),
        })
    }
}

/// A checked spec: every value safe to render.
#[derive(Debug, Clone)]
struct Valid {
    kind: Kind,
    role: Option<RoleArn>,
    profiles: Vec<(String, RoleArn)>,
    audience: String,
    region: String,
    duration: u32,
    token: String,
    image: String,
    stage: String,
    job: String,
    tags: Vec<String>,
    when: When,
    branch: Option<String>,
    environment: Option<String>,
    codebuild: Option<codebuild::Valid>,
    component: String,
}

fn name_error(field: &'static str, value: &str, why: &'static str) -> SnippetError {
    SnippetError::Name {
        field,
        value: value.to_owned(),
        why,
    }
}

/// A printable value without line breaks, `#`-comments, quotes, `$(` or backticks,
/// within a length: the rule for names that sit in YAML keys or CI variables.
fn plain(field: &'static str, value: &str, max: usize, extra: &str) -> Result<(), SnippetError> {
    if value.is_empty() || value.chars().count() > max {
        return Err(name_error(field, value, "it is empty or too long"));
    }
    let ok = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || crate::text::has_char("_-./ ", c) || crate::text::has_char(extra, c));
    if ok {
        Ok(())
    } else {
        Err(name_error(
            field,
            value,
            "it has characters outside letters, digits and _ - . / (no quotes, $, #, backticks or line breaks)",
        ))
    }
}

fn is_region(region: &str) -> bool {
    // e.g. eu-west-1, us-gov-west-1, cn-north-1, ap-southeast-4, us-isob-east-1, eusc-de-east-1.
    let parts: Vec<&str> = crate::text::split_ascii(region, b'-').gather();
    (3..=4).contains(&parts.len())
        && (2..=4).contains(&parts[0].len())
        && parts
            .iter()
            .take(parts.len() - 1)
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()))
}

impl SnippetSpec {
    /// Parses a spec from JSON text.
    ///
    /// # Errors
    /// [`SnippetError::Json`] for JSON that is not a spec object.
    pub fn from_json(text: &str) -> Result<Self, SnippetError> {
        let map = input::parse_object(text, &Self::FIELDS).map_err(SnippetError::Json)?;
        let fields = Fields::new(&map, "");
        let mut spec = Self::from_fields(fields).map_err(SnippetError::Json)?;
        // Its own code: a pasted policy is refused as `snippet.policy`, naming the shapes it may take.
        if let Some(policy) = fields.value("policy") {
            spec.policy = Some(trust::read(policy)?);
        }
        Ok(spec)
    }

    /// The field names, as JSON spells them.
    pub const FIELDS: [&'static str; 19] = [
        "kind",
        "roleArn",
        "roles",
        "audience",
        "region",
        "durationSeconds",
        "tokenVariable",
        "image",
        "stage",
        "jobName",
        "tags",
        "when",
        "branch",
        "environment",
        "issuer",
        "codebuild",
        "component",
        "policy",
        "existingJob",
    ];

    fn from_fields(fields: Fields<'_>) -> Result<Self, InputError> {
        // A loop, not collect::<Result<Vec<_>, _>>(): the same first error, less WebAssembly.
        let mut roles = Vec::new();
        for (index, map) in fields.objects("roles")?.into_iter().enumerate() {
            let path = format!("roles[{index}].");
            let role = Fields::new(map, &path).only(&["profile", "roleArn"])?;
            roles.push(ProfileRole {
                profile: role.required_string("profile")?,
                role_arn: role.required_string("roleArn")?,
            });
        }
        let codebuild = match fields.object_ref("codebuild")? {
            None => None,
            Some(map) => Some(CodeBuildSpec::from_fields(Fields::new(map, "codebuild."))?),
        };
        // Field by field into a default: on an error only the whole spec is dropped,
        // not each field parsed so far, which keeps the error paths (and the module) small.
        let mut spec = Self {
            roles,
            codebuild,
            ..Self::default()
        };
        spec.kind = fields
            .choice("kind", &Kind::NAMES)?
            .map_or(Kind::AssumeRole, |i| Kind::ALL[i]);
        fields.read_string(&mut spec.role_arn, "roleArn")?;
        fields.read_string(&mut spec.audience, "audience")?;
        fields.read_string(&mut spec.region, "region")?;
        spec.duration_seconds = fields.unsigned("durationSeconds")?;
        fields.read_string(&mut spec.token_variable, "tokenVariable")?;
        fields.read_string(&mut spec.image, "image")?;
        fields.read_string(&mut spec.stage, "stage")?;
        fields.read_string(&mut spec.job_name, "jobName")?;
        spec.tags = fields.strings("tags")?.unwrap_or_default();
        spec.when = fields.choice("when", &When::NAMES)?.map(|i| When::ALL[i]);
        fields.read_string(&mut spec.branch, "branch")?;
        fields.read_string(&mut spec.environment, "environment")?;
        fields.read_string(&mut spec.issuer, "issuer")?;
        fields.read_string(&mut spec.component, "component")?;
        fields.read_string(&mut spec.existing_job, "existingJob")?;
        Ok(spec)
    }

    fn validate(&self) -> Result<Valid, SnippetError> {
        let kind = self.kind;
        let role = match (&self.role_arn, kind) {
            (Some(arn), _) => Some(RoleArn::parse(arn)?),
            (None, Kind::MultiRole | Kind::Component) => None,
            (None, _) => return Err(SnippetError::RoleArnMissing),
        };
        let profiles = if kind == Kind::MultiRole {
            profiles(&self.roles)?
        } else {
            Vec::new()
        };
        let audience = self.audience.clone().unwrap_or_else(|| DEFAULT_AUDIENCE.to_owned());
        check_audience(&audience)?;
        let region = self.region.clone().unwrap_or_else(|| "us-east-1".to_owned());
        if !is_region(&region) {
            return Err(SnippetError::Region(region));
        }
        let duration = self.duration_seconds.unwrap_or(3600);
        if !(900..=43200).contains(&duration) {
            return Err(SnippetError::Duration(duration));
        }
        let token = self
            .token_variable
            .clone()
            .unwrap_or_else(|| DEFAULT_TOKEN_VARIABLE.to_owned());
        check_token_variable(&token)?;
        let image = self.image.clone().unwrap_or_else(|| DEFAULT_IMAGE.to_owned());
        plain("image", &image, 255, ":@")?;
        if image.bytes().any(|b| b == b' ') {
            return Err(name_error("image", &image, "an image reference has no spaces"));
        }
        let stage = self.stage.clone().unwrap_or_else(|| {
            if kind == Kind::CodebuildPublish {
                "build"
            } else {
                "deploy"
            }
            .to_owned()
        });
        plain("stage", &stage, 255, "")?;
        let job = self
            .job_name
            .clone()
            .unwrap_or_else(|| default_job_name(kind).to_owned());
        check_job_name(&job)?;
        for tag in &self.tags {
            plain("tags", tag, 255, "")?;
        }
        let branch = match &self.branch {
            Some(branch) => {
                check_ref_name(branch).map_err(|why| name_error("branch", branch, why))?;
                plain("branch", branch, 255, "+@,=")?;
                Some(branch.clone())
            }
            None => None,
        };
        if let Some(environment) = &self.environment {
            plain("environment", environment, 255, "{}$")?;
        }
        let codebuild = match (kind, &self.codebuild) {
            (Kind::CodebuildPublish, Some(spec)) => Some(spec.validate(role.as_ref(), &region)?),
            (Kind::CodebuildPublish, None) => {
                return Err(SnippetError::CodeBuild {
                    field: None,
                    message: "a codebuild-publish job needs codebuild: { project, bucket, ecrRepository }".to_owned(),
                })
            }
            _ => None,
        };
        let component = self
            .component
            .clone()
            .unwrap_or_else(|| "$CI_SERVER_FQDN/my-group/aws-oidc/assume-role@1.0.0".to_owned());
        plain("component", &component, 255, ":@$")?;
        if let Some(issuer) = &self.issuer {
            ProviderHost::from_issuer(issuer).map_err(|e| SnippetError::Issuer(crate::text::display(&e)))?;
        }
        let when = self.when.unwrap_or(if kind == Kind::CodebuildPublish {
            When::Tags
        } else {
            When::Protected
        });
        Ok(Valid {
            kind,
            role,
            profiles,
            audience,
            region,
            duration,
            token,
            image,
            stage,
            job,
            tags: self.tags.clone(),
            when,
            branch,
            environment: self.environment.clone(),
            codebuild,
            component,
        })
    }
}

fn profiles(roles: &[ProfileRole]) -> Result<Vec<(String, RoleArn)>, SnippetError> {
    if roles.len() < 2 {
        return Err(SnippetError::Roles {
            field: "roles".to_owned(),
            message: "roles: a multi-role job needs at least two { profile, roleArn } entries".to_owned(),
        });
    }
    let mut profiles: Vec<(String, RoleArn)> = Vec::new();
    for (index, entry) in roles.iter().enumerate() {
        let field = format!("roles[{index}].profile");
        let fail = |message: String| SnippetError::Roles {
            message: format!("{field} {:?} {message}", entry.profile),
            field: field.clone(),
        };
        let valid = !entry.profile.is_empty()
            && entry.profile.len() <= 64
            && entry
                .profile
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(fail("must be 1–64 letters, digits, - or _".to_owned()));
        }
        let variable = profile_variable(&entry.profile);
        if let Some(other) = profiles.iter().position(|(p, _)| profile_variable(p) == variable) {
            return Err(fail(if profiles[other].0 == entry.profile {
                format!("appears twice (also roles[{other}].profile)")
            } else {
                format!(
                    "and roles[{other}].profile {:?} both map to the CI/CD variable {variable}; rename one",
                    profiles[other].0
                )
            }));
        }
        let role_arn = RoleArn::parse(&entry.role_arn).map_err(|_| SnippetError::RoleArn {
            field: format!("roles[{index}].roleArn"),
            value: entry.role_arn.clone(),
        })?;
        profiles.push((entry.profile.clone(), role_arn));
    }
    Ok(profiles)
}

fn check_audience(audience: &str) -> Result<(), SnippetError> {
    if audience.is_empty() || audience.len() > 255 {
        return Err(SnippetError::Audience(
            audience.to_owned(),
            "it must be 1–255 characters",
        ));
    }
    if audience
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '$')
    {
        return Err(SnippetError::Audience(
            audience.to_owned(),
            "it contains whitespace, a control character or $ (GitLab expands variables in aud)",
        ));
    }
    Ok(())
}

fn check_token_variable(token: &str) -> Result<(), SnippetError> {
    let ok = token.len() <= 64
        && token
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !token.starts_with("CI_");
    if ok {
        Ok(())
    } else {
        Err(name_error(
            "tokenVariable",
            token,
            "a CI/CD variable name is letters, digits and _, not starting with a digit or CI_",
        ))
    }
}

/// Top-level `.gitlab-ci.yml` keys that are not jobs (also what `diagnose` skips when it reads a job).
pub(crate) const RESERVED_KEYS: [&str; 11] = [
    "stages",
    "variables",
    "default",
    "include",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

fn check_job_name(job: &str) -> Result<(), SnippetError> {
    plain("jobName", job, 255, "")?;
    if job.starts_with('.') || RESERVED_KEYS.contains(&job) {
        return Err(name_error("jobName", job, "it is a reserved keyword or a hidden job"));
    }
    Ok(())
}

fn default_job_name(kind: Kind) -> &'static str {
    match kind {
        Kind::AssumeRole | Kind::Component => "assume-role",
        Kind::MultiRole => "assume-roles",
        Kind::WebIdentityFile => "aws-web-identity",
        Kind::CodebuildPublish => "publish-image",
    }
}

/// Generates the job, its companion files and findings.
///
/// # Errors
/// A [`SnippetError`] naming the first unusable field.
pub fn ci_snippet(spec: &SnippetSpec) -> Result<Snippet, SnippetError> {
    let valid = spec.validate()?;
    let mut files = Vec::new();
    let yaml = match valid.kind {
        Kind::Component => {
            files.push((format!("templates/{}.yml", valid.job), component_template(&valid)));
            component_usage(&valid)
        }
        _ => job(&valid),
    };
    if let Some(codebuild) = &valid.codebuild {
        // In name order, as the page lists them.
        files.push(("buildspec.yml".to_owned(), codebuild::buildspec(codebuild)));
        files.push((
            "codebuild-service-role-policy.json".to_owned(),
            codebuild::service_role_policy(codebuild),
        ));
        files.push(("job-role-policy.json".to_owned(), codebuild::job_role_policy(codebuild)));
    }
    let mut findings = Vec::new();
    if valid.kind == Kind::WebIdentityFile {
        findings.push(Finding::new(
            &rules::STATIC_KEYS_TAKE_PRECEDENCE,
            "AWS_ACCESS_KEY_ID in the project's or group's CI/CD variables takes precedence over the web identity token file; the job unsets it, but remove such variables",
        ));
    }
    if let Some(policy) = &spec.policy {
        findings.extend(trust::check(&valid, policy, spec.issuer.as_deref()));
    }
    if let Some(existing) = &spec.existing_job {
        // Checked last of all: nothing above can fail, so the limit still refuses the whole snippet.
        if existing.len() > legacy::MAX_EXISTING_JOB_BYTES {
            return Err(SnippetError::ExistingJobTooLarge(existing.len()));
        }
        findings.extend(check_existing_job(existing));
    }
    crate::finding::sort_by_severity(&mut findings);
    Ok(Snippet { yaml, files, findings })
}

fn header(valid: &Valid, what: &str) -> String {
    let mut out = format!(
        "# {what}\n# Generated by gitlab-aws-oidc: the job's ID token (id_tokens:) is its only AWS credential.\n"
    );
    let _ = writeln!(out, "{}:", yaml_key(&valid.job));
    let _ = writeln!(out, "  stage: {}", yaml_string(&valid.stage));
    let _ = writeln!(
        out,
        "  image:\n    name: {}\n    entrypoint: [\"\"]",
        yaml_string(&valid.image)
    );
    if !valid.tags.is_empty() {
        out.push_str("  tags:\n");
        for tag in &valid.tags {
            let _ = writeln!(out, "    - {}", yaml_string(tag));
        }
    }
    let _ = writeln!(
        out,
        "  id_tokens:\n    {}:\n      aud: {}",
        yaml_key(&valid.token),
        yaml_string(&valid.audience)
    );
    if let Some(environment) = &valid.environment {
        let _ = writeln!(out, "  environment:\n    name: {}", yaml_string(environment));
    }
    out.push_str(&rules_block(valid.when, valid.branch.as_deref()));
    out
}

fn rules_block(when: When, branch: Option<&str>) -> String {
    let condition = match (branch, when) {
        // The branch was checked: no quote, backslash or $ can reach the expression.
        (Some(branch), _) => format!("$CI_COMMIT_BRANCH == \"{branch}\""),
        (None, When::Protected) => "$CI_COMMIT_REF_PROTECTED == \"true\"".to_owned(),
        (None, When::DefaultBranch) => "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH".to_owned(),
        (None, When::Tags) => "$CI_COMMIT_TAG".to_owned(),
        (None, When::Always) => return String::new(),
    };
    format!("  rules:\n    - if: {}\n", yaml_string(&condition))
}

/// A YAML mapping key: plain when every YAML 1.1 and 1.2 parser reads it as
/// that string (so default names stay readable), quoted otherwise (`on`,
/// `null`, `1.0`, `- x` would otherwise become booleans, nulls, numbers or lists).
fn yaml_key(key: &str) -> String {
    const READ_AS_OTHER_TYPES: [&str; 11] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ""];
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !key.ends_with(' ')
        && !crate::text::contains(key, "  ")
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || crate::text::has_char("_-./ ", c))
        && !READ_AS_OTHER_TYPES.contains(&key.to_ascii_lowercase().as_str());
    if plain {
        key.to_owned()
    } else {
        yaml_string(key)
    }
}

/// The CI/CD variable holding a multi-role profile's role ARN.
fn profile_variable(profile: &str) -> String {
    format!(
        "ROLE_ARN_{}",
        crate::text::map_chars(profile, &|c| if c == '-' { '_' } else { c.to_ascii_uppercase() })
    )
}

/// A literal YAML variable GitLab does not expand.
fn variable(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        out,
        "    {name}:\n      value: {}\n      expand: false",
        yaml_string(value)
    );
}

/// A YAML block-scalar list item holding a shell script, indented for a job key.
fn script_item(out: &mut String, script: &str) {
    out.push_str("    - |\n");
    for line in crate::text::lines(script) {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "      {line}");
        }
    }
}

/// Removes the token file a job wrote; `after_script` runs in its own shell, so the path is derived again.
const REMOVE_TOKEN_FILE: &str = "  after_script:\n    - rm -f \"${TMPDIR:-/tmp}/gitlab-oidc-token-$CI_JOB_ID\"\n";

/// The session name STS accepts (2–64 of `[\w+=,.@-]`) for any branch, e.g. `feature/x`.
const SESSION_NAME: &str = r#"session=$(printf 'gitlab-%s-%s-%s' "$CI_PROJECT_ID" "$CI_JOB_ID" "$CI_COMMIT_REF_SLUG" | tr -c 'A-Za-z0-9_+=,.@-' '-' | cut -c1-64)"#;

/// `AssumeRoleWithWebIdentity` that fails the job with STS's own message.
fn assume_role_script(token: &str) -> String {
    format!(
        r#"# Exchange the job's ID token for role credentials; STS prints why if it refuses.
{SESSION_NAME}
if ! creds=$(aws sts assume-role-with-web-identity \
    --role-arn "$ROLE_ARN" \
    --role-session-name "$session" \
    --web-identity-token "${token}" \
    --duration-seconds "$ROLE_DURATION_SECONDS" \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' \
    --output text); then
  echo "AssumeRoleWithWebIdentity failed for $ROLE_ARN (STS's message is above)" >&2
  exit 1
fi
# shellcheck disable=SC2086 # split the three tab-separated values
set -- $creds
if [ "$#" -ne 3 ]; then
  echo "unexpected output from STS" >&2
  exit 1
fi
export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3"
unset creds
"#
    )
}

fn job(valid: &Valid) -> String {
    match valid.kind {
        Kind::AssumeRole => {
            let mut out = header(valid, "Assumes an AWS role with the job's GitLab ID token.");
            out.push_str("  variables:\n");
            variable(
                &mut out,
                "ROLE_ARN",
                &valid.role.as_ref().map(|r| r.text.clone()).unwrap_or_default(),
            );
            variable(&mut out, "ROLE_DURATION_SECONDS", &valid.duration.to_string());
            variable(&mut out, "AWS_DEFAULT_REGION", &valid.region);
            out.push_str("  before_script:\n");
            script_item(&mut out, &assume_role_script(&valid.token));
            out.push_str("  script:\n    - aws sts get-caller-identity\n");
            out
        }
        Kind::MultiRole => multi_role(valid),
        Kind::WebIdentityFile => web_identity_file(valid),
        Kind::CodebuildPublish => codebuild::job(valid),
        Kind::Component => String::new(),
    }
}

fn multi_role(valid: &Valid) -> String {
    let mut out = header(
        valid,
        "One ID token, several roles: an AWS CLI profile per role (e.g. a deploy role in another account).",
    );
    out.push_str("  variables:\n");
    variable(&mut out, "AWS_DEFAULT_REGION", &valid.region);
    for (profile, role) in &valid.profiles {
        variable(&mut out, &profile_variable(profile), &role.text);
    }
    let mut script = format!(
        "# Every profile reads the same token file; the CLI and SDKs assume and refresh each role themselves.\ntoken_file=\"${{TMPDIR:-/tmp}}/gitlab-oidc-token-$CI_JOB_ID\"\n(umask 077 && printf '%s' \"${}\" > \"$token_file\")\n{SESSION_NAME}\nmkdir -p ~/.aws\n",
        valid.token
    );
    for (profile, _) in &valid.profiles {
        let variable = profile_variable(profile);
        let _ = write!(
            script,
            "aws configure set role_arn \"${variable}\" --profile {profile}\naws configure set web_identity_token_file \"$token_file\" --profile {profile}\naws configure set role_session_name \"$session\" --profile {profile}\n"
        );
    }
    out.push_str("  before_script:\n");
    script_item(&mut out, &script);
    out.push_str("  script:\n");
    for (profile, _) in &valid.profiles {
        let _ = writeln!(out, "    - aws sts get-caller-identity --profile {profile}");
    }
    out.push_str(REMOVE_TOKEN_FILE);
    out
}

fn web_identity_file(valid: &Valid) -> String {
    let mut out = header(
        valid,
        "Writes the ID token to a file so every AWS SDK and the CLI assume and refresh the role themselves.",
    );
    out.push_str("  variables:\n");
    variable(
        &mut out,
        "AWS_ROLE_ARN",
        &valid.role.as_ref().map(|r| r.text.clone()).unwrap_or_default(),
    );
    variable(&mut out, "AWS_DEFAULT_REGION", &valid.region);
    let script = format!(
        "# Static keys would take precedence over the token file: make sure none are set.\nif [ -n \"${{AWS_ACCESS_KEY_ID:-}}\" ]; then\n  echo \"warning: ignoring AWS_ACCESS_KEY_ID from CI/CD variables; remove it\" >&2\n  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN\nfi\nAWS_WEB_IDENTITY_TOKEN_FILE=\"${{TMPDIR:-/tmp}}/gitlab-oidc-token-$CI_JOB_ID\"\n(umask 077 && printf '%s' \"${}\" > \"$AWS_WEB_IDENTITY_TOKEN_FILE\")\n{SESSION_NAME}\nexport AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_SESSION_NAME=\"$session\"\n",
        valid.token
    );
    out.push_str("  before_script:\n");
    script_item(&mut out, &script);
    out.push_str("  script:\n    - aws sts get-caller-identity\n");
    out.push_str(REMOVE_TOKEN_FILE);
    out
}

fn component_template(valid: &Valid) -> String {
    // One family with the repository's own components (templates/): inputs in kebab-case, each
    // described, and every value from an input reaching the script through a variable.
    let mut out =
        String::from("# A GitLab CI/CD component: assume an AWS role with the job's ID token.\nspec:\n  inputs:\n");
    let duration = valid.duration.to_string();
    let inputs: [(&str, Option<&str>, &str, Option<&str>); 6] = [
        (
            "role-arn",
            None,
            "ARN of the IAM role to assume.",
            Some(r"^arn:aws(-us-gov|-cn|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"),
        ),
        (
            "aud",
            Some(&valid.audience),
            "aud of the ID token: one of the IAM OIDC provider's client IDs.",
            None,
        ),
        (
            "region",
            Some(&valid.region),
            "AWS region of the STS endpoint and of the job's AWS calls.",
            Some(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]+$"),
        ),
        (
            "duration-seconds",
            Some(&duration),
            "Session length: 900 to the role's MaxSessionDuration.",
            Some(r"^[0-9]{3,5}$"),
        ),
        ("stage", Some(&valid.stage), "Stage of the job.", None),
        ("image", Some(&valid.image), "Image with the AWS CLI.", None),
    ];
    for (name, default, description, regex) in inputs {
        let _ = writeln!(out, "    {name}:");
        if let Some(default) = default {
            let _ = writeln!(out, "      default: {}", yaml_string(default));
        }
        let _ = writeln!(out, "      description: {}", yaml_string(description));
        if let Some(regex) = regex {
            let _ = writeln!(out, "      regex: {}", yaml_string(regex));
        }
    }
    out.push_str("---\n");
    let _ = writeln!(out, "{}:", yaml_key(&valid.job));
    out.push_str("  stage: $[[ inputs.stage ]]\n  image:\n    name: $[[ inputs.image ]]\n    entrypoint: [\"\"]\n");
    let _ = writeln!(
        out,
        "  id_tokens:\n    {}:\n      aud: $[[ inputs.aud ]]",
        yaml_key(&valid.token)
    );
    out.push_str(&rules_block(valid.when, valid.branch.as_deref()));
    out.push_str("  variables:\n");
    for (name, input) in [
        ("ROLE_ARN", "role-arn"),
        ("ROLE_DURATION_SECONDS", "duration-seconds"),
        ("AWS_DEFAULT_REGION", "region"),
    ] {
        let _ = writeln!(
            out,
            "    {name}:\n      value: $[[ inputs.{input} ]]\n      expand: false"
        );
    }
    out.push_str("  before_script:\n");
    script_item(&mut out, &assume_role_script(&valid.token));
    out.push_str("  script:\n    - aws sts get-caller-identity\n");
    out
}

fn component_usage(valid: &Valid) -> String {
    let mut out = format!(
        "# Uses the assume-role component (templates/{}.yml in your component project).\ninclude:\n",
        valid.job
    );
    let _ = writeln!(out, "  - component: {}\n    inputs:", yaml_string(&valid.component));
    let role = valid
        .role
        .as_ref()
        .map_or("arn:aws:iam::123456789012:role/gitlab-ci", |r| r.text.as_str());
    let _ = writeln!(out, "      role-arn: {}", yaml_string(role));
    let _ = writeln!(out, "      region: {}", yaml_string(&valid.region));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        let role = RoleArn::parse("arn:aws-us-gov:iam::123456789012:role/ci/deploy").unwrap();
        assert_eq!(
            (role.partition, role.account_id.as_str()),
            (Partition::AwsUsGov, "123456789012")
        );
        for bad in [
            "arn:aws:iam::12345678901:role/x",
            "arn:aws:iam::123456789012:user/x",
            "arn:aws:sts::123456789012:role/x",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:role/x y",
            "arn:aws:iam::123456789012:role/x\"$(id)",
            "arn:aws-mars:iam::123456789012:role/x",
        ] {
            assert!(RoleArn::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-west-3",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-4",
            "eu-central-2",
            "us-isob-east-1",
            "eusc-de-east-1",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "useast1",
            "US-EAST-1",
            "us-east-1a",
            "us-east-1\n",
            "$(id)",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }
}
