//! Every trust policy in a file, recognised by its content (never by its name): a policy, a
//! role, `aws iam get-role` / `list-roles` / `get-account-authorization-details` output,
//! `terraform show -json` output (plan or state), or a CloudFormation template (JSON or YAML).
//! Each role found comes with its name, its line and, where the file writes the document out,
//! the tree that maps a finding's JSON path to its line.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::tree::{self, Kind, Node};
use super::yaml;
use crate::error::Coded;
use crate::policy::parse::PolicyError;
use crate::policy::{Document, ASSUME_ROLE_WITH_WEB_IDENTITY};

/// What a file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Policy,
    Role,
    GetRole,
    ListRoles,
    AccountAuthorizationDetails,
    TerraformPlan,
    TerraformState,
    Cloudformation,
    Unrecognised,
}

impl Format {
    /// What such a file is, in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Policy => "a trust policy",
            Self::Role => "an IAM role",
            Self::GetRole => "aws iam get-role output",
            Self::ListRoles => "aws iam list-roles output",
            Self::AccountAuthorizationDetails => "aws iam get-account-authorization-details output",
            Self::TerraformPlan => "a Terraform plan (terraform show -json)",
            Self::TerraformState => "a Terraform state (terraform show -json)",
            Self::Cloudformation => "a CloudFormation template",
            Self::Unrecognised => "unrecognised",
        }
    }
}

/// One role (or bare policy) found in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundRole {
    /// Role name, Terraform address or CloudFormation logical id; empty for a bare policy.
    pub name: String,
    /// The 1-based line of the role's policy, where the file has lines.
    pub line: Option<usize>,
    pub policy: Policy,
    /// The document as written in the file, for the lines of its parts; `None` when it is
    /// embedded as a string (Terraform, IAM's URL-encoded form): every finding gets `line`.
    pub lines: Option<Node>,
    /// JSON paths (in the document) of values known only at deploy time or after apply.
    pub unknown: Vec<String>,
    /// What each unknown-value marker stands for, as the template writes it (`${Group}`).
    pub names: Vec<String>,
}

/// A found role's policy.
#[derive(Debug, Clone, PartialEq)]
pub enum Policy {
    Document(Document),
    /// The whole document is known only after apply or at deploy time.
    Unknown,
    /// The document is not usable, and why.
    Error {
        code: &'static str,
        message: String,
    },
}

/// What a file holds: its format, its roles, and how many roles it has that trust no OIDC
/// provider (counted, not linted).
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub format: Format,
    pub roles: Vec<FoundRole>,
    pub skipped: usize,
}

/// Why a file yields no trust policy at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not JSON: {message} at line {line}, column {column}")]
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("the file is not YAML: {message} at line {line}, column {column}")]
    Yaml {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("no trust policy found: {0}")]
    Unrecognised(String),
    #[error("no trust policy found: it is {} with no {what}", .format.describe())]
    NoTrustPolicy { format: Format, what: &'static str },
    /// A file that is one policy or role whose document is unusable.
    #[error("{message}")]
    Document {
        format: Format,
        code: &'static str,
        message: String,
    },
}

impl FileError {
    /// What the file was recognised as before it turned out unusable.
    #[must_use]
    pub fn format(&self) -> Format {
        match self {
            Self::NoTrustPolicy { format, .. } | Self::Document { format, .. } => *format,
            _ => Format::Unrecognised,
        }
    }

    /// The message for the file at `path`: "no trust policy found in X: …" when there is none.
    #[must_use]
    pub fn message(&self, path: &str) -> String {
        let text = crate::text::display(self);
        match text.strip_prefix("no trust policy found: ") {
            Some(detail) => format!("no trust policy found in {path}: {detail}"),
            None => text,
        }
    }
}

impl Coded for FileError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "source.empty",
            Self::Json { .. } => "source.json",
            Self::Yaml { .. } => "source.yaml",
            Self::Unrecognised(_) => "source.unrecognised",
            Self::NoTrustPolicy { .. } => "source.no_trust_policy",
            Self::Document { code, .. } => code,
        }
    }

    fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Json { line, column, .. } | Self::Yaml { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// What a file that is none of the formats should have been.
const EXPECTED: &str = "expected a trust policy, an IAM role, aws iam get-role, list-roles or get-account-authorization-details output, terraform show -json output, or a CloudFormation template";

/// Reads a file's text: its format and every trust policy in it.
///
/// # Errors
/// A [`FileError`] for an empty file, text that does not parse (with line and column), a
/// file none of the formats recognises, or a recognised file with no role or policy in it.
pub fn read(text: &str) -> Result<Source, FileError> {
    let trimmed = text.trim_start_matches('\u{feff}');
    if trimmed.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let root = if matches!(trimmed.trim_start().as_bytes().first(), Some(b'{' | b'[')) {
        tree::parse_json(trimmed).map_err(|e| FileError::Json {
            message: e.message,
            line: e.line,
            column: e.column,
        })?
    } else {
        yaml::parse_yaml(trimmed).map_err(|e| FileError::Yaml {
            message: e.message,
            line: e.line,
            column: e.column,
        })?
    };
    let source = recognise(&root)?;
    if source.roles.is_empty() && source.skipped == 0 {
        let what = match source.format {
            Format::Cloudformation => "AWS::IAM::Role resource",
            Format::TerraformPlan | Format::TerraformState => {
                "aws_iam_role or aws_iam_policy_document with a trust policy"
            }
            _ => "role",
        };
        return Err(FileError::NoTrustPolicy {
            format: source.format,
            what,
        });
    }
    Ok(source)
}

fn recognise(root: &Node) -> Result<Source, FileError> {
    let Kind::Object(_) = &root.value else {
        let found = match &root.value {
            Kind::Array(_) => "the file is a list",
            _ => "the file is a single value",
        };
        return Err(FileError::Unrecognised(format!("{found}; {EXPECTED}")));
    };
    let has = |key| root.get(key).is_some();
    if has("Statement") || has("Version") {
        return single(Format::Policy, super::iam::policy(root));
    }
    if has("Role") {
        return single(Format::GetRole, super::iam::get_role(root));
    }
    if has("RoleDetailList") {
        return Ok(super::iam::roles(
            root,
            "RoleDetailList",
            Format::AccountAuthorizationDetails,
        ));
    }
    if has("Roles") {
        return Ok(super::iam::roles(root, "Roles", Format::ListRoles));
    }
    if has("format_version") && (has("planned_values") || has("resource_changes")) {
        return Ok(super::terraform::plan(root));
    }
    if has("format_version") && (has("values") || has("terraform_version")) {
        return Ok(super::terraform::state(root));
    }
    if has("Resources") || has("AWSTemplateFormatVersion") {
        return Ok(super::cloudformation::template(root));
    }
    if has("AssumeRolePolicyDocument") {
        return single(Format::Role, super::iam::role(root));
    }
    let keys: Vec<&str> = root.members().into_iter().map(|(k, _)| k).take(5).collect();
    Err(FileError::Unrecognised(format!(
        "an object with {}; {EXPECTED}",
        if keys.is_empty() {
            "no keys".to_owned()
        } else {
            format!(
                "keys {}",
                keys.iter()
                    .map(|k| crate::text::json_string(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    )))
}

/// A file that is one policy or role: it is linted whatever it trusts, and an unusable
/// document makes the file unusable.
fn single(format: Format, role: FoundRole) -> Result<Source, FileError> {
    if let Policy::Error { code, message } = &role.policy {
        return Err(FileError::Document {
            format,
            code,
            message: message.clone(),
        });
    }
    Ok(Source {
        format,
        roles: vec![role],
        skipped: 0,
    })
}

/// Whether a document trusts an OIDC provider: a statement whose `Federated` principal is an
/// `oidc-provider` ARN (or known only at deploy time), or that names
/// `sts:AssumeRoleWithWebIdentity`. Roles in a collection that do not are counted, not linted.
#[must_use]
pub fn trusts_oidc_provider(document: &Document) -> bool {
    document.statements.iter().any(|statement| {
        statement
            .federated
            .iter()
            .any(|arn| crate::text::contains(arn, ":oidc-provider/") || crate::policy::unknown::is_unknown(arn))
            || statement
                .actions
                .iter()
                .any(|action| action.eq_ignore_ascii_case(ASSUME_ROLE_WITH_WEB_IDENTITY))
    })
}

/// A policy error as a found role's [`Policy::Error`].
pub(crate) fn policy_error(error: &PolicyError, at: &str) -> Policy {
    Policy::Error {
        code: error.code(),
        message: if at.is_empty() {
            crate::text::display(error)
        } else {
            format!("{at}: {error}")
        },
    }
}

/// A role in a collection: linted when it trusts an OIDC provider, counted otherwise (also
/// when its document is unknown or unusable: those are reported, never dropped).
pub(crate) fn collect(roles: &mut Vec<FoundRole>, skipped: &mut usize, role: FoundRole) {
    match &role.policy {
        Policy::Document(document) if !trusts_oidc_provider(document) => *skipped += 1,
        _ => roles.push(role),
    }
}

/// A found role with no unknown values, its document's lines from `lines`.
pub(crate) fn found(name: String, line: Option<usize>, policy: Policy, lines: Option<Node>) -> FoundRole {
    FoundRole {
        name,
        line,
        policy,
        lines,
        unknown: Vec::new(),
        names: Vec::new(),
    }
}
