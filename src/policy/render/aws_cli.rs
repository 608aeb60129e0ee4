use std::fmt::Write as _;

use crate::policy::spec::ValidSpec;
use crate::policy::Document;
use crate::text::shell_word;

/// AWS CLI commands, every value a single-quoted shell word.
pub(super) fn render(spec: &ValidSpec, document: &Document) -> String {
    let mut out = String::from("#!/bin/sh\n# Creates the IAM role GitLab CI jobs assume (AWS CLI v2).\nset -eu\n\n");
    if spec.create_provider {
        let _ = writeln!(
            out,
            "# Once per account and issuer. If the provider exists, add the audience instead:\n#   aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {} --client-id {}",
            shell_word(&spec.provider_arn()),
            shell_word(&spec.audience)
        );
        let _ = writeln!(
            out,
            "aws iam create-open-id-connect-provider \\\n  --url {} \\\n  --client-id-list {}\n",
            shell_word(&spec.issuer),
            shell_word(&spec.audience)
        );
    } else {
        let _ = writeln!(out, "# Uses the existing provider {}.\n", spec.provider_arn());
    }
    let _ = write!(
        out,
        "aws iam create-role \\\n  --role-name {} \\\n  --description {} \\\n  --max-session-duration {} \\\n  --assume-role-policy-document {}",
        shell_word(&spec.role_name),
        shell_word(&spec.description),
        spec.max_session_duration,
        shell_word(&document.to_compact_json())
    );
    if !spec.tags.is_empty() {
        let tags = super::tags_json(&spec.tags);
        let _ = write!(out, " \\\n  --tags {}", shell_word(&crate::text::json(&tags)));
    }
    out.push('\n');
    out
}
