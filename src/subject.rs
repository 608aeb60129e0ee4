//! The GitLab `sub` claim grammar.
//!
//! GitLab builds `sub` as `name:value` pairs joined by `:`, from the project's
//! `ci_id_token_sub_claim_components` (default `project_path`, `ref_type`,
//! `ref`), dropping components that have no value. Paths and refs never
//! contain `:`, so `:` is always a separator and parsing is unambiguous.

use crate::text::Gather as _;
use crate::text::Joined as _;
use std::fmt;

use thiserror::Error;

use crate::error::Coded;

/// A component GitLab can put in `sub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Component {
    ProjectPath,
    ProjectId,
    RefType,
    Ref,
    RefProtected,
    EnvironmentProtected,
    DeploymentTier,
}

impl Component {
    /// Every component, in the order GitLab documents them.
    pub const ALL: [Self; 7] = [
        Self::ProjectPath,
        Self::ProjectId,
        Self::RefType,
        Self::Ref,
        Self::RefProtected,
        Self::EnvironmentProtected,
        Self::DeploymentTier,
    ];

    /// GitLab's default `ci_id_token_sub_claim_components`.
    pub const DEFAULT: [Self; 3] = [Self::ProjectPath, Self::RefType, Self::Ref];

    /// The name as it appears in `sub` and in the project setting.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::ProjectPath => "project_path",
            Self::ProjectId => "project_id",
            Self::RefType => "ref_type",
            Self::Ref => "ref",
            Self::RefProtected => "ref_protected",
            Self::EnvironmentProtected => "environment_protected",
            Self::DeploymentTier => "deployment_tier",
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Only `project_path` or `project_id` may come first, and only first.
    #[must_use]
    pub fn identifies_project(self) -> bool {
        matches!(self, Self::ProjectPath | Self::ProjectId)
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const ALLOWED_NAMES: &str =
    "project_path, project_id, ref_type, ref, ref_protected, environment_protected, deployment_tier";
const DEPLOYMENT_TIERS: [&str; 5] = ["production", "staging", "testing", "development", "other"];

/// Why a string is not a `sub` that GitLab could emit.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SubjectError {
    #[error("sub is empty; expected e.g. project_path:group/project:ref_type:branch:ref:main")]
    Empty,
    #[error(
        "sub {0:?} is in GitHub Actions' repo: form; GitLab emits project_path:group/project:ref_type:branch:ref:main"
    )]
    GithubForm(String),
    #[error(
        "sub {0:?} is the legacy CI_JOB_JWT v1 job_<id> form (removed in GitLab 17.0); ID tokens carry project_path:…"
    )]
    LegacyJob(String),
    #[error("sub component {name:?} has no value; expected name:value pairs separated by ':'")]
    Dangling { name: String },
    #[error("sub has unknown component {name:?}; GitLab uses only {ALLOWED_NAMES}")]
    UnknownComponent { name: String },
    #[error("sub starts with {found:?}; GitLab always starts it with project_path or project_id")]
    FirstComponent { found: String },
    #[error("sub has {0} more than once")]
    Duplicate(Component),
    #[error("sub has {0} after the first component; it may only come first")]
    Misplaced(Component),
    #[error("sub component {0} has an empty value")]
    EmptyValue(Component),
    #[error(
        "sub project_path {0:?} is not a GitLab project path; expected group/project of letters, digits, '_', '-', '.'"
    )]
    ProjectPath(String),
    #[error("sub project_id {0:?} is not a number")]
    ProjectId(String),
    #[error("sub has ref_type:{0}; GitLab has no merge-request ref type (merge request pipelines carry ref_type:branch and the source branch)")]
    MergeRequestRefType(String),
    #[error("sub has ref_type:{0}; expected branch or tag")]
    RefType(String),
    #[error("sub ref {0:?} is a full ref path; GitLab puts the short name in sub (e.g. main, not refs/heads/main)")]
    RefPrefix(String),
    #[error("sub ref {value:?} is not a git ref name: {reason}")]
    Ref { value: String, reason: &'static str },
    #[error("sub {component} is {value:?}; expected true or false")]
    Boolean { component: Component, value: String },
    #[error("sub deployment_tier is {0:?}; expected production, staging, testing, development or other")]
    DeploymentTier(String),
}

impl Coded for SubjectError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "subject.empty",
            Self::GithubForm(_) => "subject.github_form",
            Self::LegacyJob(_) => "subject.legacy_job",
            Self::Dangling { .. } => "subject.dangling",
            Self::UnknownComponent { .. } => "subject.unknown_component",
            Self::FirstComponent { .. } => "subject.first_component",
            Self::Duplicate(_) => "subject.duplicate",
            Self::Misplaced(_) => "subject.misplaced",
            Self::EmptyValue(_) => "subject.empty_value",
            Self::ProjectPath(_) => "subject.project_path",
            Self::ProjectId(_) => "subject.project_id",
            Self::MergeRequestRefType(_) => "subject.ref_type_mr",
            Self::RefType(_) => "subject.ref_type",
            Self::RefPrefix(_) => "subject.ref_prefix",
            Self::Ref { .. } => "subject.ref",
            Self::Boolean { .. } => "subject.boolean",
            Self::DeploymentTier(_) => "subject.deployment_tier",
        }
    }
}

/// A parsed GitLab `sub`: components in the order they appear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    components: Vec<(Component, String)>,
}

impl Subject {
    /// Parses a `sub` claim, accepting only what GitLab can emit.
    ///
    /// # Errors
    /// A [`SubjectError`] naming the first part GitLab could not have produced.
    pub fn parse(sub: &str) -> Result<Self, SubjectError> {
        if sub.is_empty() {
            return Err(SubjectError::Empty);
        }
        if sub.starts_with("repo:") {
            return Err(SubjectError::GithubForm(sub.to_owned()));
        }
        if sub
            .strip_prefix("job_")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(SubjectError::LegacyJob(sub.to_owned()));
        }
        let mut parts = crate::text::split_ascii(sub, b':');
        let mut components: Vec<(Component, String)> = Vec::new();
        while let Some(name) = parts.next() {
            let Some(value) = parts.next() else {
                return Err(SubjectError::Dangling { name: name.to_owned() });
            };
            let component =
                Component::from_name(name).ok_or_else(|| SubjectError::UnknownComponent { name: name.to_owned() })?;
            if components.is_empty() && !component.identifies_project() {
                return Err(SubjectError::FirstComponent { found: name.to_owned() });
            }
            if !components.is_empty() && component.identifies_project() {
                return Err(SubjectError::Misplaced(component));
            }
            if components.iter().any(|(seen, _)| *seen == component) {
                return Err(SubjectError::Duplicate(component));
            }
            check_value(component, value)?;
            components.push((component, value.to_owned()));
        }
        Ok(Self { components })
    }

    /// Builds a subject from components, checking each value.
    ///
    /// # Errors
    /// As [`Subject::parse`].
    pub fn from_components(components: &[(Component, String)]) -> Result<Self, SubjectError> {
        let text = components.iter().map(|(c, v)| format!("{c}:{v}")).gather().joined(":");
        let parsed = Self::parse(&text)?;
        // A value containing ':' would re-parse differently; refuse rather than rebuild a different sub.
        if parsed.components.as_slice() == components {
            Ok(parsed)
        } else {
            Err(SubjectError::Dangling { name: text })
        }
    }

    #[must_use]
    pub fn components(&self) -> &[(Component, String)] {
        &self.components
    }

    #[must_use]
    pub fn get(&self, component: Component) -> Option<&str> {
        self.components
            .iter()
            .find(|(c, _)| *c == component)
            .map(|(_, v)| v.as_str())
    }

    /// True for GitLab's default `project_path`, `ref_type`, `ref`.
    #[must_use]
    pub fn is_default_form(&self) -> bool {
        self.components.iter().map(|(c, _)| *c).eq(Component::DEFAULT)
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (component, value)) in self.components.iter().enumerate() {
            if index > 0 {
                f.write_str(":")?;
            }
            write!(f, "{component}:{value}")?;
        }
        Ok(())
    }
}

/// Checks one component value as GitLab would emit it.
///
/// # Errors
/// The [`SubjectError`] for a value GitLab cannot emit.
pub fn check_value(component: Component, value: &str) -> Result<(), SubjectError> {
    if value.is_empty() {
        return Err(SubjectError::EmptyValue(component));
    }
    match component {
        Component::ProjectPath => {
            if !is_project_path(value) {
                return Err(SubjectError::ProjectPath(value.to_owned()));
            }
        }
        Component::ProjectId => {
            if !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(SubjectError::ProjectId(value.to_owned()));
            }
        }
        Component::RefType => match value {
            "branch" | "tag" => {}
            "mr" | "merge_request" | "merge_request_event" => {
                return Err(SubjectError::MergeRequestRefType(value.to_owned()));
            }
            _ => return Err(SubjectError::RefType(value.to_owned())),
        },
        Component::Ref => {
            if value.starts_with("refs/") {
                return Err(SubjectError::RefPrefix(value.to_owned()));
            }
            check_ref_name(value).map_err(|reason| SubjectError::Ref {
                value: value.to_owned(),
                reason,
            })?;
        }
        Component::RefProtected | Component::EnvironmentProtected => {
            if value != "true" && value != "false" {
                return Err(SubjectError::Boolean {
                    component,
                    value: value.to_owned(),
                });
            }
        }
        Component::DeploymentTier => {
            if !DEPLOYMENT_TIERS.contains(&value) {
                return Err(SubjectError::DeploymentTier(value.to_owned()));
            }
        }
    }
    Ok(())
}

/// What a `sub` value or `StringLike` pattern admits, component by component.
/// `*` crosses `:` and `/`, so a wildcard where a component name should be
/// admits everything after it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools, reason = "independent facts about one pattern")]
pub struct PatternScope {
    /// Any project on the instance, or in namespaces anyone can register: a wildcard
    /// in the top-level group (`*`, `project_path:*…`, `a*`, `*/x`) or anywhere in a
    /// project id (`project_id:4*`: ids go to whoever creates the next project).
    pub any_project: bool,
    /// A wildcard in the project path after a literal top-level group (`group/*`):
    /// every project and subgroup below.
    pub project_wildcard: bool,
    /// The project is named by path, not by id.
    pub by_path: bool,
    /// Any ref: `ref:*`, a trailing wildcard, or no `ref` component at all.
    pub any_ref: bool,
    /// Branches and tags alike: `ref_type:*`, a trailing wildcard, or no `ref_type`.
    pub any_ref_type: bool,
}

/// Works out what a `sub` pattern admits.
#[must_use]
pub fn pattern_scope(pattern: &str) -> PatternScope {
    let wild = |v: &str| crate::text::has_wildcard(v);
    // Only wildcards, at least one `*`: any value at all (`*`, `?*`, `*?`).
    let whole = |v: &str| v.bytes().any(|b| b == b'*') && v.chars().all(|c| matches!(c, '*' | '?'));
    let mut scope = PatternScope {
        any_ref: true,
        any_ref_type: true,
        ..PatternScope::default()
    };
    let parts: Vec<&str> = crate::text::split_ascii(pattern, b':').gather();
    let mut index = 0;
    while index < parts.len() {
        let name = parts[index];
        let Some(component) = Component::from_name(name) else {
            // A wildcard where a name belongs, or one in an earlier value that crossed a ':'
            // (`project_path:*ref:main`): what follows is not where it seems; keep what is known,
            // and what the literal text after the last wildcard pins.
            if parts[..=index].iter().any(|p| wild(p)) {
                scope.any_project |= index == 0;
                pin_literal_tail(pattern, &mut scope);
                return scope;
            }
            // Not a GitLab sub at all (e.g. GitHub's repo: form): it admits no GitLab job.
            return PatternScope::default();
        };
        let value = parts.get(index + 1).copied().unwrap_or("");
        let last = index + 2 >= parts.len();
        match component {
            Component::ProjectPath | Component::ProjectId => {
                scope.by_path = component == Component::ProjectPath;
                // `*` and `?` cross `/`: unless the top-level group is literal, the
                // pattern admits namespaces an attacker can register.
                let top_level = crate::text::split_ascii(value, b'/').next().unwrap_or_default();
                if wild(value) && (component == Component::ProjectId || wild(top_level)) {
                    scope.any_project = true;
                } else if wild(value) {
                    scope.project_wildcard = true;
                }
                if wild(value) && last {
                    return scope;
                }
            }
            Component::Ref => scope.any_ref = whole(value),
            Component::RefType => scope.any_ref_type = whole(value),
            _ => {}
        }
        index += 2;
    }
    scope
}

/// Narrows `scope` by the literal text after a pattern's last wildcard, when it is whole
/// `name:value` pairs: `acme/app*ref:main` and `acme/app:*:ref:main` end in `ref` `main`, so
/// they admit that ref only (of either type). GitLab's `sub` values never contain ':', and
/// no component name ends with another's, so such a tail lines up with the `sub`'s last
/// components whatever the wildcard crossed. Anything else (`*f:main`, `*main`) pins nothing.
fn pin_literal_tail(pattern: &str, scope: &mut PatternScope) {
    let Some(last) = pattern.bytes().rposition(|b| matches!(b, b'*' | b'?')) else {
        return;
    };
    let tail = &pattern[last + 1..];
    let tail = tail.strip_prefix(':').unwrap_or(tail);
    let pieces: Vec<&str> = crate::text::split_ascii(tail, b':').gather();
    if pieces.len() % 2 != 0 {
        return;
    }
    let (mut any_ref, mut any_ref_type) = (scope.any_ref, scope.any_ref_type);
    for pair in pieces.chunks_exact(2) {
        match Component::from_name(pair[0]) {
            None => return,
            Some(Component::Ref) => any_ref = false,
            Some(Component::RefType) => any_ref_type = false,
            Some(_) => {}
        }
    }
    (scope.any_ref, scope.any_ref_type) = (any_ref, any_ref_type);
}

/// A GitLab project full path: `/`-separated segments of letters, digits,
/// `_`, `-` and `.`, at least a namespace and a project.
#[must_use]
pub fn is_project_path(path: &str) -> bool {
    let mut segments = 0;
    for segment in crate::text::split_ascii(path, b'/') {
        let valid = !segment.is_empty()
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !valid {
            return false;
        }
        segments += 1;
    }
    segments >= 2
}

/// Checks a short ref name against git-check-ref-format(1).
///
/// # Errors
/// The rule the name breaks, in words.
#[allow(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "git refuses exactly '.lock', case-sensitively"
)]
pub fn check_ref_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("it is empty");
    }
    if name == "@" {
        return Err("a ref cannot be the single character '@'");
    }
    if let Some(c) = name.chars().find(|c| c.is_control() || *c == ' ') {
        return Err(if c == ' ' {
            "it contains a space"
        } else {
            "it contains a control character"
        });
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\'))
    {
        return Err(match c {
            '~' => "it contains '~'",
            '^' => "it contains '^'",
            ':' => "it contains ':'",
            '?' => "it contains '?'",
            '*' => "it contains '*'",
            '[' => "it contains '['",
            _ => "it contains '\\'",
        });
    }
    if crate::text::contains(name, "..") {
        return Err("it contains '..'");
    }
    if crate::text::contains(name, "@{") {
        return Err("it contains '@{'");
    }
    if name.starts_with('/') || name.ends_with('/') || crate::text::contains(name, "//") {
        return Err("it has an empty path component");
    }
    if name.ends_with('.') {
        return Err("it ends with '.'");
    }
    if crate::text::split_ascii(name, b'/').any(|part| part.starts_with('.') || part.ends_with(".lock")) {
        return Err("a component starts with '.' or ends with '.lock'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_form_round_trips() {
        let sub = "project_path:my-group/my-project:ref_type:branch:ref:feature/x";
        let parsed = Subject::parse(sub).unwrap();
        assert!(parsed.is_default_form());
        assert_eq!(parsed.get(Component::Ref), Some("feature/x"));
        assert_eq!(parsed.to_string(), sub);
    }

    #[test]
    fn customised_forms_round_trip() {
        for sub in [
            "project_id:20:ref_type:branch:ref:main",
            "project_path:g/p:ref:main",
            "project_path:g/p:ref:v1:ref_type:tag",
            "project_path:g/p",
            "project_path:g/sub/p:ref_type:branch:ref:main:ref_protected:true:environment_protected:false:deployment_tier:production",
        ] {
            let parsed = Subject::parse(sub).unwrap();
            assert!(!parsed.is_default_form(), "{sub}");
            assert_eq!(parsed.to_string(), sub);
        }
    }

    #[test]
    fn from_components_refuses_values_with_separators() {
        let ok = Subject::from_components(&[(Component::ProjectPath, "g/p".into()), (Component::Ref, "main".into())])
            .unwrap();
        assert_eq!(ok.to_string(), "project_path:g/p:ref:main");
        assert!(Subject::from_components(&[(Component::ProjectPath, "g/p:ref:x".into())]).is_err());
    }

    #[test]
    fn every_error_has_its_code() {
        let cases = [
            ("", "subject.empty"),
            ("repo:acme/app:ref:refs/heads/main", "subject.github_form"),
            ("job_1234", "subject.legacy_job"),
            ("project_path:g/p:ref_type", "subject.dangling"),
            ("project_path:g/p:branch:main", "subject.unknown_component"),
            ("ref:main:project_path:g/p", "subject.first_component"),
            ("project_path:g/p:ref:a:ref:b", "subject.duplicate"),
            ("project_path:g/p:project_id:1", "subject.misplaced"),
            ("project_path:g/p:ref:", "subject.empty_value"),
            ("project_path:justone:ref:main", "subject.project_path"),
            ("project_path:g/p q:ref:main", "subject.project_path"),
            ("project_id:abc", "subject.project_id"),
            ("project_path:g/p:ref_type:mr:ref:42", "subject.ref_type_mr"),
            ("project_path:g/p:ref_type:pipeline", "subject.ref_type"),
            (
                "project_path:g/p:ref_type:branch:ref:refs/heads/main",
                "subject.ref_prefix",
            ),
            ("project_path:g/p:ref:a..b", "subject.ref"),
            ("project_path:g/p:ref:*", "subject.ref"),
            ("project_path:g/p:ref_protected:yes", "subject.boolean"),
            ("project_path:g/p:deployment_tier:prod", "subject.deployment_tier"),
        ];
        for (sub, code) in cases {
            let err = Subject::parse(sub).unwrap_err();
            assert_eq!(err.code(), code, "{sub:?}: {err}");
        }
    }

    #[test]
    fn pattern_scopes() {
        let exact = pattern_scope("project_path:g/p:ref_type:branch:ref:main");
        assert_eq!(
            exact,
            PatternScope {
                by_path: true,
                ..PatternScope::default()
            }
        );
        assert!(pattern_scope("*").any_project);
        assert!(pattern_scope("project_path:*:ref_type:branch:ref:main").any_project);
        for any in [
            "project_path:?*:ref_type:branch:ref:main",
            "project_path:*/*:ref_type:branch:ref:main",
            "project_path:*?",
            "project_path:a*:ref_type:branch:ref:main",
            "project_path:*/x:ref_type:branch:ref:main",
            "project_id:?*:ref_type:branch:ref:main",
            "project_id:4*",
        ] {
            let scope = pattern_scope(any);
            assert!(scope.any_project && !scope.project_wildcard, "{any}");
        }
        let group = pattern_scope("project_path:g/*:ref_type:branch:ref:main");
        assert!(group.project_wildcard && !group.any_ref && !group.any_project);
        assert!(!pattern_scope("project_path:g/p?:ref:main").any_project);
        let trailing = pattern_scope("project_path:g/*");
        assert!(trailing.project_wildcard && trailing.any_ref && trailing.any_ref_type);
        let any_branch = pattern_scope("project_path:g/p:ref_type:branch:ref:*");
        assert!(any_branch.any_ref && !any_branch.any_ref_type);
        for any in ["*", "?*", "*?", "??*"] {
            assert!(
                pattern_scope(&format!("project_path:g/p:ref_type:{any}:ref:main")).any_ref_type,
                "{any}"
            );
            assert!(
                pattern_scope(&format!("project_path:g/p:ref_type:branch:ref:{any}")).any_ref,
                "{any}"
            );
        }
        assert!(
            !pattern_scope("project_path:g/p:ref_type:branch:ref:??").any_ref,
            "?? is two characters"
        );
        assert!(pattern_scope("project_path:g/p:*").any_ref);
        let release = pattern_scope("project_path:g/p:ref_type:branch:ref:release/*");
        assert!(!release.any_ref, "release/* is a narrowed pattern, not any ref");
        let by_id = pattern_scope("project_id:42:ref_type:branch:ref:main");
        assert!(!by_id.by_path && !by_id.any_ref);
        assert!(pattern_scope("project_path:g/p").any_ref, "no ref component: every ref");
        assert_eq!(
            pattern_scope("repo:acme/app:ref:refs/heads/main"),
            PatternScope::default()
        );
        // A wildcard that crossed a ':' leaves a literal where a name should be: keep the scope so far.
        for any in [
            "project_path:*ref:main",
            "project_path:a*ref:main",
            "project_path:*_type:branch:ref:main",
            "project_path:*/*ref:main",
        ] {
            assert!(pattern_scope(any).any_project, "{any}");
        }
        let group = pattern_scope("project_path:acme/app*ref:main");
        assert!(group.project_wildcard && group.by_path && !group.any_project);
        // What such a pattern still pins: the literal `name:value` pairs after its last wildcard.
        // (`acme/app:*` keeps the project: a path never holds ':'; `acme/app*` does not.)
        for (pattern, project_wildcard, any_ref, any_ref_type) in [
            ("project_path:acme/app*ref:main", true, false, true),
            ("project_path:acme/app:*:ref:main", false, false, true),
            ("project_path:acme/app*ref_type:tag:ref:v1", true, false, false),
            ("project_path:acme/app:*:ref_type:branch:ref:main", false, false, false),
            ("project_path:acme/app*ref_protected:true", true, true, true),
            // Not whole pairs: `f` may end `ref` or a value, `main` may end any ref (`domain`).
            ("project_path:acme/app*f:main", true, true, true),
            ("project_path:acme/app*main", true, true, true),
            ("project_path:acme/app*:main", true, true, true),
            ("project_path:acme/app*type:branch:ref:main", true, true, true),
            ("project_path:acme/app:*", false, true, true),
        ] {
            let scope = pattern_scope(pattern);
            assert_eq!(
                (scope.project_wildcard, scope.any_ref, scope.any_ref_type),
                (project_wildcard, any_ref, any_ref_type),
                "{pattern}"
            );
            assert!(!scope.any_project, "{pattern}");
        }
    }

    #[test]
    fn git_ref_rules() {
        for ok in ["main", "feature/x", "v1.4.0", "release-2024.01", "a@b", "ünïcode"] {
            assert_eq!(check_ref_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "a b", "a~1", "a^", "x?", "[x", "a\\b", "a..b", "a@{1}", "/a", "a/", "a//b", "a.", ".a", "a.lock", "@",
            "a\tb",
        ] {
            assert!(check_ref_name(bad).is_err(), "{bad}");
        }
    }
}
