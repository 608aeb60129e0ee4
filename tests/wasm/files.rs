//! `lintFiles` and `renderLintReport` (feature `files`, the package's main module only).

use gitlab_aws_oidc::wasm::{lint_files, render_lint_report};
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{get, text};

const TEMPLATE: &str = include_str!("../fixtures/sources/cloudformation.yaml");
const DETAILS: &str = include_str!("../fixtures/sources/account-authorization-details.json");

fn files(list: &[(&str, &str)]) -> JsValue {
    let list: Vec<serde_json::Value> = list
        .iter()
        .map(|(path, text)| serde_json::json!({ "path": path, "text": text }))
        .collect();
    JSON::parse(&serde_json::Value::Array(list).to_string()).unwrap()
}

fn code(error: &JsValue) -> String {
    Reflect::get(error, &"code".into()).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn lint_files_reports_every_file_role_and_line() {
    let report = lint_files(
        &files(&[
            ("infra/cfn.yaml", TEMPLATE),
            ("iam/details.json", DETAILS),
            ("x.json", "{"),
        ]),
        &JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(text(&report, "files.0.format"), "cloudformation");
    assert_eq!(text(&report, "files.0.roles.0.name"), "DeployRole");
    assert_eq!(text(&report, "files.0.roles.0.findings.0.code"), "POL007");
    assert_eq!(get(&report, "files.0.roles.0.findings.0.line").as_f64(), Some(46.0));
    assert_eq!(
        text(&report, "files.0.roles.0.unknown.0"),
        "$.Statement[0].Principal.Federated"
    );
    assert_eq!(get(&report, "files.0.skipped").as_f64(), Some(1.0));
    assert_eq!(text(&report, "files.1.format"), "account-authorization-details");
    assert_eq!(text(&report, "files.2.error.code"), "source.json");
    assert_eq!(get(&report, "files.2.error.line").as_f64(), Some(1.0));
    assert_eq!(get(&report, "counts.roles").as_f64(), Some(6.0));

    // Every format renders the object lintFiles returned.
    for (format, start) in [
        ("text", "infra/cfn.yaml: a CloudFormation template"),
        ("json", "{"),
        ("codequality", "["),
        ("sarif", "{"),
        ("junit", "<?xml"),
    ] {
        let rendered = render_lint_report(&report, format).unwrap();
        assert!(rendered.starts_with(start), "{format}: {rendered}");
    }
    let sarif: serde_json::Value = serde_json::from_str(&render_lint_report(&report, "sarif").unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        46
    );
}

#[wasm_bindgen_test]
fn bad_arguments_throw_coded_errors() {
    let one = files(&[("p.json", "{}")]);
    assert_eq!(
        code(&lint_files(&JsValue::from_str("p.json"), &JsValue::UNDEFINED).unwrap_err()),
        "files.invalid"
    );
    let none = lint_files(&files(&[]), &JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&none, "counts.roles").as_f64(), Some(0.0));
    let not_files = JSON::parse(r#"[{"path": "p.json"}]"#).unwrap();
    assert_eq!(
        code(&lint_files(&not_files, &JsValue::UNDEFINED).unwrap_err()),
        "files.invalid"
    );
    let options = JSON::parse(r#"{"partition": "mars"}"#).unwrap();
    assert_eq!(code(&lint_files(&one, &options).unwrap_err()), "context.invalid");
    let report = lint_files(&one, &JsValue::UNDEFINED).unwrap();
    assert_eq!(code(&render_lint_report(&report, "html").unwrap_err()), "report.format");
    let not_report = JSON::parse(r#"{"files": 1}"#).unwrap();
    assert_eq!(
        code(&render_lint_report(&not_report, "text").unwrap_err()),
        "report.invalid"
    );
}
