use crate::text::Gather as _;
use crate::text::Joined as _;
use std::fmt::Write as _;

use crate::policy::spec::ValidSpec;
use crate::policy::Document;
use crate::text::hcl_string;

/// Terraform for the AWS provider: the OIDC provider (unless it exists), the
/// policy as `aws_iam_policy_document`, and the role.
pub(super) fn render(spec: &ValidSpec, document: &Document) -> String {
    let mut out = String::new();
    let provider_arn = if spec.create_provider {
        let _ = writeln!(
            out,
            "# Once per account and issuer. No thumbprint_list: IAM checks the issuer's TLS certificate\n# against trusted CAs (very old AWS providers still require the argument).\nresource \"aws_iam_openid_connect_provider\" \"gitlab\" {{\n  url            = {}\n  client_id_list = [{}]\n}}\n",
            hcl_string(&spec.issuer),
            hcl_string(&spec.audience)
        );
        "aws_iam_openid_connect_provider.gitlab.arn".to_owned()
    } else {
        hcl_string(&spec.provider_arn())
    };
    out.push_str("data \"aws_iam_policy_document\" \"gitlab_ci_assume_role\" {\n");
    for statement in &document.statements {
        let actions: Vec<String> = statement.actions.iter().map(|a| hcl_string(a)).gather();
        let _ = writeln!(
            out,
            "  statement {{\n    effect  = {}\n    actions = [{}]\n\n    principals {{\n      type        = \"Federated\"\n      identifiers = [{provider_arn}]\n    }}",
            hcl_string(&statement.effect),
            actions.joined(", ")
        );
        for condition in &statement.conditions {
            let values: Vec<String> = condition.values.iter().map(|v| hcl_string(v)).gather();
            let _ = writeln!(
                out,
                "\n    condition {{\n      test     = {}\n      variable = {}\n      values   = [{}]\n    }}",
                hcl_string(&condition.operator),
                hcl_string(&condition.key),
                values.joined(", ")
            );
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n\n");
    let _ = writeln!(
        out,
        "resource \"aws_iam_role\" \"gitlab_ci\" {{\n  name                 = {}\n  description          = {}\n  assume_role_policy   = data.aws_iam_policy_document.gitlab_ci_assume_role.json\n  max_session_duration = {}",
        hcl_string(&spec.role_name),
        hcl_string(&spec.description),
        spec.max_session_duration
    );
    if !spec.tags.is_empty() {
        out.push_str("\n  tags = {\n");
        for (key, value) in &spec.tags {
            let _ = writeln!(out, "    {} = {}", hcl_string(key), hcl_string(value));
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n\noutput \"gitlab_ci_role_arn\" {\n  value = aws_iam_role.gitlab_ci.arn\n}\n");
    out
}
