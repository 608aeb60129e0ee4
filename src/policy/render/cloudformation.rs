use std::fmt::Write as _;

use crate::policy::spec::ValidSpec;
use crate::policy::Document;
use crate::text::yaml_string;

/// A CloudFormation template: the OIDC provider (unless it exists) and the role.
/// Intrinsics use the long form (`Fn::GetAtt`) so any YAML parser reads it.
pub(super) fn render(spec: &ValidSpec, document: &Document) -> String {
    let mut out = format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: {}\nResources:\n",
        yaml_string(&format!("IAM role for GitLab CI jobs ({})", spec.role_name))
    );
    if spec.create_provider {
        let _ = writeln!(
            out,
            "  GitLabOidcProvider:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      Url: {}\n      ClientIdList:\n        - {}",
            yaml_string(&spec.issuer),
            yaml_string(&spec.audience)
        );
    }
    let _ = writeln!(
        out,
        "  GitLabCiRole:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: {}\n      Description: {}\n      MaxSessionDuration: {}\n      AssumeRolePolicyDocument:",
        yaml_string(&spec.role_name),
        yaml_string(&spec.description),
        spec.max_session_duration
    );
    if let Some(version) = &document.version {
        let _ = writeln!(out, "        Version: {}", yaml_string(version));
    }
    out.push_str("        Statement:\n");
    for statement in &document.statements {
        let _ = writeln!(
            out,
            "          - Effect: {}\n            Principal:",
            yaml_string(&statement.effect)
        );
        if spec.create_provider {
            out.push_str("              Federated:\n                Fn::GetAtt: [GitLabOidcProvider, Arn]\n");
        } else {
            for arn in &statement.federated {
                let _ = writeln!(out, "              Federated: {}", yaml_string(arn));
            }
        }
        out.push_str("            Action:\n");
        for action in &statement.actions {
            let _ = writeln!(out, "              - {}", yaml_string(action));
        }
        if !statement.conditions.is_empty() {
            out.push_str("            Condition:\n");
            let mut operators: Vec<&str> = Vec::new();
            for condition in &statement.conditions {
                if !operators.contains(&condition.operator.as_str()) {
                    operators.push(&condition.operator);
                }
            }
            for operator in operators {
                let _ = writeln!(out, "              {}:", yaml_string(operator));
                for condition in statement.conditions.iter().filter(|c| c.operator == operator) {
                    let _ = writeln!(out, "                {}:", yaml_string(&condition.key));
                    for value in &condition.values {
                        let _ = writeln!(out, "                  - {}", yaml_string(value));
                    }
                }
            }
        }
    }
    if !spec.tags.is_empty() {
        out.push_str("      Tags:\n");
        for (key, value) in &spec.tags {
            let _ = writeln!(
                out,
                "        - Key: {}\n          Value: {}",
                yaml_string(key),
                yaml_string(value)
            );
        }
    }
    out.push_str("Outputs:\n  RoleArn:\n    Value:\n      Fn::GetAtt: [GitLabCiRole, Arn]\n");
    out
}
