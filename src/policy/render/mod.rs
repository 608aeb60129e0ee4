//! Every deployable format, rendered from one [`ValidSpec`] and its [`Document`].
//! User values pass only through `crate::text`'s quoting helpers.

mod aws_cli;
mod cloudformation;
mod role_json;
mod terraform;

use serde::Serialize;

use super::spec::ValidSpec;
use super::Document;

/// The texts a user copies, one per format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Formats {
    /// The trust policy JSON, as IAM shows it.
    pub trust_policy: String,
    /// Input for `aws iam create-role --cli-input-json file://role.json`.
    pub role_json: String,
    /// A shell script of AWS CLI commands.
    pub aws_cli: String,
    /// Terraform (AWS provider) HCL.
    pub terraform: String,
    /// A CloudFormation template in YAML.
    pub cloud_formation: String,
}

/// IAM's tag list, `[{"Key": …, "Value": …}]`. Built by hand: `json!` serializes
/// each string through `to_value` and unwraps, which compiled a second serializer.
fn tags_json(tags: &[(String, String)]) -> serde_json::Value {
    use crate::text::Gather as _;
    serde_json::Value::Array(
        tags.iter()
            .map(|(key, value)| {
                let mut tag = serde_json::Map::new();
                tag.insert("Key".into(), key.as_str().into());
                tag.insert("Value".into(), value.as_str().into());
                serde_json::Value::Object(tag)
            })
            .gather(),
    )
}

#[must_use]
pub fn all(spec: &ValidSpec, document: &Document) -> Formats {
    Formats {
        trust_policy: document.to_json(),
        role_json: role_json::render(spec, document),
        aws_cli: aws_cli::render(spec, document),
        terraform: terraform::render(spec, document),
        cloud_formation: cloudformation::render(spec, document),
    }
}
