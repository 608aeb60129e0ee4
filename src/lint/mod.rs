//! The trust-policy linter: rules as data, one file per rule, each with its
//! documentation and examples (tested in `tests/lint_rules.rs`).

mod rules;

use crate::error::Coded;
use crate::input::{self, Fields, InputError};
use crate::text::Gather as _;
use thiserror::Error;

pub use crate::finding::Docs;
use crate::finding::{Finding, Rule};
use crate::issuer::ProviderHost;
use crate::policy::arn::{Partition, PARTITION_NAMES};
use crate::policy::parse::{parse_policy, PolicyError};
use crate::policy::spec::aws_audience;
use crate::policy::variables::{self, Piece, Variable};
use crate::policy::{split_key, Condition, Document, Operator, Statement};
use crate::subject::{pattern_scope, PatternScope};
use crate::token::{decode_unverified, Claims, TokenError};
use std::borrow::Cow;

pub use rules::{ALL, DOCUMENTED, SOURCES};

/// A lint rule's identity; its check is the `check` function of its file, which `rules!`
/// calls (its [`Docs`] are kept apart, in [`DOCUMENTED`]).
pub struct LintRule {
    pub rule: Rule,
}

/// What the linter knows beyond the policy: the job's side, when given.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The audience the job requests (`id_tokens: …: aud:`); without one, the token's,
    /// chosen as the policy generator chooses it ([`aws_audience`]).
    pub audience: Option<String>,
    /// The job's token claims, and its provider host.
    pub token: Option<(Claims, Option<ProviderHost>)>,
    pub account_id: Option<String>,
    pub partition: Option<Partition>,
    /// The document comes from a template whose values may be known only at deploy time
    /// ([`crate::policy::unknown`]): their markers are not characters of the policy.
    pub unknown_values: bool,
}

/// Why a lint cannot run at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LintError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("context is not valid: {0}")]
    Context(InputError),
}

impl Coded for LintError {
    fn code(&self) -> &'static str {
        match self {
            Self::Policy(e) => e.code(),
            Self::Token(e) => e.code(),
            Self::Context(_) => "context.invalid",
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            Self::Context(error) => error.field().map(str::to_owned),
            // The only token a lint reads is the context's.
            Self::Token(_) => Some("token".to_owned()),
            Self::Policy(_) => None,
        }
    }

    fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Policy(error) => error.position(),
            _ => None,
        }
    }
}

impl Context {
    /// The field names of its JSON text, as JSON spells them; `token` is a compact JWT the policy should admit.
    pub const FIELDS: [&'static str; 4] = ["audience", "token", "accountId", "partition"];

    /// Builds a context from its JSON text.
    ///
    /// # Errors
    /// [`LintError::Context`] for an invalid context, or the token's error.
    pub fn from_json(text: &str) -> Result<Self, LintError> {
        let map = input::parse_object(text, &Self::FIELDS).map_err(LintError::Context)?;
        let fields = Fields::new(&map, "");
        let read = |name| fields.string(name).map_err(LintError::Context);
        let (audience, token, account_id, partition) = (
            read("audience")?,
            read("token")?,
            read("accountId")?,
            read("partition")?,
        );
        let partition = match partition.as_deref() {
            None => None,
            Some(name) => Some(Partition::from_name(name).ok_or_else(|| {
                LintError::Context(InputError::at(
                    "partition".to_owned(),
                    format!("partition {name:?} is unknown; expected {PARTITION_NAMES}"),
                ))
            })?),
        };
        let token = match token.as_deref() {
            None => None,
            Some(text) => {
                let decoded = decode_unverified(text)?;
                let claims = decoded.claims().clone();
                let host = claims.issuer().and_then(|i| ProviderHost::from_issuer(i).ok());
                Some((claims, host))
            }
        };
        let audience = audience.or_else(|| {
            token
                .as_ref()
                .and_then(|(claims, _)| aws_audience(claims).ok().map(str::to_owned))
        });
        Ok(Self {
            audience,
            token,
            account_id,
            partition,
            unknown_values: false,
        })
    }
}

/// Parses a pasted policy and runs every rule.
///
/// # Errors
/// A [`LintError`] when the text is not a policy or the context is invalid.
pub fn lint_text(policy: &str, context_json: &str) -> Result<Vec<Finding>, LintError> {
    let document = parse_policy(policy)?;
    let context = Context::from_json(context_json)?;
    Ok(lint(&document, &context))
}

/// Runs every rule; errors first, then warnings, then information.
#[must_use]
pub fn lint(document: &Document, context: &Context) -> Vec<Finding> {
    let mut findings = rules::check_all(document, context);
    crate::finding::sort_by_severity(&mut findings);
    findings
}

/// The provider host a statement trusts, from `arn:…:oidc-provider/<host>`.
#[must_use]
pub fn trusted_host(statement: &Statement) -> Option<ProviderHost> {
    statement.federated.iter().find_map(|arn| {
        let (_, host) = crate::text::split_once(arn, ":oidc-provider/")?;
        ProviderHost::from_issuer(&format!("https://{host}")).ok()
    })
}

/// Whether a statement allows and trusts an OIDC provider (or anyone, or a principal known
/// only at deploy time, which may be one).
pub(crate) fn trusts_oidc(statement: &Statement) -> bool {
    statement.effect == "Allow"
        && (statement.principal_any
            || statement
                .federated
                .iter()
                .any(|a| crate::text::contains(a, ":oidc-provider/") || crate::policy::unknown::is_unknown(a)))
}

/// The claim a condition key names under a statement's provider, if its prefix is that provider.
pub(crate) fn provider_claim<'a>(statement: &Statement, condition: &'a Condition) -> Option<&'a str> {
    let host = trusted_host(statement)?;
    let (prefix, claim) = split_key(&condition.key)?;
    prefix.eq_ignore_ascii_case(host.as_str()).then_some(claim)
}

/// Every `<host>:sub` condition of a statement (any operator), with its JSON path.
pub(crate) fn sub_conditions(index: usize, statement: &Statement) -> impl Iterator<Item = (&Condition, String)> {
    claim_conditions(index, statement, "sub")
}

/// The `sub` conditions through which a statement grants access, with their JSON paths:
/// those of an Allow statement with a positive operator. An exclusion (`StringNotLike`),
/// a `Null` test or a Deny statement admits no one.
pub(crate) fn granted_sub_conditions(
    index: usize,
    statement: &Statement,
) -> impl Iterator<Item = (&Condition, String)> {
    let allow = statement.effect == "Allow";
    sub_conditions(index, statement).filter(move |(c, _)| allow && Operator::parse(&c.operator).positive())
}

/// The Deny statements guarding an Allow statement's `<host>:<claim>`, each as its index
/// and the values it leaves admitted. Such a Deny covers every provider the Allow trusts and
/// `sts:AssumeRoleWithWebIdentity`, and every one of its conditions is a negated string
/// comparison of that key, so it refuses every request whose value matches none of its
/// values (values OR; a negated operator holds when none matches): only those remain.
pub(crate) fn deny_guardrails<'a>(
    document: &'a Document,
    allow: &'a Statement,
    claim: &'a str,
) -> impl Iterator<Item = (usize, Vec<&'a str>)> {
    // No provider host, no key to guard: nothing.
    trusted_host(allow).into_iter().flat_map(move |host| {
        document.statements.iter().enumerate().filter_map(move |(index, deny)| {
            let guards_key = |c: &Condition| {
                Operator::parse(&c.operator).excludes()
                    && split_key(&c.key).is_some_and(|(prefix, name)| {
                        prefix.eq_ignore_ascii_case(host.as_str()) && name.eq_ignore_ascii_case(claim)
                    })
            };
            let guards = deny.effect == "Deny"
                && (deny.principal_any || allow.federated.iter().all(|arn| deny.federated.contains(arn)))
                && deny.covers_web_identity()
                && !deny.conditions.is_empty()
                && deny.conditions.iter().all(guards_key);
            guards.then(|| {
                let values = deny.conditions.iter().flat_map(|c| c.values.iter().map(String::as_str));
                (index, values.gather())
            })
        })
    })
}

/// Every condition on `<any prefix>:<claim>` of a statement, with its JSON path.
pub(crate) fn claim_conditions<'a>(
    index: usize,
    statement: &'a Statement,
    claim: &'a str,
) -> impl Iterator<Item = (&'a Condition, String)> {
    statement
        .conditions
        .iter()
        .filter(move |c| split_key(&c.key).is_some_and(|(_, name)| name.eq_ignore_ascii_case(claim)))
        .map(move |c| (c, condition_path(index, c)))
}

/// `$.Statement[0].Condition.StringLike["gitlab.com:sub"]`.
#[must_use]
pub fn condition_path(index: usize, condition: &Condition) -> String {
    format!(
        "$.Statement[{index}].Condition.{}[{}]",
        condition.operator,
        crate::text::json_string(&condition.key)
    )
}

/// The policy after an edit, as JSON: a finding's one-click fix.
pub(crate) fn fixed(document: &Document, edit: impl FnOnce(&mut Document)) -> String {
    let mut copy = document.clone();
    edit(&mut copy);
    copy.to_json()
}

/// Findings for the rules whose fix rewrites one condition's operator:
/// `rewrite` returns the operator to use instead and the message, or `None`.
pub(crate) fn operator_rewrites(
    document: &Document,
    rule: &Rule,
    rewrite: impl Fn(&Statement, &Condition) -> Option<(String, String)>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (position, condition) in statement.conditions.iter().enumerate() {
            let Some((operator, message)) = rewrite(statement, condition) else {
                continue;
            };
            let fix = fixed(document, |d| {
                operator.clone_into(&mut d.statements[index].conditions[position].operator);
            });
            findings.push(
                Finding::new(rule, message)
                    .at(condition_path(index, condition))
                    .with_fix(fix),
            );
        }
    }
    findings
}

/// A condition value as the pattern IAM compares, for rules that read values: in a
/// `2012-10-17` policy `${$}` is `$`; `${*}` and `${?}` are literal characters that GitLab never
/// emits, so they stand as U+FFFD (no wildcard); a variable naming a request key (`<host>:…`,
/// `aws:…`) may take any value the request holds, so it reads as `*`. A variable with no
/// key-like name stays as written: no request has a value for it (POL026 says so).
pub(crate) fn as_pattern<'a>(document: &Document, value: &'a str) -> Cow<'a, str> {
    if !variables::substituted(document.version.as_deref()) || !variables::has_variables(value) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    for piece in variables::pieces(value) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Variable(Variable::Literal('$')) => out.push('$'),
            Piece::Variable(Variable::Literal(_)) => out.push('\u{fffd}'),
            Piece::Variable(Variable::Key { key, default }) => {
                if names_request_key(key) {
                    out.push('*');
                } else if let Some(default) = default {
                    out.push_str(default);
                } else {
                    out.push_str("${");
                    out.push_str(key);
                    out.push('}');
                }
            }
        }
    }
    Cow::Owned(out)
}

/// Whether a policy variable's key could be one a web-identity request carries: a provider
/// key (`<host>:<claim>`, the host dotted) or a key the STS call sets (`aws:…`, `sts:…`).
pub(crate) fn names_request_key(key: &str) -> bool {
    crate::policy::is_global_key(key) || split_key(key).is_some_and(|(prefix, _)| prefix.bytes().any(|b| b == b'.'))
}

/// Whether a value holds a `*` or `?` that IAM reads as a wildcard (under `…Like`): one written
/// plainly, not `${*}`/`${?}` in a `2012-10-17` policy.
pub(crate) fn has_plain_wildcard(document: &Document, value: &str) -> bool {
    if !variables::substituted(document.version.as_deref()) {
        return crate::text::has_wildcard(value);
    }
    variables::pieces(value)
        .iter()
        .any(|piece| matches!(piece, Piece::Text(text) if crate::text::has_wildcard(text)))
}

/// What a `sub` value or pattern admits, read as IAM reads it ([`as_pattern`]).
pub(crate) fn sub_scope(document: &Document, value: &str) -> PatternScope {
    pattern_scope(&as_pattern(document, value))
}

/// How loose a `sub` value is, for comparing values that OR together.
pub(crate) fn looseness(document: &Document, value: &str) -> u8 {
    let value = &*as_pattern(document, value);
    let scope = pattern_scope(value);
    if scope.any_project {
        4
    } else if scope.project_wildcard {
        3
    } else if scope.any_ref || scope.any_ref_type {
        2
    } else {
        u8::from(crate::text::has_wildcard(value))
    }
}
