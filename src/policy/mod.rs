//! The trust-policy model: built once (from a spec, from a token, or parsed
//! from pasted JSON) and rendered to every format from the same value.

pub mod arn;
pub mod evaluate;
pub mod generate;
pub mod parse;
pub mod render;
pub mod spec;
pub mod unknown;
pub mod variables;
pub mod wildcard;

use crate::text::Gather as _;
use serde_json::{Map, Value};

/// The only policy language version IAM evaluates fully.
pub const POLICY_VERSION: &str = "2012-10-17";
/// The action a GitLab job's role must allow.
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// A policy document: a trust policy, or one of the CodeBuild permission policies the snippets ship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Statement {
    pub sid: Option<String>,
    /// `Allow` or `Deny` (kept as written when parsed).
    pub effect: String,
    /// `Principal.Federated` values.
    pub federated: Vec<String>,
    /// `"Principal": "*"`.
    pub principal_any: bool,
    /// Principal entries other than `Federated` (`AWS`, `Service`, …), as written.
    pub other_principals: Map<String, Value>,
    pub actions: Vec<String>,
    /// Condition entries in order; entries with the same operator render as one block.
    pub conditions: Vec<Condition>,
    /// Statement keys the model does not interpret (`Resource`, `NotPrincipal`, `NotAction`, …), as written.
    pub other: Map<String, Value>,
}

/// One condition key under one operator, with its values (OR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

impl Condition {
    #[must_use]
    pub fn new(operator: &str, key: String, values: Vec<String>) -> Self {
        Self {
            operator: operator.to_owned(),
            key,
            values,
        }
    }
}

impl Document {
    /// The policy as JSON, in IAM's key order.
    #[must_use]
    pub fn to_json_value(&self) -> Value {
        let mut document = Map::new();
        if let Some(version) = &self.version {
            document.insert("Version".into(), version.as_str().into());
        }
        let statements = self.statements.iter().map(Statement::to_json_value).gather();
        document.insert("Statement".into(), Value::Array(statements));
        Value::Object(document)
    }

    /// Pretty JSON as IAM's console shows it (two-space indent, trailing newline).
    #[must_use]
    pub fn to_json(&self) -> String {
        crate::text::json_pretty_line(&self.to_json_value())
    }

    /// Minified JSON: what counts against IAM's trust-policy size quota.
    #[must_use]
    pub fn to_compact_json(&self) -> String {
        crate::text::json(&self.to_json_value())
    }
}

impl Statement {
    fn to_json_value(&self) -> Value {
        let mut statement = Map::new();
        if let Some(sid) = &self.sid {
            statement.insert("Sid".into(), sid.as_str().into());
        }
        statement.insert("Effect".into(), self.effect.as_str().into());
        if self.principal_any {
            statement.insert("Principal".into(), "*".into());
        } else if !self.federated.is_empty() || !self.other_principals.is_empty() {
            let mut principal = Map::new();
            if !self.federated.is_empty() {
                principal.insert("Federated".into(), one_or_many(&self.federated));
            }
            principal.extend(self.other_principals.clone());
            statement.insert("Principal".into(), Value::Object(principal));
        }
        if !self.actions.is_empty() {
            statement.insert("Action".into(), one_or_many(&self.actions));
        }
        statement.extend(self.other.clone());
        if !self.conditions.is_empty() {
            statement.insert("Condition".into(), Value::Object(self.condition_blocks()));
        }
        Value::Object(statement)
    }

    /// Conditions grouped by operator, operators and keys in first-seen order.
    fn condition_blocks(&self) -> Map<String, Value> {
        let mut blocks = Map::new();
        for condition in &self.conditions {
            let block = blocks
                .entry(condition.operator.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(block) = block {
                block.insert(condition.key.clone(), one_or_many(&condition.values));
            }
        }
        blocks
    }

    /// `NotAction`'s values, when the statement has one (kept as written, in [`Statement::other`];
    /// the parser has checked that it is a string or a list of strings).
    #[must_use]
    pub fn not_actions(&self) -> Option<Vec<String>> {
        match self.other.get("NotAction")? {
            Value::String(action) => Some(vec![action.clone()]),
            Value::Array(list) => Some(list.iter().filter_map(Value::as_str).map(str::to_owned).gather()),
            _ => Some(Vec::new()),
        }
    }

    /// Whether the statement applies to `sts:AssumeRoleWithWebIdentity`: one of its `Action`
    /// patterns matches it, or, with `NotAction` instead, none of those does (IAM compares
    /// action names ignoring case, with `*` and `?` as wildcards).
    #[must_use]
    pub fn covers_web_identity(&self) -> bool {
        let target = ASSUME_ROLE_WITH_WEB_IDENTITY.to_ascii_lowercase();
        let any_matches = |patterns: &[String]| {
            patterns
                .iter()
                .any(|a| wildcard::matches(&a.to_ascii_lowercase(), &target))
        };
        if !self.actions.is_empty() {
            return any_matches(&self.actions);
        }
        self.not_actions().is_some_and(|excluded| !any_matches(&excluded))
    }

    /// The values of a condition key under an operator, if present.
    #[must_use]
    pub fn condition(&self, operator: &str, key: &str) -> Option<&Condition> {
        self.conditions
            .iter()
            .find(|c| c.operator == operator && c.key.eq_ignore_ascii_case(key))
    }
}

/// A condition operator split into its parts: `ForAnyValue:StringLikeIfExists`
/// is set `ForAnyValue`, base `StringLike`, `if_exists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator<'a> {
    /// `ForAnyValue` or `ForAllValues`.
    pub set: Option<&'a str>,
    pub base: &'a str,
    pub if_exists: bool,
}

impl<'a> Operator<'a> {
    #[must_use]
    pub fn parse(operator: &'a str) -> Self {
        let (set, rest) = match crate::text::split_once_ascii(operator, b':') {
            Some((set @ ("ForAnyValue" | "ForAllValues"), rest)) => (Some(set), rest),
            _ => (None, operator),
        };
        match rest.strip_suffix("IfExists") {
            Some(base) => Self {
                set,
                base,
                if_exists: true,
            },
            None => Self {
                set,
                base: rest,
                if_exists: false,
            },
        }
    }

    /// `StringNotEquals`, `StringNotLike`, …: true when the key is missing.
    #[must_use]
    pub fn negated(self) -> bool {
        crate::text::contains(self.base, "Not")
    }

    /// `StringEquals`, `StringEqualsIgnoreCase` or `StringLike`, in any set or `…IfExists`
    /// form: the condition admits the values it lists. Negated operators exclude them,
    /// `Null` tests only whether the key is present, and other operators never match a
    /// web-identity key, so none of those says which values are admitted.
    #[must_use]
    pub fn positive(self) -> bool {
        matches!(self.base, "StringEquals" | "StringEqualsIgnoreCase" | "StringLike")
    }

    /// `StringNotEquals`, `StringNotEqualsIgnoreCase` or `StringNotLike`: the condition
    /// holds for every value that matches none of those it lists.
    #[must_use]
    pub fn excludes(self) -> bool {
        matches!(
            self.base,
            "StringNotEquals" | "StringNotEqualsIgnoreCase" | "StringNotLike"
        )
    }

    /// A [`positive`](Self::positive) operator outside `ForAllValues` (which holds for a
    /// missing key): a request passes it only with one of the listed values.
    #[must_use]
    pub fn pins(self) -> bool {
        self.positive() && self.set != Some("ForAllValues")
    }

    /// True when the operator holds for a missing key, so it restricts nothing then:
    /// `ForAllValues`, and outside `ForAnyValue` the negated and `…IfExists` operators.
    /// `ForAnyValue` is false for a missing key whatever it compares: "For no matching key
    /// or a null dataset, the condition returns false" (IAM User Guide,
    /// `reference_policies_multi-value-conditions`; re:Post QU9HFmDzP0QGuU-fd7rS6B7w shows
    /// it for `ForAnyValue:StringEqualsIfExists`).
    #[must_use]
    pub fn true_when_missing(self) -> bool {
        match self.set {
            Some("ForAllValues") => true,
            Some(_) => false,
            None => self.negated() || self.if_exists,
        }
    }
}

/// Whether IAM accepts a character in a policy document: "Policy documents can contain only
/// the following Unicode characters: horizontal tab (U+0009), linefeed (U+000A), carriage
/// return (U+000D), and characters in the range U+0020 to U+00FF" (IAM User Guide,
/// `reference_iam-quotas`, "IAM name requirements"). Git refs may hold any other character.
#[must_use]
pub fn allowed_in_policy(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')
}

/// Why a value cannot be written into a policy document, naming its first refused character.
///
/// # Errors
/// The sentence, when a character is outside what IAM accepts.
pub fn check_policy_text(value: &str) -> Result<(), String> {
    match value.chars().find(|&c| !allowed_in_policy(c)) {
        None => Ok(()),
        Some(c) => Err(format!(
            "contains {}, which IAM refuses in policy documents (only tab, line feed, carriage return and U+0020 to U+00FF)",
            describe_char(c)
        )),
    }
}

/// `U+2013 '–'`, or just `U+0007` for a control character.
#[must_use]
pub fn describe_char(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("U+{:04X} '{c}'", u32::from(c))
    }
}

/// `gitlab.com:sub` → (`gitlab.com`, `sub`); `None` for keys without a prefix.
#[must_use]
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    crate::text::rsplit_once_ascii(key, b':')
}

/// `aws:…` and `sts:…` keys, set by the STS request and named after no provider host.
/// Decided by the part before the first `:`, since a tag key may hold `:` too
/// (`aws:RequestTag/team:name`).
#[must_use]
pub fn is_global_key(key: &str) -> bool {
    crate::text::split_ascii(key, b':')
        .next()
        .is_some_and(|service| service.eq_ignore_ascii_case("aws") || service.eq_ignore_ascii_case("sts"))
}

/// One value as a string, several as an array: how IAM policies are usually written.
pub(crate) fn one_or_many(values: &[String]) -> Value {
    match values {
        [one] => one.as_str().into(),
        many => Value::Array(many.iter().map(|v| Value::from(v.as_str())).gather()),
    }
}
