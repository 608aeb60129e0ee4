//! Would STS let this token assume the role? IAM's semantics for the keys a
//! web-identity request carries: statements OR, an explicit Deny wins, keys
//! AND, values OR; `ForAnyValue`/`ForAllValues`, `…IfExists`, `Null`, negated
//! operators; key names case-insensitive, values case-sensitive. A condition it
//! cannot evaluate (a key the STS request sets, such as `aws:SourceIp`, or an
//! operator it does not implement) is undecided, never guessed: the verdict is
//! then undecided too whenever that condition could change it.

use crate::text::{Gather as _, Joined as _};
use serde::Serialize;
use serde_json::Value;

use super::variables::{self, KeyValue, Resolved};
use super::wildcard::{self, Glob};
use super::{is_global_key, split_key, Condition, Document, Operator, Statement};
use crate::error::Coded;
use crate::input::InputError;
use crate::issuer::ProviderHost;
use crate::token::catalog::{self, AwsConditionKey};
use crate::token::Claims;

/// The request as STS sees it: the token's claims and the provider it came through.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub claims: &'a Claims,
    /// The IAM provider host for the token's `iss`, if it has a usable one.
    pub host: Option<&'a ProviderHost>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// True only when an Allow matches and no Deny can apply.
    pub allowed: bool,
    /// One sentence: why.
    pub reason: String,
    /// The statements the verdict depends on that this tool cannot decide (a condition on a
    /// request key the token does not carry, such as `aws:SourceIp`, or an operator it does
    /// not evaluate); empty when the verdict is certain. `allowed` is false when it is not empty.
    pub undecided: Vec<usize>,
    /// The token's `aud` against the provider's client IDs, when they were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<Check>,
    pub statements: Vec<StatementEvaluation>,
}

/// Why an evaluation cannot run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    #[error(transparent)]
    Policy(#[from] super::parse::PolicyError),
    #[error(transparent)]
    Token(#[from] crate::token::TokenError),
    #[error("claims are not a JSON object of token claims: {0}")]
    Claims(String),
    #[error("context is not valid: {0}")]
    Context(InputError),
}

impl Coded for EvaluateError {
    fn code(&self) -> &'static str {
        match self {
            Self::Policy(e) => e.code(),
            Self::Token(e) => e.code(),
            Self::Claims(_) => "claims.invalid",
            Self::Context(_) => "context.invalid",
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            Self::Context(error) => error.field().map(str::to_owned),
            _ => None,
        }
    }

    fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Policy(error) => error.position(),
            _ => None,
        }
    }
}

/// What STS knows beyond the policy: the provider's client-ID list.
#[derive(Debug, Clone, Default)]
pub struct EvaluateContext {
    /// The IAM OIDC provider's client IDs (allowed audiences), if known.
    pub client_ids: Option<Vec<String>>,
}

impl EvaluateContext {
    /// Parses a context from JSON text.
    ///
    /// # Errors
    /// A message naming the field that cannot be used.
    pub fn from_json(text: &str) -> Result<Self, InputError> {
        let map = crate::input::parse_object(text, &["clientIds"])?;
        Ok(Self {
            client_ids: crate::input::Fields::new(&map, "").strings("clientIds")?,
        })
    }
}

/// The token side of an evaluation: a compact JWT, or its claims as JSON.
#[derive(Debug, Clone, Copy)]
pub enum TokenInput<'a> {
    Token(&'a str),
    ClaimsJson(&'a str),
}

/// Parses a pasted policy and evaluates it for a token or claims.
///
/// # Errors
/// An [`EvaluateError`] for a policy, token, claims or context that cannot be used.
pub fn evaluate_text(policy: &str, input: TokenInput<'_>, context_json: &str) -> Result<Evaluation, EvaluateError> {
    let document = super::parse::parse_policy(policy)?;
    let claims = match input {
        TokenInput::Token(token) => crate::token::decode_unverified(token)?.claims().clone(),
        TokenInput::ClaimsJson(json) => match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(map)) => Claims::new(map),
            Ok(other) => {
                return Err(EvaluateError::Claims(format!(
                    "got {}",
                    crate::token::json_kind(&other)
                )))
            }
            Err(e) => return Err(EvaluateError::Claims(crate::text::display(&e))),
        },
    };
    let context = EvaluateContext::from_json(context_json).map_err(EvaluateError::Context)?;
    let host = claims.issuer().and_then(|i| ProviderHost::from_issuer(i).ok());
    let mut evaluation = evaluate(
        &document,
        Request {
            claims: &claims,
            host: host.as_ref(),
        },
    );
    if let Some(client_ids) = &context.client_ids {
        let audiences = claims.audiences();
        let matched = audiences.iter().any(|a| client_ids.iter().any(|c| c == a));
        let check = Check {
            matched,
            reason: if matched {
                "the token's aud is in the provider's client-ID list".to_owned()
            } else {
                format!(
                    "the token's aud {} is not in the provider's client IDs ({}): STS answers InvalidIdentityToken: Incorrect token audience",
                    crate::text::join(&audiences, ", "),
                    client_ids.joined(", ")
                )
            },
        };
        if !matched {
            evaluation.allowed = false;
            evaluation.undecided.clear();
            evaluation.reason = format!("denied before the policy is read: {}", check.reason);
        }
        evaluation.audience = Some(check);
    }
    Ok(evaluation)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementEvaluation {
    pub index: usize,
    pub effect: String,
    /// Principal, action and every condition matched.
    pub matched: bool,
    /// Principal and action matched and no condition failed, but some could not be evaluated.
    pub undecided: bool,
    pub principal: Check,
    pub action: Check,
    pub conditions: Vec<ConditionEvaluation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub matched: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionEvaluation {
    pub operator: String,
    pub key: String,
    pub expected: Vec<String>,
    /// The request's values for the key; empty when the key is missing.
    pub actual: Vec<String>,
    pub matched: bool,
    /// This tool cannot evaluate it (`matched` is then false, and `reason` says why).
    pub undecided: bool,
    /// Why it did not match (or a caveat when it did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Evaluates a trust policy for a request.
#[must_use]
pub fn evaluate(document: &Document, request: Request<'_>) -> Evaluation {
    let statements: Vec<StatementEvaluation> = document
        .statements
        .iter()
        .enumerate()
        .map(|(index, statement)| evaluate_statement(index, statement, document.version.as_deref(), request))
        .gather();
    let (allowed, undecided, reason) = verdict(&statements);
    Evaluation {
        allowed,
        reason,
        undecided,
        audience: None,
        statements,
    }
}

/// Allowed, the undecided statements, and why: an explicit Deny wins, then any Allow, and
/// statements this tool cannot decide keep the verdict open when they could change it.
fn verdict(statements: &[StatementEvaluation]) -> (bool, Vec<usize>, String) {
    // Effect is case-sensitive: IAM refuses a policy with any other value, so no request is allowed.
    if let Some(bad) = statements.iter().find(|s| s.effect != "Allow" && s.effect != "Deny") {
        let reason = format!(
            "denied: IAM rejects this policy (MalformedPolicyDocument): statement {} has Effect {:?}, and only \"Allow\" or \"Deny\" is valid",
            bad.index, bad.effect
        );
        return (false, Vec::new(), reason);
    }
    let effect = |s: &&StatementEvaluation, effect: &str| s.effect == effect;
    if let Some(deny) = statements.iter().find(|s| s.matched && effect(s, "Deny")) {
        let reason = format!(
            "denied: statement {} is a matching Deny, and an explicit Deny always wins",
            deny.index
        );
        return (false, Vec::new(), reason);
    }
    let open_denies: Vec<&StatementEvaluation> =
        statements.iter().filter(|s| s.undecided && effect(s, "Deny")).gather();
    let unless = || {
        open_denies
            .iter()
            .map(|d| format!("the Deny in statement {} wins if {}", d.index, open_conditions(d)))
            .gather()
            .joined("; ")
    };
    if let Some(allow) = statements.iter().find(|s| s.matched && effect(s, "Allow")) {
        if open_denies.is_empty() {
            return (true, Vec::new(), format!("allowed by statement {}", allow.index));
        }
        let reason = format!("undecided: statement {} allows it, but {}", allow.index, unless());
        return (false, open_denies.iter().map(|d| d.index).gather(), reason);
    }
    let open_allows: Vec<&StatementEvaluation> =
        statements.iter().filter(|s| s.undecided && effect(s, "Allow")).gather();
    if !open_allows.is_empty() {
        let allows = open_allows
            .iter()
            .map(|a| format!("statement {} allows it only if {}", a.index, open_conditions(a)))
            .gather()
            .joined("; ");
        let reason = if open_denies.is_empty() {
            format!("undecided: {allows}")
        } else {
            format!("undecided: {allows}; and {}", unless())
        };
        // The open Allows and Denies (every Effect is one or the other by now), in statement
        // order (no sort: it costs 1.6 KB of WebAssembly).
        let undecided = statements.iter().filter(|s| s.undecided).map(|s| s.index).gather();
        return (false, undecided, reason);
    }
    let why = statements
        .iter()
        .filter(|s| effect(s, "Allow"))
        .map(first_failure)
        .gather();
    let reason = if why.is_empty() {
        "denied: no statement allows sts:AssumeRoleWithWebIdentity".to_owned()
    } else {
        format!(
            "denied (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity): {}",
            why.joined("; ")
        )
    };
    (false, Vec::new(), reason)
}

/// The conditions of a statement this tool could not evaluate, and why, as one clause.
fn open_conditions(statement: &StatementEvaluation) -> String {
    let open: Vec<&ConditionEvaluation> = statement.conditions.iter().filter(|c| c.undecided).gather();
    let names = open
        .iter()
        .map(|c| format!("{} {}", c.operator, c.key))
        .gather()
        .joined(" and ");
    let why = crate::text::join(&open.iter().filter_map(|c| c.reason.as_deref()).gather(), "; ");
    format!("{names} holds ({why})")
}

fn first_failure(statement: &StatementEvaluation) -> String {
    let index = statement.index;
    if !statement.principal.matched {
        return format!("statement {index}: {}", statement.principal.reason);
    }
    if !statement.action.matched {
        return format!("statement {index}: {}", statement.action.reason);
    }
    statement
        .conditions
        .iter()
        .find(|c| !c.matched && !c.undecided)
        .map(|c| {
            format!(
                "statement {index}: {} {} {}",
                c.operator,
                c.key,
                c.reason.as_deref().unwrap_or("did not match")
            )
        })
        .unwrap_or_default()
}

fn evaluate_statement(
    index: usize,
    statement: &Statement,
    version: Option<&str>,
    request: Request<'_>,
) -> StatementEvaluation {
    let principal = check_principal(statement, request.host);
    let action = check_action(statement);
    let conditions: Vec<ConditionEvaluation> = statement
        .conditions
        .iter()
        .map(|c| evaluate_condition(c, statement, version, request))
        .gather();
    let applies = principal.matched && action.matched;
    let failed = conditions.iter().any(|c| !c.matched && !c.undecided);
    let open = conditions.iter().any(|c| c.undecided);
    StatementEvaluation {
        index,
        effect: statement.effect.clone(),
        matched: applies && !failed && !open,
        undecided: applies && !failed && open,
        principal,
        action,
        conditions,
    }
}

fn check_principal(statement: &Statement, host: Option<&ProviderHost>) -> Check {
    if statement.principal_any {
        return Check {
            matched: true,
            reason: "Principal is \"*\": it trusts anyone, this token included".to_owned(),
        };
    }
    let Some(host) = host else {
        return Check {
            matched: false,
            reason: "the token's iss is not a usable IAM provider URL".to_owned(),
        };
    };
    let matched = statement
        .federated
        .iter()
        .any(|arn| super::arn::provider_host(arn) == Some(host.as_str()));
    let suffix = format!(":oidc-provider/{host}");
    let reason = if matched {
        format!("Principal.Federated names the provider for {host}")
    } else if statement.federated.is_empty() {
        "the statement has no Principal.Federated OIDC provider".to_owned()
    } else if let Some(arn) = statement.federated.iter().find(|arn| arn.ends_with(&suffix)) {
        format!(
            "Principal.Federated {arn} is not a valid provider ARN: IAM matches arn:<partition>:iam::<12-digit account>:oidc-provider/{host} exactly, with no wildcard"
        )
    } else {
        format!(
            "Principal.Federated is {}, not the provider for this token's issuer ({host})",
            statement.federated.joined(", ")
        )
    };
    Check { matched, reason }
}

fn check_action(statement: &Statement) -> Check {
    let matched = statement.covers_web_identity();
    let reason = match (statement.actions.is_empty(), statement.not_actions()) {
        (false, _) if matched => "the action covers sts:AssumeRoleWithWebIdentity".to_owned(),
        (false, _) => format!(
            "Action is {}, not sts:AssumeRoleWithWebIdentity",
            statement.actions.joined(", ")
        ),
        (true, Some(excluded)) if matched => format!(
            "NotAction is {}, which leaves sts:AssumeRoleWithWebIdentity covered",
            excluded.joined(", ")
        ),
        (true, Some(excluded)) => format!(
            "NotAction is {}, which excludes sts:AssumeRoleWithWebIdentity",
            excluded.joined(", ")
        ),
        (true, None) => "the statement has no Action".to_owned(),
    };
    Check { matched, reason }
}

/// What the request holds for a condition key.
enum Lookup {
    /// The token's values (empty: the claim is absent, so the key is missing).
    Values(Vec<String>),
    /// The key is certainly missing, and why.
    Missing(String),
    /// The key comes from the request, not the token: this tool cannot know it.
    Unknown(String),
}

/// The request's values for a condition key, or why there are none.
fn request_values(key: &str, statement: &Statement, request: Request<'_>) -> Lookup {
    let Some((prefix, claim)) = split_key(key) else {
        return Lookup::Missing(format!("{key} is not a key a web-identity request carries"));
    };
    if is_global_key(key) {
        // aws:SourceIp, sts:RoleSessionName, aws:PrincipalTag/team:name: set by the STS call, not the token.
        return Lookup::Unknown(format!(
            "{key} is set by the STS request, not by the token: this tool cannot know it"
        ));
    }
    match token_values(prefix, claim, statement, request) {
        Ok(values) => Lookup::Values(values),
        Err(reason) => Lookup::Missing(reason),
    }
}

/// The token's values for a `<provider>:<claim>` key, or why the key is missing.
fn token_values(prefix: &str, claim: &str, statement: &Statement, request: Request<'_>) -> Result<Vec<String>, String> {
    let Some(host) = request.host else {
        return Err("the token has no usable issuer".to_owned());
    };
    if !prefix.eq_ignore_ascii_case(host.as_str()) {
        let trusted = statement
            .federated
            .iter()
            .any(|arn| arn.ends_with(&format!(":oidc-provider/{prefix}")));
        return Err(if trusted || !prefix.bytes().any(|b| b == b'.') {
            format!("the key's prefix {prefix:?} is not this token's provider ({host}), so the key is missing")
        } else {
            format!("the key's prefix {prefix:?} differs from the provider {host}: such a key never matches")
        });
    }
    let claim = claim.to_ascii_lowercase();
    let evaluated = catalog::claim_info(&claim).is_some_and(|info| match info.aws_condition_key {
        AwsConditionKey::EveryInstance => true,
        AwsConditionKey::GitlabComOnly => host.is_gitlab_com(),
        AwsConditionKey::No => false,
    });
    if !evaluated {
        return Err(
            if catalog::claim_info(&claim).is_some_and(|i| i.aws_condition_key == AwsConditionKey::GitlabComOnly) {
                format!("AWS evaluates {claim} only for gitlab.com tokens, so the key is missing here")
            } else {
                format!("AWS does not evaluate {claim} for GitLab tokens, so the key is missing")
            },
        );
    }
    Ok(match request.claims.get(&claim) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map_or_else(|| crate::text::json(v), str::to_owned))
            .gather(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![crate::text::json(other)],
    })
}

fn evaluate_condition(
    condition: &Condition,
    statement: &Statement,
    version: Option<&str>,
    request: Request<'_>,
) -> ConditionEvaluation {
    let (actual, missing_reason) = match request_values(&condition.key, statement, request) {
        Lookup::Values(values) if values.is_empty() => (
            Vec::new(),
            Some("the token has no such claim, so the key is missing".to_owned()),
        ),
        Lookup::Values(values) => (values, None),
        Lookup::Missing(reason) => (Vec::new(), Some(reason)),
        Lookup::Unknown(reason) => return undecided(condition, Vec::new(), reason),
    };
    if !actual.is_empty() && !evaluates(&condition.operator) {
        let reason = format!(
            "this tool does not evaluate {}, so whether it holds is unknown",
            condition.operator
        );
        return undecided(condition, actual, reason);
    }
    // A policy variable reads the request like a condition key does.
    let lookup = |key: &str| variable_value(key, request_values(key, statement, request));
    let expected = expected_values(condition, version, &lookup);
    if !actual.is_empty() {
        if let Some(reason) = expected.iter().find_map(|e| match e {
            Resolved::Unknown(reason) => Some(reason.clone()),
            _ => None,
        }) {
            return undecided(condition, actual, format!("a policy variable in its values: {reason}"));
        }
    }
    let (matched, reason) = apply(
        &condition.operator,
        &condition.values,
        &expected,
        &actual,
        missing_reason,
    );
    ConditionEvaluation {
        operator: condition.operator.clone(),
        key: condition.key.clone(),
        expected: condition.values.clone(),
        actual,
        matched,
        undecided: false,
        reason,
    }
}

/// What a policy variable naming `key` takes from the request's values for that key.
fn variable_value(key: &str, lookup: Lookup) -> KeyValue {
    match lookup {
        Lookup::Values(mut values) if values.len() == 1 => KeyValue::Value(values.swap_remove(0)),
        Lookup::Values(values) if values.is_empty() => KeyValue::Missing,
        Lookup::Values(_) => KeyValue::Unknown(format!(
            "the variable ${{{key}}} names a key with several values; IAM does not document what it substitutes"
        )),
        Lookup::Missing(_) => KeyValue::Missing,
        Lookup::Unknown(reason) => KeyValue::Unknown(reason),
    }
}

fn undecided(condition: &Condition, actual: Vec<String>, reason: String) -> ConditionEvaluation {
    ConditionEvaluation {
        operator: condition.operator.clone(),
        key: condition.key.clone(),
        expected: condition.values.clone(),
        actual,
        matched: false,
        undecided: true,
        reason: Some(reason),
    }
}

/// True for the operators [`apply`] evaluates on a present key: `Null` and the string operators.
fn evaluates(operator: &str) -> bool {
    operator == "Null" || comparison(Operator::parse(operator).base).is_some()
}

/// Whether a request value equals an expected pattern under an operator (`*` and `?` are
/// wildcards only for `…Like`, and only where the pattern says so).
type Compare = fn(&[Glob], &str) -> bool;

/// A string operator's equality, for it and its negation; which of the two an operator is,
/// [`Operator::excludes`] says.
fn comparison(base: &str) -> Option<Compare> {
    Some(match base {
        "StringEquals" | "StringNotEquals" => |e, a| same_text(e, a, |x, y| x == y),
        "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => {
            |e, a| same_text(e, a, |x, y| x.eq_ignore_ascii_case(&y))
        }
        "StringLike" | "StringNotLike" => wildcard::matches_globs,
        _ => return None,
    })
}

/// Character-by-character equality of a pattern read as text with a value.
fn same_text(expected: &[Glob], actual: &str, equal: fn(char, char) -> bool) -> bool {
    let mut chars = actual.chars();
    expected.iter().all(|glob| match (glob, chars.next()) {
        (Glob::Char(e), Some(a)) => equal(*e, a),
        _ => false,
    }) && chars.next().is_none()
}

/// A condition's values as IAM compares them: in a `2012-10-17` policy with its variables
/// substituted from `lookup`, otherwise as written (`*` and `?` wildcards under `…Like`).
#[must_use]
pub fn expected_values(
    condition: &Condition,
    version: Option<&str>,
    lookup: &dyn Fn(&str) -> KeyValue,
) -> Vec<Resolved> {
    let like = crate::text::contains(Operator::parse(&condition.operator).base, "Like");
    let substituted = variables::substituted(version) && condition.operator != "Null";
    condition
        .values
        .iter()
        .map(|value| {
            if super::unknown::has_unknown(value) {
                Resolved::Unknown(
                    "the value is known only when the template is deployed (a CloudFormation function or a Terraform value known after apply)".to_owned(),
                )
            } else if substituted {
                variables::resolve(value, like, lookup)
            } else {
                let mut globs = Vec::with_capacity(value.len());
                wildcard::push_text(&mut globs, value, like);
                Resolved::Pattern(globs)
            }
        })
        .gather()
}

/// Applies an operator to a key's request values (empty when missing):
/// `(matched, reason)`. `values` are the condition's values as written, `expected` the same
/// as [`expected_values`] resolves them; `missing` explains a missing key.
#[must_use]
pub fn apply(
    operator: &str,
    values: &[String],
    expected: &[Resolved],
    actual: &[String],
    missing: Option<String>,
) -> (bool, Option<String>) {
    if operator == "Null" {
        // `true` holds for a missing key and `false` for a present one; several values are ORed.
        let is_missing = actual.is_empty();
        let wanted = if is_missing { "true" } else { "false" };
        let matched = values.iter().any(|v| v == wanted);
        let reason = (!matched).then(|| {
            if is_missing {
                "the key is missing, but Null is false"
            } else {
                "the key is present, but Null is true"
            }
            .to_owned()
        });
        return (matched, reason);
    }
    let parsed @ Operator { set, base, if_exists } = Operator::parse(operator);
    if actual.is_empty() {
        // A missing key decides every operator the same way, whatever it compares.
        let why = missing.unwrap_or_else(|| "the key is missing".to_owned());
        // The set operator decides first: IAM documents ForAnyValue as false for a missing
        // key "whatever the operator", IfExists and negated ones included (see
        // Operator::true_when_missing for the sources).
        return match (set, if_exists, parsed.negated()) {
            (Some("ForAllValues"), ..) => (
                true,
                Some(format!(
                    "{why}; ForAllValues is true for a missing key, which is why it must not guard an Allow"
                )),
            ),
            (Some(_), ..) => (
                false,
                Some(format!(
                    "{why}; ForAnyValue is false for a missing key, even with a negated or …IfExists operator"
                )),
            ),
            (_, true, _) => (true, Some(format!("{why}; …IfExists is true for a missing key"))),
            (_, _, true) => (
                true,
                Some(format!("{why}; negated operators are true for a missing key")),
            ),
            _ => (false, Some(why)),
        };
    }
    let Some(compare) = comparison(base) else {
        return (
            false,
            Some(format!(
                "{operator} is not an operator this tool evaluates for web-identity keys"
            )),
        );
    };
    let negated = parsed.excludes();
    // A variable with no value is null: no value equals or is like it, so it never hits,
    // and a negated operator holds against it.
    let one = |a: &str| {
        let hit = expected
            .iter()
            .any(|e| matches!(e, Resolved::Pattern(e) if compare(e, a)));
        hit != negated
    };
    let matched = match set {
        Some("ForAllValues") => actual.iter().all(|a| one(a)),
        Some(_) => actual.iter().any(|a| one(a)),
        // A single-valued operator on a multi-valued key: IAM compares each value; any may match.
        None => actual.iter().any(|a| one(a)),
    };
    let reason = (!matched).then(|| {
        let null = expected.iter().find_map(|e| match e {
            Resolved::Null { variable } => Some(variable.as_str()),
            _ => None,
        });
        match null {
            Some(variable) if !negated => format!(
                "{}; {variable} is a policy variable (IAM reads ${{…}} in a 2012-10-17 policy) that this request has no value for, so that value matches nothing: write a literal $ as ${{$}}",
                mismatch_reason(base, values, actual)
            ),
            _ => mismatch_reason(base, values, actual),
        }
    });
    (matched, reason)
}

/// Case-insensitive equality for the `…IgnoreCase` operators, folding ASCII letters only.
///
/// Why ASCII: Unicode case tables would add 7.6 KB (gzipped) to the WebAssembly
/// module, GitLab's project paths are ASCII, and IAM does not document how it
/// folds other letters. A mismatch involving non-ASCII text says so.
fn equal_ignoring_case(expected: &str, actual: &str) -> bool {
    expected.eq_ignore_ascii_case(actual)
}

fn mismatch_reason(base: &str, expected: &[String], actual: &[String]) -> String {
    // Under ForAllValues some values may match: the reason is about the ones that did not.
    let unmatched: Vec<&str> = actual
        .iter()
        .filter(|a| !expected.contains(a))
        .map(String::as_str)
        .gather();
    let failed: Vec<&str> = if crate::text::contains(base, "Not") || unmatched.is_empty() {
        actual.iter().map(String::as_str).gather()
    } else {
        unmatched
    };
    let value = failed.joined(", ");
    if crate::text::contains(base, "IgnoreCase")
        && !crate::text::contains(base, "Not")
        && (!value.is_ascii() || expected.iter().any(|e| !e.is_ascii()))
    {
        return format!(
            "{value:?} is not one of the expected values ignoring the case of ASCII letters; this tool compares other letters exactly, and IAM does not document how it folds them"
        );
    }
    let has_wildcard = expected.iter().any(|e| crate::text::has_wildcard(e));
    if base == "StringEquals" && has_wildcard {
        return format!(
            "{value:?} is not literally equal: StringEquals treats * and ? as plain characters; use StringLike"
        );
    }
    if base.starts_with("String")
        && !crate::text::contains(base, "IgnoreCase")
        && !crate::text::contains(base, "Not")
        && expected
            .iter()
            .any(|e| failed.iter().any(|a| equal_ignoring_case(e, a)))
    {
        return format!("{value:?} differs only in case; condition values are case-sensitive");
    }
    if crate::text::contains(base, "Not") {
        return format!("{value:?} is one of the excluded values");
    }
    format!("{value:?} is not one of the expected values")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse::parse_policy;
    use serde_json::json;

    fn claims(value: &Value) -> Claims {
        Claims::new(value.as_object().unwrap().clone())
    }

    fn run(policy: &str, claims_json: &Value) -> Evaluation {
        let claims = claims(claims_json);
        let host = claims.issuer().and_then(|i| ProviderHost::from_issuer(i).ok());
        evaluate(
            &parse_policy(policy).unwrap(),
            Request {
                claims: &claims,
                host: host.as_ref(),
            },
        )
    }

    fn statement(condition: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}]}}"#
        )
    }

    fn token() -> Value {
        json!({"iss": "https://gitlab.com", "aud": "sts.amazonaws.com", "sub": "project_path:g/p:ref_type:branch:ref:main", "project_id": "42", "ref_protected": "true", "ref": "main"})
    }

    #[test]
    fn semantics_table() {
        let cases: [(&str, bool); 22] = [
            (
                r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:main"}}"#,
                true,
            ),
            (
                r#"{"StringEquals":{"GITLAB.COM:SUB":"project_path:g/p:ref_type:branch:ref:main"}}"#,
                true,
            ),
            (
                r#"{"StringEquals":{"gitlab.com:sub":"project_path:G/p:ref_type:branch:ref:main"}}"#,
                false,
            ),
            (
                r#"{"StringEqualsIgnoreCase":{"gitlab.com:sub":"project_path:G/P:ref_type:branch:ref:MAIN"}}"#,
                true,
            ),
            (r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/*"}}"#, false),
            (r#"{"StringLike":{"gitlab.com:sub":"project_path:g/*"}}"#, true),
            (
                r#"{"StringLike":{"gitlab.com:sub":["project_path:x/*","project_path:g/?:*"]}}"#,
                true,
            ),
            (
                r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"}}"#,
                true,
            ),
            (
                r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"43"}}"#,
                false,
            ),
            (r#"{"StringEquals":{"gitlab.com:ref":"main"}}"#, false),
            (
                r#"{"StringEquals":{"gitlab.example.com:sub":"project_path:g/p:ref_type:branch:ref:main"}}"#,
                false,
            ),
            (r#"{"StringNotEquals":{"gitlab.com:project_id":"43"}}"#, true),
            (r#"{"StringNotEquals":{"gitlab.com:user_login":"x"}}"#, true),
            (r#"{"StringNotLike":{"gitlab.com:sub":"*:ref:main"}}"#, false),
            (r#"{"StringEqualsIfExists":{"gitlab.com:user_login":"x"}}"#, true),
            (r#"{"StringEquals":{"gitlab.com:user_login":"x"}}"#, false),
            (r#"{"Null":{"gitlab.com:user_login":"true"}}"#, true),
            (r#"{"Null":{"gitlab.com:sub":"true"}}"#, false),
            (r#"{"ForAllValues:StringEquals":{"gitlab.com:user_login":"x"}}"#, true),
            (r#"{"ForAnyValue:StringEquals":{"gitlab.com:user_login":"x"}}"#, false),
            (r#"{"ForAnyValue:StringLike":{"gitlab.com:sub":"*main"}}"#, true),
            (r#"{"NumericEquals":{"gitlab.com:project_id":"42"}}"#, false),
        ];
        for (condition, allowed) in cases {
            let evaluation = run(&statement(condition), &token());
            assert_eq!(evaluation.allowed, allowed, "{condition}: {}", evaluation.reason);
        }
    }

    /// IAM: "`ForAnyValue` … For no matching key or a null dataset, the condition returns false",
    /// whatever the operator; `ForAllValues` is true then; plain negated and `…IfExists` operators
    /// are true for a missing key (`reference_policies_multi-value-conditions`,
    /// `reference_policies_elements_condition_operators`). `user_login` is missing from
    /// [`token`], `project_id` is "42".
    #[test]
    fn set_operators_on_a_missing_key() {
        let cases = [
            ("ForAnyValue:StringNotEquals", "gitlab.com:user_login", false),
            ("ForAnyValue:StringEqualsIfExists", "gitlab.com:user_login", false),
            ("ForAnyValue:StringNotLikeIfExists", "gitlab.com:user_login", false),
            ("ForAnyValue:StringEquals", "gitlab.com:user_login", false),
            ("ForAllValues:StringNotEquals", "gitlab.com:user_login", true),
            ("ForAllValues:StringEqualsIfExists", "gitlab.com:user_login", true),
            ("StringNotEquals", "gitlab.com:user_login", true),
            ("StringEqualsIfExists", "gitlab.com:user_login", true),
            // Present keys: the set operator compares as usual.
            ("ForAnyValue:StringNotEquals", "gitlab.com:project_id", true),
            ("ForAnyValue:StringEqualsIfExists", "gitlab.com:project_id", false),
        ];
        for (operator, key, allowed) in cases {
            let evaluation = run(&statement(&format!(r#"{{"{operator}":{{"{key}":"43"}}}}"#)), &token());
            assert_eq!(evaluation.allowed, allowed, "{operator} {key}: {}", evaluation.reason);
            assert_eq!(
                Operator::parse(operator).true_when_missing(),
                allowed && key.ends_with("user_login"),
                "{operator}"
            );
        }
        let reason = run(
            &statement(r#"{"ForAnyValue:StringNotEquals":{"gitlab.com:user_login":"x"}}"#),
            &token(),
        )
        .reason;
        assert!(reason.contains("ForAnyValue is false for a missing key"), "{reason}");
    }

    /// IAM substitutes `${…}` in condition values of a 2012-10-17 policy, not of a 2008-10-17
    /// one; `${*}`, `${?}`, `${$}` are literal characters; a variable with no value is null,
    /// so StringEquals/StringLike do not match it and StringNotEquals/StringNotLike do
    /// (`reference_policies_variables`).
    #[test]
    #[allow(clippy::too_many_lines, reason = "one table of IAM's documented cases")]
    fn policy_variables() {
        let mut dollar = token();
        dollar["sub"] = json!("project_path:g/p:ref_type:branch:ref:release-${CI}");
        let mut star = token();
        star["sub"] = json!("project_path:g/p:ref_type:branch:ref:v*");
        let with_version = |version: &str, condition: &str| statement(condition).replace("2012-10-17", version);
        let cases: [(&str, &str, &Value, bool); 14] = [
            // Literal $: only written as ${$} does it match under 2012-10-17.
            (
                "2012-10-17",
                r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:release-${CI}"}}"#,
                &dollar,
                false,
            ),
            (
                "2012-10-17",
                r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:release-${$}{CI}"}}"#,
                &dollar,
                true,
            ),
            (
                "2008-10-17",
                r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:release-${CI}"}}"#,
                &dollar,
                true,
            ),
            (
                "2008-10-17",
                r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:release-${$}{CI}"}}"#,
                &dollar,
                false,
            ),
            // ${*} is a literal *, not a wildcard.
            (
                "2012-10-17",
                r#"{"StringLike":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:${*}"}}"#,
                &token(),
                false,
            ),
            (
                "2012-10-17",
                r#"{"StringLike":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:v${*}"}}"#,
                &star,
                true,
            ),
            (
                "2012-10-17",
                r#"{"StringLike":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:m${?}in"}}"#,
                &token(),
                false,
            ),
            // A variable that names a key the token carries takes its value.
            (
                "2012-10-17",
                r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:${gitlab.com:ref_protected, 'x'}"}}"#,
                &token(),
                false,
            ),
            (
                "2012-10-17",
                r#"{"StringLike":{"gitlab.com:sub":"*:ref:${gitlab.com:user_login, 'main'}"}}"#,
                &token(),
                true,
            ),
            (
                "2012-10-17",
                r#"{"StringEquals":{"gitlab.com:project_id":"${gitlab.com:project_id}"}}"#,
                &token(),
                true,
            ),
            // No value: positive operators fail, negated ones hold.
            (
                "2012-10-17",
                r#"{"StringEquals":{"gitlab.com:project_id":"${gitlab.com:user_login}"}}"#,
                &token(),
                false,
            ),
            (
                "2012-10-17",
                r#"{"StringNotEquals":{"gitlab.com:project_id":"${gitlab.com:user_login}"}}"#,
                &token(),
                true,
            ),
            (
                "2012-10-17",
                r#"{"StringNotLike":{"gitlab.com:project_id":["${CI}","4*"]}}"#,
                &token(),
                false,
            ),
            (
                "2012-10-17",
                r#"{"StringEqualsIgnoreCase":{"gitlab.com:project_id":"${$}42"}}"#,
                &token(),
                false,
            ),
        ];
        for (version, condition, claims, allowed) in cases {
            let evaluation = run(&with_version(version, condition), claims);
            assert_eq!(
                evaluation.allowed, allowed,
                "{version} {condition}: {}",
                evaluation.reason
            );
            assert!(evaluation.undecided.is_empty(), "{condition}");
        }
        let evaluation = run(
            &statement(r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:release-${CI}"}}"#),
            &dollar,
        );
        assert!(
            evaluation.reason.contains("${CI} is a policy variable"),
            "{}",
            evaluation.reason
        );
        // A variable set by the STS request is unknown offline: undecided, never guessed.
        let open = run(
            &statement(r#"{"StringEquals":{"gitlab.com:project_id":"${aws:SourceIp}"}}"#),
            &token(),
        );
        assert!(!open.allowed && open.undecided == [0], "{}", open.reason);
    }

    #[test]
    fn deny_wins_and_statements_or() {
        let allow = r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"gitlab.com:sub":"*"}}}"#;
        let miss = r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:sub":"x"}}}"#;
        let deny = r#"{"Effect":"Deny","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:*","Condition":{"StringEquals":{"gitlab.com:ref_protected":"true"}}}"#;
        assert!(run(&format!(r#"{{"Statement":[{miss},{allow}]}}"#), &token()).allowed);
        let denied = run(&format!(r#"{{"Statement":[{allow},{deny}]}}"#), &token());
        assert!(!denied.allowed);
        assert!(denied.reason.contains("explicit Deny"), "{}", denied.reason);
    }

    #[test]
    fn not_action_covers_every_action_it_does_not_list() {
        let provider = r#""Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}"#;
        let allow = format!(r#"{{"Effect":"Allow",{provider},"Action":"sts:AssumeRoleWithWebIdentity"}}"#);
        // A Deny with NotAction refuses every action it does not list, this one included.
        let deny = format!(r#"{{"Effect":"Deny",{provider},"NotAction":"sts:TagSession"}}"#);
        let denied = run(&format!(r#"{{"Statement":[{allow},{deny}]}}"#), &token());
        assert!(
            !denied.allowed && denied.reason.contains("statement 1"),
            "{}",
            denied.reason
        );
        // One that lists it (with a wildcard, in another case) leaves the Allow alone.
        let spared = format!(r#"{{"Effect":"Deny",{provider},"NotAction":["sts:tagsession","STS:AssumeRoleWith*"]}}"#);
        assert!(run(&format!(r#"{{"Statement":[{allow},{spared}]}}"#), &token()).allowed);
        // An Allow with NotAction allows every action it does not list.
        let broad = format!(r#"{{"Effect":"Allow",{provider},"NotAction":"sts:AssumeRole"}}"#);
        let allowed = run(&format!(r#"{{"Statement":[{broad}]}}"#), &token());
        assert!(allowed.allowed, "{}", allowed.reason);
        let excluding = format!(r#"{{"Effect":"Allow",{provider},"NotAction":"sts:*"}}"#);
        let refused = run(&format!(r#"{{"Statement":[{excluding}]}}"#), &token());
        assert!(!refused.allowed, "{}", refused.reason);
        assert!(
            refused.reason.contains("NotAction is sts:*, which excludes"),
            "{}",
            refused.reason
        );
        let none = run(
            &format!(r#"{{"Statement":[{{"Effect":"Allow",{provider}}}]}}"#),
            &token(),
        );
        assert!(none.reason.contains("the statement has no Action"), "{}", none.reason);
        assert_eq!(
            parse_policy(r#"{"Statement":[{"NotAction":{"a":1}}]}"#)
                .unwrap_err()
                .to_string(),
            "$.Statement[0].NotAction is an object; expected a string or a list of strings"
        );
    }

    #[test]
    fn principal_must_be_the_provider_arn_exactly() {
        let with = |arn: &str| {
            format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{arn}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#
            )
        };
        let marker = crate::policy::unknown::marker;
        for arn in [
            "arn:aws:iam::123456789012:oidc-provider/gitlab.com",
            "arn:aws-cn:iam::123456789012:oidc-provider/gitlab.com",
            // A template's `${AWS::Partition}` and `${AWS::AccountId}`, as its source adapter marks them.
            &format!("arn:{}:iam::{}:oidc-provider/gitlab.com", marker(0), marker(1)),
        ] {
            let evaluation = run(&with(arn), &token());
            assert!(evaluation.allowed, "{arn}: {}", evaluation.reason);
        }
        for arn in [
            "arn:aws:iam::*:oidc-provider/gitlab.com",
            "arn:aws:iam::1234:oidc-provider/gitlab.com",
            "arn:aws:sts::123456789012:oidc-provider/gitlab.com",
            "arn:aws:iam::123456789012:saml-provider/x:oidc-provider/gitlab.com",
            "arn:aws:iam::123456789012:oidc-provider/other.example.com/gitlab.com",
            "arn:nope:iam::123456789012:oidc-provider/gitlab.com",
            // Pasted JSON is not a template: IAM reads this text as it is.
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/gitlab.com",
        ] {
            let evaluation = run(&with(arn), &token());
            assert!(!evaluation.allowed, "{arn}: {}", evaluation.reason);
        }
        let wildcard = run(&with("arn:aws:iam::*:oidc-provider/gitlab.com"), &token());
        assert!(wildcard.reason.contains("with no wildcard"), "{}", wildcard.reason);
    }

    #[test]
    fn null_ors_its_values() {
        let both = run(
            &statement(r#"{"Null":{"gitlab.com:project_id":["true","false"]}}"#),
            &token(),
        );
        assert!(both.allowed, "{}", both.reason);
        let present = run(&statement(r#"{"Null":{"gitlab.com:project_id":"false"}}"#), &token());
        assert!(present.allowed, "{}", present.reason);
        let missing = run(&statement(r#"{"Null":{"gitlab.com:nothing_here":"true"}}"#), &token());
        assert!(missing.allowed, "{}", missing.reason);
        let not_missing = run(&statement(r#"{"Null":{"gitlab.com:project_id":"true"}}"#), &token());
        assert!(!not_missing.allowed && not_missing.reason.contains("the key is present, but Null is true"));
    }

    #[test]
    fn for_all_values_names_the_value_that_failed() {
        let mut claims = token();
        claims["aud"] = json!(["sts.amazonaws.com", "https://vault.example.com"]);
        let evaluation = run(
            &statement(r#"{"ForAllValues:StringEquals":{"gitlab.com:aud":"sts.amazonaws.com"}}"#),
            &claims,
        );
        assert!(!evaluation.allowed);
        assert!(
            evaluation
                .reason
                .contains(r#""https://vault.example.com" is not one of the expected values"#),
            "{}",
            evaluation.reason
        );
    }

    #[test]
    fn effect_is_case_sensitive() {
        let sub = r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:main"}}"#;
        let lowercase = run(
            &statement(sub).replace(r#""Effect":"Allow""#, r#""Effect":"allow""#),
            &token(),
        );
        assert!(!lowercase.allowed, "{}", lowercase.reason);
        assert!(
            lowercase.reason.contains("MalformedPolicyDocument"),
            "{}",
            lowercase.reason
        );
        let allow = r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity"}"#;
        let deny = allow
            .replace("Allow", "deny")
            .replace("sts:AssumeRoleWithWebIdentity", "sts:TagSession");
        let mixed = run(&format!(r#"{{"Statement":[{allow},{deny}]}}"#), &token());
        assert!(
            !mixed.allowed && mixed.reason.contains("statement 1"),
            "{}",
            mixed.reason
        );
        assert!(run(&format!(r#"{{"Statement":[{allow}]}}"#), &token()).allowed);
    }

    #[test]
    fn client_ids_are_checked_before_the_policy() {
        let policy = statement(r#"{"StringLike":{"gitlab.com:sub":"*"}}"#);
        let claims = token().to_string();
        let allowed = evaluate_text(
            &policy,
            TokenInput::ClaimsJson(&claims),
            r#"{"clientIds":["sts.amazonaws.com"]}"#,
        )
        .unwrap();
        assert!(allowed.allowed && allowed.audience.unwrap().matched);
        let denied = evaluate_text(
            &policy,
            TokenInput::ClaimsJson(&claims),
            r#"{"clientIds":["https://gitlab.com"]}"#,
        )
        .unwrap();
        assert!(!denied.allowed);
        assert!(denied.reason.contains("Incorrect token audience"), "{}", denied.reason);
        let err = evaluate_text(&policy, TokenInput::ClaimsJson("[1]"), "{}").unwrap_err();
        assert_eq!(err.code(), "claims.invalid");
        let err = evaluate_text(&policy, TokenInput::Token("x"), "{}").unwrap_err();
        assert_eq!(err.code(), "token.segments");
        let err = evaluate_text("{", TokenInput::Token("x"), "{}").unwrap_err();
        assert_eq!(err.code(), "policy.json");
    }

    #[test]
    fn reasons_are_specific() {
        let evaluation = run(
            &statement(r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/*"}}"#),
            &token(),
        );
        assert!(
            evaluation
                .reason
                .contains("StringEquals treats * and ? as plain characters"),
            "{}",
            evaluation.reason
        );
        let evaluation = run(
            &statement(r#"{"StringEquals":{"gitlab.com:sub":"PROJECT_PATH:g/p:ref_type:branch:ref:main"}}"#),
            &token(),
        );
        assert!(
            evaluation.reason.contains("differs only in case"),
            "{}",
            evaluation.reason
        );
        let mut other = token();
        other["iss"] = json!("https://gitlab.example.com");
        let evaluation = run(&statement(r#"{"StringEquals":{"gitlab.com:sub":"x"}}"#), &other);
        assert!(
            evaluation.reason.contains("not the provider for this token's issuer"),
            "{}",
            evaluation.reason
        );
        let evaluation = run(&statement(r#"{"StringEquals":{"gitlab.com:ref":"main"}}"#), &token());
        assert!(
            evaluation.reason.contains("does not evaluate ref"),
            "{}",
            evaluation.reason
        );
    }

    #[test]
    fn ignore_case_folds_ascii_and_says_when_other_letters_were_compared_exactly() {
        let mut login = token();
        login["user_login"] = json!("Émile");
        let ascii = run(
            &statement(r#"{"StringEqualsIgnoreCase":{"gitlab.com:user_login":"éMILE"}}"#),
            &login,
        );
        assert!(!ascii.allowed);
        assert!(
            ascii.reason.contains("compares other letters exactly"),
            "{}",
            ascii.reason
        );
        let exact = run(
            &statement(r#"{"StringEqualsIgnoreCase":{"gitlab.com:user_login":"ÉMILE"}}"#),
            &login,
        );
        assert!(exact.allowed, "{}", exact.reason);
    }
}
