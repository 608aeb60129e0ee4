//! `lintTrustPolicy`, `evaluateTrustPolicy`, `compareTrustPolicies` and `diagnose` through wasm-bindgen.

use gitlab_aws_oidc::wasm::{compare_trust_policies, diagnose, evaluate_trust_policy, lint_trust_policy};
use js_sys::{Array, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::get;

const MAIN: &str = include_str!("../fixtures/tokens/gitlab-com-main.jwt");
const BLOG: &str = include_str!("../fixtures/lint/blog-recipe.json");
const GOOD: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"46573356","gitlab.com:sub":"project_path:acme/platform/deployer:ref_type:branch:ref:main"}}}]}"#;

fn codes(findings: &JsValue) -> Vec<String> {
    Array::from(findings)
        .iter()
        .map(|f| get(&f, "code").as_string().unwrap())
        .collect()
}

#[wasm_bindgen_test]
fn lint_returns_findings_with_paths_and_fixes() {
    let findings = lint_trust_policy(BLOG, &JsValue::UNDEFINED).unwrap();
    let found = codes(&findings);
    assert!(found.contains(&"POL003".to_owned()), "{found:?}");
    let wildcard = Array::from(&findings)
        .iter()
        .find(|f| get(f, "code").as_string().as_deref() == Some("POL003"))
        .unwrap();
    assert_eq!(
        get(&wildcard, "path").as_string().as_deref(),
        Some("$.Statement[0].Condition.StringEquals[\"gitlab.com:sub\"]")
    );
    let fix = get(&wildcard, "fix").as_string().unwrap();
    assert!(!codes(&lint_trust_policy(&fix, &JsValue::UNDEFINED).unwrap()).contains(&"POL003".to_owned()));
    assert!(codes(&lint_trust_policy(GOOD, &JsValue::UNDEFINED).unwrap()).is_empty());
    let context = JSON::parse(&format!(
        r#"{{"token":{}}}"#,
        JSON::stringify(&MAIN.trim().into()).unwrap()
    ))
    .unwrap();
    assert!(codes(&lint_trust_policy(BLOG, &context).unwrap()).contains(&"POL023".to_owned()));
}

#[wasm_bindgen_test]
fn lint_errors_carry_codes() {
    let error = lint_trust_policy("{\n \"Statement\": [", &JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("policy.json"));
    assert!(get(&error, "message").as_string().unwrap().contains("line 2"));
    // The position as numbers too, for an editor to jump to.
    assert_eq!(get(&error, "line").as_f64(), Some(2.0));
    assert_eq!(get(&error, "column").as_f64(), Some(15.0));
    assert!(get(&error, "field").is_undefined());
    let context = JSON::parse(r#"{"partition":"aws-mars"}"#).unwrap();
    let error = lint_trust_policy(GOOD, &context).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("context.invalid"));
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("partition"));
    assert!(get(&error, "line").is_undefined());
}

#[wasm_bindgen_test]
fn evaluate_takes_a_token_or_claims() {
    let allowed = evaluate_trust_policy(GOOD, &MAIN.into(), &JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&allowed, "allowed").as_bool(), Some(true));
    assert_eq!(get(&allowed, "statements.0.conditions.0.matched").as_bool(), Some(true));
    let claims = JSON::parse(r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","project_id":"46573356","sub":"project_path:acme/platform/deployer:ref_type:branch:ref:develop"}"#).unwrap();
    let denied = evaluate_trust_policy(GOOD, &claims, &JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&denied, "allowed").as_bool(), Some(false));
    assert!(get(&denied, "reason").as_string().unwrap().contains("gitlab.com:sub"));
    let context = JSON::parse(r#"{"clientIds":["https://gitlab.com"]}"#).unwrap();
    let refused = evaluate_trust_policy(GOOD, &MAIN.into(), &context).unwrap();
    assert_eq!(get(&refused, "audience.matched").as_bool(), Some(false));
    let error = evaluate_trust_policy(GOOD, &JsValue::from(3), &JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("claims.invalid"));
}

#[wasm_bindgen_test]
fn compare_finds_new_access_with_a_witness_the_evaluator_allows() {
    // GOOD, and release branches too.
    let wider = GOOD.replace(
        r#","gitlab.com:sub":"project_path:acme/platform/deployer:ref_type:branch:ref:main"}"#,
        r#"},"StringLike":{"gitlab.com:sub":["project_path:acme/platform/deployer:ref_type:branch:ref:main","project_path:acme/platform/deployer:ref_type:branch:ref:release/*"]}"#,
    );
    let comparison = compare_trust_policies(GOOD, &wider, &JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&comparison, "verdict").as_string().as_deref(), Some("new-access"));
    let witness = get(&comparison, "newlyAdmitted.0.witness");
    assert!(get(&witness, "sub").as_string().unwrap().contains(":ref:release/"));
    assert_eq!(
        get(
            &evaluate_trust_policy(&wider, &witness, &JsValue::UNDEFINED).unwrap(),
            "allowed"
        )
        .as_bool(),
        Some(true)
    );
    assert_eq!(
        get(
            &evaluate_trust_policy(GOOD, &witness, &JsValue::UNDEFINED).unwrap(),
            "allowed"
        )
        .as_bool(),
        Some(false)
    );
    let error = compare_trust_policies(GOOD, "{", &JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("policy.json"));
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("after"));
}

#[wasm_bindgen_test]
fn diagnose_confirms_the_failing_condition_and_masks_a_pasted_token() {
    let main = MAIN.trim();
    // GOOD admits only acme/platform/deployer on main; the token is of another ref once its sub is changed.
    let other_ref = GOOD.replace("ref:main", "ref:release");
    let context = JSON::parse(&format!(
        r#"{{"token":{},"policy":{},"nowSeconds":1764001200}}"#,
        JSON::stringify(&main.into()).unwrap(),
        JSON::stringify(&other_ref.as_str().into()).unwrap()
    ))
    .unwrap();
    let text = format!(
        "token {main}\nAn error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity"
    );
    let diagnosis = diagnose(&text, &context).unwrap();
    assert_eq!(
        get(&diagnosis, "error.code").as_string().as_deref(),
        Some("AccessDenied")
    );
    assert_eq!(get(&diagnosis, "error.client").as_string().as_deref(), Some("aws-cli"));
    assert_eq!(
        get(&diagnosis, "causes.0.id").as_string().as_deref(),
        Some("trust-policy-denies")
    );
    assert_eq!(
        get(&diagnosis, "causes.0.verdict").as_string().as_deref(),
        Some("confirmed")
    );
    let signature = main.rsplit('.').next().unwrap();
    let json = JSON::stringify(&diagnosis).unwrap().as_string().unwrap();
    assert!(!json.contains(signature), "the pasted token is masked");

    let error = diagnose("AccessDenied", &JSON::parse(r#"{"nowSeconds":"soon"}"#).unwrap()).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("diagnose.context"));
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("nowSeconds"));
    let none = diagnose("", &JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&none, "error.code").as_string().as_deref(), Some("unknown"));
}
