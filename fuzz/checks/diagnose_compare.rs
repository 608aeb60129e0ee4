//! Diagnose + compare: any text as a pasted STS error or job log, diagnosed with no context and
//! with a token, policy and job (the text itself also as that policy and job); and the text as a
//! trust policy compared with a fixture policy, both ways.
//!
//! The checks of the `diagnose_compare` fuzz target, shared with the native replay of saved crash
//! inputs (`tests/fuzz_regressions.rs`).

use gitlab_aws_oidc::diagnose::diagnose_text;
use gitlab_aws_oidc::diff::compare_text;
use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::policy::evaluate::{evaluate_text, TokenInput};

const TOKEN: &str = include_str!("../../tests/fixtures/tokens/gitlab-com-main.jwt");
const POLICY: &str = include_str!("../../tests/fixtures/lint/gitlab-doc-current.json");

/// One fuzz input: panics when a check fails.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let token = TOKEN.trim();
    let signature = token.rsplit('.').next().expect("a compact JWT");

    // A diagnosis never fails for want of a recognisable error, and never echoes a token it was given.
    let contexts = [
        "{}".to_owned(),
        serde_json::json!({ "token": token, "policy": POLICY, "nowSeconds": 1_764_001_200 }).to_string(),
        serde_json::json!({ "policy": text, "job": text, "roleArn": text, "clientIds": [text] }).to_string(),
    ];
    for context in &contexts {
        for pasted in [text.to_string(), format!("{text}\n{token}\n")] {
            let diagnosis = diagnose_text(&pasted, context).expect("a readable context is always diagnosed");
            let json = serde_json::to_string(&diagnosis).expect("a diagnosis serializes");
            if !text.contains(signature) {
                assert!(!json.contains(signature), "a token in the text or context is masked");
            }
        }
    }

    // Every witness of a comparison is allowed by one policy and denied by the other, by the evaluator.
    for (before, after) in [(POLICY, text.as_ref()), (text.as_ref(), POLICY)] {
        match compare_text(before, after, "{}") {
            Ok(comparison) => {
                serde_json::to_string(&comparison).expect("a comparison serializes");
                let allowed = |policy: &str, witness: &serde_json::Map<String, serde_json::Value>| {
                    let claims = serde_json::Value::Object(witness.clone()).to_string();
                    evaluate_text(policy, TokenInput::ClaimsJson(&claims), "{}").is_ok_and(|e| e.allowed)
                };
                for change in &comparison.newly_admitted {
                    assert!(
                        allowed(after, &change.witness) && !allowed(before, &change.witness),
                        "{}",
                        change.description
                    );
                }
                for change in &comparison.no_longer_admitted {
                    assert!(
                        allowed(before, &change.witness) && !allowed(after, &change.witness),
                        "{}",
                        change.description
                    );
                }
            }
            Err(error) => assert!(!error.code().is_empty()),
        }
    }
}
