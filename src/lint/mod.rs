//! The trust-policy linter: rules as data, one file per rule, each with its
//! documentation and examples (tested in `tests/lint_rules.rs`).

mod rules;

use crate::finding::{Finding, Rule};
use crate::issuer::ProviderHost;
use crate::policy::{Condition, Document, Statement};

pub use rules::ALL;

/// A rule's documentation, in the shape every rule page follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Docs {
    pub what_it_does: &'static str,
    pub why_is_this_bad: &'static str,
    /// A policy (JSON) that fires this rule.
    pub example: &'static str,
    /// The same policy, fixed: fires no rule.
    pub use_instead: &'static str,
}

/// A lint rule: identity, documentation and check.
pub struct LintRule {
    pub rule: Rule,
    pub docs: Docs,
    pub check: fn(&Document) -> Vec<Finding>,
}

/// Runs every rule; errors first, then warnings, then information.
#[must_use]
pub fn lint(document: &Document) -> Vec<Finding> {
    let mut findings: Vec<Finding> = ALL.iter().flat_map(|rule| (rule.check)(document)).collect();
    findings.sort_by_key(|f| f.severity);
    findings
}

/// The provider host a statement trusts, from `arn:…:oidc-provider/<host>`.
#[must_use]
pub fn trusted_host(statement: &Statement) -> Option<ProviderHost> {
    statement.federated.iter().find_map(|arn| {
        let (_, host) = arn.split_once(":oidc-provider/")?;
        ProviderHost::from_issuer(&format!("https://{host}")).ok()
    })
}

/// Every `<host>:sub` condition of a statement (any operator), with its JSON path.
pub(crate) fn sub_conditions(index: usize, statement: &Statement) -> impl Iterator<Item = (&Condition, String)> {
    statement
        .conditions
        .iter()
        .filter(|c| c.key.to_ascii_lowercase().ends_with(":sub"))
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
