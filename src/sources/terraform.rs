//! `terraform show -json` output, for a saved plan or for the state: every `aws_iam_role`'s
//! `assume_role_policy` (JSON text) and every `aws_iam_policy_document` data source's
//! rendered `json` that is a trust policy, in the root module and every child module.
//!
//! Shapes (Terraform's "JSON Output Format" documentation, `internals/json-format`):
//! - a state: `{"format_version", "terraform_version", "values": {"root_module": Module}}`;
//! - a plan: `{"format_version", "planned_values": {"root_module": Module}, "resource_changes":
//!   [{"address", "mode", "type", "name", "index", "change": {"actions", "before", "after",
//!   "after_unknown"}}], "prior_state": {"values": {"root_module": Module}}, …}`;
//! - `Module` is `{"address", "resources": [{"address", "mode", "type", "name", "index",
//!   "values"}], "child_modules": [Module]}`.
//!
//! In a plan, `after_unknown` marks what is known only after apply (`planned_values` leaves
//! it out): such a policy is reported as unknown. A role being deleted is not read. A data
//! source's document that a role already carries is not reported twice.

use super::files::{collect, found, policy_error, Format, Policy, Source};
use super::tree::{Kind, Node};
use crate::policy::parse::parse_policy;
use crate::policy::Document;

const ROLE: &str = "aws_iam_role";
const POLICY_DOCUMENT: &str = "aws_iam_policy_document";

/// A resource as the plan or state describes it.
struct Resource<'a> {
    address: String,
    data: bool,
    /// The attribute's node (a string), if known.
    value: Option<&'a Node>,
    /// Known only after apply.
    unknown: bool,
    /// Deleted by the plan: listed (so that `planned_values` does not bring it back), not read.
    deleted: bool,
    line: usize,
}

/// A plan: `resource_changes` first (they say what is unknown), then `planned_values` and the
/// data sources of `prior_state` for what they do not list.
pub(super) fn plan(root: &Node) -> Source {
    let mut resources = Vec::new();
    for change in root
        .get("resource_changes")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        let Some((address, data, attribute)) = identify(change) else {
            continue;
        };
        let Some(change_node) = change.get("change") else {
            continue;
        };
        let deleted = change_node
            .get("actions")
            .and_then(Node::as_array)
            .is_some_and(|actions| actions.iter().all(|a| a.as_str() == Some("delete")));
        let after = change_node.get("after");
        let value = after.and_then(|a| a.get(attribute)).filter(|v| v.as_str().is_some());
        let unknown = change_node
            .get("after_unknown")
            .and_then(|u| u.get(attribute))
            .is_some_and(|u| u.value == Kind::Bool(true));
        resources.push(Resource {
            address,
            data,
            value,
            unknown,
            deleted,
            line: value.or(after).unwrap_or(change).line,
        });
    }
    if let Some(module) = root.get("planned_values").and_then(|p| p.get("root_module")) {
        module_resources(module, &mut resources, false);
    }
    if let Some(module) = root
        .get("prior_state")
        .and_then(|p| p.get("values"))
        .and_then(|v| v.get("root_module"))
    {
        module_resources(module, &mut resources, true);
    }
    source(Format::TerraformPlan, &resources)
}

/// A state: `values.root_module` and its child modules.
pub(super) fn state(root: &Node) -> Source {
    let mut resources = Vec::new();
    if let Some(module) = root.get("values").and_then(|v| v.get("root_module")) {
        module_resources(module, &mut resources, false);
    }
    source(Format::TerraformState, &resources)
}

/// The address, whether it is a data source, and the attribute holding the policy, for the
/// two resource types read here.
fn identify(resource: &Node) -> Option<(String, bool, &'static str)> {
    let kind = resource.get("type")?.as_str()?;
    let data = resource.get("mode").and_then(Node::as_str) == Some("data");
    let attribute = match (kind, data) {
        (ROLE, false) => "assume_role_policy",
        (POLICY_DOCUMENT, true) => "json",
        _ => return None,
    };
    let address = resource.get("address").and_then(Node::as_str)?.to_owned();
    Some((address, data, attribute))
}

/// Adds a module's resources (and its child modules', depth-first) not listed yet.
/// `data_only`: only data sources (from a plan's prior state).
fn module_resources<'a>(module: &'a Node, resources: &mut Vec<Resource<'a>>, data_only: bool) {
    let mut modules = vec![module];
    while let Some(module) = modules.pop() {
        for resource in module.get("resources").and_then(Node::as_array).unwrap_or_default() {
            let Some((address, data, attribute)) = identify(resource) else {
                continue;
            };
            if (data_only && !data) || resources.iter().any(|r| r.address == address) {
                continue;
            }
            let values = resource.get("values");
            let value = values.and_then(|v| v.get(attribute)).filter(|v| v.as_str().is_some());
            resources.push(Resource {
                address,
                data,
                value,
                // planned_values leaves out what is known only after apply.
                unknown: value.is_none(),
                deleted: false,
                line: value.or(values).unwrap_or(resource).line,
            });
        }
        let children = module.get("child_modules").and_then(Node::as_array).unwrap_or_default();
        modules.extend(children.iter().rev());
    }
}

fn source(format: Format, resources: &[Resource<'_>]) -> Source {
    let mut source = Source {
        format,
        roles: Vec::new(),
        skipped: 0,
    };
    let mut role_documents: Vec<Document> = Vec::new();
    // Roles first, so that a data source whose document a role carries is recognised.
    for resource in resources
        .iter()
        .filter(|r| !r.data)
        .chain(resources.iter().filter(|r| r.data))
    {
        if resource.deleted {
            continue;
        }
        let line = Some(resource.line);
        let role = if resource.unknown {
            let mut role = found(resource.address.clone(), line, Policy::Unknown, None);
            role.unknown.push("$".to_owned());
            role
        } else {
            let text = resource.value.and_then(Node::as_str).unwrap_or_default();
            let policy = match parse_policy(text) {
                Ok(document) => Policy::Document(document),
                Err(error) => policy_error(&error, if resource.data { "json" } else { "assume_role_policy" }),
            };
            found(resource.address.clone(), line, policy, None)
        };
        if resource.data {
            match &role.policy {
                // A permissions policy (no statement names a principal) is no trust policy; a
                // document a role carries is reported with the role.
                Policy::Document(document) if !names_principal(document) || role_documents.contains(document) => {
                    continue;
                }
                // Unknown until apply: whether it is a trust policy at all is unknown too (a role
                // that uses it is unknown as well, and reported).
                Policy::Unknown => continue,
                Policy::Document(_) | Policy::Error { .. } => {}
            }
        } else if let Policy::Document(document) = &role.policy {
            role_documents.push(document.clone());
        }
        collect(&mut source.roles, &mut source.skipped, role);
    }
    source
}

fn names_principal(document: &Document) -> bool {
    document
        .statements
        .iter()
        .any(|s| s.principal_any || !s.federated.is_empty() || !s.other_principals.is_empty())
}
