//! One file per rule. Codes are stable and never renumbered.

/// A gitlab.com trust policy with the given `Condition` object, for rule docs.
macro_rules! gitlab_com_policy {
    ($condition:literal) => {
        concat!(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":"#,
            $condition,
            "}]}"
        )
    };
}

/// Declares the rule modules and lists them once, in code order: [`ALL`] for the
/// linter, [`DOCUMENTED`] with each rule's docs for tests and docs, [`SOURCES`] their files.
macro_rules! rules {
    ($($rule:ident),* $(,)?) => {
        $(mod $rule;)*

        /// Every rule, in code order.
        pub static ALL: &[&LintRule] = &[$(&$rule::RULE),*];

        /// Every rule with its documentation, in code order. Only tests and docs read
        /// it, so the WebAssembly module leaves the documentation out.
        pub static DOCUMENTED: &[(&Rule, &Docs)] = &[$((&$rule::RULE.rule, &$rule::DOCS)),*];

        /// Each rule's source file, in code order (for the rule pages).
        pub static SOURCES: &[&str] = &[$(concat!("src/lint/rules/", stringify!($rule), ".rs")),*];

        /// Every rule's findings, in code order. Each `check` is called by name: a pointer to it
        /// in the rule's data would put every rule (and the evaluator they call) in the
        /// WebAssembly function table, which the page's first half keeps.
        pub(super) fn check_all(document: &Document, context: &Context) -> Vec<Finding> {
            let mut findings = Vec::new();
            $(findings.extend($rule::check(document, context));)*
            findings
        }
    };
}

use super::{Context, Docs, LintRule};
use crate::finding::{Finding, Rule};
use crate::policy::Document;

rules!(
    no_sub_condition,
    no_aud_condition,
    wildcard_under_string_equals,
    string_like_without_wildcard,
    sub_any_project,
    sub_group_wildcard,
    sub_any_ref,
    for_all_values,
    for_any_value,
    key_host_mismatch,
    sub_not_gitlab,
    gitlab_com_key_elsewhere,
    key_not_evaluated,
    path_sub_without_project_id,
    wrong_action,
    principal_not_oidc,
    element_not_allowed,
    version,
    provider_arn,
    looser_value,
    too_large,
    audience_not_sent,
    denies_token,
    invalid_effect,
    sub_ref_pattern,
    variable_no_value,
    character_not_allowed,
);
