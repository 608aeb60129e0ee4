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

mod audience_not_sent;
mod denies_token;
mod element_not_allowed;
mod for_all_values;
mod for_any_value;
mod gitlab_com_key_elsewhere;
mod key_host_mismatch;
mod key_not_evaluated;
mod looser_value;
mod no_aud_condition;
mod no_sub_condition;
mod path_sub_without_project_id;
mod principal_not_oidc;
mod provider_arn;
mod string_like_without_wildcard;
mod sub_any_project;
mod sub_any_ref;
mod sub_group_wildcard;
mod sub_not_gitlab;
mod too_large;
mod version;
mod wildcard_under_string_equals;
mod wrong_action;

use super::{Docs, LintRule};

/// Every rule, in code order.
pub static ALL: &[&LintRule] = &[
    &no_sub_condition::RULE,
    &no_aud_condition::RULE,
    &wildcard_under_string_equals::RULE,
    &string_like_without_wildcard::RULE,
    &sub_any_project::RULE,
    &sub_group_wildcard::RULE,
    &sub_any_ref::RULE,
    &for_all_values::RULE,
    &for_any_value::RULE,
    &key_host_mismatch::RULE,
    &sub_not_gitlab::RULE,
    &gitlab_com_key_elsewhere::RULE,
    &key_not_evaluated::RULE,
    &path_sub_without_project_id::RULE,
    &wrong_action::RULE,
    &principal_not_oidc::RULE,
    &element_not_allowed::RULE,
    &version::RULE,
    &provider_arn::RULE,
    &looser_value::RULE,
    &too_large::RULE,
    &audience_not_sent::RULE,
    &denies_token::RULE,
];

/// Every rule with its documentation, in code order. Only tests and docs read
/// it, so the WebAssembly module leaves the documentation out.
pub static DOCUMENTED: &[(&LintRule, &Docs)] = &[
    (&no_sub_condition::RULE, &no_sub_condition::DOCS),
    (&no_aud_condition::RULE, &no_aud_condition::DOCS),
    (&wildcard_under_string_equals::RULE, &wildcard_under_string_equals::DOCS),
    (&string_like_without_wildcard::RULE, &string_like_without_wildcard::DOCS),
    (&sub_any_project::RULE, &sub_any_project::DOCS),
    (&sub_group_wildcard::RULE, &sub_group_wildcard::DOCS),
    (&sub_any_ref::RULE, &sub_any_ref::DOCS),
    (&for_all_values::RULE, &for_all_values::DOCS),
    (&for_any_value::RULE, &for_any_value::DOCS),
    (&key_host_mismatch::RULE, &key_host_mismatch::DOCS),
    (&sub_not_gitlab::RULE, &sub_not_gitlab::DOCS),
    (&gitlab_com_key_elsewhere::RULE, &gitlab_com_key_elsewhere::DOCS),
    (&key_not_evaluated::RULE, &key_not_evaluated::DOCS),
    (&path_sub_without_project_id::RULE, &path_sub_without_project_id::DOCS),
    (&wrong_action::RULE, &wrong_action::DOCS),
    (&principal_not_oidc::RULE, &principal_not_oidc::DOCS),
    (&element_not_allowed::RULE, &element_not_allowed::DOCS),
    (&version::RULE, &version::DOCS),
    (&provider_arn::RULE, &provider_arn::DOCS),
    (&looser_value::RULE, &looser_value::DOCS),
    (&too_large::RULE, &too_large::DOCS),
    (&audience_not_sent::RULE, &audience_not_sent::DOCS),
    (&denies_token::RULE, &denies_token::DOCS),
];
