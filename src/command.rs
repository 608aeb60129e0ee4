//! What the `gitlab-aws-oidc` command asks of the core besides the exports the page uses: the
//! decisions a shell would otherwise make on its own.
//!
//! - [`token_variable`]: whether the environment variable named by `--token-env` can hold a
//!   GitLab ID token (the `CI_JOB_JWT*` variables were removed in GitLab 17.0; an empty one
//!   means the job has no `id_tokens:` for it);
//! - [`read_json`]: a JSON file (claims, a spec) read with the line and column of a syntax
//!   error and without ever quoting the text back: a token pasted into the wrong file must not
//!   reach an error message (`JSON.parse`'s messages quote the input);
//! - [`policy_document`]: the trust policy in a file that holds a document, a role or
//!   `aws iam get-role` output ([`crate::sources`]), as the document's JSON text;
//! - [`sub_pattern`]: a `sub` value or pattern as `--sub` takes it, split into the components a
//!   `TrustPolicySpec` subject lists;
//! - [`mask_secrets`]: an error message with any token in it masked, as the diagnosis masks a
//!   pasted log (a file path or argument can be a token given in the wrong place);
//! - [`token_shaped`]: whether an argument has the shape of a compact token, even a broken one,
//!   so that the command never writes it back.
//!
//! Compiled into the package's main module only (Cargo feature `command`), never into the
//! page's two modules.

use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::error::Coded;
use crate::sources::{self, SourceError};
use crate::subject::{Component, SubjectError};

/// The variables GitLab 17.0 removed; a job that names one gets nothing.
const REMOVED_VARIABLES: [&str; 3] = ["CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2"];

/// The JSON files the command reads, each with its own error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonFile {
    /// `--claims FILE`: a token's claims.
    Claims,
    /// `generate --spec FILE`: a `TrustPolicySpec`.
    Spec,
    /// `snippet --spec FILE`: a `CiSnippetSpec`.
    Snippet,
}

impl JsonFile {
    /// Reads the name the boundary passes.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "claims" => Some(Self::Claims),
            "spec" => Some(Self::Spec),
            "snippet" => Some(Self::Snippet),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Claims => "claims",
            Self::Spec => "spec",
            Self::Snippet => "snippet",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Self::Claims => "a JSON object of token claims, as inspect --format json prints them under \"claims\"",
            Self::Spec => "a JSON object: a trust-policy spec (accountId, subjects, …)",
            Self::Snippet => "a JSON object: a pipeline snippet spec (kind, roleArn, …)",
        }
    }
}

/// Why the command cannot use an input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    #[error(
        "{name} was removed in GitLab 17.0 (empty on GitLab 17.0 and later); request an ID token in the job (id_tokens: GITLAB_OIDC_TOKEN: aud: sts.amazonaws.com) and pass --token-env GITLAB_OIDC_TOKEN"
    )]
    VariableRemoved { name: String },
    #[error(
        "environment variable {name} is {state}; the job probably lacks id_tokens: {name}: (GitLab sets an ID token's variable only in a job that declares it under id_tokens:, with an aud)"
    )]
    VariableEmpty { name: String, state: &'static str },
    #[error("--token-env takes a variable's name, such as GITLAB_OIDC_TOKEN{hint}; got {name:?}")]
    VariableName { name: String, hint: &'static str },
    #[error("{} is not JSON: {message} at line {line}, column {column}", .file.name())]
    Json {
        file: JsonFile,
        message: String,
        line: usize,
        column: usize,
    },
    #[error("{} is {found}; expected {}", .file.name(), .file.expected())]
    NotObject { file: JsonFile, found: &'static str },
    #[error("{0}")]
    Policy(SourceError),
    #[error(transparent)]
    Subject(SubjectError),
}

impl Coded for CommandError {
    fn code(&self) -> &'static str {
        match self {
            Self::VariableRemoved { .. } => "token.variable_removed",
            Self::VariableEmpty { .. } => "token.variable_empty",
            Self::VariableName { .. } => "token.variable_name",
            Self::Json { file, .. } => match file {
                JsonFile::Claims => "claims.json",
                JsonFile::Spec => "spec.json",
                JsonFile::Snippet => "snippet.json",
            },
            Self::NotObject { file, .. } => match file {
                JsonFile::Claims => "claims.invalid",
                JsonFile::Spec => "spec.invalid",
                JsonFile::Snippet => "snippet.invalid",
            },
            Self::Policy(SourceError::Document { error, .. }) => error.code(),
            Self::Policy(SourceError::Shape { .. }) => "policy.shape",
            Self::Subject(error) => error.code(),
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            Self::Policy(error) if !error.field().is_empty() => Some(error.field().to_owned()),
            _ => None,
        }
    }

    fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Json { line, column, .. } => Some((*line, *column)),
            Self::Policy(error) => error.position(),
            _ => None,
        }
    }
}

/// Checks the environment variable `--token-env` names before its value is read as a token.
/// `value` is `None` when the variable is not set.
///
/// # Errors
/// [`CommandError::VariableRemoved`] for `CI_JOB_JWT`, `CI_JOB_JWT_V1` and `CI_JOB_JWT_V2`
/// whatever they hold (a GitLab older than 17.0 still sets them, but no job should rely on
/// them), [`CommandError::VariableName`] for text that is not a variable's name (`$NAME`,
/// `${NAME}`, a token pasted in its place), [`CommandError::VariableEmpty`] for a variable
/// that is unset or holds only whitespace.
pub fn token_variable(name: &str, value: Option<&str>) -> Result<(), CommandError> {
    if REMOVED_VARIABLES.contains(&name) {
        return Err(CommandError::VariableRemoved { name: name.to_owned() });
    }
    let valid = name
        .bytes()
        .next()
        .is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
        && name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric());
    if !valid {
        let hint = if name.starts_with('$') { ", without the $" } else { "" };
        // Never quote what might be the token itself (a value pasted for the name).
        let shown = if name.len() > 64 || name.contains('.') {
            "text that is not a variable name".to_owned()
        } else {
            name.to_owned()
        };
        return Err(CommandError::VariableName { name: shown, hint });
    }
    match value {
        None => Err(CommandError::VariableEmpty {
            name: name.to_owned(),
            state: "not set",
        }),
        Some(value) if value.trim().is_empty() => Err(CommandError::VariableEmpty {
            name: name.to_owned(),
            state: "empty",
        }),
        Some(_) => Ok(()),
    }
}

/// Reads a JSON object from a file's text.
///
/// # Errors
/// [`CommandError::Json`] with the line and column where the text stops being JSON (the
/// message never quotes the text), [`CommandError::NotObject`] for JSON that is not an object.
pub fn read_json(text: &str, file: JsonFile) -> Result<Map<String, Value>, CommandError> {
    let value: Value = serde_json::from_str(text).map_err(|e| CommandError::Json {
        file,
        message: crate::text::json_error_message(&e),
        line: e.line(),
        column: e.column(),
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(CommandError::NotObject {
            file,
            found: crate::token::json_kind(&other),
        }),
    }
}

/// The trust policy in a file: a policy document, a role (`role.json`, IAM's `Role`) or
/// `aws iam get-role` output, the document as an object, JSON text or URL-encoded text.
/// Returns the document's JSON text, for the evaluator and the diff.
///
/// # Errors
/// [`CommandError::Policy`]: the policy parser's error (`policy.json` with line and column,
/// …), or `policy.shape` naming the field of a role that is not what it should be.
pub fn policy_document(text: &str) -> Result<String, CommandError> {
    sources::trust_policy_text(text)
        .map(|document| document.to_json())
        .map_err(CommandError::Policy)
}

/// A `sub` value or pattern as `--sub` takes it, `name:value` pairs joined by `:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubPattern {
    /// The component names in order: the spec's `subClaimComponents`.
    pub components: Vec<&'static str>,
    /// The spec's subject: each component's value or pattern.
    pub subject: Map<String, Value>,
}

/// Splits a `sub` value or pattern (`project_path:acme/*:ref_type:branch:ref:main`) into its
/// components. Values are not checked here: `trustPolicy` checks them as a spec's subject,
/// with `*` and `?` allowed.
///
/// # Errors
/// The [`SubjectError`] of [`crate::subject::Subject::parse`] for an empty text, a name
/// without a value, a name GitLab does not use, a first component that does not identify
/// the project, or a component given twice with different values.
pub fn sub_pattern(text: &str) -> Result<SubPattern, CommandError> {
    if text.is_empty() {
        return Err(CommandError::Subject(SubjectError::Empty));
    }
    let mut parts = crate::text::split_ascii(text, b':');
    let mut components = Vec::new();
    let mut subject = Map::new();
    while let Some(name) = parts.next() {
        let Some(value) = parts.next() else {
            return Err(CommandError::Subject(SubjectError::Dangling { name: name.to_owned() }));
        };
        let component = Component::from_name(name)
            .ok_or_else(|| CommandError::Subject(SubjectError::UnknownComponent { name: name.to_owned() }))?;
        if components.is_empty() && !component.identifies_project() {
            return Err(CommandError::Subject(SubjectError::FirstComponent {
                found: name.to_owned(),
            }));
        }
        if let Some(Value::String(first)) = subject.get(name) {
            if first != value {
                return Err(CommandError::Subject(SubjectError::Duplicate {
                    component,
                    first: first.clone(),
                    second: value.to_owned(),
                }));
            }
        }
        components.push(component.name());
        subject.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    Ok(SubPattern { components, subject })
}

/// Text with every JWT, GitLab token and AWS secret in it replaced by `[token masked]`: the
/// diagnosis' own masking ([`crate::diagnose`]), for the command's error messages.
#[must_use]
pub fn mask_secrets(text: &str) -> String {
    crate::diagnose::mask::mask(text).text
}

/// Whether text has the shape of a compact JWT, valid or not: two to five `.`-separated parts
/// (whitespace inside ignored, as in a wrapped copy) of base64url or standard base64
/// characters, the first of at least 8 characters, the last empty or of at least 8, and one of
/// at least 16. A file name (`trust.json`, `./iam/role.json`) has a short last part; an ARN, a
/// `sub` or a URL has characters no part of a token has.
#[must_use]
pub fn token_shaped(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let parts: Vec<&str> = compact.split('.').collect();
    let charset = |part: &str| {
        part.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'='))
    };
    (2..=5).contains(&parts.len())
        && parts.iter().all(|part| charset(part))
        && parts[0].len() >= 8
        && parts.last().is_some_and(|last| last.is_empty() || last.len() >= 8)
        && parts.iter().any(|part| part.len() >= 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_variables_are_refused_whatever_they_hold() {
        for name in REMOVED_VARIABLES {
            let error = token_variable(name, Some("eyJ.x.y")).unwrap_err();
            assert_eq!(error.code(), "token.variable_removed");
            assert!(error
                .to_string()
                .starts_with(&format!("{name} was removed in GitLab 17.0")));
            assert!(error.to_string().contains("id_tokens:"));
        }
    }

    #[test]
    fn an_empty_or_unset_variable_names_itself_and_id_tokens() {
        let unset = token_variable("GITLAB_OIDC_TOKEN", None).unwrap_err();
        assert_eq!(unset.code(), "token.variable_empty");
        assert!(unset
            .to_string()
            .starts_with("environment variable GITLAB_OIDC_TOKEN is not set;"));
        assert!(unset.to_string().contains("id_tokens: GITLAB_OIDC_TOKEN:"));
        let empty = token_variable("ID_TOKEN", Some(" \n")).unwrap_err();
        assert_eq!(empty.code(), "token.variable_empty");
        assert!(empty.to_string().starts_with("environment variable ID_TOKEN is empty;"));
        assert_eq!(token_variable("ID_TOKEN", Some("x")), Ok(()));
        assert_eq!(token_variable("_a1", Some("x")), Ok(()));
    }

    #[test]
    fn a_name_that_is_not_a_variable_name_is_refused_without_quoting_a_token() {
        let dollar = token_variable("$GITLAB_OIDC_TOKEN", Some("x")).unwrap_err();
        assert_eq!(dollar.code(), "token.variable_name");
        assert!(dollar.to_string().contains("without the $"), "{dollar}");
        for name in ["", "1ABC", "A-B", "A B"] {
            assert_eq!(
                token_variable(name, Some("x")).unwrap_err().code(),
                "token.variable_name",
                "{name:?}"
            );
        }
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        let error = token_variable(token, None).unwrap_err();
        assert!(!error.to_string().contains("eyJ"), "{error}");
    }

    #[test]
    fn json_files_give_line_and_column_and_never_quote_the_text() {
        let error = read_json("{\n  \"sub\": eyJhbGciOiJSUzI1NiJ9\n}", JsonFile::Claims).unwrap_err();
        assert_eq!(error.code(), "claims.json");
        assert_eq!(error.position(), Some((2, 10)));
        assert!(error.to_string().starts_with("claims is not JSON: "), "{error}");
        assert!(!error.to_string().contains("eyJ"), "{error}");
        let error = read_json("[1]", JsonFile::Spec).unwrap_err();
        assert_eq!(error.code(), "spec.invalid");
        assert_eq!(
            error.to_string(),
            "spec is an array; expected a JSON object: a trust-policy spec (accountId, subjects, …)"
        );
        assert_eq!(read_json("", JsonFile::Snippet).unwrap_err().code(), "snippet.json");
        assert_eq!(read_json("{\"a\": 1}", JsonFile::Snippet).unwrap()["a"], 1);
    }

    #[test]
    fn the_policy_is_found_in_a_document_a_role_or_get_role_output() {
        let document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
        let expected = policy_document(document).unwrap();
        let role = format!(r#"{{"RoleName":"x","AssumeRolePolicyDocument":{document}}}"#);
        let get_role = format!(r#"{{"Role":{role}}}"#);
        assert_eq!(policy_document(&role).unwrap(), expected);
        assert_eq!(policy_document(&get_role).unwrap(), expected);
        let error = policy_document("{\n  \"Statement\": [,]\n}").unwrap_err();
        assert_eq!((error.code(), error.position()), ("policy.json", Some((2, 17))));
        let error = policy_document(r#"{"Role":{"AssumeRolePolicyDocument":"%7"}}"#).unwrap_err();
        assert_eq!(
            (error.code(), error.field().as_deref()),
            ("policy.shape", Some("Role.AssumeRolePolicyDocument"))
        );
        assert_eq!(policy_document("").unwrap_err().code(), "policy.empty");
    }

    #[test]
    fn secrets_in_a_message_are_masked() {
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6Zy9hcHAifQ.c2lnbmF0dXJlLWJ5dGVz";
        assert_eq!(
            mask_secrets(&format!("policy file {token} does not exist")),
            "policy file [token masked] does not exist"
        );
        assert_eq!(
            mask_secrets("policy file ./trust.json does not exist"),
            "policy file ./trust.json does not exist"
        );
    }

    #[test]
    fn tokens_are_recognised_by_shape_even_broken_and_file_names_are_not() {
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6Zy9hcHAifQ.c2lnbmF0dXJlLWJ5dGVzLXNpZ25hdHVyZQ";
        let (header, rest) = token.split_once('.').unwrap();
        for text in [
            token.to_owned(),
            format!("e25vdCBqc29u.{rest}"),
            format!("{header}.{}", rest.split_once('.').unwrap().0),
            format!("{token}."),
            format!("{token}.{}", rest.split_once('.').unwrap().1),
            token.replace("eyJzdWIi", "eyJ+/WIi"),
            format!("{}\n{}", &token[..40], &token[40..]),
        ] {
            assert!(token_shaped(&text), "{text}");
        }
        for text in [
            "trust.json",
            "./iam/deploy-role-trust-policy.json",
            "/tmp/gitlab-aws-oidc-cli-abc123/files/own.json",
            "arn:aws:iam::123456789012:role/gitlab-ci-deploy",
            "project_path:acme/app:ref_type:branch:ref:main",
            "https://gitlab.example.com",
            "sts.amazonaws.com",
            "GITLAB_OIDC_TOKEN",
            "1764001200",
            "",
        ] {
            assert!(!token_shaped(text), "{text}");
        }
    }

    #[test]
    fn sub_patterns_split_into_a_specs_components() {
        let pattern = sub_pattern("project_path:acme/*:ref_type:branch:ref:release/*").unwrap();
        assert_eq!(pattern.components, ["project_path", "ref_type", "ref"]);
        assert_eq!(
            serde_json::to_string(&pattern.subject).unwrap(),
            r#"{"project_path":"acme/*","ref_type":"branch","ref":"release/*"}"#
        );
        let project_id = sub_pattern("project_id:42:ref_protected:true").unwrap();
        assert_eq!(project_id.components, ["project_id", "ref_protected"]);
        for (text, code) in [
            ("", "subject.empty"),
            ("project_path", "subject.dangling"),
            ("project_path:a/b:branch:main", "subject.unknown_component"),
            ("ref:main:project_path:a/b", "subject.first_component"),
            ("project_path:a/b:project_path:a/c", "subject.duplicate"),
        ] {
            assert_eq!(sub_pattern(text).unwrap_err().code(), code, "{text}");
        }
    }
}
