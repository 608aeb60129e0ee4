use serde_json::{Map, Value};

use crate::policy::spec::ValidSpec;
use crate::policy::Document;

/// `aws iam create-role --cli-input-json` input: the policy travels as a JSON string.
pub(super) fn render(spec: &ValidSpec, document: &Document) -> String {
    let mut role = Map::new();
    role.insert("RoleName".into(), spec.role_name.as_str().into());
    role.insert("AssumeRolePolicyDocument".into(), document.to_compact_json().into());
    role.insert("Description".into(), spec.description.as_str().into());
    role.insert("MaxSessionDuration".into(), spec.max_session_duration.into());
    if !spec.tags.is_empty() {
        role.insert("Tags".into(), super::tags_json(&spec.tags));
    }
    crate::text::json_pretty_line(&Value::Object(role))
}
