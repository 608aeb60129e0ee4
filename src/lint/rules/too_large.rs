use crate::finding::{Finding, Rule, Severity};
use crate::lint::{Context, Docs, LintRule};
use crate::policy::Document;

/// IAM's default quota for a role trust policy, in characters without whitespace ("IAM doesn't
/// count white space when calculating the size of a policy against these limits"): IAM User
/// Guide, `reference_iam-quotas`, "Role trust policy length".
pub const DEFAULT_QUOTA: usize = 2048;
/// The most the quota can be raised to: 8,192 on AWS's current quotas page (Service Quotas
/// `L-C07B4B0D`, 2,048 → 8,192) as 2026 write-ups quote it; the archived 2023 guide said 4,096.
/// The primary row could not be read from here, so this follows the newer secondary sources.
pub const MAX_QUOTA: usize = 8192;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL021",
        name: "too-large",
        severity: Severity::Warning,
        why: "IAM refuses trust policies over the account's quota: 2048 characters by default, 8192 at most after a quota increase.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Measures the policy without whitespace against IAM's trust-policy length quota (2048 by default, 8192 at most after an increase): a warning over 2048, an error over 8192, which no quota allows.",
    why_is_this_bad: "Long lists of subjects hit the quota and the update fails with LimitExceeded. Group refs with a pattern, or split projects across roles.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":["project_path:acme/app:ref_type:branch:ref:release-2024-01","project_path:acme/app:ref_type:branch:ref:release-2024-02","project_path:acme/app:ref_type:branch:ref:release-2024-03","project_path:acme/app:ref_type:branch:ref:release-2024-04","project_path:acme/app:ref_type:branch:ref:release-2024-05","project_path:acme/app:ref_type:branch:ref:release-2024-06","project_path:acme/app:ref_type:branch:ref:release-2024-07","project_path:acme/app:ref_type:branch:ref:release-2024-08","project_path:acme/app:ref_type:branch:ref:release-2024-09","project_path:acme/app:ref_type:branch:ref:release-2024-10","project_path:acme/app:ref_type:branch:ref:release-2024-11","project_path:acme/app:ref_type:branch:ref:release-2024-12","project_path:acme/app:ref_type:branch:ref:release-2025-01","project_path:acme/app:ref_type:branch:ref:release-2025-02","project_path:acme/app:ref_type:branch:ref:release-2025-03","project_path:acme/app:ref_type:branch:ref:release-2025-04","project_path:acme/app:ref_type:branch:ref:release-2025-05","project_path:acme/app:ref_type:branch:ref:release-2025-06","project_path:acme/app:ref_type:branch:ref:release-2025-07","project_path:acme/app:ref_type:branch:ref:release-2025-08","project_path:acme/app:ref_type:branch:ref:release-2025-09","project_path:acme/app:ref_type:branch:ref:release-2025-10","project_path:acme/app:ref_type:branch:ref:release-2025-11","project_path:acme/app:ref_type:branch:ref:release-2025-12","project_path:acme/app:ref_type:branch:ref:release-2026-01","project_path:acme/app:ref_type:branch:ref:release-2026-02","project_path:acme/app:ref_type:branch:ref:release-2026-03","project_path:acme/app:ref_type:branch:ref:release-2026-04","project_path:acme/app:ref_type:branch:ref:release-2026-05","project_path:acme/app:ref_type:branch:ref:release-2026-06","project_path:acme/app:ref_type:branch:ref:release-2026-07","project_path:acme/app:ref_type:branch:ref:release-2026-08","project_path:acme/app:ref_type:branch:ref:release-2026-09","project_path:acme/app:ref_type:branch:ref:release-2026-10","project_path:acme/app:ref_type:branch:ref:release-2026-11","project_path:acme/app:ref_type:branch:ref:release-2026-12"]}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:ref_protected":"true"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:release-20*"}}"#),
    context: "{}",
    fix: "Split the subjects across roles (one per project or environment), replace long lists with narrow patterns, or have the account's quota for role trust policies raised (8192 characters at most).",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let length = document
        .to_compact_json()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    if length <= DEFAULT_QUOTA {
        return Vec::new();
    }
    let mut finding = Finding::new(
        &RULE.rule,
        if length <= MAX_QUOTA {
            format!("the policy is {length} characters; IAM's default quota is {DEFAULT_QUOTA} (raise it up to {MAX_QUOTA}, or shorten the sub list)")
        } else {
            format!("the policy is {length} characters, over IAM's maximum quota of {MAX_QUOTA}: IAM will refuse it")
        },
    );
    if length > MAX_QUOTA {
        finding.severity = Severity::Error;
    }
    vec![finding.at("$")]
}
