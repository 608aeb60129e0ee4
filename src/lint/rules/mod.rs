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

use super::LintRule;

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
