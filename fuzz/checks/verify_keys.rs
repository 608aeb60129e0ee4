//! Verify input parsing: any text as pasted keys (`parse_keys`: JWKS, JWK, PEM
//! with its DER reader), then the key choice (`verify::plan`) for fixture tokens
//! and a verdict for every outcome WebCrypto could report; and the same text as
//! a token, planned against the fixture JWKS.
//!
//! The checks of the `verify_keys` fuzz target, shared with the native replay of
//! saved crash inputs (`tests/fuzz_regressions.rs`).

use gitlab_aws_oidc::decode_unverified;
use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::keys::parse_keys;
use gitlab_aws_oidc::verify::{conclude, plan, Outcome, Plan};

const TOKENS: [&str; 3] = [
    include_str!("../../tests/fixtures/tokens/gitlab-com-main.jwt"),
    include_str!("../../tests/fixtures/tokens/no-kid.jwt"),
    include_str!("../../tests/fixtures/tokens/hs256.jwt"),
];
const JWKS: &str = include_str!("../../tests/fixtures/keys/jwks.json");

/// One fuzz input: panics when a check fails.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);

    match parse_keys(&text) {
        Ok(keys) => {
            for key in &keys {
                if let Some(rsa) = &key.rsa {
                    let _ = rsa.bits();
                }
            }
            for token in TOKENS {
                let token = decode_unverified(token).expect("fixture token decodes");
                decide(&token, &keys);
            }
        }
        Err(error) => {
            assert!(!error.code().is_empty());
            let _ = error.to_string();
        }
    }

    if let Ok(token) = decode_unverified(&text) {
        let keys = parse_keys(JWKS).expect("fixture JWKS parses");
        decide(&token, &keys);
    }
}

fn decide(token: &gitlab_aws_oidc::UnverifiedToken, keys: &[gitlab_aws_oidc::keys::PublicKey]) {
    match plan(token, keys) {
        Plan::Decided(verdict) => {
            assert!(!verdict.verified, "decided without cryptography yet verified");
            serde_json::to_string(&verdict).expect("a verdict serializes");
        }
        Plan::Check { candidates, .. } => {
            assert!(!candidates.is_empty(), "a check with no candidate key");
            let n = candidates.len();
            for outcomes in [
                vec![Outcome::Valid],
                vec![Outcome::Invalid; n],
                vec![Outcome::Rejected("refused".to_owned()); n],
                vec![],
            ] {
                let verdict = conclude(token, &candidates, &outcomes);
                assert_eq!(verdict.verified, outcomes.first() == Some(&Outcome::Valid));
                serde_json::to_string(&verdict).expect("a verdict serializes");
            }
        }
    }
}
