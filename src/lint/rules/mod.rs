//! One file per rule. Codes are stable and never renumbered.

mod path_sub_without_project_id;
mod sub_any_project;
mod sub_any_ref;
mod sub_group_wildcard;

use super::LintRule;

/// Every rule, in code order.
pub static ALL: &[&LintRule] = &[
    &sub_any_project::RULE,
    &sub_group_wildcard::RULE,
    &sub_any_ref::RULE,
    &path_sub_without_project_id::RULE,
];
