//! IAM's own shapes in a file: a policy, a role, and the AWS CLI's `get-role`, `list-roles`
//! and `get-account-authorization-details` output. A document is an object (as the CLI
//! prints it), JSON text, or URL-encoded JSON text (as IAM's API returns it).
//!
//! Shapes: `GetRole` → `{"Role": Role}`, `ListRoles` → `{"Roles": [Role], "IsTruncated", "Marker"}`,
//! `GetAccountAuthorizationDetails` → `{"UserDetailList", "GroupDetailList", "RoleDetailList":
//! [RoleDetail], "Policies", "IsTruncated", "Marker"}` (IAM API Reference, the `Role` and
//! `RoleDetail` data types; the AWS CLI prints each response's fields as they are named there).

use super::files::{collect, found, policy_error, Format, FoundRole, Policy, Source};
use super::tree::Node;
use super::{document_in, SourceError};
use crate::policy::parse::parse_policy;

/// A bare trust policy.
pub(super) fn policy(root: &Node) -> FoundRole {
    let policy = match parse_policy(&crate::text::json(&root.to_value())) {
        Ok(document) => Policy::Document(document),
        Err(error) => policy_error(&error, ""),
    };
    found(String::new(), Some(root.line), policy, Some(root.clone()))
}

/// `aws iam get-role` output.
pub(super) fn get_role(root: &Node) -> FoundRole {
    match root.get("Role") {
        Some(role) if role.as_object().is_some() => read_role(role, "Role.AssumeRolePolicyDocument"),
        _ => found(
            String::new(),
            Some(root.line),
            Policy::Error {
                code: "source.role",
                message: "Role is not an object; expected aws iam get-role output {\"Role\": {…}}".to_owned(),
            },
            None,
        ),
    }
}

/// A role object.
pub(super) fn role(root: &Node) -> FoundRole {
    read_role(root, "AssumeRolePolicyDocument")
}

/// The roles of `list-roles` (`Roles`) or `get-account-authorization-details` (`RoleDetailList`).
pub(super) fn roles(root: &Node, key: &str, format: Format) -> Source {
    let mut source = Source {
        format,
        roles: Vec::new(),
        skipped: 0,
    };
    for (index, role) in root
        .get(key)
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let mut found = read_role(role, "AssumeRolePolicyDocument");
        if found.name.is_empty() {
            found.name = format!("{key}[{index}]");
        }
        collect(&mut source.roles, &mut source.skipped, found);
    }
    source
}

fn read_role(role: &Node, at: &'static str) -> FoundRole {
    let name = role
        .get("RoleName")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_owned();
    let document = role.get("AssumeRolePolicyDocument");
    let line = Some(document.unwrap_or(role).line);
    let policy = match document_in(document.map(Node::to_value).as_ref(), at) {
        Ok(document) => Policy::Document(document),
        Err(SourceError::Document { at, error }) => policy_error(&error, at),
        Err(error @ SourceError::Shape { .. }) => Policy::Error {
            code: "source.role",
            message: crate::text::display(&error),
        },
    };
    // Only a document written out as an object has lines of its own.
    let lines = document.filter(|d| d.as_object().is_some()).cloned();
    found(name, line, policy, lines)
}
