//! `ciSnippet` through wasm-bindgen.

use gitlab_aws_oidc::wasm::ci_snippet;
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::get;

#[wasm_bindgen_test]
fn ci_snippet_returns_yaml_files_and_findings() {
    let spec = JSON::parse(
        r#"{"kind":"codebuild-publish","roleArn":"arn:aws:iam::123456789012:role/publish","codebuild":{"project":"app","bucket":"acme-src","ecrRepository":"acme/app"},"policy":{"audience":"https://gitlab.com"}}"#,
    )
    .unwrap();
    let snippet = ci_snippet(&spec).unwrap();
    let yaml = get(&snippet, "yaml").as_string().unwrap();
    assert!(yaml.contains("aws codebuild start-build") && yaml.contains("if: \"$CI_COMMIT_TAG\""));
    let buildspec = Reflect::get(&get(&snippet, "files"), &"buildspec.yml".into()).unwrap();
    assert!(buildspec.as_string().unwrap().contains("docker push"));
    assert_eq!(get(&snippet, "findings.0.code").as_string().as_deref(), Some("CI002"));
}

#[wasm_bindgen_test]
fn ci_snippet_errors_name_the_field() {
    let spec = JSON::parse(r#"{"roleArn":"arn:aws:iam::123456789012:role/x","region":"mars-1"}"#).unwrap();
    let error = ci_snippet(&spec).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("snippet.region"));
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("region"));
    let roles = JSON::parse(
        r#"{"kind":"multi-role","roles":[{"profile":"dev","roleArn":"arn:aws:iam::123456789012:role/x"},{"profile":"prod","roleArn":"nope"}]}"#,
    )
    .unwrap();
    let error = ci_snippet(&roles).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("snippet.role_arn"));
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("roles[1].roleArn"));
    assert_eq!(
        get(&ci_snippet(&JsValue::NULL).unwrap_err(), "code")
            .as_string()
            .as_deref(),
        Some("snippet.invalid")
    );
}

#[wasm_bindgen_test]
fn ci_snippet_reads_a_pasted_policy_and_says_where_it_is_wrong() {
    // The recipe of issue 20: its policy trusts a provider in another account and has no aud condition.
    let spec = JSON::parse(
        r#"{"roleArn":"arn:aws:iam::676487226531:role/dev-web-console-identity","issuer":"https://gitlab.com","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::123487226531:oidc-provider/gitlab.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringLike\":{\"gitlab.com:sub\":\"project_path:mygroup/myproject:ref_type:branch:ref:main\"}}}]}"}"#,
    )
    .unwrap();
    let snippet = ci_snippet(&spec).unwrap();
    assert_eq!(get(&snippet, "findings.0.code").as_string().as_deref(), Some("CI004"));
    assert_eq!(
        get(&snippet, "findings.0.path").as_string().as_deref(),
        Some("$.Statement[0].Principal.Federated")
    );
    assert_eq!(get(&snippet, "findings.1.code").as_string().as_deref(), Some("CI010"));
    let bad =
        JSON::parse(r#"{"roleArn":"arn:aws:iam::123456789012:role/x","policy":"{\n  \"Statement\": [,]\n}"}"#).unwrap();
    let error = ci_snippet(&bad).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("snippet.policy"));
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("policy"));
    assert_eq!(get(&error, "line").as_f64(), Some(2.0));
    assert_eq!(get(&error, "column").as_f64(), Some(17.0));
}
