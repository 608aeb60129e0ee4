use crate::text::Gather as _;
use serde_json::{Map, Value};

/// The payload of an ID token: the JSON object exactly as decoded (unknown
/// claims kept, in order), with typed accessors for the claims GitLab sets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Claims(Map<String, Value>);

impl Claims {
    #[must_use]
    pub fn new(raw: Map<String, Value>) -> Self {
        Self(raw)
    }

    /// The whole payload, keys in token order.
    #[must_use]
    pub fn raw(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The whole payload, owned.
    pub(crate) fn into_raw(self) -> Map<String, Value> {
        self.0
    }

    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A claim's value when it is a JSON string.
    #[must_use]
    pub fn string(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// A `NumericDate` claim (`iat`, `nbf`, `exp`) when it is an integer, as AWS requires.
    #[must_use]
    pub fn numeric_date(&self, name: &str) -> Option<i64> {
        self.0.get(name).and_then(Value::as_i64)
    }

    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.string("iss")
    }

    #[must_use]
    pub fn subject(&self) -> Option<&str> {
        self.string("sub")
    }

    /// The audiences: one for a string `aud`, several for a list.
    #[must_use]
    pub fn audiences(&self) -> Vec<&str> {
        match self.0.get("aud") {
            Some(Value::String(aud)) => vec![aud.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).gather(),
            _ => Vec::new(),
        }
    }

    #[must_use]
    pub fn project_path(&self) -> Option<&str> {
        self.string("project_path")
    }

    #[must_use]
    pub fn project_id(&self) -> Option<&str> {
        self.string("project_id")
    }

    #[must_use]
    pub fn ref_name(&self) -> Option<&str> {
        self.string("ref")
    }

    #[must_use]
    pub fn ref_type(&self) -> Option<&str> {
        self.string("ref_type")
    }

    /// `ref_protected` as a boolean, when it is GitLab's string "true" or "false".
    #[must_use]
    pub fn ref_protected(&self) -> Option<bool> {
        match self.string("ref_protected")? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}
