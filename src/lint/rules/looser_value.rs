use crate::finding::{Finding, Rule, Severity};
use crate::lint::{granted_sub_conditions, looseness, Context, Docs, LintRule};
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL020",
        name: "looser-value",
        severity: Severity::Warning,
        why: "Statements and the values of one key OR together: the policy is exactly as loose as its loosest sub value, whatever the others say.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "When `sub` values (across values of one key, or across Allow statements) differ in reach, reports the loosest one.",
    why_is_this_bad: "A careful `ref:main` next to a `ref:*` reads as \"main, mostly\", but IAM admits any value that matches any entry: the `*` decides.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:ref_protected":"true"},"StringLike":{"gitlab.com:sub":["project_path:acme/app:ref_type:branch:ref:main","project_path:acme/app:ref_type:*:ref:*"]}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:ref_protected":"true","gitlab.com:sub":["project_path:acme/app:ref_type:branch:ref:main","project_path:acme/app:ref_type:tag:ref:v1.0.0"]}}"#),
    context: "{}",
    fix: "Remove the looser value, or give it a role of its own: keep in one policy only values you would accept on their own.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut values: Vec<(u8, &str, String)> = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (condition, path) in granted_sub_conditions(index, statement) {
            values.extend(
                condition
                    .values
                    .iter()
                    .map(|v| (looseness(document, v), v.as_str(), path.clone())),
            );
        }
    }
    let Some(tightest) = values.iter().map(|(rank, ..)| *rank).min() else {
        return Vec::new();
    };
    let Some((rank, loosest, path)) = values.iter().max_by_key(|(rank, ..)| *rank) else {
        return Vec::new();
    };
    if *rank < 2 || *rank == tightest {
        return Vec::new();
    }
    vec![Finding::new(
        &RULE.rule,
        format!(
            "sub values OR together, so this policy admits whatever {loosest:?} admits, however narrow the others are"
        ),
    )
    .about("sub")
    .at(path.clone())]
}
