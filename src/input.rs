//! Reads the option objects that arrive from JavaScript as JSON text: specs,
//! options and contexts.
//!
//! Why not `#[derive(Deserialize)]`: every derived struct compiles to its own
//! copy of `serde_json`'s parser (and pulls in float formatting for its error
//! messages), which made up a fifth of the WebAssembly module. Parsing once into
//! a [`Value`] and reading fields from it costs one parser for all of them, and
//! lets every message name the field and say what was expected.

use serde_json::{Map, Value};
use thiserror::Error;

use crate::token::json_kind;

/// Input that cannot be read: what is wrong, and the field it is about when there is one.
/// Boxed: a `Result` of it stays one pointer wide, which keeps every `?` in the readers small.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", self.0.message)]
pub struct InputError(Box<Detail>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Detail {
    field: Option<String>,
    message: String,
}

impl InputError {
    /// An error about one field: its path as JSON spells it (`audience`, `codebuild.bucket`,
    /// `roles[1].roleArn`) and a sentence that names it.
    #[must_use]
    pub fn at(field: String, message: String) -> Self {
        Self(Box::new(Detail {
            field: Some(field),
            message,
        }))
    }

    /// An error about the text as a whole.
    #[must_use]
    pub fn whole(message: String) -> Self {
        Self(Box::new(Detail { field: None, message }))
    }

    /// The field's path, or `None` when the text as a whole is unusable.
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    #[must_use]
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

/// The fields of one JSON object, checked against the names it may have.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    /// Prefix for messages about nested objects, e.g. `codebuild.` or `roles[1].`.
    path: &'a str,
}

/// Parses `text` as a JSON object with only the `allowed` field names.
///
/// # Errors
/// A message for text that is not JSON, not an object, or has an unknown field.
pub fn parse_object(text: &str, allowed: &[&str]) -> Result<Map<String, Value>, InputError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => {
            Fields { map: &map, path: "" }.only(allowed)?;
            Ok(map)
        }
        Ok(other) => Err(InputError::whole(format!(
            "expected a JSON object, got {}",
            json_kind(&other)
        ))),
        Err(error) => Err(InputError::whole(crate::text::display(&error))),
    }
}

impl<'a> Fields<'a> {
    #[must_use]
    pub fn new(map: &'a Map<String, Value>, path: &'a str) -> Self {
        Self { map, path }
    }

    /// Refuses a field name not in `allowed` (a typo would otherwise be ignored silently).
    ///
    /// # Errors
    /// A message naming the first unknown field and the allowed ones.
    pub fn only(self, allowed: &[&str]) -> Result<Self, InputError> {
        match self.map.keys().find(|key| !allowed.contains(&key.as_str())) {
            None => Ok(self),
            Some(key) => Err(InputError::at(
                self.path_of(key),
                format!(
                    "unknown field `{}{key}`, expected one of `{}`",
                    self.path,
                    crate::text::join(allowed, "`, `")
                ),
            )),
        }
    }

    /// A field's path: the prefix for nested objects (`codebuild.`) and the name.
    #[must_use]
    pub fn path_of(self, name: &str) -> String {
        format!("{}{name}", self.path)
    }

    /// A field's value; `null` counts as absent.
    #[must_use]
    pub fn value(self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|value| !value.is_null())
    }

    fn wrong(self, name: &str, expected: &str, found: &Value) -> InputError {
        InputError::at(
            self.path_of(name),
            format!("{}{name}: expected {expected}, got {}", self.path, json_kind(found)),
        )
    }

    /// # Errors
    /// When the field is present but not a string.
    pub fn string(self, name: &str) -> Result<Option<String>, InputError> {
        match self.value(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.wrong(name, "a string", other)),
        }
    }

    /// Reads a string field into `slot` (left as it is when the field is absent). A call site
    /// is then a call and a branch: assigning `string`'s result moved and dropped at each one.
    ///
    /// # Errors
    /// As [`Fields::string`].
    pub fn read_string(self, slot: &mut Option<String>, name: &str) -> Result<(), InputError> {
        if let Some(text) = self.string(name)? {
            *slot = Some(text);
        }
        Ok(())
    }

    /// A string field that must be present.
    ///
    /// # Errors
    /// When the field is missing or not a string.
    pub fn required_string(self, name: &str) -> Result<String, InputError> {
        self.string(name)?.ok_or_else(|| {
            InputError::at(
                self.path_of(name),
                format!("{}{name} is missing; expected a string", self.path),
            )
        })
    }

    /// # Errors
    /// When the field is present but not `true` or `false`.
    pub fn boolean(self, name: &str) -> Result<Option<bool>, InputError> {
        match self.value(name) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(self.wrong(name, "true or false", other)),
        }
    }

    /// # Errors
    /// When the field is present but not a whole number from 0 to 2³²−1.
    pub fn unsigned(self, name: &str) -> Result<Option<u32>, InputError> {
        match self.value(name) {
            None => Ok(None),
            Some(value) => value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| match value {
                    // serde_json's text of the value: `Number`'s Display would pull in core's float formatting.
                    Value::Number(_) => InputError::at(
                        self.path_of(name),
                        format!(
                            "{}{name}: expected a whole number from 0 to 4294967295, got {}",
                            self.path,
                            crate::text::json(value)
                        ),
                    ),
                    other => self.wrong(name, "a whole number", other),
                }),
        }
    }

    /// # Errors
    /// When the field is present but not an array of strings.
    pub fn strings(self, name: &str) -> Result<Option<Vec<String>>, InputError> {
        let Some(value) = self.value(name) else { return Ok(None) };
        let Value::Array(items) = value else {
            return Err(self.wrong(name, "an array of strings", value));
        };
        // Loops rather than `collect::<Result<Vec<_>, _>>()`, whose adapters compile to more code.
        let mut strings = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item {
                Value::String(text) => strings.push(text.clone()),
                other => return Err(self.wrong(&format!("{name}[{index}]"), "a string", other)),
            }
        }
        Ok(Some(strings))
    }

    /// An object field; absent means empty.
    ///
    /// # Errors
    /// When the field is present but not an object.
    pub fn object(self, name: &str) -> Result<Map<String, Value>, InputError> {
        Ok(self.object_ref(name)?.cloned().unwrap_or_default())
    }

    /// An object field, borrowed, to read as nested [`Fields`].
    ///
    /// # Errors
    /// When the field is present but not an object.
    pub fn object_ref(self, name: &str) -> Result<Option<&'a Map<String, Value>>, InputError> {
        match self.value(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(other) => Err(self.wrong(name, "an object", other)),
        }
    }

    /// An array-of-objects field, borrowed; absent means empty.
    ///
    /// # Errors
    /// When the field is present but not an array of objects.
    pub fn objects(self, name: &str) -> Result<Vec<&'a Map<String, Value>>, InputError> {
        let Some(value) = self.value(name) else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = value else {
            return Err(self.wrong(name, "an array of objects", value));
        };
        let mut objects = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item {
                Value::Object(map) => objects.push(map),
                other => return Err(self.wrong(&format!("{name}[{index}]"), "an object", other)),
            }
        }
        Ok(objects)
    }

    /// A string field that must be one of `names`; returns its index in `names`.
    ///
    /// # Errors
    /// When the field is present but not one of `names`.
    pub fn choice(self, name: &str, names: &[&str]) -> Result<Option<usize>, InputError> {
        let Some(text) = self.string(name)? else {
            return Ok(None);
        };
        names.iter().position(|n| *n == text).map(Some).ok_or_else(|| {
            InputError::at(
                self.path_of(name),
                format!(
                    "{}{name}: unknown value {text:?}, expected one of `{}`",
                    self.path,
                    crate::text::join(names, "`, `")
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWED: [&str; 4] = ["name", "count", "flag", "list"];

    fn at(field: &str, message: &str) -> InputError {
        InputError::at(field.to_owned(), message.to_owned())
    }

    fn whole(message: &str) -> InputError {
        InputError::whole(message.to_owned())
    }

    fn fields(text: &str) -> Result<Map<String, Value>, InputError> {
        parse_object(text, &ALLOWED)
    }

    #[test]
    fn refuses_what_is_not_an_object_with_its_kind() {
        assert_eq!(
            fields("[1]").unwrap_err(),
            whole("expected a JSON object, got an array")
        );
        let error = fields("{").unwrap_err();
        assert!(error.message().contains("EOF while parsing an object"));
        assert_eq!(error.field(), None);
    }

    #[test]
    fn names_an_unknown_field_and_the_allowed_ones() {
        assert_eq!(
            fields(r#"{"nmae": "x"}"#).unwrap_err(),
            at(
                "nmae",
                "unknown field `nmae`, expected one of `name`, `count`, `flag`, `list`"
            )
        );
    }

    #[test]
    fn reads_typed_fields_and_treats_null_as_absent() {
        let map = fields(r#"{"name": "a", "count": 7, "flag": true, "list": ["x", "y"]}"#).unwrap();
        let f = Fields::new(&map, "");
        assert_eq!(f.string("name").unwrap().as_deref(), Some("a"));
        assert_eq!(f.unsigned("count").unwrap(), Some(7));
        assert_eq!(f.boolean("flag").unwrap(), Some(true));
        assert_eq!(f.strings("list").unwrap(), Some(vec!["x".to_owned(), "y".to_owned()]));
        let map = fields(r#"{"name": null}"#).unwrap();
        assert_eq!(Fields::new(&map, "").string("name").unwrap(), None);
    }

    #[test]
    fn names_the_field_and_what_was_expected() {
        let map = fields(r#"{"name": 1, "count": -1, "flag": "yes", "list": ["x", 2]}"#).unwrap();
        let f = Fields::new(&map, "outer.");
        assert_eq!(
            f.string("name").unwrap_err(),
            at("outer.name", "outer.name: expected a string, got a number")
        );
        assert_eq!(
            f.unsigned("count").unwrap_err(),
            at(
                "outer.count",
                "outer.count: expected a whole number from 0 to 4294967295, got -1"
            )
        );
        assert_eq!(
            f.boolean("flag").unwrap_err(),
            at("outer.flag", "outer.flag: expected true or false, got a string")
        );
        assert_eq!(
            f.strings("list").unwrap_err(),
            at("outer.list[1]", "outer.list[1]: expected a string, got a number")
        );
        assert_eq!(
            f.choice("name", &["a"]).unwrap_err(),
            at("outer.name", "outer.name: expected a string, got a number")
        );
    }

    #[test]
    fn a_choice_names_the_allowed_values() {
        let map = fields(r#"{"name": "b"}"#).unwrap();
        let f = Fields::new(&map, "");
        assert_eq!(f.choice("name", &["a", "b"]).unwrap(), Some(1));
        assert_eq!(
            f.choice("name", &["a", "c"]).unwrap_err(),
            at("name", "name: unknown value \"b\", expected one of `a`, `c`")
        );
    }
}
