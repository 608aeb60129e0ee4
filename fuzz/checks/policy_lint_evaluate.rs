//! Policy parse + lint + evaluate: any text as a pasted trust policy, linted
//! without and with a token context and evaluated for a fixture token (with and
//! without the provider's client IDs); and the same text as claims JSON,
//! evaluated under a fixture policy. Every one-click fix must itself be a policy.
//!
//! The checks of the `policy_lint_evaluate` fuzz target, shared with the native replay of
//! saved crash inputs (`tests/fuzz_regressions.rs`).

use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::lint::lint_text;
use gitlab_aws_oidc::policy::evaluate::{evaluate_text, TokenInput};

const TOKEN: &str = include_str!("../../tests/fixtures/tokens/gitlab-com-main.jwt");
const SELF_MANAGED: &str = include_str!("../../tests/fixtures/tokens/self-managed-relative-root.jwt");
const POLICY: &str = include_str!("../../tests/fixtures/lint/self-managed-mixed.json");

/// One fuzz input: panics when a check fails.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let token_context = format!(r#"{{"token":"{}","accountId":"123456789012"}}"#, TOKEN.trim());

    for context in ["{}", token_context.as_str()] {
        match lint_text(&text, context) {
            Ok(findings) => {
                serde_json::to_string(&findings).expect("findings serialize");
                for finding in &findings {
                    if let Some(fix) = &finding.fix {
                        if let Err(e) = lint_text(fix, context) {
                            panic!("the fix for {} is not a policy: {e}\nfix: {fix}", finding.code);
                        }
                    }
                }
            }
            Err(error) => assert!(!error.code().is_empty()),
        }
    }

    for (token, context) in [(TOKEN, "{}"), (SELF_MANAGED, r#"{"clientIds":["sts.amazonaws.com"]}"#)] {
        match evaluate_text(&text, TokenInput::Token(token.trim()), context) {
            Ok(evaluation) => {
                serde_json::to_string(&evaluation).expect("an evaluation serializes");
            }
            Err(error) => assert!(!error.code().is_empty()),
        }
    }

    if let Ok(evaluation) = evaluate_text(POLICY, TokenInput::ClaimsJson(&text), "{}") {
        serde_json::to_string(&evaluation).expect("an evaluation serializes");
    }
}
