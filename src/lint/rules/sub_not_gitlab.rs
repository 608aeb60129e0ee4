use crate::finding::{Finding, Rule, Severity};
use crate::lint::{sub_conditions, Context, Docs, LintRule};
use crate::policy::{Document, Operator};
use crate::subject::{Component, Subject, FIRST_NAMES};

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL011",
        name: "sub-not-gitlab",
        severity: Severity::Error,
        why: "A sub value GitLab cannot emit never matches: the role cannot be assumed by the jobs it was written for.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags `sub` values no GitLab job can carry: GitHub's `repo:` form, `ref_type:mr`, `refs/heads/…` in `ref`, unknown components, a first component that does not name the project, or one component with two values.",
    why_is_this_bad: "GitLab builds `sub` as `project_path:{path}:ref_type:{branch|tag}:ref:{short name}` (or the project's customised components, a project's path or id first: `project_path`, `project_id`, `job_project_path`, `job_project_id`, `source_project_path` or `source_project_id`). Merge request pipelines carry `ref_type:branch` and the source branch. A component listed twice, or a project component after the first, is legal: GitLab checks only the first element and that each is a known component.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:refs/heads/main"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Write `sub` as GitLab emits it: `project_path:<group>/<project>:ref_type:<branch|tag>:ref:<branch or tag name>` by default, or the project's `ci_id_token_sub_claim_components` in their order. Copy it from a real token: paste one into step 1 of the page, or let `trustPolicyForToken` write the policy.",
};

/// Why GitLab cannot emit a `sub` value or pattern, if it cannot.
fn problem(value: &str) -> Option<String> {
    if value.starts_with("repo:") {
        return Some("is GitHub Actions' repo: form".to_owned());
    }
    // A value known only at deploy time (`!Sub "project_path:${Group}/app"`) is read like a
    // pattern: its text could be anything GitLab emits, so only the names before it are checked.
    let unknown = crate::policy::unknown::has_unknown(value);
    if !unknown && !crate::text::has_wildcard(value) {
        return Subject::parse(value)
            .err()
            .map(|e| crate::text::trim_prefixes(&crate::text::display(&e), "sub ").to_owned());
    }
    if crate::text::contains(value, ":ref_type:mr") || crate::text::contains(value, ":ref_type:merge_request") {
        return Some("has ref_type:mr; GitLab has no merge-request ref type".to_owned());
    }
    if crate::text::contains(value, ":ref:refs/") {
        return Some("has a full ref path; GitLab puts the short name in sub".to_owned());
    }
    // Check the component names before the first wildcard: each must be GitLab's, a project
    // component first. Later ones GitLab checks only for membership (MR 258245; the 17.10 model
    // in app/models/project_ci_cd_setting.rb): a repeat or a later project component is legal,
    // and the inspector, not this rule, has a word about a repeat (TOK018).
    let literal = crate::policy::unknown::known_prefix(value);
    let literal = &literal[..literal.bytes().position(|b| matches!(b, b'*' | b'?')).unwrap_or(literal.len())];
    for (index, name) in crate::text::split_ascii(literal, b':').step_by(2).enumerate() {
        let complete = crate::text::split_ascii(literal, b':').count() > index * 2 + 1;
        if !complete {
            break;
        }
        match Component::from_name(name) {
            None => return Some(format!("has unknown component {name:?}")),
            Some(c) if index == 0 && !c.identifies_project() => {
                return Some(format!("starts with {name:?}; GitLab always starts it with {FIRST_NAMES}"));
            }
            Some(_) => {}
        }
    }
    None
}

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
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
        assert!(problem("ref:main:project_path:g/*").unwrap().contains("starts with \"ref\""));
        assert!(problem("project_path:g/p:ref_type:pipeline:ref:main").is_some());
    }

    /// Every project component may come first, and again later; a repeat is legal (GitLab
    /// writes it as often as the setting lists it); only a first component that does not name
    /// the project, a value GitLab cannot emit, or one component with two values is flagged.
    #[test]
    fn the_project_components_and_repeats_gitlab_accepts() {
        for first in [
            "project_path:g/p",
            "project_id:42",
            "job_project_path:g/p",
            "job_project_id:42",
            "source_project_path:fork/p",
            "source_project_id:42",
        ] {
            for value in [
                format!("{first}:ref_type:branch:ref:main"),
                format!("{first}:ref_type:branch:ref:*"),
                format!("{first}:ref_type:branch:ref:main:project_path:g/p"),
                format!("{first}:ref_type:branch:ref:main:job_project_id:42:ref:main"),
                format!("{first}:ref:main:ref:main"),
                format!("{first}:ref:main:ref:ma*"),
            ] {
                assert_eq!(problem(&value), None, "{value}");
            }
        }
        for (value, says) in [
            ("ref_type:branch:job_project_id:42", "starts with \"ref_type\""),
            ("ref_type:branch:job_project_id:*", "starts with \"ref_type\""),
            ("job_project_id:4x:ref:main", "job_project_id \"4x\" is not a number"),
            ("source_project_path:single:ref:main", "source_project_path \"single\" is not a GitLab project path"),
            ("job_project_path:g/p:ref:main:ref:dev", "ref twice with different values"),
            ("project_path:g/p:ref:main:source_project:g/p", "unknown component \"source_project\""),
        ] {
            let why = problem(value).unwrap_or_else(|| panic!("{value} is flagged"));
            assert!(why.contains(says), "{value}: {why}");
        }
        assert!(problem("ref:main:project_path:g/*").unwrap().contains("job_project_id"));
    }
}
