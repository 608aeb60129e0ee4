//! What does a trust-policy change newly admit? An exact comparison of two policies over every
//! token STS could see.
//!
//! A token reaches the policy as its issuer (which provider it comes through) and the values of
//! the keys AWS evaluates for that issuer (`sub` and `aud` everywhere; on gitlab.com also
//! `project_id`, `ref_protected`, …). Each key's values split into cells that no condition in
//! either policy can tell apart ([`cells`]); a missing key is one more cell where GitLab can
//! leave the claim out. Every combination of one cell per key is one class of tokens, and its
//! witness token decides the class: both policies are evaluated on it by the evaluator itself
//! ([`crate::policy::evaluate`]), so statements OR, Deny subtracts, keys AND, values OR and
//! missing keys behave exactly as there. The answer is exact unless a bound is reached, a
//! policy variable names a request key, or the evaluator cannot decide a class: then the
//! verdict is `cannot-decide` with the reason, never a guess of `no-new-access`.

mod cells;

use crate::text::{Gather as _, Joined as _};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt::Write as _;

use crate::issuer::ProviderHost;
use crate::policy::evaluate::{evaluate, expected_values, Evaluation, Request};
use crate::policy::variables::{KeyValue, Resolved};
use crate::policy::wildcard::Glob;
use crate::policy::{Document, Operator};
use crate::token::catalog::{self, AwsConditionKey};
use crate::token::Claims;
use cells::{Cell, Language};

/// Automaton states one key's search may visit.
const STATE_LIMIT: usize = 20_000;
/// Token classes (combinations of cells) one comparison may evaluate.
const CLASS_LIMIT: usize = 20_000;
/// Entries listed per direction; the rest are counted.
const LISTED: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No token `after` allows is denied by `before`.
    NoNewAccess,
    /// Some token is allowed by `after` and denied by `before`: see `newly_admitted`.
    NewAccess,
    /// The comparison could not be made exact: see `reason`.
    CannotDecide,
}

/// One class of tokens whose verdict changes, with a token that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// The class in words: each key's values that make the difference.
    pub description: String,
    /// Claims of a token in the class (`iss` and the keys that matter), which the evaluator
    /// allows under one policy and denies under the other.
    pub witness: Map<String, Value>,
    /// Why the policy that allows it does.
    pub allowed_because: String,
    /// Why the policy that denies it does.
    pub denied_because: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub verdict: Verdict,
    /// One sentence: why this verdict.
    pub reason: String,
    /// Tokens `after` allows and `before` denies (at most 20; `newlyAdmittedCount` counts all).
    pub newly_admitted: Vec<Change>,
    pub newly_admitted_count: usize,
    /// Tokens `before` allows and `after` denies: jobs the change would break.
    pub no_longer_admitted: Vec<Change>,
    pub no_longer_admitted_count: usize,
    /// What the linter says of `after` and did not say of `before`: the findings the change brings.
    pub findings: Vec<crate::finding::Finding>,
}

/// Why no exact answer: the reason for `cannot-decide`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Undecidable(String);

/// The keys AWS evaluates for a provider, in catalog order.
fn evaluated_keys(host: &ProviderHost) -> Vec<&'static str> {
    catalog::condition_key_claims(host.is_gitlab_com())
        .map(|info| info.name)
        .gather()
}

/// What GitLab can put in a claim: a fixed list of values, or any string; and whether it
/// may be left out (`null`).
fn domain(claim: &str) -> (Option<Vec<String>>, bool) {
    let info = catalog::claim_info(claim);
    let nullable = matches!(claim, "user_login" | "user_email" | "user_access_level");
    let fixed = match claim {
        "ref_protected" => Some(vec!["true".to_owned(), "false".to_owned()]),
        _ => info
            .filter(|i| !i.known_values.is_empty() && i.aws_condition_key == AwsConditionKey::GitlabComOnly)
            .map(|i| i.known_values.iter().map(|v| (*v).to_owned()).gather()),
    };
    (fixed, nullable)
}

/// A plausible value for a key no condition reads (it decides nothing).
fn default_value(claim: &str) -> String {
    match claim {
        "sub" => "project_path:example/app:ref_type:branch:ref:main",
        "aud" => "sts.amazonaws.com",
        "project_id" | "namespace_id" | "user_id" => "1000",
        "user_login" | "user_access_level" => "developer",
        "user_email" => "developer@example.com",
        "ref_protected" => "true",
        "pipeline_source" => "push",
        "runner_environment" => "gitlab-hosted",
        _ => "x",
    }
    .to_owned()
}

/// The base languages of one key (`<host>:<claim>`) across both policies, and the policies'
/// own values as preferred witnesses.
fn languages(documents: [&Document; 2], key: &str) -> Result<(Vec<Language>, Vec<String>), Undecidable> {
    let mut languages: Vec<Language> = Vec::new();
    let mut preferred = Vec::new();
    for document in documents {
        for statement in &document.statements {
            for condition in statement.conditions.iter().filter(|c| c.key.eq_ignore_ascii_case(key)) {
                if condition.operator == "Null" {
                    continue; // presence only
                }
                let base = Operator::parse(&condition.operator).base;
                let ignore_case = crate::text::contains(base, "IgnoreCase");
                let lookup = |name: &str| KeyValue::Unknown(format!("${{{name}}}"));
                for (value, resolved) in
                    condition
                        .values
                        .iter()
                        .zip(expected_values(condition, document.version.as_deref(), &lookup))
                {
                    let globs = match resolved {
                        Resolved::Pattern(globs) => globs,
                        Resolved::Null { .. } => continue, // matches nothing
                        Resolved::Unknown(variable) => {
                            return Err(Undecidable(format!(
                                "{key} value {value:?} holds the policy variable {variable}, which ties it to another key's value; the comparison does not follow such links"
                            )))
                        }
                    };
                    preferred.push(example_of(&globs));
                    let language = Language { globs, ignore_case };
                    if !languages.contains(&language) {
                        languages.push(language);
                    }
                }
            }
        }
    }
    Ok((languages, preferred))
}

/// A value in a pattern's language that reads naturally: `*` as `other`, `?` as `x`.
fn example_of(globs: &[Glob]) -> String {
    let mut text = String::new();
    for glob in globs {
        match glob {
            Glob::Char(c) => text.push(*c),
            Glob::Any => text.push_str("other"),
            Glob::One => text.push('x'),
        }
    }
    text
}

/// One key's cells, as values (`None`: the claim left out).
/// A key's cells: `(values, read)`, where `read` says whether any condition names the key.
fn key_cells(
    documents: [&Document; 2],
    host: &ProviderHost,
    claim: &str,
) -> Result<(Vec<Option<String>>, bool), Undecidable> {
    let key = host.condition_key(claim);
    let (languages, mut preferred) = languages(documents, &key)?;
    let (fixed, nullable) = domain(claim);
    let mut values: Vec<Option<String>> = if languages.is_empty() {
        vec![Some(
            fixed.as_ref().map_or_else(|| default_value(claim), |f| f[0].clone()),
        )]
    } else if let Some(fixed) = fixed {
        cells::cells_of_values(&languages, &fixed)
            .into_iter()
            .map(|cell| Some(cell.witness))
            .gather()
    } else {
        preferred.insert(0, default_value(claim));
        cells::cells(&languages, &preferred, STATE_LIMIT)
            .map_err(|_| {
                Undecidable(format!(
                    "the {key} patterns are too many or too intricate to compare exactly (over {STATE_LIMIT} automaton states)"
                ))
            })?
            .into_iter()
            .map(|cell: Cell| Some(cell.witness))
            .gather()
    };
    let read = documents.iter().any(|d| {
        d.statements
            .iter()
            .any(|s| s.conditions.iter().any(|c| c.key.eq_ignore_ascii_case(&key)))
    });
    if nullable && read {
        values.push(None);
    }
    Ok((values, read))
}

/// The provider hosts the two policies trust, and one more when a statement trusts anyone.
fn hosts(documents: [&Document; 2]) -> Vec<ProviderHost> {
    let mut hosts: Vec<ProviderHost> = Vec::new();
    let mut anyone = false;
    for statement in documents.iter().flat_map(|d| &d.statements) {
        anyone |= statement.principal_any;
        for arn in &statement.federated {
            let Some((_, host)) = crate::text::split_once(arn, ":oidc-provider/") else {
                continue;
            };
            if let Ok(host) = ProviderHost::from_issuer(&format!("https://{host}")) {
                if !hosts.contains(&host) {
                    hosts.push(host);
                }
            }
        }
    }
    if anyone {
        let other = ["gitlab.example.net", "gitlab.example.org"]
            .into_iter()
            .filter_map(|h| ProviderHost::from_issuer(&format!("https://{h}")).ok())
            .find(|h| !hosts.contains(h));
        hosts.extend(other);
    }
    hosts
}

/// Why a comparison cannot run: a policy that is not one, or an unusable context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// `which` is `before` or `after`.
    #[error("{which}: {error}")]
    Policy {
        which: &'static str,
        error: crate::policy::parse::PolicyError,
    },
    #[error("context is not valid: {0}")]
    Context(crate::input::InputError),
}

impl crate::error::Coded for DiffError {
    fn code(&self) -> &'static str {
        match self {
            Self::Policy { error, .. } => error.code(),
            Self::Context(_) => "context.invalid",
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            Self::Policy { which, .. } => Some((*which).to_owned()),
            Self::Context(error) => error.field().map(str::to_owned),
        }
    }

    fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Policy { error, .. } => error.position(),
            Self::Context(_) => None,
        }
    }
}

/// What the comparison is limited to.
#[derive(Debug, Clone, Default)]
pub struct DiffContext {
    /// Only tokens from this GitLab instance (its issuer URL); every provider either policy
    /// trusts when absent.
    pub issuer: Option<ProviderHost>,
}

impl DiffContext {
    /// Parses a context from JSON text: `{ "issuer": "https://gitlab.com" }` or `{}`.
    ///
    /// # Errors
    /// [`DiffError::Context`] naming the field that cannot be used.
    pub fn from_json(text: &str) -> Result<Self, DiffError> {
        let map = crate::input::parse_object(text, &["issuer"]).map_err(DiffError::Context)?;
        let issuer = crate::input::Fields::new(&map, "")
            .string("issuer")
            .map_err(DiffError::Context)?;
        let issuer = match issuer {
            None => None,
            Some(url) => Some(ProviderHost::from_issuer(&url).map_err(|e| {
                DiffError::Context(crate::input::InputError::at(
                    "issuer".to_owned(),
                    crate::text::display(&e),
                ))
            })?),
        };
        Ok(Self { issuer })
    }
}

/// Parses both policies and the context, and compares.
///
/// # Errors
/// A [`DiffError`] naming the policy (`before` or `after`) or the context field that cannot be used.
pub fn compare_text(before: &str, after: &str, context_json: &str) -> Result<Comparison, DiffError> {
    let parse =
        |which, text| crate::policy::parse::parse_policy(text).map_err(|error| DiffError::Policy { which, error });
    let (before, after) = (parse("before", before)?, parse("after", after)?);
    let context = DiffContext::from_json(context_json)?;
    Ok(compare_within(&before, &after, &context))
}

/// Compares two trust policies: which tokens `after` newly admits, and which it no longer does.
#[must_use]
pub fn compare(before: &Document, after: &Document) -> Comparison {
    compare_within(before, after, &DiffContext::default())
}

/// [`compare`], limited to what the context says.
#[must_use]
pub fn compare_within(before: &Document, after: &Document, context: &DiffContext) -> Comparison {
    let mut newly = Vec::new();
    let mut gone = Vec::new();
    let mut counts = (0, 0);
    let mut open: Option<String> = None;
    let documents = [before, after];
    let mut classes = 0usize;
    let hosts = match &context.issuer {
        Some(issuer) => vec![issuer.clone()],
        None => hosts(documents),
    };
    for host in hosts {
        let keys = evaluated_keys(&host);
        let mut per_key = Vec::with_capacity(keys.len());
        let mut shown = Vec::with_capacity(keys.len());
        for claim in &keys {
            match key_cells(documents, &host, claim) {
                Ok((values, read)) => {
                    per_key.push(values);
                    // A real token always has sub and aud; other keys matter only when read.
                    shown.push(read || matches!(*claim, "sub" | "aud"));
                }
                Err(Undecidable(reason)) => return cannot_decide(reason, before, after),
            }
        }
        let total = per_key.iter().try_fold(1usize, |n, v| n.checked_mul(v.len()));
        match total {
            Some(n) if classes + n <= CLASS_LIMIT => classes += n,
            _ => {
                return cannot_decide(
                    format!(
                    "the policies split {host} tokens into more than {CLASS_LIMIT} classes; compare smaller changes"
                ),
                    before,
                    after,
                )
            }
        }
        let mut choice = vec![0usize; keys.len()];
        loop {
            let claims = witness(&host, &keys, &per_key, &choice, &shown);
            let request_claims = Claims::new(claims.clone());
            let request = Request {
                claims: &request_claims,
                host: Some(&host),
            };
            let (was, now) = (evaluate(before, request), evaluate(after, request));
            let undecided = |e: &Evaluation| !e.undecided.is_empty();
            if (undecided(&was) || undecided(&now)) && was.allowed != now.allowed {
                open.get_or_insert_with(|| {
                    let which = if undecided(&was) { &was } else { &now };
                    format!("for a token like {}: {}", describe(&claims), which.reason)
                });
            } else if now.allowed && !was.allowed {
                counts.0 += 1;
                if newly.len() < LISTED {
                    newly.push(change(&claims, &now, &was, after));
                }
            } else if was.allowed && !now.allowed {
                counts.1 += 1;
                if gone.len() < LISTED {
                    gone.push(change(&claims, &was, &now, before));
                }
            }
            if !next(&mut choice, &per_key) {
                break;
            }
        }
    }
    let (verdict, reason) = match (counts.0, &open) {
        (0, None) => (
            Verdict::NoNewAccess,
            format!(
                "{classes} class(es) of tokens compared, every combination of values the two policies tell apart: none is allowed now and was denied before"
            ),
        ),
        (0, Some(open)) => (
            Verdict::CannotDecide,
            format!("no token is certainly newly admitted, but one class hangs on a condition this tool cannot evaluate offline, {open}"),
        ),
        (n, _) => (
            Verdict::NewAccess,
            format!("the new policy admits {n} class(es) of tokens the old one denied"),
        ),
    };
    Comparison {
        verdict,
        reason,
        newly_admitted: newly,
        newly_admitted_count: counts.0,
        no_longer_admitted: gone,
        no_longer_admitted_count: counts.1,
        findings: new_findings(before, after),
    }
}

/// The lint findings of `after` that `before` does not have (same code and message).
fn new_findings(before: &Document, after: &Document) -> Vec<crate::finding::Finding> {
    let context = crate::lint::Context::default();
    let old = crate::lint::lint(before, &context);
    crate::lint::lint(after, &context)
        .into_iter()
        .filter(|f| !old.iter().any(|o| o.code == f.code && o.message == f.message))
        .gather()
}

fn cannot_decide(reason: String, before: &Document, after: &Document) -> Comparison {
    Comparison {
        verdict: Verdict::CannotDecide,
        reason,
        newly_admitted: Vec::new(),
        newly_admitted_count: 0,
        no_longer_admitted: Vec::new(),
        no_longer_admitted_count: 0,
        findings: new_findings(before, after),
    }
}

/// Advances `choice` like an odometer over the keys' cells; false when every class was visited.
fn next(choice: &mut [usize], per_key: &[Vec<Option<String>>]) -> bool {
    for (position, values) in choice.iter_mut().zip(per_key) {
        *position += 1;
        if *position < values.len() {
            return true;
        }
        *position = 0;
    }
    false
}

/// The claims of the class `choice` picks: `iss` and every evaluated key's witness.
fn witness(
    host: &ProviderHost,
    keys: &[&str],
    per_key: &[Vec<Option<String>>],
    choice: &[usize],
    shown: &[bool],
) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("iss".to_owned(), format!("https://{host}").into());
    for (((claim, values), &index), _) in keys
        .iter()
        .zip(per_key)
        .zip(choice)
        .zip(shown)
        .filter(|(_, shown)| **shown)
    {
        if let Some(value) = &values[index] {
            claims.insert((*claim).to_owned(), value.as_str().into());
        }
    }
    claims
}

fn describe(claims: &Map<String, Value>) -> String {
    claims
        .iter()
        .map(|(k, v)| format!("{k} {}", crate::text::json(v)))
        .gather()
        .joined(", ")
}

/// The class in words: the `sub` patterns of the allowing policy its `sub` matches, read as
/// GitLab's components, then the other keys' values; tokens from another provider say so.
fn class_words(claims: &Map<String, Value>, allowing: &Document) -> String {
    let issuer = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or_default();
    let key = |claim: &str| format!("{}:{claim}", crate::text::trim_prefixes(issuer, "https://"));
    let patterns: Vec<&str> = allowing
        .statements
        .iter()
        .flat_map(|s| &s.conditions)
        .filter(|c| c.key.eq_ignore_ascii_case(&key("sub")) && Operator::parse(&c.operator).positive())
        .flat_map(|c| c.values.iter().map(String::as_str))
        .filter(|p| crate::policy::wildcard::matches(p, sub))
        .gather();
    let mut words = match patterns.first() {
        Some(pattern) => format!("{} ({pattern})", sub_words(pattern)),
        None => format!("sub {sub:?}"),
    };
    for (claim, value) in claims {
        if !matches!(claim.as_str(), "iss" | "sub") {
            let _ = write!(words, ", {claim} {}", crate::text::json(value));
        }
    }
    if issuer != "https://gitlab.com" {
        let _ = write!(words, ", from {issuer}");
    }
    words
}

/// A `sub` pattern in GitLab's words: "branches `release/*` of projects `g/*`".
#[must_use]
pub fn sub_words(pattern: &str) -> String {
    let parts: Vec<&str> = crate::text::split_ascii(pattern, b':').gather();
    let (mut project, mut ref_type, mut reference) = (None, None, None);
    let mut rest = Vec::new();
    for pair in parts.chunks(2) {
        match pair {
            [name, value] if name.ends_with("project_path") || name.ends_with("project_id") => {
                project = Some((*name, *value));
            }
            ["ref_type", value] => ref_type = Some(*value),
            ["ref", value] => reference = Some(*value),
            [name, value] => rest.push(format!("{name} {value}")),
            [tail] if crate::text::has_wildcard(tail) => rest.push("anything after".to_owned()),
            _ => return format!("sub like {pattern:?}"),
        }
    }
    let Some((name, value)) = project else {
        return format!("sub like {pattern:?}");
    };
    let wild = crate::text::has_wildcard;
    let project = match (name.ends_with("_id"), wild(value)) {
        (true, _) => format!("project id {value}"),
        (false, true) => format!("projects {value}"),
        (false, false) => format!("project {value}"),
    };
    let (singular, plural) = match ref_type {
        Some("branch") => ("branch", "branches"),
        Some("tag") => ("tag", "tags"),
        _ => ("ref", "refs"),
    };
    let refs = match reference {
        Some(value) if wild(value) && !value.chars().all(|c| c == '*') => format!("{plural} {value}"),
        Some(value) if !wild(value) => format!("{singular} {value}"),
        _ => format!("every {singular}"),
    };
    let mut words = format!("{refs} of {project}");
    for extra in rest {
        let _ = write!(words, ", {extra}");
    }
    words
}

fn change(
    claims: &Map<String, Value>,
    allowing: &Evaluation,
    denying: &Evaluation,
    allowing_policy: &Document,
) -> Change {
    Change {
        description: class_words(claims, allowing_policy),
        witness: claims.clone(),
        allowed_because: allowing.reason.clone(),
        denied_because: denying.reason.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::sub_words;

    #[test]
    fn sub_patterns_in_gitlabs_words() {
        for (pattern, words) in [
            (
                "project_path:g/*:ref_type:branch:ref:release/*",
                "branches release/* of projects g/*",
            ),
            (
                "project_path:g/app:ref_type:branch:ref:*",
                "every branch of project g/app",
            ),
            ("project_path:g/app:ref_type:tag:ref:v1", "tag v1 of project g/app"),
            ("project_path:g/app", "every ref of project g/app"),
            (
                "project_id:42:ref_type:branch:ref:main:ref_protected:true",
                "branch main of project id 42, ref_protected true",
            ),
            ("project_path:g/app:*", "every ref of project g/app, anything after"),
            (
                "repo:g/app:ref:refs/heads/main",
                "sub like \"repo:g/app:ref:refs/heads/main\"",
            ),
        ] {
            assert_eq!(sub_words(pattern), words, "{pattern}");
        }
    }
}
