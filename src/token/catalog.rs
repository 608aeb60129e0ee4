//! What each GitLab ID-token claim means, as data.
//!
//! Sources: GitLab's "OpenID Connect (OIDC) Authentication Using ID Tokens"
//! claims table (`doc/ci/secrets/id_token_authentication.md`, and its older text with
//! per-claim "Introduced in" notes), `lib/gitlab/ci/jwt.rb`, `lib/gitlab/ci/jwt_v2.rb`,
//! `lib/gitlab/ci/jwt_v2/claim_mapper.rb` and `lib/json_web_token/user_project_token_claims.rb`,
//! and "Configure OpenID Connect in AWS" for the claims AWS evaluates. Claims with
//! no version of their own arrived with ID tokens in GitLab 15.7.
//!
//! Which project the project claims name in a merge request pipeline from a fork (run in
//! the parent project): `project_*` and `namespace_*` are the fork's (since the 18.2.2
//! security fix), `job_project_*` and `job_namespace_*` the project the job runs in, and
//! `source_project_*` and `source_namespace_*` the merge request's source project. In every
//! other pipeline they all name the same project.

use serde::Serialize;
use serde_json::Value;

/// The JSON type GitLab gives a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimType {
    String,
    /// Seconds since the epoch, an integer.
    NumericDate,
    Integer,
    /// The string `"true"` or `"false"`, never a JSON boolean.
    BooleanString,
    /// A string, or a list of strings when the job lists several audiences.
    StringOrStringList,
    StringList,
    /// A string, or `null` when the value does not apply.
    NullableString,
    ObjectList,
    Object,
}

impl ClaimType {
    /// Whether a value has this type.
    #[must_use]
    pub fn accepts(self, value: &Value) -> bool {
        match self {
            Self::String => value.is_string(),
            Self::NumericDate | Self::Integer => value.is_i64(),
            Self::BooleanString => matches!(value.as_str(), Some("true" | "false")),
            Self::StringOrStringList => {
                value.is_string() || value.as_array().is_some_and(|l| l.iter().all(Value::is_string))
            }
            Self::StringList => value.as_array().is_some_and(|l| l.iter().all(Value::is_string)),
            Self::NullableString => value.is_string() || value.is_null(),
            Self::ObjectList => value.as_array().is_some_and(|l| l.iter().all(Value::is_object)),
            Self::Object => value.is_object(),
        }
    }

    /// Words for messages: what was expected.
    #[must_use]
    pub fn expected(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::NumericDate => "an integer number of seconds since 1970",
            Self::Integer => "an integer",
            Self::BooleanString => "the string \"true\" or \"false\"",
            Self::StringOrStringList => "a string or a list of strings",
            Self::StringList => "a list of strings",
            Self::NullableString => "a string or null",
            Self::ObjectList => "a list of objects",
            Self::Object => "an object",
        }
    }
}

/// Where AWS can use a claim as a trust-policy condition key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AwsConditionKey {
    /// `<host>:sub`, `<host>:aud`: for every GitLab instance.
    EveryInstance,
    /// `gitlab.com:<claim>`: AWS evaluates it only for gitlab.com.
    GitlabComOnly,
    /// AWS does not evaluate this claim.
    No,
}

/// One claim GitLab puts in ID tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimInfo {
    pub name: &'static str,
    /// One line: what the value is.
    pub meaning: &'static str,
    /// When GitLab includes it.
    pub presence: &'static str,
    /// The GitLab version that introduced it in ID tokens, written to read after "since GitLab";
    /// empty for a claim GitLab never puts in an `id_tokens` token.
    pub since: &'static str,
    pub value_type: ClaimType,
    pub aws_condition_key: AwsConditionKey,
    /// Values GitLab documents, when the set is closed.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub known_values: &'static [&'static str],
}

const ALWAYS: &str = "always";
const ID_TOKENS: &str = "15.7";
/// `job_project_*`, `job_namespace_*`: GitLab 18.4 (issue 563038), backported to 18.3.x and 18.2.x
/// patch releases (merge requests 205700 and 205705).
const JOB_PROJECT: &str = "18.4 (and 18.2.x, 18.3.x patch releases)";
/// `source_project_*`, `source_namespace_*`: <https://gitlab.com/gitlab-org/gitlab/-/merge_requests/258245>
/// ("It adds `source_project_id`, `source_project_path`, `source_namespace_id` and
/// `source_namespace_path` claims"). Confirmed: the merge request and its claim names. Not confirmed: the release; the newest
/// claims table read (it mentions 18.9) does not list them, hence "18.10 or later".
const SOURCE_PROJECT: &str = "18.10 or later (release unconfirmed)";
/// Always present, from the same merge request as [`SOURCE_PROJECT`]; not confirmed beyond its text.
const SOURCE_PRESENCE: &str = "always, presumably (newer than GitLab's claims table)";
/// In a merge request pipeline from a fork, which project the project claims name.
const FORK_IS_FORK: &str = "always (in a merge request pipeline from a fork: the fork's, since 18.2.2)";
const USER_OR_NULL: &str = "always; null when the job has no user";

const fn claim(
    name: &'static str,
    meaning: &'static str,
    presence: &'static str,
    since: &'static str,
    value_type: ClaimType,
    aws_condition_key: AwsConditionKey,
) -> ClaimInfo {
    ClaimInfo {
        name,
        meaning,
        presence,
        since,
        value_type,
        aws_condition_key,
        known_values: &[],
    }
}

const fn with_values(info: ClaimInfo, known_values: &'static [&'static str]) -> ClaimInfo {
    ClaimInfo { known_values, ..info }
}

use AwsConditionKey::{EveryInstance, GitlabComOnly, No};
use ClaimType::{
    BooleanString, Integer, NullableString, NumericDate, Object, ObjectList, String as Str, StringList,
    StringOrStringList,
};

/// Every claim GitLab documents for ID tokens, standard claims first.
pub const CLAIMS: &[ClaimInfo] = &[
    claim("iss", "Issuer: the GitLab instance's URL (its ci_id_tokens issuer_url); AWS matches it to the IAM OIDC provider URL.", ALWAYS, ID_TOKENS, Str, No),
    claim("sub", "Subject: project and ref as project_path:{group}/{project}:ref_type:{branch|tag}:ref:{ref}, or the project's customised components.", ALWAYS, ID_TOKENS, Str, EveryInstance),
    claim("aud", "Audience: the value the job set in id_tokens:…:aud; must be in the IAM provider's client-ID list.", ALWAYS, ID_TOKENS, StringOrStringList, EveryInstance),
    claim("exp", "Expiry: issued-at plus the job's timeout (5 minutes without one).", ALWAYS, ID_TOKENS, NumericDate, No),
    claim("nbf", "Not before: 5 seconds before issue, to absorb clock drift.", ALWAYS, ID_TOKENS, NumericDate, No),
    claim("iat", "Issued at: when the job's token was created.", ALWAYS, ID_TOKENS, NumericDate, No),
    claim("jti", "Unique token ID (a random UUID).", ALWAYS, ID_TOKENS, Str, No),
    // A gitlab.com condition key, and the fork's in a fork's merge request pipeline: where it matters, say so.
    claim("namespace_id", "ID of the group or user namespace that owns the project; changes when the project is transferred. On gitlab.com AWS matches it, so a namespace_id pin refuses merge request pipelines from forks in other namespaces.", FORK_IS_FORK, ID_TOKENS, Str, GitlabComOnly),
    claim("namespace_path", "Full path of the owning group or user namespace.", FORK_IS_FORK, ID_TOKENS, Str, No),
    claim("project_id", "Project ID: stable for the project's lifetime, across renames and transfers.", FORK_IS_FORK, ID_TOKENS, Str, GitlabComOnly),
    claim("project_path", "Full project path, group/subgroup/project.", FORK_IS_FORK, ID_TOKENS, Str, No),
    claim("user_id", "ID of the user who ran the job (empty when there is none).", ALWAYS, ID_TOKENS, Str, GitlabComOnly),
    // `user&.username`, `user&.email`, not compacted: JSON null without a user.
    claim("user_login", "Username of the user who ran the job.", USER_OR_NULL, ID_TOKENS, NullableString, GitlabComOnly),
    claim("user_email", "Email of the user who ran the job.", USER_OR_NULL, ID_TOKENS, NullableString, GitlabComOnly),
    // Issue 432052; `nil` without a user or a membership.
    with_values(claim("user_access_level", "The user's highest role in the project, lowercase.", "always; null when the job has no user or the user is not a member", "16.9", NullableString, GitlabComOnly), &["guest", "planner", "reporter", "developer", "maintainer", "owner"]),
    claim("user_identities", "The user's external identities ({provider, extern_uid}).", "when the user enabled it in preferences", "16.0", ObjectList, No),
    claim("job_project_id", "ID of the project the job runs in (in a fork's merge request pipeline run in the parent: the parent's, while project_id is the fork's); may be a sub component.", ALWAYS, JOB_PROJECT, Str, No),
    claim("job_project_path", "Path of the project the job runs in; may be a sub component.", ALWAYS, JOB_PROJECT, Str, No),
    claim("job_namespace_id", "Namespace ID of the project the job runs in.", ALWAYS, JOB_PROJECT, Str, No),
    claim("job_namespace_path", "Namespace path of the project the job runs in.", ALWAYS, JOB_PROJECT, Str, No),
    claim("source_project_id", "ID of the merge request's source project (a fork's, for a merge request from a fork); may be a sub component.", SOURCE_PRESENCE, SOURCE_PROJECT, Str, No),
    claim("source_project_path", "Path of the merge request's source project; may be a sub component.", SOURCE_PRESENCE, SOURCE_PROJECT, Str, No),
    claim("source_namespace_id", "Namespace ID of the merge request's source project.", SOURCE_PRESENCE, SOURCE_PROJECT, Str, No),
    claim("source_namespace_path", "Namespace path of the merge request's source project.", SOURCE_PRESENCE, SOURCE_PROJECT, Str, No),
    claim("pipeline_id", "Pipeline ID.", ALWAYS, ID_TOKENS, Str, No),
    with_values(claim("pipeline_source", "What started the pipeline (push, web, schedule, merge_request_event, …).", ALWAYS, ID_TOKENS, Str, GitlabComOnly), &["push", "web", "trigger", "schedule", "api", "external", "pipeline", "chat", "webide", "merge_request_event", "external_pull_request_event", "parent_pipeline", "ondemand_dast_scan", "ondemand_dast_validation", "security_orchestration_policy", "container_registry_push", "duo_workflow", "pipeline_execution_policy_schedule", "unknown"]),
    claim("job_id", "Job ID.", ALWAYS, ID_TOKENS, Str, No),
    claim("ref", "Short name of the branch or tag (in merge request pipelines: the source branch).", ALWAYS, ID_TOKENS, Str, No),
    with_values(claim("ref_type", "Kind of ref: branch or tag (merge request pipelines are branch).", ALWAYS, ID_TOKENS, Str, No), &["branch", "tag"]),
    claim("ref_path", "Full ref, e.g. refs/heads/main or refs/tags/v1.0.", ALWAYS, "16.0", Str, No),
    claim("ref_protected", "Whether the ref is protected, as the string \"true\" or \"false\".", ALWAYS, ID_TOKENS, BooleanString, GitlabComOnly),
    claim("groups_direct", "Paths of groups the user is a direct member of.", "behind feature flag ci_jwt_groups_direct (off by default), when the job has a user; left out when the user is a direct member of more than 200 groups", "16.11", StringList, No),
    claim("environment", "Environment the job deploys to.", "when the job sets an environment", ID_TOKENS, Str, No),
    // `environment_protected?` is `false # Overridden in EE` (jwt.rb).
    claim("environment_protected", "Whether that environment is protected, \"true\" or \"false\" (always \"false\" on GitLab Free and CE, which has no protected environments).", "when the job sets an environment", ID_TOKENS, BooleanString, No),
    // 15.2 added it to CI_JOB_JWT (issue 363590); ID tokens carried it from their start.
    with_values(claim("deployment_tier", "Tier of the environment.", "when the job sets an environment", ID_TOKENS, Str, No), &["production", "staging", "testing", "development", "other"]),
    with_values(claim("environment_action", "The job's environment action.", "when the job sets an environment", "16.5", Str, No), &["start", "prepare", "stop", "verify", "access"]),
    claim("runner_id", "ID of the runner executing the job (a number, not a string).", "always when a runner runs the job", "16.0", Integer, No),
    // `dot_com_gitlab_hosted?` (jwt_v2.rb): runners hosted for GitLab Dedicated report self-hosted.
    with_values(claim("runner_environment", "Whether the runner is GitLab-hosted or self-hosted: gitlab-hosted only for gitlab.com's hosted runners (GitLab Dedicated's hosted runners report self-hosted).", ALWAYS, "16.0", Str, GitlabComOnly), &["gitlab-hosted", "self-hosted"]),
    claim("sha", "Commit SHA the job runs on.", ALWAYS, "16.0", Str, No),
    // claim_mapper.rb returns {} (both claims absent) when no mapper applies and the
    // default_jwt_ci_config_ref_uri feature flag is off; GitLab's table says only "null".
    claim("ci_config_ref_uri", "Where the pipeline definition lives: host/path//file@ref.", "usually; null, or absent, unless the definition is in the same project", "16.2", NullableString, No),
    claim("ci_config_sha", "Commit SHA of the pipeline definition.", "usually; null, or absent, unless the definition is in the same project", "16.2", NullableString, No),
    with_values(claim("project_visibility", "Project visibility.", ALWAYS, "16.3", Str, No), &["private", "internal", "public"]),
    claim("job_source", "What created the job.", ALWAYS, "18.9", Str, No),
    claim("job_config", "Policy that injected the job ({url, sha}).", "when a security policy triggers the job", "18.9", Object, No),
    // Not in GitLab's claim table: `JwtV2.for_build(build, aud: …, target_audience: …)` is called with
    // it only by the Google Cloud IAM integration; `id_tokens` (ci/build.rb) passes only aud and sub_components.
    claim("target_audience", "Target audience for Google Cloud workload identity federation.", "never in an id_tokens token: only GitLab's Google Cloud IAM integration sets it", "", Str, No),
];

/// Looks a claim up by name.
#[must_use]
pub fn claim_info(name: &str) -> Option<&'static ClaimInfo> {
    // Lengths first: at opt-level "z" each string comparison is a call, and most names differ in
    // length (issue 21: these lookups were a tenth of `inspectToken`).
    CLAIMS
        .iter()
        .find(|info| info.name.len() == name.len() && info.name == name)
}

/// The claims AWS evaluates as condition keys for an issuer.
pub fn condition_key_claims(gitlab_com: bool) -> impl Iterator<Item = &'static ClaimInfo> {
    CLAIMS.iter().filter(move |info| match info.aws_condition_key {
        AwsConditionKey::EveryInstance => true,
        AwsConditionKey::GitlabComOnly => gitlab_com,
        AwsConditionKey::No => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        for (i, info) in CLAIMS.iter().enumerate() {
            assert!(CLAIMS[i + 1..].iter().all(|o| o.name != info.name), "{}", info.name);
        }
    }

    #[test]
    fn aws_keys_are_exactly_the_documented_ones() {
        let mut everywhere: Vec<_> = condition_key_claims(false).map(|c| c.name).collect();
        everywhere.sort_unstable();
        assert_eq!(everywhere, ["aud", "sub"]);
        let mut on_gitlab_com: Vec<_> = condition_key_claims(true).map(|c| c.name).collect();
        on_gitlab_com.sort_unstable();
        assert_eq!(
            on_gitlab_com,
            [
                "aud",
                "namespace_id",
                "pipeline_source",
                "project_id",
                "ref_protected",
                "runner_environment",
                "sub",
                "user_access_level",
                "user_email",
                "user_id",
                "user_login",
            ]
        );
    }

    #[test]
    fn types_accept_what_gitlab_sends() {
        assert!(ClaimType::BooleanString.accepts(&"true".into()));
        assert!(!ClaimType::BooleanString.accepts(&true.into()));
        assert!(ClaimType::Integer.accepts(&12.into()));
        assert!(!ClaimType::Integer.accepts(&"12".into()));
        assert!(!ClaimType::NumericDate.accepts(&serde_json::json!(1.5)));
        assert!(ClaimType::StringOrStringList.accepts(&serde_json::json!(["a", "b"])));
        assert!(!ClaimType::StringOrStringList.accepts(&serde_json::json!(["a", 1])));
        assert!(ClaimType::NullableString.accepts(&Value::Null));
    }

    /// What GitLab 18.x sends, claim by claim, where the catalog was corrected (fidelity audit
    /// 2026-12, section 1).
    #[test]
    fn the_catalog_follows_gitlab_18() {
        let info = |name| claim_info(name).unwrap_or_else(|| panic!("{name} is catalogued"));
        // MR 258245: the source project of a merge request; release unconfirmed, after 18.9.
        for name in [
            "source_project_id",
            "source_project_path",
            "source_namespace_id",
            "source_namespace_path",
        ] {
            assert_eq!(info(name).since, "18.10 or later (release unconfirmed)", "{name}");
            assert_eq!(info(name).value_type, ClaimType::String, "{name}");
            assert_eq!(info(name).aws_condition_key, AwsConditionKey::No, "{name}");
        }
        for name in [
            "job_project_id",
            "job_project_path",
            "job_namespace_id",
            "job_namespace_path",
        ] {
            assert!(
                info(name).since.starts_with("18.4 ") && info(name).since.contains("18.2.x"),
                "{name}"
            );
        }
        // Null without a user (user&.username, not compacted).
        for name in ["user_login", "user_email", "user_access_level"] {
            assert_eq!(info(name).value_type, ClaimType::NullableString, "{name}");
            assert!(info(name).value_type.accepts(&Value::Null), "{name}");
            assert!(info(name).presence.contains("null"), "{name}");
        }
        assert_eq!(info("target_audience").since, "", "never in an id_tokens token");
        assert!(info("target_audience").presence.contains("Google Cloud IAM"));
        assert_eq!(info("deployment_tier").since, ID_TOKENS, "15.2 was CI_JOB_JWT");
        for name in ["namespace_id", "namespace_path", "project_id", "project_path"] {
            assert!(info(name).presence.contains("fork"), "{name}");
        }
        assert!(info("namespace_id").meaning.contains("namespace_id pin"));
        assert!(info("groups_direct").presence.contains("more than 200"));
        assert!(info("groups_direct").presence.contains("user"));
        for name in ["ci_config_ref_uri", "ci_config_sha"] {
            assert!(info(name).presence.contains("absent"), "{name}");
        }
        assert!(info("environment_protected").meaning.contains("Free"));
        assert!(info("runner_environment").meaning.contains("Dedicated"));
        // Every since reads after "since GitLab ": a version first, or nothing.
        for claim in CLAIMS {
            assert!(
                claim.since.is_empty() || claim.since.starts_with(|c: char| c.is_ascii_digit()),
                "{}: {:?}",
                claim.name,
                claim.since
            );
        }
    }
}
