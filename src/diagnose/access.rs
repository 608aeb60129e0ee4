//! The `AccessDenied` cause: the evaluator's verdict on the token, the statement that comes
//! closest to admitting it, the check of that statement that fails (the token's value and the
//! expected pattern), and the smallest edit that admits this job.
//!
//! An edit is offered only when the evaluator allows the token under the edited policy and
//! no token of another project becomes allowed: the edit is checked against tokens of
//! neighbouring projects (`g/app-x`, `g/app/x`, another group, another id), and when a
//! looser edit (`StringEquals` → `StringLike`) would admit one, the exact value is used
//! instead. Claims a policy pins on purpose (`ref_protected`, `pipeline_source`, the user,
//! the runner) are never widened: the fix then says what to change on GitLab's side.

use serde_json::{Map, Value};

use super::{FailedCheck, Fix, FixKind, Verdict};
use crate::issuer::ProviderHost;
use crate::policy::evaluate::{evaluate, ConditionEvaluation, Request, StatementEvaluation};
use crate::policy::{
    split_key, variables, wildcard, Condition, Document, Operator, Statement, ASSUME_ROLE_WITH_WEB_IDENTITY,
};
use crate::subject::Subject;
use crate::text::{contains, Gather as _, Joined as _};
use crate::token::catalog::{self, AwsConditionKey};
use crate::token::Claims;

/// What the check of the trust policy found.
pub struct Outcome {
    pub verdict: Verdict,
    pub evidence: String,
    pub fix: Option<Fix>,
    pub failed: Option<FailedCheck>,
}

/// Claims a policy pins on purpose: admitting another value would widen who can assume the role.
const DELIBERATE: [&str; 7] = [
    "ref_protected",
    "pipeline_source",
    "runner_environment",
    "user_id",
    "user_login",
    "user_email",
    "user_access_level",
];

/// Rounds of edits one statement may take (each fixes every failing check it can).
const ROUNDS: usize = 6;
/// Allow statements whose edit is tried: those with the fewest failing checks.
const CANDIDATES: usize = 8;

fn q(value: &str) -> String {
    format!("`{value}`")
}

/// Values in backticks; a long one that shares its start with `actual` is shown from the
/// component where they differ (`…:ref:main`).
fn shown(values: &[String], actual: Option<&str>) -> String {
    values
        .iter()
        .map(|v| q(&actual.map_or_else(|| v.clone(), |a| elide(v, a))))
        .gather()
        .joined(", ")
}

/// `project_path:g/app:ref_type:branch:ref:main` against `…:ref:feature/x` → `…:ref:main`.
fn elide(expected: &str, actual: &str) -> String {
    let common = expected
        .char_indices()
        .zip(actual.chars())
        .find(|((_, e), a)| e != a)
        .map_or(expected.len().min(actual.len()), |((i, _), _)| i);
    let head = &expected[..common];
    let Some(last) = head.bytes().rposition(|b| b == b':') else {
        return expected.to_owned();
    };
    match head[..last].bytes().rposition(|b| b == b':') {
        Some(cut) if expected.len() > 30 && cut > 0 => format!("…{}", &expected[cut..]),
        _ => expected.to_owned(),
    }
}

/// The checks of a statement that fail (not those this tool cannot decide).
#[derive(Debug, Clone, Copy)]
enum Failure {
    Principal,
    Action,
    Condition(usize),
}

fn failures(statement: &StatementEvaluation) -> Vec<Failure> {
    let mut out = Vec::new();
    if !statement.principal.matched {
        out.push(Failure::Principal);
    }
    if !statement.action.matched {
        out.push(Failure::Action);
    }
    for (index, condition) in statement.conditions.iter().enumerate() {
        if !condition.matched && !condition.undecided {
            out.push(Failure::Condition(index));
        }
    }
    out
}

/// The claim a condition key names.
fn claim_of(key: &str) -> String {
    split_key(key).map_or_else(|| key.to_owned(), |(_, claim)| claim.to_ascii_lowercase())
}

/// One failing check in words, with the token's value and what the statement expects.
fn clause(statement: &StatementEvaluation, failure: Failure) -> String {
    match failure {
        Failure::Principal => statement.principal.reason.clone(),
        Failure::Action => statement.action.reason.clone(),
        Failure::Condition(index) => {
            let c = &statement.conditions[index];
            let name = format!("`{} {}`", c.operator, c.key);
            let claim = claim_of(&c.key);
            let reason = c.reason.clone().unwrap_or_default();
            if c.actual.is_empty() {
                return format!("{name}: {reason}");
            }
            let actual = c.actual.joined(", ");
            if Operator::parse(&c.operator).excludes() {
                return format!(
                    "your token's {claim} is {}, which {name} excludes ({})",
                    q(&actual),
                    shown(&c.expected, None)
                );
            }
            let plain = reason.ends_with("is not one of the expected values");
            format!(
                "your token's {claim} is {}; {name} admits only {}{}",
                q(&actual),
                shown(&c.expected, c.actual.first().map(String::as_str)),
                if plain { String::new() } else { format!(" ({reason})") }
            )
        }
    }
}

fn failed_check(
    index: usize,
    statement: &StatementEvaluation,
    failure: Failure,
    host: Option<&ProviderHost>,
) -> FailedCheck {
    match failure {
        Failure::Principal => FailedCheck {
            statement: index,
            element: "principal",
            operator: None,
            key: None,
            actual: host.map(|h| vec![format!("oidc-provider/{h}")]).unwrap_or_default(),
            expected: Vec::new(),
        },
        Failure::Action => FailedCheck {
            statement: index,
            element: "action",
            operator: None,
            key: None,
            actual: vec![ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned()],
            expected: Vec::new(),
        },
        Failure::Condition(c) => {
            let condition = &statement.conditions[c];
            FailedCheck {
                statement: index,
                element: "condition",
                operator: Some(condition.operator.clone()),
                key: Some(condition.key.clone()),
                actual: condition.actual.clone(),
                expected: condition.expected.clone(),
            }
        }
    }
}

/// Checks a trust policy for a token.
#[must_use]
pub fn analyze(
    document: &Document,
    claims: &Claims,
    host: Option<&ProviderHost>,
    account: Option<&(String, String)>,
) -> Outcome {
    let request = Request { claims, host };
    let evaluation = evaluate(document, request);
    let outcome = |verdict, evidence: String| Outcome {
        verdict,
        evidence,
        fix: None,
        failed: None,
    };
    if evaluation.allowed {
        return outcome(
            Verdict::RuledOut,
            format!("the policy admits your token ({})", evaluation.reason),
        );
    }
    if !evaluation.undecided.is_empty() {
        return outcome(
            Verdict::Possible,
            format!("whether the policy admits your token is {}", evaluation.reason),
        );
    }
    let statements = &evaluation.statements;
    if let Some(bad) = statements.iter().find(|s| s.effect != "Allow" && s.effect != "Deny") {
        return invalid_effect(document, bad, request, evaluation.reason.clone());
    }
    if let Some(deny) = statements.iter().find(|s| s.matched && s.effect == "Deny") {
        return matching_deny(deny.index);
    }
    let allows = statements.iter().filter(|s| s.effect == "Allow").gather();
    if allows.is_empty() {
        let mut result = outcome(
            Verdict::Confirmed,
            "the policy has no Allow statement, so it admits no one".to_owned(),
        );
        result.fix = new_statement(document, claims, host, account);
        return result;
    }
    // Try the Allow statements with the fewest failing checks; the closest is the one whose
    // edit succeeds with the fewest changes, else the one with the fewest failing checks.
    let mut candidates = allows.clone();
    let mut attempts = Vec::new();
    while attempts.len() < CANDIDATES {
        let Some(next) = (0..candidates.len()).min_by_key(|&i| (failures(candidates[i]).len(), candidates[i].index))
        else {
            break;
        };
        let statement = candidates.swap_remove(next);
        attempts.push((statement, edit(document, statement.index, claims, host, account)));
    }
    let chosen = attempts
        .iter()
        .filter(|(_, a)| a.policy.is_some())
        .min_by_key(|(s, a)| (a.steps.len(), s.index))
        .or_else(|| attempts.iter().min_by_key(|(s, _)| (failures(s).len(), s.index)))
        .map(|(s, a)| (*s, a));
    let Some((statement, attempt)) = chosen else {
        return outcome(Verdict::Confirmed, evaluation.reason.clone());
    };
    let failing = failures(statement);
    let clauses = failing.iter().map(|f| clause(statement, *f)).gather();
    let others = if allows.len() > 1 {
        format!(" (the policy's verdict: {})", evaluation.reason)
    } else {
        String::new()
    };
    let evidence = format!(
        "statement {} comes closest ({} of its checks fail{}): {}{others}",
        statement.index,
        failing.len(),
        if failing.len() == 1 { "s" } else { "" },
        clauses.joined("; ")
    );
    let mut result = outcome(Verdict::Confirmed, evidence);
    result.failed = failing
        .first()
        .map(|f| failed_check(statement.index, statement, *f, host));
    result.fix = Some(fix_of(statement.index, attempt, claims, host));
    result
}

/// A statement whose Effect IAM refuses: the policy admits no one.
fn invalid_effect(document: &Document, bad: &StatementEvaluation, request: Request<'_>, reason: String) -> Outcome {
    let mut result = Outcome {
        verdict: Verdict::Confirmed,
        evidence: reason,
        fix: None,
        failed: Some(FailedCheck {
            statement: bad.index,
            element: "effect",
            operator: None,
            key: None,
            actual: vec![bad.effect.clone()],
            expected: vec!["Allow".to_owned(), "Deny".to_owned()],
        }),
    };
    let mut fixed = document.clone();
    let effect = &mut fixed.statements[bad.index].effect;
    if let Some(repaired) = ["Allow", "Deny"].into_iter().find(|e| e.eq_ignore_ascii_case(effect)) {
        *effect = repaired.to_owned();
        if evaluate(&fixed, request).allowed {
            result.fix = Some(Fix {
                kind: FixKind::Policy,
                description: format!(
                    "Write statement {}'s Effect as {}: IAM reads it case-sensitively.",
                    bad.index,
                    q(repaired)
                ),
                code: None,
                policy: Some(fixed.to_json()),
            });
        }
    }
    result
}

/// A Deny that matches the token: it wins whatever the Allows say.
fn matching_deny(index: usize) -> Outcome {
    Outcome {
        verdict: Verdict::Confirmed,
        evidence: format!("statement {index} is a Deny that matches your token, and an explicit Deny always wins"),
        fix: Some(Fix {
            kind: FixKind::Policy,
            description: format!(
                "If this job should get in, narrow statement {index}'s conditions so they no longer match it; the Deny was written to keep some jobs out, so check which."
            ),
            code: None,
            policy: None,
        }),
        failed: Some(FailedCheck {
            statement: index,
            element: "deny",
            operator: None,
            key: None,
            actual: Vec::new(),
            expected: Vec::new(),
        }),
    }
}

/// The fix a statement's edit gives.
fn fix_of(index: usize, attempt: &Attempt, claims: &Claims, host: Option<&ProviderHost>) -> Fix {
    let mut notes = attempt.blocked.clone();
    if attempt.sub_added() {
        notes.push(widening_note(claims, host));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" {}", notes.joined(" "))
    };
    match &attempt.policy {
        Some(policy) if attempt.added => Fix {
            kind: FixKind::Policy,
            description: format!(
                "Statement {index} also admits other projects, so editing it to admit this job would admit more than this job; instead add a statement for this job only: a copy of statement {index} with {}.{notes}",
                attempt.described()
            ),
            code: attempt.statement.clone(),
            policy: Some(policy.clone()),
        },
        Some(policy) => Fix {
            kind: FixKind::Policy,
            description: format!(
                "The smallest edit of statement {index} that admits this job: {}.{notes}",
                attempt.described()
            ),
            code: attempt.statement.clone(),
            policy: Some(policy.clone()),
        },
        None => Fix {
            kind: if attempt.deliberate {
                FixKind::Gitlab
            } else {
                FixKind::Policy
            },
            description: format!("No edit of statement {index} admits this job without widening it unsafely.{notes}"),
            code: None,
            policy: None,
        },
    }
}

/// What admitting one more `sub` means, and the safe way to admit more refs.
fn widening_note(claims: &Claims, host: Option<&ProviderHost>) -> String {
    let reference = claims.ref_name().unwrap_or("this ref");
    let kind = claims.ref_type().unwrap_or("ref");
    let kinds = if kind == "branch" { "branches" } else { "tags" };
    let protect = match claims.ref_protected() {
        Some(false) => format!(
            "The {kind} {} is not protected: anyone who can push to it could then assume the role; protect it first (Settings → Repository → Protected {kinds}).",
            q(reference)
        ),
        _ => String::new(),
    };
    let pin = if host.is_some_and(ProviderHost::is_gitlab_com) {
        "pin gitlab.com:ref_protected to \"true\" next to a pattern"
    } else {
        "add ref_protected to the project's sub components (GitLab 18.7 and later) and admit …:ref_protected:true"
    };
    format!(
        "{protect}{}Do not widen the value to every ref (…:ref:*): any branch, protected or not, could then assume the role; to admit several refs, protect them and {pin}.",
        if protect.is_empty() { "" } else { " " }
    )
}

/// A statement for this token when the policy has no Allow statement.
fn new_statement(
    document: &Document,
    claims: &Claims,
    host: Option<&ProviderHost>,
    account: Option<&(String, String)>,
) -> Option<Fix> {
    let (host, (partition, account), sub) = (host?, account?, claims.subject()?);
    let aud = claims.audiences().first().map(|a| (*a).to_owned())?;
    let substituted = variables::substituted(document.version.as_deref());
    let escape = |v: &str| {
        if substituted {
            variables::escape(v, false)
        } else {
            v.to_owned()
        }
    };
    let statement = Statement {
        effect: "Allow".to_owned(),
        federated: vec![format!("arn:{partition}:iam::{account}:oidc-provider/{host}")],
        actions: vec![ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned()],
        conditions: vec![
            Condition::new("StringEquals", host.condition_key("aud"), vec![escape(&aud)]),
            Condition::new("StringEquals", host.condition_key("sub"), vec![escape(sub)]),
        ],
        ..Statement::default()
    };
    let mut fixed = document.clone();
    fixed.statements.push(statement);
    evaluate(
        &fixed,
        Request {
            claims,
            host: Some(host),
        },
    )
    .allowed
    .then(|| Fix {
        kind: FixKind::Policy,
        description: "Add a statement that admits this job's exact sub and aud.".to_owned(),
        code: fixed.statements.last().map(statement_json),
        policy: Some(fixed.to_json()),
    })
}

fn statement_json(statement: &Statement) -> String {
    let document = Document {
        version: None,
        statements: vec![statement.clone()],
    };
    match document.to_json_value() {
        Value::Object(mut map) => match map.remove("Statement") {
            Some(Value::Array(mut list)) if !list.is_empty() => crate::text::json_pretty_line(&list.remove(0)),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// An edit of one statement.
#[derive(Debug, Default)]
struct Attempt {
    /// The edited policy, when it admits the token and no other project.
    policy: Option<String>,
    /// The edited (or added) statement.
    statement: Option<String>,
    steps: Vec<Step>,
    /// What could not be edited, and why.
    blocked: Vec<String>,
    /// A claim pinned on purpose blocks it.
    deliberate: bool,
    /// The edit is a new statement, a copy of the closest one for this job only.
    added: bool,
}

impl Attempt {
    /// The steps in words.
    fn described(&self) -> String {
        self.steps.iter().map(|s| s.text.as_str()).gather().joined("; ")
    }

    /// A `sub` value was added or pinned: admitting one more ref.
    fn sub_added(&self) -> bool {
        self.added || self.steps.iter().any(|s| s.exact)
    }
}

/// One change to a statement.
#[derive(Debug)]
struct Step {
    text: String,
    /// It admits exactly the token's `sub` and nothing else.
    exact: bool,
    /// It changes a condition (not the principal or the action).
    condition: bool,
}

/// A change to a condition; `exact` when it admits only the token's `sub`.
fn step(text: String, exact: bool) -> Step {
    Step {
        text,
        exact,
        condition: true,
    }
}

/// A change to the principal or the action.
fn element_step(text: String) -> Step {
    Step {
        text,
        exact: false,
        condition: false,
    }
}

/// The token's `sub` up to its first component's value, with the `:` after it
/// (`project_path:acme/app:`): a `sub` value that starts so names the token's project.
fn project_prefix(claims: &Claims) -> Option<String> {
    let sub = claims.subject()?;
    let (name, rest) = crate::text::split_once_ascii(sub, b':')?;
    let value = crate::text::split_once_ascii(rest, b':').map_or(rest, |(value, _)| value);
    Some(format!("{name}:{value}:"))
}

/// Whether a value of a `sub` condition admits only the token's project.
fn names_the_project(value: &str, claims: &Claims, prefix: &str) -> bool {
    claims.subject() == Some(value)
        || (value.starts_with(prefix) && !crate::text::has_wildcard(&prefix[..prefix.len() - 1]))
}

/// Whether a statement admits only the token's project: one of its positive `sub` conditions
/// lists only values that start with the token's project component.
fn pins_project(statement: &Statement, claims: &Claims, host: Option<&ProviderHost>) -> bool {
    let (Some(host), Some(prefix)) = (host, project_prefix(claims)) else {
        return false;
    };
    let key = host.condition_key("sub");
    statement.conditions.iter().any(|c| {
        c.key.eq_ignore_ascii_case(&key)
            && Operator::parse(&c.operator).pins()
            && !c.values.is_empty()
            && c.values.iter().all(|v| names_the_project(v, claims, &prefix))
    })
}

/// Edits statement `index` until it admits the token, when that admits no other project: in
/// place when the statement names only the token's project (or the edit adds only the
/// token's exact `sub`), else as a new statement, a copy pinned to the token's `sub`.
fn edit(
    document: &Document,
    index: usize,
    claims: &Claims,
    host: Option<&ProviderHost>,
    account: Option<&(String, String)>,
) -> Attempt {
    let (edited, mut attempt) = edit_statement(document, index, claims, host, account);
    let request = Request { claims, host };
    if !evaluate(&edited, request).allowed {
        return attempt;
    }
    let exact_only = attempt.steps.iter().all(|s| s.exact);
    let in_place = exact_only || pins_project(&edited.statements[index], claims, host);
    if in_place && !admits_other_projects(document, &edited, claims, host) {
        attempt.statement = Some(statement_json(&edited.statements[index]));
        attempt.policy = Some(edited.to_json());
        return attempt;
    }
    // In place, the edit would also admit other projects the statement lists: a copy that
    // admits only this job's `sub`.
    if let (Some(host), Some(sub)) = (host, claims.subject()) {
        let copy = copy_for_token(
            &edited.statements[index],
            claims,
            host,
            sub,
            document.version.as_deref(),
        );
        let mut added = document.clone();
        added.statements.push(copy);
        if evaluate(&added, request).allowed && !admits_other_projects(document, &added, claims, Some(host)) {
            // What changes besides the conditions: the principal, the action.
            let mut changes = attempt
                .steps
                .iter()
                .filter(|s| !s.condition)
                .map(|s| s.text.clone())
                .gather();
            changes.push(format!(
                "its conditions narrowed to your token's values and its sub pinned to {} with `StringEquals {}`",
                q(sub),
                host.condition_key("sub")
            ));
            attempt.steps = vec![step(changes.joined("; "), true)];
            attempt.added = true;
            attempt.statement = added.statements.last().map(statement_json);
            attempt.policy = Some(added.to_json());
            return attempt;
        }
    }
    attempt
        .blocked
        .push("Every edit that admits it would also admit tokens of other projects.".to_owned());
    attempt
}

/// A copy of an edited statement that admits only the token: its positive `sub` conditions
/// replaced by the token's exact `sub`, and the values other positive conditions list cut to
/// those that admit the token.
fn copy_for_token(
    statement: &Statement,
    claims: &Claims,
    host: &ProviderHost,
    sub: &str,
    version: Option<&str>,
) -> Statement {
    let mut copy = statement.clone();
    let key = host.condition_key("sub");
    copy.sid = None;
    copy.conditions
        .retain(|c| !(c.key.eq_ignore_ascii_case(&key) && Operator::parse(&c.operator).positive()));
    for condition in &mut copy.conditions {
        let operator = Operator::parse(&condition.operator);
        if !operator.pins() || operator.set.is_some() {
            continue;
        }
        let Some(actual) = split_key(&condition.key).and_then(|(_, claim)| claims.string(&claim.to_ascii_lowercase()))
        else {
            continue;
        };
        let like = contains(operator.base, "Like");
        let admits = |value: &String| {
            if like {
                wildcard::matches(value, actual)
            } else if contains(operator.base, "IgnoreCase") {
                value.eq_ignore_ascii_case(actual)
            } else {
                value == actual || *value == escape(actual, false, version)
            }
        };
        if condition.values.iter().any(admits) {
            condition.values.retain(admits);
        }
    }
    copy.conditions
        .push(Condition::new("StringEquals", key, vec![escape(sub, false, version)]));
    copy
}

/// Applies every fix a failing check of statement `index` has, round after round.
fn edit_statement(
    document: &Document,
    index: usize,
    claims: &Claims,
    host: Option<&ProviderHost>,
    account: Option<&(String, String)>,
) -> (Document, Attempt) {
    let mut edited = document.clone();
    let mut attempt = Attempt::default();
    let request = Request { claims, host };
    let version = document.version.clone();
    for _ in 0..ROUNDS {
        // The statement alone: whether it matches does not depend on the others.
        let alone = Document {
            version: version.clone(),
            statements: vec![edited.statements[index].clone()],
        };
        let evaluation = evaluate(&alone, request);
        let statement = &evaluation.statements[0];
        if statement.matched {
            break;
        }
        // What blocks the statement now (a check fixed by a later round no longer does).
        attempt.blocked.clear();
        attempt.deliberate = false;
        let mut progressed = false;
        for failure in failures(statement).into_iter().rev() {
            let target = &mut edited.statements[index];
            let result = match failure {
                Failure::Principal => fix_principal(target, host, account).map(element_step),
                Failure::Action => {
                    target.actions.push(ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned());
                    Ok(element_step(format!(
                        "add {} to Action",
                        q(ASSUME_ROLE_WITH_WEB_IDENTITY)
                    )))
                }
                Failure::Condition(c) => {
                    fix_condition(target, c, &statement.conditions[c], claims, host, version.as_deref())
                }
            };
            match result {
                Ok(step) => {
                    attempt.steps.push(step);
                    progressed = true;
                }
                Err(Blocked { why, deliberate }) => {
                    attempt.deliberate |= deliberate;
                    if !attempt.blocked.contains(&why) {
                        attempt.blocked.push(why);
                    }
                }
            }
        }
        if !progressed {
            break;
        }
    }
    (edited, attempt)
}

/// Why a failing check is not edited.
struct Blocked {
    why: String,
    /// The policy pins the claim on purpose.
    deliberate: bool,
}

fn blocked(why: String) -> Blocked {
    Blocked { why, deliberate: false }
}

fn escape(value: &str, like: bool, version: Option<&str>) -> String {
    if variables::substituted(version) {
        variables::escape(value, like)
    } else {
        value.to_owned()
    }
}

/// Trusts the token's provider in place of the statement's OIDC providers.
fn fix_principal(
    statement: &mut Statement,
    host: Option<&ProviderHost>,
    account: Option<&(String, String)>,
) -> Result<String, Blocked> {
    let Some(host) = host else {
        return Err(blocked(
            "Your token's iss names no IAM OIDC provider, so no Principal can trust it.".to_owned(),
        ));
    };
    let existing = statement.federated.iter().find_map(|arn| {
        let parts = crate::text::splitn_ascii(arn, 6, b':');
        match parts[..] {
            ["arn", partition, "iam", "", account, resource] if resource.starts_with("oidc-provider/") => {
                Some((partition.to_owned(), account.to_owned()))
            }
            _ => None,
        }
    });
    let Some((partition, account)) = existing.or_else(|| account.cloned()) else {
        return Err(blocked(format!(
            "Principal.Federated must name arn:aws:iam::<account-id>:oidc-provider/{host}; give the role ARN for the account."
        )));
    };
    let arn = format!("arn:{partition}:iam::{account}:oidc-provider/{host}");
    let old = statement.federated.clone();
    statement.federated.retain(|a| !contains(a, ":oidc-provider/"));
    statement.federated.push(arn.clone());
    Ok(if old.is_empty() {
        format!("trust {} in Principal.Federated", q(&arn))
    } else {
        format!(
            "trust {} in Principal.Federated (it named {})",
            q(&arn),
            old.iter().map(|a| q(a)).gather().joined(", ")
        )
    })
}

/// Whether AWS evaluates a claim for a provider host.
fn evaluated(claim: &str, host: &ProviderHost) -> bool {
    catalog::claim_info(claim).is_some_and(|info| match info.aws_condition_key {
        AwsConditionKey::EveryInstance => true,
        AwsConditionKey::GitlabComOnly => host.is_gitlab_com(),
        AwsConditionKey::No => false,
    })
}

/// Edits one failing condition of a statement, or says why not.
#[allow(clippy::too_many_lines, reason = "one decision per way a condition fails")]
fn fix_condition(
    statement: &mut Statement,
    index: usize,
    evaluation: &ConditionEvaluation,
    claims: &Claims,
    host: Option<&ProviderHost>,
    version: Option<&str>,
) -> Result<Step, Blocked> {
    let condition = statement.conditions[index].clone();
    let name = format!("`{} {}`", condition.operator, condition.key);
    let Some(host) = host else {
        return Err(blocked("Your token's iss names no IAM OIDC provider.".to_owned()));
    };
    let Some((prefix, claim)) = split_key(&condition.key) else {
        return Err(blocked(format!(
            "{name} names no key a web-identity request carries, so it never holds: fix or remove it."
        )));
    };
    let claim = claim.to_ascii_lowercase();
    let is_sub = claim == "sub";
    let operator = Operator::parse(&condition.operator);
    if !prefix.eq_ignore_ascii_case(host.as_str()) {
        let still_trusted = statement
            .federated
            .iter()
            .any(|arn| arn.ends_with(&format!(":oidc-provider/{prefix}")));
        if still_trusted {
            return Err(blocked(format!(
                "{name} is about the provider {prefix}, which this statement also trusts: write a separate statement for {host}."
            )));
        }
        let key = host.condition_key(&claim);
        let moved = statement.conditions.remove(index);
        if statement.condition(&moved.operator, &key).is_none() {
            statement
                .conditions
                .insert(index, Condition::new(&moved.operator, key.clone(), moved.values));
        }
        return Ok(step(
            format!(
                "rename {} to {}: condition keys are prefixed with the provider of the token's issuer",
                q(&condition.key),
                q(&key)
            ),
            false,
        ));
    }
    if !evaluated(&claim, host) {
        statement.conditions.remove(index);
        let instead = if matches!(
            claim.as_str(),
            "project_id" | "namespace_id" | "project_path" | "namespace_path"
        ) {
            "; pin the project in sub instead"
        } else {
            ""
        };
        return Ok(step(
            format!("remove {name}: AWS does not evaluate {claim} for {host}, so it never holds{instead}"),
            false,
        ));
    }
    if !operator.positive() {
        return Err(blocked(format!(
            "{name} excludes your token's {claim} on purpose: remove that value only if this job should get in."
        )));
    }
    let Some(actual) = evaluation.actual.first().cloned() else {
        return Err(blocked(format!("Your token has no {claim}, which {name} requires.")));
    };
    if DELIBERATE.contains(&claim.as_str()) {
        return Err(Blocked {
            why: deliberate(&claim, &actual, &condition, claims),
            deliberate: true,
        });
    }
    let like = contains(operator.base, "Like");
    if operator.base == "StringEquals" {
        let would_match = condition
            .values
            .iter()
            .any(|v| crate::text::has_wildcard(v) && wildcard::matches(v, &actual));
        // Every value that becomes a pattern must stay within the token's project.
        let prefix = project_prefix(claims).unwrap_or_default();
        let scoped = is_sub
            && condition
                .values
                .iter()
                .filter(|v| crate::text::has_wildcard(v))
                .all(|v| names_the_project(v, claims, &prefix));
        let like_operator = super::replace_all(&condition.operator, "StringEquals", "StringLike");
        if would_match && scoped && statement.condition(&like_operator, &condition.key).is_none() {
            statement.conditions[index].operator.clone_from(&like_operator);
            return Ok(step(
                format!(
                    "make {name} {}: StringEquals treats * and ? as plain characters",
                    q(&format!("{like_operator} {}", condition.key))
                ),
                false,
            ));
        }
    }
    if !contains(operator.base, "IgnoreCase") {
        let case = condition
            .values
            .iter()
            .position(|v| v.eq_ignore_ascii_case(&actual) && *v != actual);
        if let Some(position) = case {
            let old = statement.conditions[index].values[position].clone();
            statement.conditions[index].values[position] = escape(&actual, like, version);
            return Ok(step(
                format!(
                    "in {name}, write {} as {}: values are case-sensitive",
                    q(&old),
                    q(&actual)
                ),
                is_sub,
            ));
        }
    }
    let missing = if operator.set == Some("ForAllValues") {
        evaluation.actual.clone()
    } else {
        vec![actual]
    };
    let values = &mut statement.conditions[index].values;
    let mut added = Vec::new();
    for value in missing {
        let written = escape(&value, like, version);
        if !values.contains(&written) {
            values.push(written);
            added.push(value);
        }
    }
    if added.is_empty() {
        return Err(blocked(format!(
            "{name} already lists your token's {claim}, yet does not match it."
        )));
    }
    let exact = is_sub && added.len() == 1 && claims.subject() == Some(added[0].as_str());
    Ok(step(
        format!(
            "add your token's {claim} {} to {name}",
            added.iter().map(|a| q(a)).gather().joined(", ")
        ),
        exact,
    ))
}

/// Why a claim pinned on purpose is not widened, and what to do instead.
fn deliberate(claim: &str, actual: &str, condition: &Condition, claims: &Claims) -> String {
    let expected = condition.values.iter().map(|v| q(v)).gather().joined(", ");
    match claim {
        "ref_protected" => {
            let kind = claims.ref_type().unwrap_or("ref");
            format!(
                "Your token's {kind} {} is not protected (ref_protected {}), and the policy admits protected refs only ({expected}): keep that pin; protect the {kind} (Settings → Repository), or run the job only on protected refs.",
                q(claims.ref_name().unwrap_or("-")),
                q(actual)
            )
        }
        "pipeline_source" => format!(
            "Your token's pipeline_source is {}; the policy admits {expected} only: keep it, and run the job in those pipelines (rules:), since a merge request pipeline can run code that is not yet reviewed.",
            q(actual)
        ),
        "runner_environment" => format!(
            "The job ran on a {} runner; the policy admits {expected} only: run the job on those runners (tags:).",
            q(actual)
        ),
        _ => format!(
            "Your token's {claim} is {}; the policy admits {expected} only: add it only if that user should deploy.",
            q(actual)
        ),
    }
}

/// Tokens of neighbouring projects: another project in the same group, one below the token's
/// path, one whose path extends it, one in another group, each with its own id.
fn neighbours(claims: &Claims) -> Vec<Claims> {
    let Some(path) = claims.project_path() else {
        return Vec::new();
    };
    let id = claims.project_id().unwrap_or("1");
    let group = crate::text::rsplit_once_ascii(path, b'/').map_or(path, |(g, _)| g);
    let variants = [
        format!("{path}-x"),
        format!("{path}/x"),
        format!("{group}/x{}", super::last_segment(path)),
        "neighbour-group/app".to_owned(),
        format!("{group}x/app"),
    ];
    variants
        .iter()
        .enumerate()
        .map(|(n, other)| {
            let other_id = format!("{id}{n}7");
            let mut raw: Map<String, Value> = claims.raw().clone();
            let rename = |value: &str| {
                if value == path {
                    Some(other.clone())
                } else if value == id {
                    Some(other_id.clone())
                } else {
                    None
                }
            };
            // Every claim named like a project component (the grammar's one list).
            let keys = crate::subject::Component::ALL
                .into_iter()
                .filter(|c| c.identifies_project())
                .map(crate::subject::Component::name);
            for key in keys {
                if let Some(new) = raw.get(key).and_then(Value::as_str).and_then(rename) {
                    raw.insert(key.to_owned(), Value::String(new));
                }
            }
            raw.insert(
                "namespace_path".to_owned(),
                Value::String(
                    crate::text::rsplit_once_ascii(other, b'/')
                        .map_or("x", |(g, _)| g)
                        .to_owned(),
                ),
            );
            raw.insert("namespace_id".to_owned(), Value::String(format!("{id}{n}9")));
            if let Some(sub) = claims.subject() {
                let rebuilt = Subject::parse(sub).ok().and_then(|subject| {
                    let components = subject
                        .components()
                        .iter()
                        .map(|(c, v)| {
                            let renamed = match c {
                                c if c.is_project_path() && v == path => other.clone(),
                                c if c.is_project_id() && v == id => other_id.clone(),
                                _ => v.clone(),
                            };
                            (*c, renamed)
                        })
                        .gather();
                    Subject::from_components(&components)
                        .ok()
                        .map(|s| crate::text::display(&s))
                });
                let rebuilt = rebuilt.unwrap_or_else(|| super::replace_all(sub, path, other));
                raw.insert("sub".to_owned(), Value::String(rebuilt));
            }
            Claims::new(raw)
        })
        .gather()
}

/// Whether an edit admits a token of another project that the policy denied.
fn admits_other_projects(original: &Document, edited: &Document, claims: &Claims, host: Option<&ProviderHost>) -> bool {
    neighbours(claims).iter().any(|other| {
        let request = Request { claims: other, host };
        !evaluate(original, request).allowed && evaluate(edited, request).allowed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elides_the_shared_start_of_a_sub() {
        assert_eq!(
            elide(
                "project_path:g/app:ref_type:branch:ref:main",
                "project_path:g/app:ref_type:branch:ref:feature/x"
            ),
            "…:ref:main"
        );
        assert_eq!(
            elide(
                "project_path:g/app:ref_type:branch:ref:main",
                "project_path:h/app:ref_type:branch:ref:main"
            ),
            "project_path:g/app:ref_type:branch:ref:main"
        );
        assert_eq!(elide("sts.amazonaws.com", "https://gitlab.com"), "sts.amazonaws.com");
    }
}
