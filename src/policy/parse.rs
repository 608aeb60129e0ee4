//! Pasted trust-policy JSON → [`Document`].

use crate::text::Gather as _;
use serde_json::{Map, Value};
use thiserror::Error;

use super::{Condition, Document, Statement};

use crate::error::Coded;

/// Why a pasted text is not a policy document at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    #[error("policy is empty; paste the role's trust policy JSON")]
    Empty,
    #[error("policy is not JSON: {message} at line {line}, column {column}")]
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("policy is {0}; expected a JSON object with Version and Statement")]
    NotObject(&'static str),
    #[error("policy has no Statement; expected \"Statement\": [ … ]")]
    NoStatement,
    #[error("{path} is {found}; expected {expected}")]
    Shape {
        path: String,
        found: &'static str,
        expected: &'static str,
    },
}

impl Coded for PolicyError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "policy.empty",
            Self::Json { .. } => "policy.json",
            Self::NotObject(_) => "policy.not_object",
            Self::NoStatement => "policy.no_statement",
            Self::Shape { .. } => "policy.shape",
        }
    }

    fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Json { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// Parses a trust policy.
///
/// # Errors
/// A [`PolicyError`] for text that is not JSON or not shaped like a policy.
pub fn parse_policy(text: &str) -> Result<Document, PolicyError> {
    if text.trim().is_empty() {
        return Err(PolicyError::Empty);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| PolicyError::Json {
        message: crate::text::json_error_message(&e),
        line: e.line(),
        column: e.column(),
    })?;
    let Value::Object(root) = value else {
        return Err(PolicyError::NotObject(crate::token::json_kind(&value)));
    };
    let version = match root.get("Version") {
        None => None,
        Some(Value::String(v)) => Some(v.clone()),
        Some(other) => return Err(shape("$.Version", other, "a string such as \"2012-10-17\"")),
    };
    let statements = match root.get("Statement") {
        None => return Err(PolicyError::NoStatement),
        Some(Value::Object(one)) => vec![statement("$.Statement", one)?],
        Some(Value::Array(list)) => {
            let mut statements = Vec::with_capacity(list.len());
            for (i, item) in list.iter().enumerate() {
                let path = format!("$.Statement[{i}]");
                match item {
                    Value::Object(object) => statements.push(statement(&path, object)?),
                    other => return Err(shape(&path, other, "an object")),
                }
            }
            statements
        }
        Some(other) => return Err(shape("$.Statement", other, "an array of statements")),
    };
    Ok(Document { version, statements })
}

fn shape(path: &str, found: &Value, expected: &'static str) -> PolicyError {
    PolicyError::Shape {
        path: path.to_owned(),
        found: crate::token::json_kind(found),
        expected,
    }
}

fn strings(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(list) => {
            // Loops rather than collecting `Result`s: the adapters compile to more code.
            let mut strings = Vec::with_capacity(list.len());
            for v in list {
                match v {
                    Value::String(s) => strings.push(s.clone()),
                    other => return Err(shape(path, other, "a string")),
                }
            }
            Ok(strings)
        }
        other => Err(shape(path, other, "a string or a list of strings")),
    }
}

fn statement(path: &str, object: &Map<String, Value>) -> Result<Statement, PolicyError> {
    let text = |name: &str| match object.get(name) {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        None => Ok(None),
        Some(other) => Err(shape(&format!("{path}.{name}"), other, "a string")),
    };
    let mut federated = Vec::new();
    let mut principal_any = false;
    let mut other_principals = Map::new();
    match object.get("Principal") {
        None => {}
        Some(Value::String(star)) if star == "*" => principal_any = true,
        Some(Value::Object(principal)) => {
            for (kind, value) in principal {
                if kind == "Federated" {
                    federated = strings(&format!("{path}.Principal.Federated"), value)?;
                } else {
                    other_principals.insert(kind.clone(), value.clone());
                }
            }
        }
        Some(other) => return Err(shape(&format!("{path}.Principal"), other, "\"*\" or an object")),
    }
    let known = ["Sid", "Effect", "Principal", "Action", "Condition"];
    let other: Map<String, Value> = object
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // NotAction stays in `other` as written (Statement::not_actions reads it); its shape is Action's.
    if let Some(value) = object.get("NotAction") {
        strings(&format!("{path}.NotAction"), value)?;
    }
    let actions = match object.get("Action") {
        Some(value) => strings(&format!("{path}.Action"), value)?,
        None => Vec::new(),
    };
    let mut conditions = Vec::new();
    match object.get("Condition") {
        None => {}
        Some(Value::Object(blocks)) => {
            for (operator, block) in blocks {
                let Value::Object(entries) = block else {
                    return Err(shape(
                        &format!("{path}.Condition.{operator}"),
                        block,
                        "an object of condition keys",
                    ));
                };
                for (key, values) in entries {
                    let values = match values {
                        Value::Array(list) => list.iter().map(scalar).gather(),
                        single => vec![scalar(single)],
                    };
                    conditions.push(Condition::new(operator, key.clone(), values));
                }
            }
        }
        Some(other) => return Err(shape(&format!("{path}.Condition"), other, "an object")),
    }
    Ok(Statement {
        sid: text("Sid")?,
        effect: text("Effect")?.unwrap_or_default(),
        federated,
        principal_any,
        other_principals,
        actions,
        conditions,
        other,
    })
}

/// Condition values as IAM compares them: strings, with numbers and booleans as their text.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => crate::text::json(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_generated_shape() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com"},"StringLike":{"gitlab.com:sub":["a","b"]}}}]}"#;
        let document = parse_policy(text).unwrap();
        assert_eq!(document.to_compact_json(), text);
    }

    #[test]
    fn errors_have_codes_and_positions() {
        let err = parse_policy("{\n  \"Version\": }").unwrap_err();
        assert_eq!(err.code(), "policy.json");
        assert_eq!(
            err.to_string(),
            "policy is not JSON: expected value at line 2, column 14"
        );
        assert_eq!(parse_policy(" ").unwrap_err().code(), "policy.empty");
        assert_eq!(parse_policy("[]").unwrap_err().code(), "policy.not_object");
        assert_eq!(parse_policy("{}").unwrap_err().code(), "policy.no_statement");
        assert_eq!(parse_policy(r#"{"Statement":[1]}"#).unwrap_err().code(), "policy.shape");
        assert_eq!(
            parse_policy(r#"{"Statement":{"Condition":{"StringEquals":"x"}}}"#)
                .unwrap_err()
                .to_string(),
            "$.Statement.Condition.StringEquals is a string; expected an object of condition keys"
        );
    }
}
