//! Pipeline snippets: snapshots per kind over fixture specs, YAML parsed back,
//! hostile values, bad input, and findings against a trust policy.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;

use gitlab_aws_oidc::ci::{ci_snippet, SnippetSpec};
use serde_json::{json, Value};

fn fixture_specs() -> Vec<(String, SnippetSpec)> {
    let mut specs: Vec<(String, SnippetSpec)> = fs::read_dir("tests/fixtures/ci")
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().ok()?;
            let case = name.strip_suffix(".spec.json")?.to_owned();
            let text = fs::read_to_string(format!("tests/fixtures/ci/{name}")).unwrap();
            Some((case, SnippetSpec::from_json(&text).unwrap()))
        })
        .collect();
    specs.sort_by(|a, b| a.0.cmp(&b.0));
    specs
}

fn spec(value: &Value) -> SnippetSpec {
    SnippetSpec::from_json(&value.to_string()).unwrap()
}

#[test]
fn snapshots_of_every_kind() {
    for (case, spec) in fixture_specs() {
        let snippet = ci_snippet(&spec).unwrap_or_else(|e| panic!("{case}: {e}"));
        insta::assert_snapshot!(format!("ci-{case}.gitlab-ci.yml"), snippet.yaml);
        let names: Vec<&String> = snippet.files.iter().map(|(name, _)| name).collect();
        assert!(names.is_sorted(), "{case}: files in name order: {names:?}");
        for (name, text) in &snippet.files {
            insta::assert_snapshot!(format!("ci-{case}.{}", name.replace('/', "_")), text);
        }
        insta::assert_json_snapshot!(format!("ci-{case}.findings"), snippet.findings);
        // Every YAML output parses; every JSON output parses.
        for document in snippet.yaml.split("\n---\n") {
            let _: Value = serde_yaml::from_str(document).unwrap_or_else(|e| panic!("{case}: {e}"));
        }
        for (name, text) in &snippet.files {
            if std::path::Path::new(name).extension().is_some_and(|e| e == "json") {
                let _: Value = serde_json::from_str(text).unwrap();
            } else {
                for document in text.split("\n---\n") {
                    let _: Value = serde_yaml::from_str(document).unwrap_or_else(|e| panic!("{case} {name}: {e}"));
                }
            }
        }
        for legacy in ["CI_JOB_JWT", "only:"] {
            assert!(!snippet.yaml.contains(legacy), "{case} emits {legacy}");
        }
    }
}

#[test]
fn the_job_carries_the_values_literally() {
    let snippet = ci_snippet(&spec(&json!({
        "roleArn": "arn:aws:iam::123456789012:role/x",
        "audience": "aud'\"with`quotes\\and#hash",
        "environment": "review/${CI_COMMIT_REF_SLUG}",
        "tokenVariable": "MY_TOKEN",
        "stage": "deploy aws",
    })))
    .unwrap();
    let job: Value = serde_yaml::from_str(&snippet.yaml).unwrap();
    let job = &job["assume-role"];
    assert_eq!(job["id_tokens"]["MY_TOKEN"]["aud"], "aud'\"with`quotes\\and#hash");
    assert_eq!(job["environment"]["name"], "review/${CI_COMMIT_REF_SLUG}");
    assert_eq!(
        job["variables"]["ROLE_ARN"]["value"],
        "arn:aws:iam::123456789012:role/x"
    );
    assert_eq!(job["variables"]["ROLE_ARN"]["expand"], false);
    assert_eq!(job["stage"], "deploy aws");
    assert!(job["before_script"][0]
        .as_str()
        .unwrap()
        .contains("--web-identity-token \"$MY_TOKEN\""));
}

#[test]
fn bad_input_names_the_field() {
    let base = json!({ "roleArn": "arn:aws:iam::123456789012:role/x" });
    let with = |patch: Value| {
        let mut value = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            value[k] = v.clone();
        }
        value
    };
    let cb = json!({ "project": "p", "bucket": "bucket", "ecrRepository": "repo" });
    let cases = [
        (
            with(json!({ "roleArn": "arn:aws:iam::123:role/x" })),
            "snippet.role_arn",
        ),
        (
            with(json!({ "roleArn": "arn:aws:iam::123456789012:user/x" })),
            "snippet.role_arn",
        ),
        (
            with(json!({ "roleArn": "arn:aws:iam::123456789012:role/x\n" })),
            "snippet.role_arn",
        ),
        (json!({ "kind": "assume-role" }), "snippet.role_arn"),
        (with(json!({ "audience": "" })), "snippet.audience"),
        (with(json!({ "audience": "a\nb" })), "snippet.audience"),
        (with(json!({ "audience": "$(id)" })), "snippet.audience"),
        (with(json!({ "region": "us-east" })), "snippet.region"),
        (with(json!({ "region": "eu-west-1; rm -rf /" })), "snippet.region"),
        (with(json!({ "durationSeconds": 899 })), "snippet.duration_seconds"),
        (with(json!({ "durationSeconds": 43201 })), "snippet.duration_seconds"),
        (with(json!({ "tokenVariable": "1TOKEN" })), "snippet.token_variable"),
        (with(json!({ "tokenVariable": "TOKEN-X" })), "snippet.token_variable"),
        (with(json!({ "tokenVariable": "CI_JOB_JWT" })), "snippet.token_variable"),
        (with(json!({ "jobName": "deploy\nevil: 1" })), "snippet.job_name"),
        (with(json!({ "jobName": "variables" })), "snippet.job_name"),
        (with(json!({ "stage": "a#b" })), "snippet.stage"),
        (with(json!({ "image": "x y" })), "snippet.image"),
        (with(json!({ "image": "img`id`" })), "snippet.image"),
        (with(json!({ "tags": ["ok", "bad\"tag"] })), "snippet.tags"),
        (with(json!({ "branch": "a..b" })), "snippet.branch"),
        (with(json!({ "branch": "x\"y" })), "snippet.branch"),
        (
            with(json!({ "existingJob": "job:\n  script: [x]\n".repeat(4000) })),
            "snippet.existing_job",
        ),
        (with(json!({ "environment": "prod'; echo" })), "snippet.environment"),
        (with(json!({ "issuer": "http://gitlab.com" })), "snippet.issuer"),
        (with(json!({ "kind": "multi-role" })), "snippet.roles"),
        (with(json!({ "kind": "codebuild-publish" })), "snippet.codebuild"),
        (
            with(
                json!({ "kind": "codebuild-publish", "codebuild": { "project": "p", "bucket": "B", "ecrRepository": "r" } }),
            ),
            "snippet.codebuild",
        ),
        (
            with(
                json!({ "kind": "codebuild-publish", "codebuild": { "project": "p$(id)", "bucket": "bucket", "ecrRepository": "r" } }),
            ),
            "snippet.codebuild",
        ),
        (
            with(json!({ "kind": "codebuild-publish", "codebuild": cb.clone() , "durationSeconds": 5 })),
            "snippet.duration_seconds",
        ),
    ];
    for (value, code) in cases {
        let err = ci_snippet(&spec(&value)).unwrap_err();
        assert_eq!(err.code(), code, "{value}: {err}");
    }
    let typo = SnippetSpec::from_json(r#"{"rolArn": "x"}"#).unwrap_err();
    assert_eq!(typo.code(), "snippet.invalid");
    assert!(SnippetSpec::from_json(r#"{"kind": "lambda"}"#).is_err());
}

#[test]
fn findings_against_the_policy() {
    let (_, spec) = fixture_specs()
        .into_iter()
        .find(|(c, _)| c == "policy-mismatch")
        .unwrap();
    let codes: Vec<&str> = ci_snippet(&spec).unwrap().findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["CI002", "CI003", "CI004", "CI005", "CI006", "CI007", "CI008"]);

    let branch_job = |branch: &str, subjects: Value| {
        let value = json!({ "roleArn": "arn:aws:iam::123456789012:role/x", "branch": branch, "policy": { "subjects": subjects } });
        ci_snippet(&spec_of(&value))
            .unwrap()
            .findings
            .iter()
            .map(|f| f.code)
            .collect::<Vec<_>>()
    };
    let fits = json!(["project_path:g/p:ref_type:branch:ref:main"]);
    assert!(branch_job("main", fits.clone()).is_empty());
    assert_eq!(branch_job("develop", fits), ["CI005"]);
    assert!(branch_job("release/1", json!(["project_path:g/p:ref_type:branch:ref:release/*"])).is_empty());
    let env = json!({ "roleArn": "arn:aws:iam::123456789012:role/x", "policy": { "subjects": ["project_path:g/p:ref_type:branch:ref:main:environment_protected:true"] } });
    assert_eq!(ci_snippet(&spec_of(&env)).unwrap().findings[0].code, "CI005");
}

fn spec_of(value: &Value) -> SnippetSpec {
    spec(value)
}

#[test]
fn keys_that_yaml_would_retype_are_quoted() {
    let snippet = ci_snippet(&spec(&json!({
        "roleArn": "arn:aws:iam::123456789012:role/x",
        "jobName": "on",
        "tokenVariable": "null",
    })))
    .unwrap();
    let document: Value = serde_yaml::from_str(&snippet.yaml).unwrap();
    assert!(
        document["on"]["id_tokens"]["null"]["aud"].is_string(),
        "{}",
        snippet.yaml
    );
    let colliding = json!({ "kind": "multi-role", "roles": [
        { "profile": "deploy-prod", "roleArn": "arn:aws:iam::123456789012:role/a" },
        { "profile": "deploy_prod", "roleArn": "arn:aws:iam::123456789012:role/b" }
    ]});
    let err = ci_snippet(&spec(&colliding)).unwrap_err();
    assert_eq!(err.code(), "snippet.roles");
    assert!(err.to_string().contains("ROLE_ARN_DEPLOY_PROD"), "{err}");
}
