//! Token decode: any text into `decode_unverified` and `inspect_token`, at
//! several "now" values, then serialized as the wasm boundary does. The input is
//! tried twice: as the compact token itself, and as the payload JSON of a token
//! (so mutations reach the claims, not only the base64url around them).
//!
//! The checks of the `token_decode` fuzz target, shared with the native replay of
//! saved crash inputs (`tests/fuzz_regressions.rs`).

use gitlab_aws_oidc::base64url;
use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::{decode_unverified, inspect_token};

/// `nowSeconds` as the wasm boundary lets it through: |now| < 9e15.
const NOW_LIMIT: i64 = 9_000_000_000_000_000;

/// One fuzz input: panics when a check fails.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // A "now" taken from the input's last bytes, folded into the range the boundary accepts.
    let derived = data
        .len()
        .checked_sub(8)
        .map_or(0, |start| i64::from_le_bytes(data[start..].try_into().unwrap()))
        .rem_euclid(2 * NOW_LIMIT - 1)
        - (NOW_LIMIT - 1);
    let nows = [1_764_000_600, 0, -(NOW_LIMIT - 1), NOW_LIMIT - 1, derived];

    check(&text, &nows);

    // The input as the payload of an RS256 token.
    let token = format!(
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZ1enoiLCJ0eXAiOiJKV1QifQ.{}.c2lnbmF0dXJl",
        base64url::encode(data)
    );
    check(&token, &nows[..1]);
}

fn check(text: &str, nows: &[i64]) {
    let decoded = decode_unverified(text);
    if let Ok(token) = &decoded {
        let _ = (token.header(), token.claims(), token.signature(), token.signing_input());
        let _ = (token.algorithm(), token.key_id());
    }
    for &now in nows {
        let inspection = inspect_token(text, now);
        // Decoding decides alone whether there is an inspection.
        assert_eq!(
            inspection.is_ok(),
            decoded.is_ok(),
            "inspect_token and decode_unverified disagree"
        );
        match inspection {
            Ok(inspection) => {
                serde_json::to_string(&inspection).expect("an inspection always serializes");
            }
            Err(error) => {
                assert!(!error.code().is_empty());
                let _ = error.to_string();
            }
        }
    }
}
