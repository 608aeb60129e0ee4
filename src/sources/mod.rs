//! Where a pasted trust policy is found: the policy document itself, or the IAM
//! role that holds it; and, in [`files`], every trust policy in a file (IAM's outputs,
//! Terraform plans and states, CloudFormation templates). One place for these shapes, so that every reader (the
//! pipeline check today, the linter or a command later) unwraps them alike and
//! hands the document to [`parse_policy`], the parser `lintTrustPolicy` uses.
//!
//! Accepted, as a JSON value or as JSON text:
//! - a trust policy document (`{"Version": …, "Statement": …}`);
//! - `aws iam get-role` output, `{"Role": {…, "AssumeRolePolicyDocument": …}}`;
//! - a role object with `AssumeRolePolicyDocument` (IAM's `Role` or `RoleDetail`, or the
//!   `role.json` that `aws iam create-role --cli-input-json` reads).
//!
//! The role's document may be an object, JSON text, or the URL-encoded JSON text IAM's
//! API returns (RFC 3986: `%7B%22Version%22…`; a `+` stays a `+`).

pub mod cloudformation;
pub mod files;
mod iam;
pub mod terraform;
pub mod tree;
pub mod yaml;

use serde_json::{Map, Value};
use thiserror::Error;

use crate::policy::parse::{parse_policy, PolicyError};
use crate::policy::Document;
use crate::token::json_kind;

/// The fields of an IAM role as IAM's API returns it (`Role`, and `RoleDetail` from
/// `get-account-authorization-details`) and as `create-role --cli-input-json` reads it.
pub const ROLE_FIELDS: [&str; 14] = [
    "Path",
    "RoleName",
    "RoleId",
    "Arn",
    "CreateDate",
    "AssumeRolePolicyDocument",
    "Description",
    "MaxSessionDuration",
    "PermissionsBoundary",
    "Tags",
    "RoleLastUsed",
    "InstanceProfileList",
    "RolePolicyList",
    "AttachedManagedPolicies",
];

/// Where in a pasted role its trust policy sits: the error's field, as JSON spells it.
const IN_GET_ROLE: &str = "Role.AssumeRolePolicyDocument";
const IN_ROLE: &str = "AssumeRolePolicyDocument";

/// What a pasted value may be, for the message when it is none of them.
pub const SHAPES: &str = "a trust policy document {\"Version\": …, \"Statement\": […]}, aws iam get-role output {\"Role\": {…}}, or a role with AssumeRolePolicyDocument, as an object or as JSON text";
const A_DOCUMENT: &str = "the trust policy: an object, JSON text or URL-encoded JSON text";

/// Why a pasted value holds no usable trust policy.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SourceError {
    /// The document was found but is not a policy; `at` is where it sat (empty: the value itself).
    #[error("{}{error}", prefix(at))]
    Document { at: &'static str, error: PolicyError },
    /// The value, or a part of it (`field`; empty: the value itself), is not what it should be.
    #[error("{}found {found}; expected {expected}", prefix(field))]
    Shape {
        field: String,
        found: &'static str,
        expected: &'static str,
    },
}

fn prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    }
}

fn shape(field: &str, found: &'static str, expected: &'static str) -> SourceError {
    SourceError::Shape {
        field: field.to_owned(),
        found,
        expected,
    }
}

impl SourceError {
    /// Where in the pasted value the error is, as JSON spells it (`Role.AssumeRolePolicyDocument`,
    /// `Role.Arnn`); empty for the value itself.
    #[must_use]
    pub fn field(&self) -> &str {
        match self {
            Self::Document { at, .. } => at,
            Self::Shape { field, .. } => field,
        }
    }

    /// The 1-based line and column of a JSON syntax error in the pasted text itself.
    #[must_use]
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Document {
                at: "",
                error: PolicyError::Json { line, column, .. },
            } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// The trust policy in a pasted value: a document, or a role holding one, as a JSON value or text.
///
/// # Errors
/// A [`SourceError`] when the value is none of these shapes, or the document in it is not a policy.
pub fn trust_policy(value: &Value) -> Result<Document, SourceError> {
    match value {
        Value::String(text) => from_text(text, ""),
        Value::Object(map) => from_object(map),
        other => Err(shape("", json_kind(other), SHAPES)),
    }
}

/// The trust policy in pasted text: the text of any shape [`trust_policy`] takes.
///
/// # Errors
/// As [`trust_policy`]; a JSON syntax error carries its line and column in the text.
pub fn trust_policy_text(text: &str) -> Result<Document, SourceError> {
    from_text(text, "")
}

fn from_object(map: &Map<String, Value>) -> Result<Document, SourceError> {
    if is_document(map) {
        // The policy parser reads text: the object goes back to JSON (its paths are unchanged).
        let text = crate::text::json(&Value::Object(map.clone()));
        return parse_policy(&text).map_err(|error| SourceError::Document { at: "", error });
    }
    let (role, path, at) = match map.get("Role") {
        Some(Value::Object(role)) => (role, "Role.", IN_GET_ROLE),
        Some(other) => {
            return Err(shape(
                "Role",
                json_kind(other),
                "the role: an object with AssumeRolePolicyDocument",
            ))
        }
        None if map.contains_key(IN_ROLE) => (map, "", IN_ROLE),
        None => {
            return Err(shape(
                "",
                "an object with none of Statement, Role and AssumeRolePolicyDocument",
                SHAPES,
            ))
        }
    };
    // Unknown fields are refused rather than ignored, as in every option object: a typo would
    // otherwise go unnoticed. get-role output holds its Role alone.
    if let Some(key) = map.keys().find(|key| !path.is_empty() && *key != "Role") {
        return Err(shape(
            key,
            "an unknown field",
            "aws iam get-role output, {\"Role\": {…}} alone",
        ));
    }
    if let Some(key) = role.keys().find(|key| !ROLE_FIELDS.contains(&key.as_str())) {
        return Err(SourceError::Shape {
            field: format!("{path}{key}"),
            found: "an unknown field",
            expected: "an IAM role's fields (RoleName, Arn, AssumeRolePolicyDocument, …)",
        });
    }
    document_in(role.get(IN_ROLE), at)
}

/// A role's `AssumeRolePolicyDocument` (`None`: the role has none); `at` names where it sits.
///
/// # Errors
/// A [`SourceError`] when it is missing, not an object or text, or not a policy.
pub fn document_in(document: Option<&Value>, at: &'static str) -> Result<Document, SourceError> {
    match document {
        Some(document @ Value::Object(_)) => {
            parse_policy(&crate::text::json(document)).map_err(|error| SourceError::Document { at, error })
        }
        Some(Value::String(text)) => from_text(text, at),
        other => Err(shape(at, other.map_or("nothing", json_kind), A_DOCUMENT)),
    }
}

fn from_text(text: &str, at: &'static str) -> Result<Document, SourceError> {
    let decoded;
    let text = if text.trim_start().starts_with('%') {
        decoded = url_decoded(text)
            .ok_or_else(|| shape(at, "text that starts with % but is not URL-encoded UTF-8", A_DOCUMENT))?;
        decoded.as_str()
    } else {
        text
    };
    // Pasted text (not a role's document) may hold a role: an object that is not a document
    // is read as the same object would be. Anything else (a document, text that is not JSON,
    // JSON that is not an object) gets the policy parser's own verdict, with its line and column.
    if at.is_empty() {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
            if !is_document(&map) {
                return from_object(&map);
            }
        }
    }
    parse_policy(text).map_err(|error| SourceError::Document { at, error })
}

/// An object with `Statement` or `Version` is a policy document, whatever else it has.
fn is_document(map: &Map<String, Value>) -> bool {
    map.contains_key("Statement") || map.contains_key("Version")
}

/// Percent-decoding (RFC 3986) into UTF-8 text; `None` for a bad escape or bytes that are not UTF-8.
fn url_decoded(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        out.push(if byte == b'%' {
            let high = char::from(bytes.next()?).to_digit(16)?;
            let low = char::from(bytes.next()?).to_digit(16)?;
            // Two hexadecimal digits: at most 255.
            u8::try_from(high * 16 + low).ok()?
        } else {
            byte
        });
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:a/b:ref_type:branch:ref:main"}}}]}"#;

    /// RFC 3986 percent-encoding of every byte but the unreserved ones, as IAM's API returns documents.
    fn url_encoded(text: &str) -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }

    #[test]
    fn every_shape_people_hold_gives_the_same_document() {
        let expected = parse_policy(POLICY).unwrap();
        let document: Value = serde_json::from_str(POLICY).unwrap();
        let shapes = [
            document.clone(),
            Value::from(POLICY),
            json!({ "Role": { "RoleName": "r", "Path": "/", "Arn": "arn:aws:iam::123456789012:role/r", "AssumeRolePolicyDocument": document } }),
            json!({ "Role": { "AssumeRolePolicyDocument": POLICY } }),
            json!({ "Role": { "AssumeRolePolicyDocument": url_encoded(POLICY) } }),
            json!({ "RoleName": "r", "AssumeRolePolicyDocument": POLICY, "MaxSessionDuration": 3600 }),
            Value::from(json!({ "Role": { "AssumeRolePolicyDocument": url_encoded(POLICY) } }).to_string()),
            Value::from(url_encoded(POLICY)),
        ];
        for shape in shapes {
            assert_eq!(trust_policy(&shape).as_ref(), Ok(&expected), "{shape}");
        }
        assert_eq!(trust_policy_text(POLICY), Ok(expected));
        // A + stays a +: IAM encodes by RFC 3986, not as a form.
        assert_eq!(url_decoded("a+b%2Bc%e2%82%AC").as_deref(), Some("a+b+c€"));
    }

    #[test]
    fn anything_else_is_refused_saying_where_and_what_was_expected() {
        let cases = [
            (json!(7), "", "found a number; expected a trust policy document"),
            (
                json!({ "audience": "x" }),
                "",
                "found an object with none of Statement, Role",
            ),
            (json!({ "Role": "x" }), "Role", "found a string; expected the role"),
            (
                json!({ "Role": {} }),
                IN_GET_ROLE,
                "found nothing; expected the trust policy",
            ),
            (
                json!({ "Role": { "AssumeRolePolicyDocument": 1 } }),
                IN_GET_ROLE,
                "found a number",
            ),
            (
                json!({ "Role": { "AssumeRolePolicyDocument": POLICY }, "ResponseMetadata": {} }),
                "ResponseMetadata",
                "found an unknown field",
            ),
            (
                json!({ "Role": { "AssumeRolePolicyDocument": POLICY, "RoleNmae": "r" } }),
                "Role.RoleNmae",
                "found an unknown field",
            ),
            (
                json!({ "AssumeRolePolicyDocument": POLICY, "Foo": 1 }),
                "Foo",
                "found an unknown field",
            ),
            (
                json!({ "AssumeRolePolicyDocument": "%7B%2" }),
                IN_ROLE,
                "is not URL-encoded UTF-8",
            ),
            (
                json!({ "AssumeRolePolicyDocument": "%FF" }),
                IN_ROLE,
                "is not URL-encoded UTF-8",
            ),
            (
                json!({ "AssumeRolePolicyDocument": "{" }),
                IN_ROLE,
                "policy is not JSON",
            ),
            (
                json!({ "Role": { "AssumeRolePolicyDocument": { "Statement": 1 } } }),
                IN_GET_ROLE,
                "$.Statement is a number",
            ),
            (json!({ "Statement": [1] }), "", "$.Statement[0] is a number"),
            (json!(""), "", "policy is empty"),
            (json!("[]"), "", "policy is an array"),
        ];
        for (value, field, message) in cases {
            let error = trust_policy(&value).unwrap_err();
            assert_eq!(error.field(), field, "{value}: {error}");
            assert!(error.to_string().contains(message), "{value}: {error}");
            assert_eq!(error.position(), None, "{value}");
        }
        let error = trust_policy_text("{\n  \"Statement\": [,]\n}").unwrap_err();
        assert_eq!(error.position(), Some((2, 17)), "{error}");
        assert!(error.to_string().starts_with("policy is not JSON"), "{error}");
    }
}
