//! What each GitLab ID-token claim means, as data.
//!
//! Sources: GitLab's "OpenID Connect (OIDC) Authentication Using ID Tokens"
//! claims table, `lib/gitlab/ci/jwt.rb` and `lib/gitlab/ci/jwt_v2.rb`, and
//! "Configure OpenID Connect in AWS" for the claims AWS evaluates. Claims with
//! no version of their own arrived with ID tokens in GitLab 15.7.

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
    /// The GitLab version that introduced it in ID tokens.
    pub since: &'static str,
    pub value_type: ClaimType,
    pub aws_condition_key: AwsConditionKey,
    /// Values GitLab documents, when the set is closed.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub known_values: &'static [&'static str],
}

const ALWAYS: &str = "always";
const ID_TOKENS: &str = "15.7";

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
    claim("namespace_id", "ID of the group or user namespace that owns the project; changes when the project is transferred.", ALWAYS, ID_TOKENS, Str, GitlabComOnly),
    claim("namespace_path", "Full path of the owning group or user namespace.", ALWAYS, ID_TOKENS, Str, No),
    claim("project_id", "Project ID: stable for the project's lifetime, across renames and transfers.", "always (in merge request pipelines from a fork: the fork's)", ID_TOKENS, Str, GitlabComOnly),
    claim("project_path", "Full project path, group/subgroup/project.", "always (in merge request pipelines from a fork: the fork's)", ID_TOKENS, Str, No),
    claim("user_id", "ID of the user who ran the job (empty when there is none).", ALWAYS, ID_TOKENS, Str, GitlabComOnly),
    claim("user_login", "Username of the user who ran the job.", ALWAYS, ID_TOKENS, Str, GitlabComOnly),
    claim("user_email", "Email of the user who ran the job.", ALWAYS, ID_TOKENS, Str, GitlabComOnly),
    with_values(claim("user_access_level", "The user's highest role in the project, lowercase.", ALWAYS, "16.9", Str, GitlabComOnly), &["guest", "planner", "reporter", "developer", "maintainer", "owner"]),
    claim("user_identities", "The user's external identities ({provider, extern_uid}).", "when the user enabled it in preferences", "16.0", ObjectList, No),
    claim("job_project_id", "ID of the project the job runs in (differs from project_id in fork merge request pipelines).", ALWAYS, "18.4", Str, No),
    claim("job_project_path", "Path of the project the job runs in.", ALWAYS, "18.4", Str, No),
    claim("job_namespace_id", "Namespace ID of the project the job runs in.", ALWAYS, "18.4", Str, No),
    claim("job_namespace_path", "Namespace path of the project the job runs in.", ALWAYS, "18.4", Str, No),
    claim("pipeline_id", "Pipeline ID.", ALWAYS, ID_TOKENS, Str, No),
    with_values(claim("pipeline_source", "What started the pipeline (push, web, schedule, merge_request_event, …).", ALWAYS, ID_TOKENS, Str, GitlabComOnly), &["push", "web", "trigger", "schedule", "api", "external", "pipeline", "chat", "webide", "merge_request_event", "external_pull_request_event", "parent_pipeline", "ondemand_dast_scan", "ondemand_dast_validation", "security_orchestration_policy", "container_registry_push", "duo_workflow", "pipeline_execution_policy_schedule", "unknown"]),
    claim("job_id", "Job ID.", ALWAYS, ID_TOKENS, Str, No),
    claim("ref", "Short name of the branch or tag (in merge request pipelines: the source branch).", ALWAYS, ID_TOKENS, Str, No),
    with_values(claim("ref_type", "Kind of ref: branch or tag (merge request pipelines are branch).", ALWAYS, ID_TOKENS, Str, No), &["branch", "tag"]),
    claim("ref_path", "Full ref, e.g. refs/heads/main or refs/tags/v1.0.", ALWAYS, "16.0", Str, No),
    claim("ref_protected", "Whether the ref is protected, as the string \"true\" or \"false\".", ALWAYS, ID_TOKENS, BooleanString, GitlabComOnly),
    claim("groups_direct", "Paths of groups the user is a direct member of (up to 200).", "behind feature flag ci_jwt_groups_direct, off by default", "16.11", StringList, No),
    claim("environment", "Environment the job deploys to.", "when the job sets an environment", ID_TOKENS, Str, No),
    claim("environment_protected", "Whether that environment is protected, \"true\" or \"false\".", "when the job sets an environment", ID_TOKENS, BooleanString, No),
    with_values(claim("deployment_tier", "Tier of the environment.", "when the job sets an environment", "15.2", Str, No), &["production", "staging", "testing", "development", "other"]),
    with_values(claim("environment_action", "The job's environment action.", "when the job sets an environment", "16.5", Str, No), &["start", "prepare", "stop", "verify", "access"]),
    claim("runner_id", "ID of the runner executing the job (a number, not a string).", "always when a runner runs the job", "16.0", Integer, No),
    with_values(claim("runner_environment", "Whether the runner is GitLab-hosted or self-hosted.", ALWAYS, "16.0", Str, GitlabComOnly), &["gitlab-hosted", "self-hosted"]),
    claim("sha", "Commit SHA the job runs on.", ALWAYS, "16.0", Str, No),
    claim("ci_config_ref_uri", "Where the pipeline definition lives: host/path//file@ref.", "always; null unless the definition is in the same project", "16.2", NullableString, No),
    claim("ci_config_sha", "Commit SHA of the pipeline definition.", "always; null unless the definition is in the same project", "16.2", NullableString, No),
    with_values(claim("project_visibility", "Project visibility.", ALWAYS, "16.3", Str, No), &["private", "internal", "public"]),
    claim("job_source", "What created the job.", ALWAYS, "18.9", Str, No),
    claim("job_config", "Policy that injected the job ({url, sha}).", "when a security policy triggers the job", "18.9", Object, No),
    claim("target_audience", "Target audience for Google Cloud workload identity.", "when the job sets one", ID_TOKENS, Str, No),
];

/// Looks a claim up by name.
#[must_use]
pub fn claim_info(name: &str) -> Option<&'static ClaimInfo> {
    CLAIMS.iter().find(|info| info.name == name)
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
}
