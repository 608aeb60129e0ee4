//! Pipeline snippets: snapshots per kind over fixture specs, YAML parsed back,
//! hostile values, bad input, and findings against a trust policy.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;

use gitlab_aws_oidc::ci::{ci_snippet, SnippetSpec};
use gitlab_aws_oidc::error::Coded;
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
#[allow(clippy::too_many_lines, reason = "one table of bad inputs reads best whole")]
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
    let arn = "arn:aws:iam::123456789012:role/x";
    let two_roles = json!([{ "profile": "dev", "roleArn": arn }, { "profile": "prod", "roleArn": arn }]);
    let cases = [
        (
            with(json!({ "roleArn": "arn:aws:iam::123:role/x" })),
            "snippet.role_arn",
            "roleArn",
        ),
        (
            with(json!({ "roleArn": "arn:aws:iam::123456789012:user/x" })),
            "snippet.role_arn",
            "roleArn",
        ),
        (
            with(json!({ "roleArn": "arn:aws:iam::123456789012:role/x\n" })),
            "snippet.role_arn",
            "roleArn",
        ),
        (json!({ "kind": "assume-role" }), "snippet.role_arn", "roleArn"),
        (with(json!({ "audience": "" })), "snippet.audience", "audience"),
        (with(json!({ "audience": "a\nb" })), "snippet.audience", "audience"),
        (with(json!({ "audience": "$(id)" })), "snippet.audience", "audience"),
        (with(json!({ "region": "us-east" })), "snippet.region", "region"),
        (
            with(json!({ "region": "eu-west-1; rm -rf /" })),
            "snippet.region",
            "region",
        ),
        (
            with(json!({ "durationSeconds": 899 })),
            "snippet.duration_seconds",
            "durationSeconds",
        ),
        (
            with(json!({ "durationSeconds": 43201 })),
            "snippet.duration_seconds",
            "durationSeconds",
        ),
        (
            with(json!({ "tokenVariable": "1TOKEN" })),
            "snippet.token_variable",
            "tokenVariable",
        ),
        (
            with(json!({ "tokenVariable": "TOKEN-X" })),
            "snippet.token_variable",
            "tokenVariable",
        ),
        (
            with(json!({ "tokenVariable": "CI_JOB_JWT" })),
            "snippet.token_variable",
            "tokenVariable",
        ),
        (
            with(json!({ "jobName": "deploy\nevil: 1" })),
            "snippet.job_name",
            "jobName",
        ),
        (with(json!({ "jobName": "variables" })), "snippet.job_name", "jobName"),
        (with(json!({ "stage": "a#b" })), "snippet.stage", "stage"),
        (with(json!({ "image": "x y" })), "snippet.image", "image"),
        (with(json!({ "image": "img`id`" })), "snippet.image", "image"),
        (with(json!({ "tags": ["ok", "bad\"tag"] })), "snippet.tags", "tags"),
        (with(json!({ "branch": "a..b" })), "snippet.branch", "branch"),
        (with(json!({ "branch": "x\"y" })), "snippet.branch", "branch"),
        (
            with(json!({ "existingJob": "job:\n  script: [x]\n".repeat(4000) })),
            "snippet.existing_job",
            "existingJob",
        ),
        (
            with(json!({ "environment": "prod'; echo" })),
            "snippet.environment",
            "environment",
        ),
        (
            with(json!({ "issuer": "http://gitlab.com" })),
            "snippet.issuer",
            "issuer",
        ),
        (with(json!({ "kind": "multi-role" })), "snippet.roles", "roles"),
        (
            with(json!({ "kind": "codebuild-publish" })),
            "snippet.codebuild",
            "codebuild",
        ),
        (
            with(
                json!({ "kind": "codebuild-publish", "codebuild": { "project": "p", "bucket": "B", "ecrRepository": "r" } }),
            ),
            "snippet.codebuild",
            "codebuild.bucket",
        ),
        (
            with(
                json!({ "kind": "codebuild-publish", "codebuild": { "project": "p$(id)", "bucket": "bucket", "ecrRepository": "r" } }),
            ),
            "snippet.codebuild",
            "codebuild.project",
        ),
        (
            with(json!({ "kind": "codebuild-publish", "codebuild": cb.clone() , "durationSeconds": 5 })),
            "snippet.duration_seconds",
            "durationSeconds",
        ),
        (
            with(
                json!({ "kind": "multi-role", "roles": [two_roles[0].clone(), { "profile": "a b", "roleArn": arn }] }),
            ),
            "snippet.roles",
            "roles[1].profile",
        ),
        (
            with(
                json!({ "kind": "multi-role", "roles": [two_roles[0].clone(), { "profile": "dev", "roleArn": arn }] }),
            ),
            "snippet.roles",
            "roles[1].profile",
        ),
        (
            with(
                json!({ "kind": "multi-role", "roles": [two_roles[0].clone(), { "profile": "prod", "roleArn": "arn:aws:iam::1:role/x" }] }),
            ),
            "snippet.role_arn",
            "roles[1].roleArn",
        ),
        (
            with(json!({ "kind": "multi-role", "roles": [two_roles[0].clone(), { "profile": "prod" }] })),
            "snippet.invalid",
            "roles[1].roleArn",
        ),
        (with(json!({ "region": 7 })), "snippet.invalid", "region"),
    ];
    for (value, code, field) in cases {
        let err = SnippetSpec::from_json(&value.to_string())
            .and_then(|spec| ci_snippet(&spec))
            .unwrap_err();
        assert_eq!(err.code(), code, "{value}: {err}");
        assert_eq!(err.field().as_deref(), Some(field), "{value}: {err}");
        let name = field.rsplit(['.', ']']).next().unwrap_or(field);
        assert!(err.to_string().contains(name), "the message names {field}: {err}");
    }
    let valid_roles = with(json!({ "kind": "multi-role", "roles": two_roles }));
    assert!(ci_snippet(&spec(&valid_roles)).is_ok());
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

/// Role ARNs in every documented partition (facts §4.2) are accepted, and the buildspec names the
/// ECR registry by the partition's documented DNS suffix, or asks ECR for it where none is documented.
#[test]
fn every_documented_partition_is_accepted() {
    let codebuild = json!({ "project": "p", "bucket": "bucket", "ecrRepository": "r" });
    for (partition, region) in [
        ("aws", "us-east-1"),
        ("aws-us-gov", "us-gov-west-1"),
        ("aws-cn", "cn-north-1"),
        ("aws-iso", "us-iso-east-1"),
        ("aws-iso-b", "us-isob-east-1"),
        ("aws-iso-e", "eu-isoe-west-1"),
        ("aws-iso-f", "us-isof-south-1"),
        ("aws-eusc", "eusc-de-east-1"),
    ] {
        let role = format!("arn:{partition}:iam::123456789012:role/ci/deploy");
        for kind in ["assume-role", "component", "codebuild-publish"] {
            let snippet = ci_snippet(&spec(&json!({
                "kind": kind,
                "roleArn": role,
                "region": region,
                "codebuild": codebuild,
            })))
            .unwrap_or_else(|e| panic!("{partition} {kind}: {e}"));
            if kind == "component" {
                let template: Value = serde_yaml::from_str(
                    snippet
                        .files
                        .iter()
                        .find(|(n, _)| n.starts_with("templates/"))
                        .unwrap()
                        .1
                        .split("\n---\n")
                        .next()
                        .unwrap(),
                )
                .unwrap();
                let pattern = template["spec"]["inputs"]["role-arn"]["regex"].as_str().unwrap();
                let pattern = pattern.trim_start_matches('^').trim_end_matches('$');
                assert!(
                    pattern.contains(&partition["aws".len()..]),
                    "{partition}: the component's role-arn regex admits it: {pattern}"
                );
            }
            if kind == "codebuild-publish" {
                let buildspec = &snippet.files.iter().find(|(n, _)| n == "buildspec.yml").unwrap().1;
                let parsed: Value = serde_yaml::from_str(buildspec).unwrap();
                assert!(parsed["phases"]["pre_build"]["commands"].as_array().unwrap().len() >= 3);
                let expected = match partition {
                    "aws" | "aws-us-gov" => Some(".amazonaws.com\""),
                    "aws-cn" => Some(".amazonaws.com.cn\""),
                    "aws-eusc" => Some(".amazonaws.eu\""),
                    _ => None,
                };
                if let Some(suffix) = expected {
                    assert!(buildspec.contains(suffix), "{partition}: {buildspec}");
                } else {
                    // No documented endpoints: nothing guessed, ECR names its own registry.
                    assert!(!buildspec.contains("amazonaws"), "{partition}: {buildspec}");
                    assert!(buildspec.contains("proxyEndpoint"), "{partition}: {buildspec}");
                }
                let policy = &snippet
                    .files
                    .iter()
                    .find(|(n, _)| n == "job-role-policy.json")
                    .unwrap()
                    .1;
                assert!(policy.contains(&format!("arn:{partition}:codebuild:{region}:123456789012:project/p")));
            }
        }
    }
}

fn findings_of(value: &Value) -> Vec<gitlab_aws_oidc::Finding> {
    let spec = SnippetSpec::from_json(&value.to_string()).unwrap_or_else(|e| panic!("{value}: {e}"));
    ci_snippet(&spec).unwrap().findings
}

fn codes(findings: &[gitlab_aws_oidc::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

/// Issue 20: the recipe this project started from, checked as a new user would check it: its
/// trust policy as pasted, and its job. The policy trusts a provider in another account than the
/// role's and has no aud condition; the job uses `CI_JOB_JWT_V2` inside `export $(…)`.
#[test]
fn the_recipe_against_its_own_policy() {
    let (_, spec) = fixture_specs().into_iter().find(|(c, _)| c == "recipe").unwrap();
    let findings = ci_snippet(&spec).unwrap().findings;
    assert_eq!(codes(&findings), ["CI004", "CI006", "CI010", "CI007"]);
    assert!(
        findings[0].message.contains("account 676487226531"),
        "{}",
        findings[0].message
    );
    assert!(findings[0].message.contains("123487226531"), "{}", findings[0].message);
    assert_eq!(findings[0].path.as_deref(), Some("$.Statement[0].Principal.Federated"));
    assert_eq!(findings[2].path.as_deref(), Some("$.Statement[0]"));
    assert!(
        findings[2].message.starts_with("statement 0 has no aud condition"),
        "{}",
        findings[2].message
    );
}

/// The policy as people hold it: the document (object or text), `aws iam get-role` output (its
/// document an object, text, or URL-encoded as IAM's API returns it), a bare role. All say the same.
#[test]
fn the_policy_as_users_hold_it() {
    let text = fs::read_to_string("tests/fixtures/ci/recipe.spec.json").unwrap();
    let recipe: Value = serde_json::from_str(&text).unwrap();
    let document = recipe["policy"].clone();
    let encoded: String = document
        .to_string()
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let base = json!({ "roleArn": recipe["roleArn"], "issuer": "https://gitlab.com" });
    let with = |policy: Value| {
        let mut spec = base.clone();
        spec["policy"] = policy;
        findings_of(&spec)
    };
    let expected = with(document.clone());
    assert_eq!(codes(&expected), ["CI004", "CI010"]);
    for policy in [
        Value::from(serde_json::to_string_pretty(&document).unwrap()),
        json!({ "Role": { "RoleName": "dev-web-console-identity", "Path": "/", "RoleId": "AROAEXAMPLE", "Arn": recipe["roleArn"], "CreateDate": "2024-01-01T00:00:00+00:00", "AssumeRolePolicyDocument": document, "MaxSessionDuration": 3600, "RoleLastUsed": {} } }),
        json!({ "Role": { "AssumeRolePolicyDocument": document.to_string() } }),
        json!({ "Role": { "AssumeRolePolicyDocument": encoded } }),
        Value::from(json!({ "Role": { "AssumeRolePolicyDocument": encoded } }).to_string()),
        json!({ "RoleName": "dev-web-console-identity", "AssumeRolePolicyDocument": document.to_string() }),
    ] {
        assert_eq!(with(policy.clone()), expected, "{policy}");
    }
    // A trustPolicy result, as today: its audience, provider and subjects (other fields allowed).
    let result = json!({ "policy": "{}", "formats": {}, "findings": [], "roleName": "r", "roleArn": "arn:aws:iam::676487226531:role/r", "providerHost": "gitlab.com", "issuer": "https://gitlab.com", "audience": "sts.amazonaws.com", "providerArn": "arn:aws:iam::123487226531:oidc-provider/gitlab.com", "subjects": ["project_path:g/p:ref_type:branch:ref:main"] });
    assert_eq!(codes(&with(result)), ["CI004"]);
}

/// Every Allow statement that could admit the job counts (statements OR), `StringLike` patterns
/// included; mismatches are reported only when none admits it, each naming its statement.
#[test]
fn statements_or_and_each_finding_names_its_statement() {
    let statement = |sid: &str, aud: Value, sub: &str| json!({ "Sid": sid, "Effect": "Allow", "Principal": { "Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com" }, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": { "StringLike": { "gitlab.com:aud": aud, "gitlab.com:sub": sub } } });
    let policy = json!({ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Principal": { "Service": "ec2.amazonaws.com" }, "Action": "sts:AssumeRole" },
        statement("Main", json!("sts.amazonaws.*"), "project_path:g/p:ref_type:branch:ref:main"),
        statement("Releases", json!(["https://gitlab.com"]), "project_path:g/p:ref_type:tag:ref:v*"),
    ]});
    let job = |extra: Value| {
        let mut spec = json!({ "roleArn": "arn:aws:iam::123456789012:role/deploy", "issuer": "https://gitlab.com", "policy": policy });
        for (key, value) in extra.as_object().unwrap() {
            spec[key] = value.clone();
        }
        findings_of(&spec)
    };
    // Statement 1 admits a job on main with the default audience; statement 2 need not.
    assert!(job(json!({ "branch": "main" })).is_empty());
    // Statement 2 admits a tag job with its audience; statement 1 need not.
    assert!(job(json!({ "when": "tags", "audience": "https://gitlab.com" })).is_empty());
    // Neither admits a job on develop: each statement says why, where.
    let findings = job(json!({ "branch": "develop" }));
    let said: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f.code,
                f.path.as_deref().unwrap_or(""),
                f.message.split(':').next().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            (
                "CI005",
                "$.Statement[1].Condition.StringLike[\"gitlab.com:sub\"]",
                "statement 1 (Sid \"Main\")"
            ),
            (
                "CI002",
                "$.Statement[2].Condition.StringLike[\"gitlab.com:aud\"]",
                "statement 2 (Sid \"Releases\")"
            ),
            (
                "CI005",
                "$.Statement[2].Condition.StringLike[\"gitlab.com:sub\"]",
                "statement 2 (Sid \"Releases\")"
            ),
        ]
    );
    assert!(
        findings[1].message.contains("\"sts.amazonaws.com\""),
        "{}",
        findings[1].message
    );
    // Another instance, another account: every statement is about another provider.
    let elsewhere = job(
        json!({ "branch": "main", "issuer": "https://gitlab.example.com", "roleArn": "arn:aws-us-gov:iam::123456789012:role/deploy" }),
    );
    assert_eq!(
        codes(&elsewhere),
        ["CI003", "CI004", "CI002", "CI003", "CI004", "CI005"]
    );
    assert!(
        elsewhere[0].message.contains("but the job runs on gitlab.example.com"),
        "{}",
        elsewhere[0].message
    );
    // A policy no GitLab job can use at all.
    let service = json!({ "Statement": { "Effect": "Allow", "Principal": { "Service": "lambda.amazonaws.com" }, "Action": "sts:AssumeRole" } });
    let findings = findings_of(&json!({ "roleArn": "arn:aws:iam::123456789012:role/x", "policy": service }));
    assert_eq!(codes(&findings), ["CI011"]);
    // sts:* covers the action; a wildcard aud does not restrict it.
    let star = json!({ "Statement": { "Effect": "Allow", "Principal": { "Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com" }, "Action": "sts:*", "Condition": { "StringLike": { "gitlab.com:aud": "*", "gitlab.com:sub": "project_path:g/p:*" } } } });
    let findings = findings_of(&json!({ "roleArn": "arn:aws:iam::123456789012:role/x", "policy": star }));
    assert_eq!(codes(&findings), ["CI010"]);
}

#[test]
fn a_policy_of_no_known_shape_is_refused_naming_the_shapes() {
    let arn = "arn:aws:iam::123456789012:role/x";
    let cases = [
        (
            json!(7),
            "policy",
            "policy: found a number; expected a trust policy document",
        ),
        (
            json!({}),
            "policy",
            "or a trustPolicy result { audience, providerArn, subjects }",
        ),
        (
            json!({ "Principal": "x" }),
            "policy",
            "found an object with none of Statement, Role and AssumeRolePolicyDocument",
        ),
        (
            json!({ "audience": "x", "providerArm": "y" }),
            "policy.providerArm",
            "unknown field `policy.providerArm`",
        ),
        (
            json!({ "audience": 1 }),
            "policy.audience",
            "policy.audience: expected a string",
        ),
        (
            json!({ "Role": { "AssumeRolePolicyDocument": "{" } }),
            "policy.Role.AssumeRolePolicyDocument",
            "policy.Role.AssumeRolePolicyDocument: policy is not JSON",
        ),
        (
            json!({ "Role": { "Arn": "x" } }),
            "policy.Role.AssumeRolePolicyDocument",
            "found nothing; expected the trust policy",
        ),
        (
            json!({ "Role": { "AssumeRolePolicyDocument": {}, "Foo": 1 } }),
            "policy.Role.Foo",
            "found an unknown field",
        ),
        (json!(""), "policy", "policy is empty"),
        (
            json!("{\n  \"Statement\": [,]\n}"),
            "policy",
            "policy is not JSON: expected value at line 2, column 17",
        ),
        (
            json!({ "Statement": [{ "Effect": 1 }] }),
            "policy",
            "policy: $.Statement[0].Effect is a number; expected a string",
        ),
    ];
    for (policy, field, message) in cases {
        let spec = json!({ "roleArn": arn, "policy": policy });
        let error = SnippetSpec::from_json(&spec.to_string()).unwrap_err();
        assert_eq!(error.code(), "snippet.policy", "{policy}: {error}");
        assert_eq!(error.field().as_deref(), Some(field), "{policy}: {error}");
        assert!(error.to_string().contains(message), "{policy}: {error}");
    }
    let error = SnippetSpec::from_json(&json!({ "policy": "{\n  \"Statement\": [,]\n}" }).to_string()).unwrap_err();
    assert_eq!(error.position(), Some((2, 17)));
}
