//! The JS exports through wasm-bindgen, shared by the Node and browser runs.

use gitlab_aws_oidc::wasm::inspect_token;
use js_sys::{Array, Error, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{get, text};

const NOW: f64 = 1_764_001_200.0;
const MAIN: &str = include_str!("../fixtures/tokens/gitlab-com-main.jwt");
const MAIN_CLAIMS: &str = include_str!("../fixtures/tokens/gitlab-com-main.claims.json");
const UNKNOWN_CLAIMS: &str = include_str!("../fixtures/tokens/unknown-claims.jwt");
const UNKNOWN_CLAIMS_JSON: &str = include_str!("../fixtures/tokens/unknown-claims.claims.json");

fn keys(value: &JsValue) -> Vec<String> {
    Object::keys(value.unchecked_ref::<Object>())
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect()
}

fn error_code(result: Result<JsValue, JsValue>) -> String {
    let error = result.expect_err("expected a thrown error");
    assert!(error.is_instance_of::<Error>(), "throws a real Error");
    assert_eq!(text(&error, "name"), "GitlabAwsOidcError");
    assert!(!text(&error, "message").is_empty());
    text(&error, "code")
}

#[wasm_bindgen_test]
fn inspect_returns_plain_objects_with_the_documented_fields() {
    let result = inspect_token(MAIN, NOW).unwrap();
    let proto = Object::get_prototype_of(&result);
    assert!(
        Object::is(&proto, &Object::get_prototype_of(&Object::new())),
        "a plain object, not a Map"
    );
    for field in [
        "header",
        "claims",
        "subject",
        "explanations",
        "times",
        "providerHost",
        "findings",
    ] {
        assert!(Reflect::has(&result, &field.into()).unwrap(), "missing {field}");
    }
    assert_eq!(text(&result, "header.alg"), "RS256");
    assert_eq!(text(&result, "claims.project_path"), "acme/platform/deployer");
    assert_eq!(get(&result, "claims.runner_id").as_f64(), Some(12_270_835.0));
    assert_eq!(text(&result, "providerHost"), "gitlab.com");
    assert_eq!(text(&result, "subject.components.0.name"), "project_path");
    assert_eq!(text(&result, "times.summary"), "expires in 40 min");
    assert_eq!(text(&result, "times.expiresAt.utc"), "2025-11-24T17:00:00Z");
    let findings: Array = get(&result, "findings").unchecked_into();
    assert_eq!(findings.length(), 1);
    assert_eq!(text(&result, "findings.0.code"), "TOK017");
    assert_eq!(text(&result, "findings.0.severity"), "info");
    let expected = JSON::parse(MAIN_CLAIMS).unwrap();
    assert_eq!(
        JSON::stringify(&get(&result, "claims")).unwrap(),
        JSON::stringify(&expected).unwrap(),
        "claims are the payload exactly"
    );
}

/// Every fixture token (`tests/fixtures/tokens/*.jwt`), by name.
macro_rules! fixture_tokens {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../fixtures/tokens/", $name, ".jwt")))),*]
    };
}

const TOKENS: [(&str, &str); 21] = fixture_tokens!(
    "aud-list",
    "custom-sub-protected",
    "expired",
    "fork-mr-job-project-sub",
    "github-sub",
    "gitlab-com-feature-branch",
    "gitlab-com-main",
    "gitlab-com-tag",
    "gitlab-doc-example",
    "hs256",
    "legacy-v1",
    "missing-sub",
    "mr-sub",
    "no-kid",
    "project-id-sub",
    "refs-heads-sub",
    "repeated-sub-component",
    "self-managed-relative-root",
    "sub-mismatch",
    "unknown-claims",
    "wrong-types",
);

/// base64url without padding, for a token made up in a test.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

#[wasm_bindgen_test]
fn inspect_result_is_the_cores_inspection_exactly() {
    // The boundary sends the explanations in a wire form and the catalog's texts once
    // (`src/wasm/inspector.rs`); what JavaScript gets must still be the core's result: the
    // same keys in the same order, the same values, on every call (the catalog crosses on the
    // instance's first, which this test makes when it runs before the others).
    // One made-up token adds what no fixture has: a known claim without a version
    // (target_audience), a self-managed issuer, a null value, a claim named like a key and
    // one named like the prototype's.
    let payload = r#"{"iss":"https://git.example.com","sub":"project_path:a/b:ref_type:branch:ref:main","aud":"sts.amazonaws.com","exp":1900000000,"iat":1899999000,"target_audience":"x","user_email":null,"claim":{"known":false},"__proto__":{"x":1}}"#;
    let made_up = format!(
        "{}.{}.c2ln",
        base64url(br#"{"alg":"RS256","typ":"JWT"}"#),
        base64url(payload.as_bytes())
    );
    let tokens = TOKENS.into_iter().chain([("made-up", made_up.as_str())]);
    for round in 0..2 {
        for (name, token) in tokens.clone() {
            for now in [NOW, 1_900_000_000.0] {
                #[allow(clippy::cast_possible_truncation, reason = "whole seconds")]
                let core = gitlab_aws_oidc::inspect_token(token, now as i64).unwrap();
                let expected = serde_json::to_string(&core).unwrap();
                let result = inspect_token(token, now).unwrap();
                let actual = JSON::stringify(&result).unwrap().as_string().unwrap();
                assert_eq!(actual, expected, "{name} at {now} (round {round})");
            }
        }
    }
}

#[wasm_bindgen_test]
fn unknown_claims_keep_their_order() {
    let result = inspect_token(UNKNOWN_CLAIMS, NOW).unwrap();
    assert_eq!(
        keys(&get(&result, "claims")),
        keys(&JSON::parse(UNKNOWN_CLAIMS_JSON).unwrap())
    );
    let explanations: Array = get(&result, "explanations").unchecked_into();
    let custom = explanations.iter().find(|e| text(e, "claim") == "x_custom").unwrap();
    assert_eq!(get(&custom, "known").as_bool(), Some(false));
    assert_eq!(get(&custom, "value.nested.1").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn unusable_input_throws_an_error_with_a_code() {
    let cases = [
        (include_str!("../fixtures/malformed/empty.txt"), "token.empty"),
        (include_str!("../fixtures/malformed/two-segments.txt"), "token.segments"),
        (
            include_str!("../fixtures/malformed/whitespace-inside.txt"),
            "token.whitespace",
        ),
        (
            include_str!("../fixtures/malformed/header-bad-base64.txt"),
            "token.header.base64",
        ),
        (
            include_str!("../fixtures/malformed/payload-bad-base64.txt"),
            "token.payload.base64",
        ),
        (
            include_str!("../fixtures/malformed/signature-bad-base64.txt"),
            "token.signature.base64",
        ),
        (
            include_str!("../fixtures/malformed/header-not-json.txt"),
            "token.header.json",
        ),
        (
            include_str!("../fixtures/malformed/payload-not-json.txt"),
            "token.payload.json",
        ),
        (
            include_str!("../fixtures/malformed/header-not-object.txt"),
            "token.header.not_object",
        ),
        (
            include_str!("../fixtures/malformed/payload-not-object.txt"),
            "token.payload.not_object",
        ),
        (include_str!("../fixtures/malformed/too-large.txt"), "token.too_large"),
    ];
    for (input, code) in cases {
        assert_eq!(error_code(inspect_token(input, NOW)), code);
    }
    assert_eq!(error_code(inspect_token(MAIN, f64::NAN)), "now.invalid");
    assert_eq!(error_code(inspect_token(MAIN, f64::INFINITY)), "now.invalid");
}

#[wasm_bindgen_test]
fn bearer_prefixed_input_decodes() {
    let result = inspect_token(include_str!("../fixtures/malformed/bearer-prefixed.txt"), NOW).unwrap();
    assert_eq!(text(&result, "claims.ref"), "main");
}
