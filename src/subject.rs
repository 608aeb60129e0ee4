//! The GitLab `sub` claim grammar.
//!
//! GitLab builds `sub` as `name:value` pairs joined by `:`, from the project's
//! `ci_id_token_sub_claim_components` (default `project_path`, `ref_type`,
//! `ref`), dropping components that have no value
//! (`sub_components.select { |c| custom_claims[c] }.flat_map { |c| [c, custom_claims[c]] }.join(':')`,
//! `lib/gitlab/ci/jwt_v2.rb`). Paths and refs never contain `:`, so `:` is always a
//! separator and parsing is unambiguous.
//!
//! What the setting may hold, as GitLab validates it (`app/models/project_ci_cd_setting.rb`,
//! 17.10: `ALLOWED_SUB_CLAIM_COMPONENTS`, "`project_path` must be the first element"): the
//! first element must identify the project, and every element must be an allowed
//! component. Nothing else is checked: no uniqueness, no position for the later
//! elements. So GitLab accepts, and emits, a component listed twice (with the same value
//! both times: it is the same claim) and a project component after the first; both parse
//! here, and the inspector reports a repeated component as advice (TOK018), not as a
//! `sub` GitLab cannot emit.
//!
//! The allowed components, by source:
//! - `project_path`, `ref_type`, `ref`: the setting's first release (17.10).
//! - `project_id` first: GitLab's cloud-services guide ("set `ci_id_token_sub_claim_components`
//!   to a value similar to `["project_id", "ref_type", "ref"]`"); release UNCONFIRMED.
//! - `ref_protected`, `environment_protected`, `deployment_tier`: "Introduced in GitLab 18.7"
//!   (`doc/ci/secrets/id_token_authentication.md`, `sub` row).
//! - `job_project_path`, `job_project_id`, `source_project_path`, `source_project_id`, "including
//!   as the first one": <https://gitlab.com/gitlab-org/gitlab/-/merge_requests/258245>; release
//!   UNCONFIRMED (after 18.9).
//!
//! Which project each names, in a merge request pipeline from a fork (run in the parent
//! project): `project_*` (and `namespace_*`) are the fork's since the 18.2.2 security fix,
//! `job_project_*` the project the job runs in (the parent), and `source_project_*` the merge
//! request's source project. In every other pipeline all three name the same project.

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
    /// The project the job runs in (MR 258245).
    JobProjectPath,
    JobProjectId,
    /// A merge request's source project (MR 258245).
    SourceProjectPath,
    SourceProjectId,
    RefType,
    Ref,
    RefProtected,
    EnvironmentProtected,
    DeploymentTier,
}

impl Component {
    /// Every component: the ones that identify the project (any may come first), then the rest.
    pub const ALL: [Self; 11] = [
        Self::ProjectPath,
        Self::ProjectId,
        Self::JobProjectPath,
        Self::JobProjectId,
        Self::SourceProjectPath,
        Self::SourceProjectId,
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
            Self::JobProjectPath => "job_project_path",
            Self::JobProjectId => "job_project_id",
            Self::SourceProjectPath => "source_project_path",
            Self::SourceProjectId => "source_project_id",
            Self::RefType => "ref_type",
            Self::Ref => "ref",
            Self::RefProtected => "ref_protected",
            Self::EnvironmentProtected => "environment_protected",
            Self::DeploymentTier => "deployment_tier",
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        // Lengths first, as `catalog::claim_info` does.
        Self::ALL
            .into_iter()
            .find(|c| c.name().len() == name.len() && c.name() == name)
    }

    /// The components GitLab accepts first: a project's path or id. GitLab requires one of
    /// them first and checks nothing about the later elements but membership, so they may
    /// also come later.
    #[must_use]
    pub fn identifies_project(self) -> bool {
        self.is_project_path() || self.is_project_id()
    }

    /// `project_path`, `job_project_path`, `source_project_path`: a project's full path.
    #[must_use]
    pub fn is_project_path(self) -> bool {
        matches!(self, Self::ProjectPath | Self::JobProjectPath | Self::SourceProjectPath)
    }

    /// `project_id`, `job_project_id`, `source_project_id`: a project's numeric id.
    #[must_use]
    pub fn is_project_id(self) -> bool {
        matches!(self, Self::ProjectId | Self::JobProjectId | Self::SourceProjectId)
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The components GitLab accepts first, for messages.
pub const FIRST_NAMES: &str =
    "project_path, project_id, job_project_path, job_project_id, source_project_path or source_project_id";
const ALLOWED_NAMES: &str = "project_path, project_id, job_project_path, job_project_id, source_project_path, source_project_id, ref_type, ref, ref_protected, environment_protected, deployment_tier";
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
    #[error("sub starts with {found:?}; GitLab always starts it with {FIRST_NAMES}")]
    FirstComponent { found: String },
    /// A component twice with different values: GitLab writes the same claim each time.
    #[error(
        "sub has {component} twice with different values ({first:?}, then {second:?}); GitLab writes the same claim each time a component is listed"
    )]
    Duplicate {
        component: Component,
        first: String,
        second: String,
    },
    #[error("sub component {0} has an empty value")]
    EmptyValue(Component),
    #[error(
        "sub {component} {value:?} is not a GitLab project path; expected group/project of letters, digits, '_', '-', '.'"
    )]
    ProjectPath { component: Component, value: String },
    #[error("sub {component} {value:?} is not a number")]
    ProjectId { component: Component, value: String },
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
            Self::Duplicate { .. } => "subject.duplicate",
            Self::EmptyValue(_) => "subject.empty_value",
            Self::ProjectPath { .. } => "subject.project_path",
            Self::ProjectId { .. } => "subject.project_id",
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
            // GitLab checks later elements only for membership: a project component may come
            // again later, and a repeated component is written again, with the same value.
            if let Some((_, first)) = components.iter().find(|(seen, _)| *seen == component) {
                if first != value {
                    return Err(SubjectError::Duplicate {
                        component,
                        first: first.clone(),
                        second: value.to_owned(),
                    });
                }
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

    /// A component's value. A component listed twice has the same value both times
    /// ([`Subject::parse`] refuses anything else), so this is its first occurrence.
    #[must_use]
    pub fn get(&self, component: Component) -> Option<&str> {
        self.components
            .iter()
            .find(|(c, _)| *c == component)
            .map(|(_, v)| v.as_str())
    }

    /// The components that appear more than once, each once, in `sub` order: legal (GitLab
    /// writes a component as often as the project's setting lists it), but worth a word.
    #[must_use]
    pub fn repeated(&self) -> Vec<Component> {
        let mut repeated: Vec<Component> = Vec::new();
        for (index, (component, _)) in self.components.iter().enumerate() {
            if !repeated.contains(component) && self.components[..index].iter().any(|(c, _)| c == component) {
                repeated.push(*component);
            }
        }
        repeated
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
        Component::ProjectPath | Component::JobProjectPath | Component::SourceProjectPath => {
            if !is_project_path(value) {
                return Err(SubjectError::ProjectPath {
                    component,
                    value: value.to_owned(),
                });
            }
        }
        Component::ProjectId | Component::JobProjectId | Component::SourceProjectId => {
            if !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(SubjectError::ProjectId {
                    component,
                    value: value.to_owned(),
                });
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
            // The first component names the project. A project component later (GitLab allows
            // it) can only narrow what the first admits; the scope is read from the first.
            _ if index == 0 && component.identifies_project() => {
                scope.by_path = component.is_project_path();
                // `*` and `?` cross `/`: unless the top-level group is literal, the
                // pattern admits namespaces an attacker can register.
                let top_level = crate::text::split_ascii(value, b'/').next().unwrap_or_default();
                if wild(value) && (component.is_project_id() || wild(top_level)) {
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
/// they admit that ref only (of either type). GitLab's `sub` values never contain ':', so
/// such a tail lines up with the `sub`'s last components whatever the wildcard crossed; only
/// its first name may be the end of a longer one (`project_path` of `job_project_path`), and
/// no component name but `ref` and `ref_type` themselves ends with either, so the `ref` and
/// `ref_type` it pins are those. Anything else (`*f:main`, `*main`) pins nothing.
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

    /// GitLab's documented behaviour, component by component: the first element must be one of
    /// the six project components (`project_path`, `project_id`; `job_project_*` and
    /// `source_project_*` from MR 258245, "including as the first one"); later elements are only
    /// checked for membership (17.10 `ALLOWED_SUB_CLAIM_COMPONENTS`), so a project component
    /// later and a repeated component are emitted as listed. `*_path` values are project paths,
    /// `*_id` values digits.
    #[test]
    fn the_grammar_follows_gitlab() {
        let project = [
            ("project_path", "acme/app", "acme"),
            ("project_id", "42", "4x"),
            ("job_project_path", "acme/sub/app", "acme/"),
            ("job_project_id", "7", "-7"),
            ("source_project_path", "fork-owner/app", "fork owner/app"),
            ("source_project_id", "123456", "12 3"),
        ];
        for (name, good, bad) in project {
            let component = Component::from_name(name).unwrap();
            assert!(component.identifies_project(), "{name}");
            assert_eq!(component.is_project_path(), name.ends_with("_path"), "{name}");
            assert_eq!(component.is_project_id(), name.ends_with("_id"), "{name}");
            // First, alone and with the rest of the default form.
            for sub in [
                format!("{name}:{good}"),
                format!("{name}:{good}:ref_type:branch:ref:main"),
                format!("{name}:{good}:ref_type:tag:ref:v1:ref_protected:true:deployment_tier:production"),
            ] {
                let parsed = Subject::parse(&sub).unwrap_or_else(|e| panic!("{sub}: {e}"));
                assert_eq!(parsed.get(component), Some(good), "{sub}");
                assert_eq!(parsed.to_string(), sub);
                assert!(parsed.repeated().is_empty(), "{sub}");
            }
            // Later, after another project component: accepted, no advice (nothing repeats).
            let other = if name == "project_id" {
                "project_path:acme/app"
            } else {
                "project_id:1"
            };
            let later = format!("{other}:ref_type:branch:ref:main:{name}:{good}");
            let parsed = Subject::parse(&later).unwrap_or_else(|e| panic!("{later}: {e}"));
            assert_eq!(parsed.get(component), Some(good), "{later}");
            assert!(parsed.repeated().is_empty(), "{later}");
            // Twice with the same value: GitLab emits it; advice, not an error.
            let twice = format!("{name}:{good}:ref:main:{name}:{good}");
            let parsed = Subject::parse(&twice).unwrap_or_else(|e| panic!("{twice}: {e}"));
            assert_eq!(parsed.repeated(), [component], "{twice}");
            assert_eq!(parsed.to_string(), twice);
            // Twice with different values: one claim cannot have two values.
            let differing = format!("{name}:{good}:ref:main:{name}:{good}0");
            let err = Subject::parse(&differing).unwrap_err();
            assert_eq!(err.code(), "subject.duplicate", "{differing}");
            assert!(err.to_string().contains(name), "{err}");
            // Values: a project path for *_path, digits for *_id, first or later.
            for sub in [format!("{name}:{bad}"), format!("{other}:{name}:{bad}")] {
                let err = Subject::parse(&sub).unwrap_err();
                let expected = if name.ends_with("_path") {
                    "subject.project_path"
                } else {
                    "subject.project_id"
                };
                assert_eq!(err.code(), expected, "{sub}: {err}");
                assert!(err.to_string().contains(name), "{sub}: {err} names the component");
            }
        }
        // The rest may not come first, and the message names every component that may.
        for name in [
            "ref_type",
            "ref",
            "ref_protected",
            "environment_protected",
            "deployment_tier",
        ] {
            let component = Component::from_name(name).unwrap();
            assert!(!component.identifies_project(), "{name}");
            let value = match component {
                Component::RefType => "branch",
                Component::Ref => "main",
                Component::DeploymentTier => "production",
                _ => "true",
            };
            let err = Subject::parse(&format!("{name}:{value}:project_path:g/p")).unwrap_err();
            assert_eq!(err.code(), "subject.first_component", "{name}");
            for first in ["project_path", "job_project_id", "source_project_id"] {
                assert!(err.to_string().contains(first), "{err}");
            }
            // Twice with the same value, later: legal, advice.
            let twice = format!("project_path:g/p:{name}:{value}:{name}:{value}");
            assert_eq!(Subject::parse(&twice).unwrap().repeated(), [component], "{twice}");
        }
        // The first occurrence is what get() returns; repeated() lists each component once.
        let many = Subject::parse("project_path:g/p:ref:main:ref:main:project_path:g/p:ref:main").unwrap();
        assert_eq!(many.get(Component::Ref), Some("main"));
        assert_eq!(many.repeated(), [Component::Ref, Component::ProjectPath]);
        assert!(!many.is_default_form());
    }

    #[test]
    fn every_component_has_a_unique_name() {
        for (index, component) in Component::ALL.into_iter().enumerate() {
            assert_eq!(Component::from_name(component.name()), Some(component));
            assert!(Component::ALL[..index].iter().all(|c| c.name() != component.name()));
            assert!(ALLOWED_NAMES.contains(component.name()), "{component}");
            assert_eq!(
                FIRST_NAMES.contains(component.name()),
                component.identifies_project(),
                "{component}"
            );
        }
    }

    /// The page keeps its own list (it needs it before the module loads); it must be this one.
    #[test]
    fn the_page_and_the_types_list_every_component_in_order() {
        let page = include_str!("../www/policy-pane.js");
        let start = page
            .find("export const COMPONENTS = [")
            .expect("COMPONENTS in www/policy-pane.js");
        let list = &page[start..start + page[start..].find("];").unwrap()];
        let names: Vec<&str> = list.split('"').skip(1).step_by(2).collect();
        let expected: Vec<&str> = Component::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names, expected, "www/policy-pane.js COMPONENTS");
        let types = include_str!("wasm/types.d.ts");
        let start = types.find("export interface SubjectComponent {").unwrap();
        let union = &types[start..start + types[start..].find(';').unwrap()];
        let names: Vec<&str> = union.split('"').skip(1).step_by(2).collect();
        assert_eq!(names, expected, "src/wasm/types.d.ts SubjectComponent.name");
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
            ("project_id:1:ref:main:project_id:2", "subject.duplicate"),
            ("project_path:g/p:ref:", "subject.empty_value"),
            ("project_path:justone:ref:main", "subject.project_path"),
            ("project_path:g/p q:ref:main", "subject.project_path"),
            ("project_id:abc", "subject.project_id"),
            ("job_project_id:1a", "subject.project_id"),
            ("source_project_path:single", "subject.project_path"),
            ("ref_type:branch:job_project_id:1", "subject.first_component"),
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
        // Every project component first: *_path by path, *_id by id, wildcards as for project_*.
        for first in ["job_project_path", "source_project_path"] {
            let exact = pattern_scope(&format!("{first}:g/p:ref_type:branch:ref:main"));
            assert!(
                exact.by_path && !exact.any_project && !exact.project_wildcard,
                "{first}"
            );
            assert!(
                pattern_scope(&format!("{first}:g/*:ref_type:branch:ref:main")).project_wildcard,
                "{first}"
            );
            assert!(
                pattern_scope(&format!("{first}:*/p:ref_type:branch:ref:main")).any_project,
                "{first}"
            );
        }
        for first in ["job_project_id", "source_project_id"] {
            let exact = pattern_scope(&format!("{first}:42:ref_type:branch:ref:main"));
            assert!(!exact.by_path && !exact.any_project && !exact.any_ref, "{first}");
            assert!(
                pattern_scope(&format!("{first}:4*:ref_type:branch:ref:main")).any_project,
                "{first}"
            );
        }
        // A project component later only narrows: the first decides how the project is named.
        let later = pattern_scope("project_id:42:ref_type:branch:ref:main:project_path:g/p");
        assert!(!later.by_path && !later.any_project && !later.any_ref);
        let later = pattern_scope("project_path:g/p:ref:main:job_project_id:7");
        assert!(later.by_path && !later.any_project && !later.any_ref);
        let later = pattern_scope("project_id:42:ref:main:job_project_path:*");
        assert!(!later.any_project && !later.project_wildcard && !later.any_ref);
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
            // The tail's first name may end a longer one (`job_project_path`): still whole pairs.
            (
                "project_path:acme/app*project_path:acme/app:ref:main",
                true,
                false,
                true,
            ),
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
