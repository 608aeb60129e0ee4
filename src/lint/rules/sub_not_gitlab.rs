use crate::finding::{Finding, Rule, Severity};
use crate::lint::{sub_conditions, Context, Docs, LintRule};
use crate::policy::{Document, Operator};
use crate::subject::{Component, Subject};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL011",
        name: "sub-not-gitlab",
        severity: Severity::Error,
        why: "A sub value GitLab cannot emit never matches: the role cannot be assumed by the jobs it was written for.",
    },
    check,
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags `sub` values no GitLab job can carry: GitHub's `repo:` form, `ref_type:mr`, `refs/heads/…` in `ref`, unknown components, or components out of order.",
    why_is_this_bad: "GitLab builds `sub` as `project_path:{path}:ref_type:{branch|tag}:ref:{short name}` (or the project's customised components, `project_path` or `project_id` first). Merge request pipelines carry `ref_type:branch` and the source branch.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:refs/heads/main"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
};

/// Why GitLab cannot emit a `sub` value or pattern, if it cannot.
fn problem(value: &str) -> Option<String> {
    if value.starts_with("repo:") {
        return Some("is GitHub Actions' repo: form".to_owned());
    }
    if !crate::text::has_wildcard(value) {
        return Subject::parse(value)
            .err()
            .map(|e| crate::text::trim_prefixes(&e.to_string(), "sub ").to_owned());
    }
    if crate::text::contains(value, ":ref_type:mr") || crate::text::contains(value, ":ref_type:merge_request") {
        return Some("has ref_type:mr; GitLab has no merge-request ref type".to_owned());
    }
    if crate::text::contains(value, ":ref:refs/") {
        return Some("has a full ref path; GitLab puts the short name in sub".to_owned());
    }
    // Check the component names before the first wildcard: each must be GitLab's, project first.
    let literal = &value[..value.bytes().position(|b| matches!(b, b'*' | b'?')).unwrap_or(value.len())];
    for (index, name) in crate::text::split_ascii(literal, b':').step_by(2).enumerate() {
        let complete = crate::text::split_ascii(literal, b':').count() > index * 2 + 1;
        if !complete {
            break;
        }
        match Component::from_name(name) {
            None => return Some(format!("has unknown component {name:?}")),
            Some(c) if (index == 0) != c.identifies_project() => {
                return Some(format!(
                    "has {name} in position {}; project_path or project_id comes first, and only first",
                    index + 1
                ));
            }
            Some(_) => {}
        }
    }
    None
}

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for (condition, path) in sub_conditions(index, statement) {
            // Only string operators compare sub values (`Null`'s "true"/"false" is no sub).
            if !Operator::parse(&condition.operator).base.starts_with("String") {
                continue;
            }
            for value in &condition.values {
                if let Some(why) = problem(value) {
                    findings.push(
                        Finding::new(&RULE.rule, format!("sub {value:?} {why}, so no GitLab job matches it"))
                            .about("sub")
                            .at(path.clone()),
                    );
                }
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn patterns_and_values() {
        assert!(problem("project_path:g/p:ref_type:branch:ref:main").is_none());
        assert!(problem("project_path:g/*:ref_type:branch:ref:*").is_none());
        assert!(problem("*").is_none());
        assert!(problem("project_id:1:ref_type:tag:ref:v*").is_none());
        assert!(problem("repo:acme/app:ref:refs/heads/main").unwrap().contains("GitHub"));
        assert!(problem("project_path:g/p:ref_type:mr:ref:*")
            .unwrap()
            .contains("merge-request"));
        assert!(problem("project_path:g/p:ref_type:branch:ref:refs/heads/*")
            .unwrap()
            .contains("full ref"));
        assert!(problem("project_path:g/p:branch:main*")
            .unwrap()
            .contains("unknown component"));
        assert!(problem("ref:main:project_path:g/*").unwrap().contains("position 1"));
        assert!(problem("project_path:g/p:ref_type:pipeline:ref:main").is_some());
    }
}
