//! `verifyToken` with WebCrypto, shared by the Node and browser runs.

use gitlab_aws_oidc::base64url;
use gitlab_aws_oidc::wasm::{check_keys, inspect_token, verify_token};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const MAIN: &str = include_str!("../fixtures/tokens/gitlab-com-main.jwt");
const NO_KID: &str = include_str!("../fixtures/tokens/no-kid.jwt");
const HS256: &str = include_str!("../fixtures/tokens/hs256.jwt");
const JWKS: &str = include_str!("../fixtures/keys/jwks.json");
const JWKS_OTHER: &str = include_str!("../fixtures/keys/jwks-other.json");
const PEM: &str = include_str!("../fixtures/keys/test-rsa-2048.pub.pem");
const PEM_OTHER: &str = include_str!("../fixtures/keys/test-rsa-2048-other.pub.pem");
const PEM_1024: &str = include_str!("../fixtures/keys/test-rsa-1024.pub.pem");
const KID: &str = "cHTriNnCfvnfJNpGGVo3MXvD2BYhDw0yaMC0x4unZN8";

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap()
}

async fn verdict(token: &str, keys: &str) -> (bool, String, JsValue) {
    let result = JsFuture::from(verify_token(token, keys)).await.unwrap();
    let verified = field(&result, "verified").as_bool().unwrap();
    let code = field(&result, "code").as_string().unwrap();
    (verified, code, result)
}

fn segments(token: &str) -> (String, String, String) {
    let mut parts = token.trim().split('.').map(str::to_owned);
    (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap())
}

/// The token with one part replaced.
fn with_header(header_json: &str) -> String {
    let (_, payload, signature) = segments(MAIN);
    format!("{}.{payload}.{signature}", base64url::encode(header_json.as_bytes()))
}

fn single_jwk(extra: &str) -> String {
    let jwks: String = JWKS.split_whitespace().collect();
    let n = jwks.split("\"n\":\"").nth(1).unwrap().split('"').next().unwrap();
    format!(r#"{{"kty":"RSA","kid":"{KID}","n":"{n}","e":"AQAB"{extra}}}"#)
}

#[wasm_bindgen_test]
async fn signed_tokens_verify_with_a_jwks_a_jwk_or_a_pem() {
    for keys in [JWKS, PEM, &single_jwk(r#","use":"sig","alg":"RS256""#)] {
        let (verified, code, result) = verdict(MAIN, keys).await;
        assert!(verified, "{keys:.40}: {code}");
        assert_eq!(code, "verified");
        assert_eq!(field(&result, "alg").as_string().as_deref(), Some("RS256"));
        assert_eq!(field(&result, "keyFound").as_bool(), Some(true));
        assert_eq!(field(&result, "kid").as_string().as_deref(), Some(KID));
    }
    let (verified, _, _) = verdict(NO_KID, JWKS).await;
    assert!(verified, "a token without kid is checked against every RS256 key");
}

#[wasm_bindgen_test]
async fn tampering_anywhere_invalidates_the_signature() {
    let (header, payload, signature) = segments(MAIN);
    let mut claims = String::from_utf8(base64url::decode(&payload).unwrap()).unwrap();
    claims = claims.replace("\"ref\":\"main\"", "\"ref\":\"mainx\"");
    let tampered_payload = format!("{header}.{}.{signature}", base64url::encode(claims.as_bytes()));
    let tampered_header = with_header(&format!(r#"{{"alg":"RS256","kid":"{KID}","typ":"JWT","x":1}}"#));
    let mut bytes = base64url::decode(&signature).unwrap();
    bytes[100] ^= 1;
    let tampered_signature = format!("{header}.{payload}.{}", base64url::encode(&bytes));
    for token in [tampered_payload, tampered_header, tampered_signature] {
        let (verified, code, result) = verdict(&token, JWKS).await;
        assert!(!verified);
        assert_eq!(code, "signature-invalid");
        assert!(field(&result, "reason").as_string().unwrap().contains("altered"));
        // Verification never changes the decode: the token is still inspectable.
        assert!(inspect_token(&token, 1_764_000_100.0).is_ok());
    }
    let (verified, code, _) = verdict(MAIN, PEM_OTHER).await;
    assert_eq!(
        (verified, code.as_str()),
        (false, "signature-invalid"),
        "another key signed it"
    );
}

#[wasm_bindgen_test]
async fn each_refusal_has_its_reason() {
    let (header, payload, signature) = segments(MAIN);
    let short = base64url::encode(&base64url::decode(&signature).unwrap()[..128]);
    let none = format!("{}.{payload}.", base64url::encode(br#"{"alg":"none","typ":"JWT"}"#));
    let cases: Vec<(String, String, &str)> = vec![
        (MAIN.into(), JWKS_OTHER.into(), "no-matching-kid"),
        (HS256.into(), JWKS.into(), "alg-symmetric"),
        (none, JWKS.into(), "alg-none"),
        (format!("{header}.{payload}.{short}"), JWKS.into(), "signature-length"),
        (MAIN.into(), PEM_1024.into(), "key-too-small"),
        (MAIN.into(), single_jwk(r#","use":"enc""#), "key-wrong-use"),
        (MAIN.into(), single_jwk(r#","alg":"RS512""#), "key-wrong-alg"),
        (
            MAIN.into(),
            format!(r#"{{"keys":[{{"kty":"EC","kid":"{KID}","crv":"P-256","x":"AA","y":"AA"}}]}}"#),
            "key-not-rsa",
        ),
    ];
    for (token, keys, expected) in cases {
        let (verified, code, result) = verdict(&token, &keys).await;
        assert!(!verified, "{expected}");
        assert_eq!(code, expected, "{:?}", field(&result, "reason").as_string());
        assert!(!field(&result, "reason").as_string().unwrap().is_empty());
    }
}

#[wasm_bindgen_test]
async fn unusable_keys_text_rejects_with_a_code() {
    for (keys, expected) in [
        ("not keys", "keys.not_recognized"),
        ("{\"keys\":[]}", "keys.empty_jwks"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
            "keys.private_key",
        ),
    ] {
        let error = JsFuture::from(verify_token(MAIN, keys)).await.unwrap_err();
        assert_eq!(field(&error, "code").as_string().as_deref(), Some(expected));
    }
    let error = JsFuture::from(verify_token("a.b", JWKS)).await.unwrap_err();
    assert_eq!(field(&error, "code").as_string().as_deref(), Some("token.segments"));
}

/// Runs `check` with `globalThis.crypto` replaced by `replacement` (undefined: no
/// WebCrypto), then puts the real one back. Tests in a wasm-bindgen-test run
/// one after another, so no other test sees the replacement.
async fn with_crypto<F: std::future::Future<Output = ()>>(replacement: JsValue, check: impl FnOnce() -> F) {
    let global: js_sys::Object = js_sys::global();
    let key = JsValue::from_str("crypto");
    let saved = js_sys::Object::get_own_property_descriptor(&global, &key);
    let descriptor = js_sys::Object::new();
    Reflect::set(&descriptor, &"value".into(), &replacement).unwrap();
    Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
    js_sys::Object::define_property(&global, &key, &descriptor);
    check().await;
    if saved.is_undefined() {
        Reflect::delete_property(&global, &key).unwrap();
    } else {
        js_sys::Object::define_property(&global, &key, saved.unchecked_ref());
    }
}

#[wasm_bindgen_test]
async fn without_webcrypto_verification_rejects_with_a_code() {
    with_crypto(JsValue::UNDEFINED, || async {
        let error = JsFuture::from(verify_token(MAIN, JWKS)).await.unwrap_err();
        assert_eq!(field(&error, "code").as_string().as_deref(), Some("crypto.unavailable"));
    })
    .await;
    // And back to normal afterwards.
    assert!(verdict(MAIN, JWKS).await.0);
}

#[wasm_bindgen_test]
async fn a_key_webcrypto_refuses_is_reported_with_its_message() {
    let subtle = js_sys::Object::new();
    let refuse = js_sys::Function::new_no_args("return Promise.reject(new Error('refused by the test'))");
    Reflect::set(&subtle, &"importKey".into(), &refuse).unwrap();
    let crypto = js_sys::Object::new();
    Reflect::set(&crypto, &"subtle".into(), &subtle).unwrap();
    with_crypto(crypto.into(), || async {
        let (verified, code, result) = verdict(MAIN, JWKS).await;
        assert!(!verified);
        assert_eq!(code, "key-rejected");
        let reason = field(&result, "reason").as_string().unwrap();
        assert!(reason.contains("refused by the test"), "{reason}");
    })
    .await;
}

#[wasm_bindgen_test]
fn keys_are_checked_without_a_token() {
    let summaries = js_sys::Array::from(&check_keys(JWKS).unwrap());
    assert_eq!(summaries.length(), 1);
    let key = summaries.get(0);
    assert_eq!(field(&key, "kid").as_string().as_deref(), Some(KID));
    assert_eq!(field(&key, "kty").as_string().as_deref(), Some("RSA"));
    assert_eq!(field(&key, "bits").as_f64(), Some(2048.0));
    let pem = js_sys::Array::from(&check_keys(PEM).unwrap()).get(0);
    assert!(field(&pem, "kid").is_null(), "a PEM has no kid");
    // JSON's names for the fields: `use`, not the Rust field's name.
    let ec = js_sys::Array::from(&check_keys(r#"{"kty":"EC","use":"sig","alg":"ES256"}"#).unwrap()).get(0);
    assert_eq!(field(&ec, "use").as_string().as_deref(), Some("sig"));
    assert_eq!(field(&ec, "alg").as_string().as_deref(), Some("ES256"));
    assert!(field(&ec, "bits").is_null(), "only RSA keys have a modulus size");
    for (keys, code) in [
        ("", "keys.empty"),
        ("garbage", "keys.not_recognized"),
        ("{\"keys\":[]}", "keys.empty_jwks"),
    ] {
        let error = check_keys(keys).unwrap_err();
        assert_eq!(field(&error, "code").as_string().as_deref(), Some(code), "{keys:?}");
        assert!(
            field(&error, "message").as_string().unwrap().starts_with("keys "),
            "{keys:?}"
        );
    }
}
