//! `trustPolicy` and `trustPolicyForToken` through wasm-bindgen.

use gitlab_aws_oidc::wasm::{spec_for_token, trust_policy, trust_policy_for_token};
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{get, text};

const MAIN: &str = include_str!("../fixtures/tokens/gitlab-com-main.jwt");
const SELF_MANAGED: &str = include_str!("../fixtures/tokens/self-managed-relative-root.jwt");

fn object(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn code(result: Result<JsValue, JsValue>) -> String {
    text(&result.expect_err("expected an error"), "code")
}

#[wasm_bindgen_test]
fn trust_policy_returns_the_policy_formats_and_findings() {
    let spec = object(
        r#"{"accountId":"123456789012","subjects":[{"project_path":"acme/app","ref_type":"branch","ref":"main"}],"pins":{"project_id":"42"}}"#,
    );
    let result = trust_policy(&spec).unwrap();
    let policy = JSON::parse(&text(&result, "policy")).unwrap();
    assert_eq!(
        text(&policy, "Statement.0.Principal.Federated"),
        "arn:aws:iam::123456789012:oidc-provider/gitlab.com"
    );
    for format in ["trustPolicy", "roleJson", "awsCli", "terraform", "cloudFormation"] {
        assert!(!text(&result, &format!("formats.{format}")).is_empty(), "{format}");
    }
    assert_eq!(
        text(&result, "roleArn"),
        "arn:aws:iam::123456789012:role/gitlab-ci-acme-app"
    );
    assert_eq!(text(&result, "audience"), "sts.amazonaws.com");
    assert_eq!(js_sys::Array::from(&get(&result, "findings")).length(), 0);
}

#[wasm_bindgen_test]
fn trust_policy_errors_name_the_field() {
    assert_eq!(
        code(trust_policy(&object(r#"{"accountId":"1","subjects":[]}"#))),
        "spec.account_id"
    );
    assert_eq!(code(trust_policy(&JsValue::UNDEFINED)), "spec.invalid");
    assert_eq!(code(trust_policy(&object("[1]"))), "spec.invalid");
    assert_eq!(
        code(trust_policy(&object(r#"{"acountId":"123456789012"}"#))),
        "spec.invalid"
    );
    let pins = r#"{"issuer":"https://gitlab.example.com","accountId":"123456789012","subjects":[{"project_path":"g/p","ref_type":"branch","ref":"main"}],"pins":{"project_id":"1"}}"#;
    assert_eq!(code(trust_policy(&object(pins))), "spec.pins");
    let field = |spec: &str| get(&trust_policy(&object(spec)).unwrap_err(), "field").as_string();
    assert_eq!(field(pins).as_deref(), Some("pins"));
    let subjects = r#"{"accountId":"123456789012","subjects":[{"project_path":"g/p","ref_type":"branch","ref":"main"},{"project_path":"g/p","ref_type":"branch","ref":"a..b"}]}"#;
    assert_eq!(field(subjects).as_deref(), Some("subjects[1]"));
    assert_eq!(field(r#"{"acountId":"123456789012"}"#).as_deref(), Some("acountId"));
    assert_eq!(field("[1]"), None);
}

#[wasm_bindgen_test]
fn trust_policy_for_token_uses_the_token_claims() {
    let result = trust_policy_for_token(MAIN, &object(r#"{"accountId":"123456789012"}"#)).unwrap();
    let policy = JSON::parse(&text(&result, "policy")).unwrap();
    let equals = get(&policy, "Statement.0.Condition.StringEquals");
    let value = |key: &str| Reflect::get(&equals, &key.into()).unwrap().as_string();
    assert_eq!(
        value("gitlab.com:sub").as_deref(),
        Some("project_path:acme/platform/deployer:ref_type:branch:ref:main")
    );
    assert_eq!(value("gitlab.com:project_id").as_deref(), Some("46573356"));
    assert_eq!(value("gitlab.com:ref_protected").as_deref(), Some("true"));

    let result = trust_policy_for_token(
        SELF_MANAGED,
        &object(r#"{"accountId":"123456789012","refScope":"any-branch"}"#),
    )
    .unwrap();
    assert_eq!(text(&result, "providerHost"), "gitlab.example.com/gitlab");
    assert_eq!(
        text(&result, "subjects.0"),
        "project_path:infra/terraform:ref_type:branch:ref:*"
    );
    assert_eq!(
        code(trust_policy_for_token(MAIN, &JsValue::UNDEFINED)),
        "spec.account_id"
    );
    assert_eq!(code(trust_policy_for_token("x", &object("{}"))), "token.segments");
}

#[wasm_bindgen_test]
fn spec_for_token_is_the_spec_trust_policy_for_token_uses() {
    let options = object(r#"{"accountId":"123456789012","refScope":"any-tag"}"#);
    let spec = spec_for_token(MAIN, &options).unwrap();
    assert_eq!(text(&spec, "subjects.0.ref"), "*");
    assert_eq!(text(&spec, "subjects.0.ref_type"), "tag");
    assert_eq!(text(&spec, "pins.project_id"), "46573356");
    let from_spec = trust_policy(&spec).unwrap();
    let from_token = trust_policy_for_token(MAIN, &options).unwrap();
    assert_eq!(text(&from_spec, "policy"), text(&from_token, "policy"));
}
