//! The job against the trust policy it is meant for: a `trustPolicy` result (its
//! audience, provider and subjects), or a policy document as people hold it (pasted,
//! or in a role: see [`crate::sources`]), read statement by statement.
//!
//! A document is read with the linter's parser and helpers, so a condition means here
//! what it means to `lintTrustPolicy`: the job must be admitted by one Allow statement
//! for `sts:AssumeRoleWithWebIdentity` from an OIDC provider (statements OR). Only when
//! none admits it are the mismatches reported, each naming its statement.

use crate::text::Gather as _;
use serde_json::{Map, Value};

use super::{rules, RoleArn, SnippetError, Valid, When};
use crate::finding::Finding;
use crate::input::Fields;
use crate::issuer::ProviderHost;
use crate::lint::{claim_conditions, deny_guardrails, trusted_host, trusts_oidc};
use crate::policy::evaluate::{apply, expected_values};
use crate::policy::parse::PolicyError;
use crate::policy::variables::KeyValue;
use crate::policy::{wildcard, Document, Operator, Statement};
use crate::sources::{self, SourceError};

/// What the job is checked against.
#[derive(Debug, Clone)]
pub enum PolicyInput {
    /// A `trustPolicy` result, or its parts.
    Summary(PolicyFacts),
    /// A trust policy document: pasted, or found in a role.
    Document(Document),
}

/// The parts of a `trustPolicy` result the job is checked against.
#[derive(Debug, Clone, Default)]
pub struct PolicyFacts {
    pub audience: Option<String>,
    pub provider_arn: Option<String>,
    /// The `sub` values or patterns the policy admits.
    pub subjects: Vec<String>,
}

/// The fields of a `trustPolicy` result (`TrustPolicyResult`); only the last three are read.
const RESULT_FIELDS: [&str; 10] = [
    "policy",
    "formats",
    "findings",
    "roleName",
    "roleArn",
    "providerHost",
    "issuer",
    "audience",
    "providerArn",
    "subjects",
];

/// Reads the spec's `policy`: a `trustPolicy` result (an object with its fields), or
/// whatever [`sources::trust_policy`] finds a trust policy document in.
///
/// # Errors
/// [`SnippetError::Policy`] for any other value, an unknown field, or a document that is not a policy.
pub(super) fn read(value: &Value) -> Result<PolicyInput, SnippetError> {
    if let Value::Object(map) = value {
        if map.keys().any(|key| RESULT_FIELDS.contains(&key.as_str())) {
            return read_result(map).map_err(|error| SnippetError::Policy {
                field: error.field().unwrap_or("policy").to_owned(),
                message: error.message().to_owned(),
                position: None,
            });
        }
    }
    sources::trust_policy(value)
        .map(PolicyInput::Document)
        .map_err(|error| {
            let field = match error.field() {
                "" => "policy".to_owned(),
                at => format!("policy.{at}"),
            };
            let message = match &error {
                // The policy parser's messages name it already ("policy is not JSON: …").
                SourceError::Document { at: "", error } if !matches!(error, PolicyError::Shape { .. }) => {
                    crate::text::display(error)
                }
                SourceError::Document { error, .. } => format!("{field}: {error}"),
                SourceError::Shape { found, expected, .. } => {
                    let result = if *expected == sources::SHAPES {
                        ", or a trustPolicy result { audience, providerArn, subjects }"
                    } else {
                        ""
                    };
                    format!("{field}: found {found}; expected {expected}{result}")
                }
            };
            SnippetError::Policy {
                position: error.position(),
                field,
                message,
            }
        })
}

fn read_result(map: &Map<String, Value>) -> Result<PolicyInput, crate::input::InputError> {
    let fields = Fields::new(map, "policy.").only(&RESULT_FIELDS)?;
    let mut facts = PolicyFacts::default();
    fields.read_string(&mut facts.audience, "audience")?;
    fields.read_string(&mut facts.provider_arn, "providerArn")?;
    facts.subjects = fields.strings("subjects")?.unwrap_or_default();
    Ok(PolicyInput::Summary(facts))
}

/// Findings when the job cannot satisfy the trust policy it is meant for.
pub(super) fn check(valid: &Valid, policy: &PolicyInput, issuer: Option<&str>) -> Vec<Finding> {
    match policy {
        PolicyInput::Summary(facts) => check_facts(valid, facts, issuer),
        PolicyInput::Document(document) => check_document(valid, document, issuer),
    }
}

fn roles(valid: &Valid) -> impl Iterator<Item = &RoleArn> {
    valid.role.iter().chain(valid.profiles.iter().map(|(_, r)| r))
}

/// `arn:<partition>:iam::<account>:oidc-provider/`: the prefix of every provider the role can trust.
fn provider_prefix(role: &RoleArn) -> String {
    format!(
        "arn:{}:iam::{}:oidc-provider/",
        role.partition.as_str(),
        role.account_id
    )
}

fn check_facts(valid: &Valid, policy: &PolicyFacts, issuer: Option<&str>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(expected) = &policy.audience {
        if *expected != valid.audience {
            findings.push(Finding::new(
                &rules::AUDIENCE_MISMATCH,
                format!(
                    "the job requests aud {:?}, but the trust policy expects {expected:?}",
                    valid.audience
                ),
            ));
        }
    }
    if let Some(provider) = &policy.provider_arn {
        let host = crate::text::split_once(provider, ":oidc-provider/").map(|(_, h)| h);
        if let (Some(host), Some(issuer)) = (host, issuer.and_then(|i| ProviderHost::from_issuer(i).ok())) {
            if host != issuer.as_str() {
                findings.push(Finding::new(
                    &rules::PROVIDER_MISMATCH,
                    format!("the trust policy trusts the provider {host}, but the job runs on {issuer}"),
                ));
            }
        }
        for role in roles(valid) {
            if !provider.starts_with(&provider_prefix(role)) {
                findings.push(Finding::new(
                    &rules::ACCOUNT_MISMATCH,
                    format!(
                        "the role {} is in another account or partition than the provider {provider}",
                        role.text
                    ),
                ));
            }
        }
    }
    if let Some(why) = unsatisfiable(valid, &policy.subjects) {
        findings.push(Finding::new(&rules::SUB_UNSATISFIABLE, why));
    }
    findings
}

/// Whether a statement can let a GitLab job in: an Allow trusting an OIDC provider (or
/// anyone) for `sts:AssumeRoleWithWebIdentity` (also through a wildcard such as `sts:*`, or a
/// `NotAction` that leaves it out).
fn for_web_identity(statement: &Statement) -> bool {
    trusts_oidc(statement) && statement.covers_web_identity()
}

/// `statement 0`, or `statement 0 (Sid "GitLabMain")`: how a finding names its statement.
fn statement_name(index: usize, statement: &Statement) -> String {
    match &statement.sid {
        Some(sid) => format!("statement {index} (Sid {})", crate::text::json_string(sid)),
        None => format!("statement {index}"),
    }
}

/// `"a", "b"` (as JSON strings), or `a, b`. A loop: collecting and joining compiled to more code.
fn listed(values: &[String], json: bool) -> String {
    let mut out = String::new();
    for value in values {
        if !out.is_empty() {
            out.push_str(", ");
        }
        if json {
            out.push_str(&crate::text::json_string(value));
        } else {
            out.push_str(value);
        }
    }
    out
}

fn check_document(valid: &Valid, document: &Document, issuer: Option<&str>) -> Vec<Finding> {
    let host = issuer.and_then(|i| ProviderHost::from_issuer(i).ok());
    let mut findings = Vec::new();
    let mut mismatches: Vec<Finding> = Vec::new();
    let mut candidates = 0;
    let mut admitted = false;
    for (index, statement) in document.statements.iter().enumerate() {
        if !for_web_identity(statement) {
            continue;
        }
        candidates += 1;
        let name = statement_name(index, statement);
        if !restricts_audience(document, index, statement) {
            let key = trusted_host(statement).map_or_else(|| "<host>:aud".to_owned(), |h| h.condition_key("aud"));
            findings.push(
                Finding::new(
                    &rules::NO_AUD_CONDITION,
                    format!(
                        "{name} has no aud condition: it takes tokens for any audience the provider lists; add \"StringEquals\": {{{}: {}}}, the aud this job requests",
                        crate::text::json_string(&key),
                        crate::text::json_string(&valid.audience)
                    ),
                )
                .about("aud")
                .at(format!("$.Statement[{index}]")),
            );
        }
        let mut problems = audience_mismatches(valid, document, index, statement, &name);
        problems.extend(provider_mismatches(valid, index, statement, &name, host.as_ref()));
        for (condition, path) in claim_conditions(index, statement, "sub") {
            if !Operator::parse(&condition.operator).pins() {
                continue;
            }
            // As IAM reads them: `${$}` is a `$` (the generator writes refs so).
            let values: Vec<String> = condition
                .values
                .iter()
                .map(|v| crate::lint::as_pattern(document, v).into_owned())
                .gather();
            if let Some(why) = unsatisfiable(valid, &values) {
                problems.push(Finding::new(&rules::SUB_UNSATISFIABLE, format!("{name}: {why}")).at(path));
            }
        }
        admitted |= problems.is_empty();
        mismatches.append(&mut problems);
    }
    if candidates == 0 {
        findings.push(
            Finding::new(
                &rules::NO_WEB_IDENTITY_STATEMENT,
                "no statement allows sts:AssumeRoleWithWebIdentity from an OIDC provider: no job can assume this role with its ID token",
            )
            .at("$.Statement"),
        );
    } else if !admitted {
        // Statements OR: a mismatch matters only when no statement admits the job.
        findings.append(&mut mismatches);
    }
    findings
}

/// Whether something restricts `aud` for an Allow statement, as the linter's POL002 decides
/// it: a positive condition that is not `*`, or a Deny refusing every audience but literal ones.
fn restricts_audience(document: &Document, index: usize, statement: &Statement) -> bool {
    // Loops rather than `any`: the iterators' `next` is compiled once for every caller.
    for (condition, _) in claim_conditions(index, statement, "aud") {
        let any = condition.values.iter().any(|v| v.bytes().all(|b| b == b'*'));
        if Operator::parse(&condition.operator).positive() && !any {
            return true;
        }
    }
    deny_guardrails(document, statement, "aud").any(|(_, values)| !values.iter().any(|v| crate::text::has_wildcard(v)))
}

/// The statement's `aud` conditions that the job's aud fails. (A Deny statement refusing it is
/// left to the evaluator, which step 3 runs with a token.)
fn audience_mismatches(
    valid: &Valid,
    document: &Document,
    index: usize,
    statement: &Statement,
    name: &str,
) -> Vec<Finding> {
    let audience = &valid.audience;
    let mut problems = Vec::new();
    for (condition, path) in claim_conditions(index, statement, "aud") {
        let operator = Operator::parse(&condition.operator);
        // Null and operators that compare no strings say nothing about which audience passes.
        if !(operator.positive() || operator.excludes()) {
            continue;
        }
        // Values as IAM reads them (a `${$}` is a `$`); a variable naming a key counts as no value.
        let expected = expected_values(condition, document.version.as_deref(), &|_| KeyValue::Missing);
        if !apply(
            &condition.operator,
            &condition.values,
            &expected,
            std::slice::from_ref(audience),
            None,
        )
        .0
        {
            problems.push(
                Finding::new(
                    &rules::AUDIENCE_MISMATCH,
                    format!(
                        "{name}: the job requests aud {}, which {} {} [{}] does not admit",
                        crate::text::json_string(audience),
                        condition.operator,
                        crate::text::json_string(&condition.key),
                        listed(&condition.values, true)
                    ),
                )
                .at(path),
            );
        }
    }
    problems
}

/// The statement's providers against the instance the job runs on and the role's account.
fn provider_mismatches(
    valid: &Valid,
    index: usize,
    statement: &Statement,
    name: &str,
    host: Option<&ProviderHost>,
) -> Vec<Finding> {
    let providers = || {
        statement
            .federated
            .iter()
            .filter(|arn| crate::text::contains(arn, ":oidc-provider/"))
    };
    let mut problems = Vec::new();
    // `Principal: "*"` names no provider to compare.
    if providers().next().is_none() {
        return problems;
    }
    let listed = listed(&statement.federated, false);
    let path = format!("$.Statement[{index}].Principal.Federated");
    if let Some(host) = host {
        let trusted = providers()
            .any(|arn| crate::text::split_once(arn, ":oidc-provider/").is_some_and(|(_, h)| h == host.as_str()));
        if !trusted {
            problems.push(
                Finding::new(
                    &rules::PROVIDER_MISMATCH,
                    format!("{name} trusts the provider {listed}, but the job runs on {host}"),
                )
                .at(path.clone()),
            );
        }
    }
    for role in roles(valid) {
        let prefix = provider_prefix(role);
        if !providers().any(|arn| arn.starts_with(&prefix)) {
            problems.push(
                Finding::new(
                    &rules::ACCOUNT_MISMATCH,
                    format!(
                        "{name} trusts the provider {listed}, but the role {} is in account {} (partition {}); STS looks for the provider in the role's account and answers \"No OpenIDConnect provider found in your account\"",
                        role.text,
                        role.account_id,
                        role.partition.as_str()
                    ),
                )
                .at(path.clone()),
            );
        }
    }
    problems
}

/// Why no run of this job can produce a `sub` the policy admits, if so.
fn unsatisfiable(valid: &Valid, subjects: &[String]) -> Option<String> {
    if subjects.is_empty() {
        return None;
    }
    let needs_environment = subjects
        .iter()
        .all(|s| crate::text::contains(s, ":environment_protected:") || crate::text::contains(s, ":deployment_tier:"));
    if needs_environment && valid.environment.is_none() {
        return Some("every sub in the policy includes environment components, but the job has no environment, so GitLab leaves them out of its sub; set environment".to_owned());
    }
    // The ref the job runs on, when its rules fix one: a branch name or any tag.
    let (ref_type, reference) = match (valid.branch.as_deref(), valid.when) {
        (Some(branch), _) => ("branch", branch),
        (None, When::Tags) => ("tag", "any"),
        _ => return None,
    };
    let admits = subjects.iter().any(|subject| {
        // Put the job's ref into the policy's own subject and see whether the pattern still matches.
        let Some((project, rest)) = crate::text::split_once(subject, ":ref_type:") else {
            return !crate::text::contains(subject, ":ref:") || subject.ends_with('*');
        };
        let rest_after_type = crate::text::split_once(rest, ":ref:").map_or("", |(_, r)| r);
        let candidate_ref = if reference == "any" {
            crate::text::replace_wildcards(
                crate::text::split_ascii(rest_after_type, b':')
                    .next()
                    .unwrap_or_default(),
                "x",
            )
        } else {
            reference.to_owned()
        };
        let candidate = format!("{project}:ref_type:{ref_type}:ref:{candidate_ref}");
        let tail = crate::text::split_once_ascii(rest_after_type, b':').map(|(_, t)| t);
        let candidate = match tail {
            Some(tail) => format!("{candidate}:{tail}"),
            None => candidate,
        };
        wildcard::matches(subject, &candidate)
    });
    (!admits).then(|| {
        if reference == "any" {
            "the job runs only for tags, but no sub in the policy admits ref_type:tag".to_owned()
        } else {
            format!("the job runs only on branch {reference:?}, but no sub in the policy admits it")
        }
    })
}
