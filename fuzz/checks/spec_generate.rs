//! Spec → policy / snippet: any text as a trust-policy spec (`trust_policy`),
//! as options for a policy from a fixture token (`trust_policy_for_token`) and
//! as a pipeline-snippet spec (`ci_snippet`). Every generated policy must parse
//! back and lint; everything must serialize as the wasm boundary does.
//!
//! The checks of the `spec_generate` fuzz target, shared with the native replay of
//! saved crash inputs (`tests/fuzz_regressions.rs`).

use gitlab_aws_oidc::ci::{ci_snippet, SnippetSpec};
use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::lint::lint_text;
use gitlab_aws_oidc::policy::generate::{trust_policy, trust_policy_for_token, TokenPolicyOptions, TrustPolicyResult};
use gitlab_aws_oidc::policy::spec::TrustPolicySpec;

const TOKEN: &str = include_str!("../../tests/fixtures/tokens/gitlab-com-main.jwt");

/// One fuzz input: panics when a check fails.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);

    if let Ok(spec) = TrustPolicySpec::from_json(&text) {
        match trust_policy(&spec) {
            Ok(result) => check_policy(&result),
            Err(error) => assert!(!error.code().is_empty()),
        }
    }

    if let Ok(options) = TokenPolicyOptions::from_json(&text) {
        match trust_policy_for_token(TOKEN.trim(), &options) {
            Ok(result) => check_policy(&result),
            Err(error) => assert!(!error.code().is_empty()),
        }
    }

    if let Ok(spec) = SnippetSpec::from_json(&text) {
        match ci_snippet(&spec) {
            Ok(snippet) => {
                serde_json::to_string(&snippet).expect("a snippet serializes");
            }
            Err(error) => assert!(!error.code().is_empty()),
        }
    }
}

fn check_policy(result: &TrustPolicyResult) {
    serde_json::to_string(result).expect("a policy result serializes");
    if let Err(e) = lint_text(&result.policy, "{}") {
        panic!("a generated policy does not parse back: {e}\n{}", result.policy);
    }
}
