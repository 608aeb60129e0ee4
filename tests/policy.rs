//! Trust-policy generation: snapshots per format over fixture specs, every
//! output parsed back by an independent parser, hostile values, bad input,
//! and policies from tokens that admit their token and refuse its siblings.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::process::Command;

use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::issuer::ProviderHost;
use gitlab_aws_oidc::policy::evaluate::{evaluate, Request};
use gitlab_aws_oidc::policy::generate::{trust_policy, trust_policy_for_token, TokenPolicyOptions, TrustPolicyResult};
use gitlab_aws_oidc::policy::parse::parse_policy;
use gitlab_aws_oidc::policy::spec::TrustPolicySpec;
use gitlab_aws_oidc::token::Claims;
use serde_json::{json, Value};

fn spec(value: &Value) -> TrustPolicySpec {
    TrustPolicySpec::from_json(&value.to_string()).unwrap()
}

fn fixture_specs() -> Vec<(String, TrustPolicySpec)> {
    let mut specs: Vec<(String, TrustPolicySpec)> = fs::read_dir("tests/fixtures/policy")
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().ok()?;
            let case = name.strip_suffix(".spec.json")?.to_owned();
            let text = fs::read_to_string(format!("tests/fixtures/policy/{name}")).unwrap();
            Some((case, TrustPolicySpec::from_json(&text).unwrap()))
        })
        .collect();
    specs.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(specs.len() >= 6);
    specs
}

#[test]
fn snapshots_of_every_format() {
    for (case, spec) in fixture_specs() {
        let result = trust_policy(&spec).unwrap_or_else(|e| panic!("{case}: {e}"));
        insta::assert_snapshot!(format!("{case}.policy.json"), result.formats.trust_policy);
        insta::assert_snapshot!(format!("{case}.role.json"), result.formats.role_json);
        insta::assert_snapshot!(format!("{case}.aws-cli.sh"), result.formats.aws_cli);
        insta::assert_snapshot!(format!("{case}.main.tf"), result.formats.terraform);
        insta::assert_snapshot!(format!("{case}.template.yaml"), result.formats.cloud_formation);
        insta::assert_json_snapshot!(format!("{case}.findings"), result.findings);
    }
}

/// Parses every format with an independent parser and returns the policy each one carries.
fn parsed_policies(result: &TrustPolicyResult) -> Vec<(&'static str, Value)> {
    let policy: Value = serde_json::from_str(&result.policy).unwrap();
    let role: Value = serde_json::from_str(&result.formats.role_json).unwrap();
    let in_role: Value = serde_json::from_str(role["AssumeRolePolicyDocument"].as_str().unwrap()).unwrap();
    let template: Value = serde_yaml::from_str(&result.formats.cloud_formation).unwrap();
    let in_template = template["Resources"]["GitLabCiRole"]["Properties"]["AssumeRolePolicyDocument"].clone();
    vec![
        ("policy", policy),
        ("role.json", in_role),
        ("template.yaml", in_template),
    ]
}

#[test]
fn every_format_parses_and_carries_the_same_policy() {
    for (case, spec) in fixture_specs() {
        let result = trust_policy(&spec).unwrap();
        let policies = parsed_policies(&result);
        let reference = &policies[0].1;
        for (name, policy) in &policies[1..] {
            // CloudFormation writes every value as a list and the provider by Fn::GetAtt.
            let conditions = |p: &Value| {
                let mut out = Vec::new();
                for (operator, block) in p["Statement"][0]["Condition"].as_object().unwrap() {
                    for (key, values) in block.as_object().unwrap() {
                        let values: Vec<String> = match values {
                            Value::Array(list) => list.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
                            v => vec![v.as_str().unwrap().to_owned()],
                        };
                        out.push((operator.clone(), key.clone(), values));
                    }
                }
                out
            };
            assert_eq!(conditions(policy), conditions(reference), "{case}: {name}");
        }
        let hcl: Value = hcl::from_str(&result.formats.terraform).unwrap_or_else(|e| panic!("{case}: {e}"));
        let mut conditions = hcl_conditions(&hcl);
        let mut expected: Vec<(String, String, Vec<String>)> = parse_policy(&result.policy).unwrap().statements[0]
            .conditions
            .iter()
            .map(|c| (c.operator.clone(), c.key.clone(), c.values.clone()))
            .collect();
        conditions.sort();
        expected.sort();
        assert_eq!(conditions, expected, "{case}: terraform");
        let syntax = Command::new("sh")
            .arg("-n")
            .arg("-c")
            .arg(&result.formats.aws_cli)
            .status()
            .unwrap();
        assert!(syntax.success(), "{case}: aws cli script is valid sh");
    }
}

fn hcl_conditions(value: &Value) -> Vec<(String, String, Vec<String>)> {
    let statement = &value["data"]["aws_iam_policy_document"]["gitlab_ci_assume_role"]["statement"];
    let conditions = match &statement["condition"] {
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    };
    conditions
        .iter()
        .map(|c| {
            let values = c["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            (
                c["test"].as_str().unwrap().to_owned(),
                c["variable"].as_str().unwrap().to_owned(),
                values,
            )
        })
        .collect()
}

const HOSTILE: &[&str] = &[
    "quote \" and 'single'",
    "back\\slash \\n not a newline",
    "new\nline and\r\ncrlf\ttab",
    "${var.injected} %{ if true }x%{ endif }",
    "$(touch /tmp/pwned) `touch /tmp/pwned2` $HOME",
    "yaml: [flow] {map} &anchor *alias !tag # comment",
    "--- \n... ",
    "ünïcödé Latin-1 ©",
];

#[test]
fn hostile_values_stay_inside_their_strings() {
    for hostile in HOSTILE {
        let value = json!({
            "accountId": "123456789012",
            "audience": hostile.replace(['\n', '\r', '\t', ' '], "_"),
            "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": "main" }],
            "description": hostile,
        });
        let result = trust_policy(&spec(&value)).unwrap_or_else(|e| panic!("{hostile:?}: {e}"));
        let audience = value["audience"].as_str().unwrap();

        let role: Value = serde_json::from_str(&result.formats.role_json).unwrap();
        assert_eq!(role["Description"], *hostile);
        let template: Value = serde_yaml::from_str(&result.formats.cloud_formation).unwrap();
        assert_eq!(
            template["Resources"]["GitLabCiRole"]["Properties"]["Description"],
            *hostile
        );
        assert_eq!(
            template["Resources"]["GitLabOidcProvider"]["Properties"]["ClientIdList"][0],
            audience
        );
        let hcl: Value = hcl::from_str(&result.formats.terraform).unwrap();
        assert_eq!(hcl["resource"]["aws_iam_role"]["gitlab_ci"]["description"], *hostile);
        assert_eq!(
            hcl["resource"]["aws_iam_openid_connect_provider"]["gitlab"]["client_id_list"][0],
            audience
        );

        // Run the CLI script with a stub `aws` that prints each argument: the shell must pass them literally.
        let script = format!(
            "aws() {{ for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }}\n{}",
            result.formats.aws_cli
        );
        let output = Command::new("sh").arg("-c").arg(&script).output().unwrap();
        assert!(
            output.status.success(),
            "{hostile:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let args: Vec<String> = output
            .stdout
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let after = |flag: &str| args.iter().position(|a| a == flag).map(|i| args[i + 1].clone());
        assert_eq!(after("--description").as_deref(), Some(*hostile));
        assert_eq!(after("--client-id-list").as_deref(), Some(audience));
        let policy: Value = serde_json::from_str(&after("--assume-role-policy-document").unwrap()).unwrap();
        // In the policy, a `$` is written `${$}` so that IAM reads the audience back.
        assert_eq!(
            policy["Statement"][0]["Condition"]["StringEquals"]["gitlab.com:aud"],
            gitlab_aws_oidc::policy::variables::escape(audience, false)
        );
    }
    assert!(!std::path::Path::new("/tmp/pwned").exists() && !std::path::Path::new("/tmp/pwned2").exists());
}

#[test]
#[allow(clippy::too_many_lines, reason = "one table of bad inputs reads best whole")]
fn bad_input_names_the_field() {
    let base = json!({ "accountId": "123456789012", "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "main" }] });
    let with = |patch: Value| {
        let mut value = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            value[k] = v.clone();
        }
        value
    };
    let cases = [
        (with(json!({ "accountId": "12345" })), "spec.account_id"),
        (with(json!({ "accountId": "12345678901a" })), "spec.account_id"),
        (with(json!({ "issuer": "http://gitlab.com" })), "spec.issuer"),
        (with(json!({ "issuer": "https://gitlab.com/" })), "spec.issuer"),
        (with(json!({ "issuer": "https://gitlab.com:8443" })), "spec.issuer"),
        (with(json!({ "partition": "aws-mars" })), "spec.partition"),
        (with(json!({ "audience": "" })), "spec.audience"),
        (with(json!({ "audience": "a b" })), "spec.audience"),
        (with(json!({ "subjects": [] })), "spec.subjects"),
        (
            with(json!({ "subjects": [{ "project_path": "", "ref_type": "branch", "ref": "main" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "noslash", "ref_type": "branch", "ref": "main" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "g/p\"", "ref_type": "branch", "ref": "main" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "a..b" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "a~1" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "a b" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "a\u{7}" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "x:y" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "g/p", "ref_type": "mr", "ref": "1" }] })),
            "spec.subjects",
        ),
        (
            with(json!({ "subjects": [{ "project_path": "g/p", "ref_type": "branch" }] })),
            "spec.subjects",
        ),
        (
            with(
                json!({ "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "main", "environment_protected": "true" }] }),
            ),
            "spec.subjects",
        ),
        (
            with(json!({ "subClaimComponents": ["ref", "project_path"] })),
            "spec.sub_claim_components",
        ),
        (
            with(json!({ "subClaimComponents": ["project_path", "environment"] })),
            "spec.sub_claim_components",
        ),
        (
            with(json!({ "issuer": "https://gitlab.example.com", "pins": { "project_id": "1" } })),
            "spec.pins",
        ),
        (with(json!({ "pins": { "ref": "main" } })), "spec.pins"),
        (with(json!({ "pins": { "project_id": "abc" } })), "spec.pins"),
        (with(json!({ "pins": { "ref_protected": true } })), "spec.pins"),
        (with(json!({ "roleName": "has space" })), "spec.role_name"),
        (with(json!({ "roleName": "a".repeat(65) })), "spec.role_name"),
        (with(json!({ "maxSessionDuration": 60 })), "spec.max_session_duration"),
        (
            with(json!({ "maxSessionDuration": 43201 })),
            "spec.max_session_duration",
        ),
        (with(json!({ "description": "emoji 😀" })), "spec.description"),
        (with(json!({ "tags": { "aws:x": "y" } })), "spec.tags"),
        (with(json!({ "tags": { "k": "v\"" } })), "spec.tags"),
        (with(json!({ "tags": { "k\u{85}": "v" } })), "spec.tags"),
        (with(json!({ "tags": { "k!": "v" } })), "spec.tags"),
    ];
    for (value, code) in cases {
        let err = trust_policy(&spec(&value)).unwrap_err();
        assert_eq!(err.code(), code, "{value}: {err}");
    }
    // IAM allows Unicode letters in tags; they pass through, escaped by every format.
    let unicode = trust_policy(&spec(&with(json!({ "tags": { "Équipe": "Données" } })))).unwrap();
    assert!(
        unicode.formats.terraform.contains("Équipe"),
        "{}",
        unicode.formats.terraform
    );
    let missing = TrustPolicySpec::from_json(r#"{"subjects": []}"#).unwrap();
    assert_eq!(trust_policy(&missing).unwrap_err().code(), "spec.account_id");
    let typo = TrustPolicySpec::from_json(r#"{"acountId": "123456789012"}"#).unwrap_err();
    assert!(typo.to_string().contains("unknown field `acountId`"), "{typo}");
    let err = trust_policy(&spec(&with(
        json!({ "issuer": "https://gitlab.example.com", "pins": { "project_id": "1" } }),
    )))
    .unwrap_err();
    assert!(err.to_string().contains("AWS evaluates only sub and aud"), "{err}");
}

/// `*` and `?` cross `/` and `:`: a project pattern whose top-level group is not literal
/// (or any pattern in an id) admits projects anyone can create, so the generator refuses it.
#[test]
fn project_patterns_that_admit_any_project_are_refused() {
    let subject = |component: &str, value: &str| {
        json!({
            "accountId": "123456789012",
            "subClaimComponents": [component, "ref_type", "ref"],
            "subjects": [{ component: value, "ref_type": "branch", "ref": "main" }]
        })
    };
    for (component, value) in [
        ("project_path", "*"),
        ("project_path", "?*"),
        ("project_path", "*/*"),
        ("project_path", "*?"),
        ("project_path", "a*"),
        ("project_path", "*/x"),
        ("project_path", "ac?e/app"),
        ("project_id", "*"),
        ("project_id", "?*"),
        ("project_id", "4*"),
    ] {
        let err = trust_policy(&spec(&subject(component, value))).unwrap_err();
        assert_eq!(
            (err.code(), err.field().as_deref()),
            ("spec.subjects", Some("subjects[0]")),
            "{component} {value}: {err}"
        );
        assert!(err.to_string().contains("admits any project"), "{err}");
    }
    for value in ["acme/*", "acme/app-*", "acme/*/deploy"] {
        let result = trust_policy(&spec(&subject("project_path", value))).unwrap();
        let codes: Vec<&str> = result.findings.iter().map(|f| f.code).collect();
        assert!(
            codes.contains(&"POL006") && !codes.contains(&"POL005"),
            "{value}: {codes:?}"
        );
    }
}

/// Besides its code, an error names the spec field it is about, as JSON spells its path,
/// so a form can mark that field without reading the message.
#[test]
fn errors_name_the_field_as_a_path() {
    let base = json!({ "accountId": "123456789012", "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "main" }] });
    let field_of = |patch: Value| {
        let mut value = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            value[k] = v.clone();
        }
        TrustPolicySpec::from_json(&value.to_string())
            .and_then(|spec| trust_policy(&spec))
            .unwrap_err()
            .field()
    };
    let subject = |r: &str| json!({ "project_path": "g/p", "ref_type": "branch", "ref": r });
    let cases = [
        (json!({ "accountId": "12345" }), "accountId"),
        (json!({ "accountId": 12345 }), "accountId"),
        (json!({ "issuer": "http://gitlab.com" }), "issuer"),
        (json!({ "partition": "aws-mars" }), "partition"),
        (json!({ "audience": "a b" }), "audience"),
        (json!({ "subjects": [] }), "subjects"),
        (json!({ "subjects": [subject("main"), subject("a..b")] }), "subjects[1]"),
        (json!({ "subjects": [subject("main"), 7] }), "subjects[1]"),
        (
            json!({ "subClaimComponents": ["ref", "project_path"] }),
            "subClaimComponents",
        ),
        (
            json!({ "issuer": "https://gitlab.example.com", "pins": { "project_id": "1" } }),
            "pins",
        ),
        (json!({ "pins": { "ref": "main" } }), "pins.ref"),
        (json!({ "pins": { "project_id": "abc" } }), "pins.project_id"),
        (json!({ "pins": { "ref_protected": true } }), "pins.ref_protected"),
        (json!({ "roleName": "has space" }), "roleName"),
        (json!({ "maxSessionDuration": 60 }), "maxSessionDuration"),
        (json!({ "description": "emoji 😀" }), "description"),
        (json!({ "tags": { "aws:x": "y" } }), "tags"),
        (json!({ "acountId": "123456789012" }), "acountId"),
    ];
    for (patch, field) in cases {
        assert_eq!(field_of(patch.clone()).as_deref(), Some(field), "{patch}");
    }
    assert_eq!(TrustPolicySpec::from_json("[1]").unwrap_err().field(), None);

    let options = |text: &str| TokenPolicyOptions::from_json(text).unwrap_err().field();
    assert_eq!(options(r#"{"refScope":"all"}"#).as_deref(), Some("refScope"));
    assert_eq!(options(r#"{"pinProjectId":"yes"}"#).as_deref(), Some("pinProjectId"));
    let token = fs::read_to_string("tests/fixtures/tokens/gitlab-com-main.jwt").unwrap();
    let for_token = |text: &str| {
        trust_policy_for_token(&token, &TokenPolicyOptions::from_json(text).unwrap())
            .unwrap_err()
            .field()
    };
    assert_eq!(for_token("{}").as_deref(), Some("accountId"));
    assert_eq!(
        for_token(r#"{"accountId":"123456789012","roleName":"a b"}"#).as_deref(),
        Some("roleName")
    );
}

/// A policy that is not JSON says where: line and column, as numbers too.
#[test]
fn policy_json_errors_carry_their_position() {
    use gitlab_aws_oidc::lint::{lint_text, Context};
    let err = lint_text("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}\n", "{}").unwrap_err();
    assert_eq!(err.code(), "policy.json");
    assert_eq!(err.position(), Some((3, 17)), "{err}");
    assert!(err.to_string().contains("line 3, column 17"), "{err}");
    let wide_open = fs::read_to_string("tests/fixtures/lint/wide-open.json").unwrap();
    let bad_token = lint_text(&wide_open, r#"{"token":"a.b"}"#).unwrap_err();
    assert_eq!(
        (bad_token.code(), bad_token.field().as_deref()),
        ("token.segments", Some("token"))
    );
    let context = Context::from_json(r#"{"partition":"aws-mars"}"#).unwrap_err();
    assert_eq!(
        (context.code(), context.field().as_deref()),
        ("context.invalid", Some("partition"))
    );
}

#[test]
fn defaults_follow_the_safe_choice() {
    let result = trust_policy(&spec(&json!({
        "accountId": "123456789012",
        "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": "main" }]
    })))
    .unwrap();
    assert_eq!(result.audience, "sts.amazonaws.com");
    assert_eq!(result.issuer, "https://gitlab.com");
    assert_eq!(result.role_name, "gitlab-ci-acme-app");
    assert_eq!(
        result.provider_arn,
        "arn:aws:iam::123456789012:oidc-provider/gitlab.com"
    );
    let policy: Value = serde_json::from_str(&result.policy).unwrap();
    let equals = &policy["Statement"][0]["Condition"]["StringEquals"];
    assert_eq!(equals["gitlab.com:aud"], "sts.amazonaws.com");
    assert_eq!(
        equals["gitlab.com:sub"],
        "project_path:acme/app:ref_type:branch:ref:main"
    );
    assert!(
        policy["Statement"][0]["Condition"].get("StringLike").is_none(),
        "no StringLike without a wildcard"
    );
    let codes: Vec<&str> = result.findings.iter().map(|f| f.code).collect();
    assert_eq!(
        codes,
        ["POL014"],
        "path-only sub on gitlab.com without project_id is flagged"
    );
}

/// Claims from a fixture token's payload, edited.
fn claims(name: &str, edit: impl FnOnce(&mut Value)) -> Claims {
    let mut value: Value =
        serde_json::from_str(&fs::read_to_string(format!("tests/fixtures/tokens/{name}.claims.json")).unwrap())
            .unwrap();
    edit(&mut value);
    Claims::new(value.as_object().unwrap().clone())
}

fn allows(result: &TrustPolicyResult, claims: &Claims) -> bool {
    let host = claims.issuer().and_then(|i| ProviderHost::from_issuer(i).ok());
    evaluate(
        &parse_policy(&result.policy).unwrap(),
        Request {
            claims,
            host: host.as_ref(),
        },
    )
    .allowed
}

#[test]
fn policies_from_tokens_admit_their_token_and_refuse_siblings() {
    let options = |extra: Value| {
        let mut value = json!({ "accountId": "123456789012" });
        for (k, v) in extra.as_object().unwrap() {
            value[k] = v.clone();
        }
        TokenPolicyOptions::from_json(&value.to_string()).unwrap()
    };
    let token = |name: &str| fs::read_to_string(format!("tests/fixtures/tokens/{name}.jwt")).unwrap();
    let set = |key: &'static str, value: &'static str| move |c: &mut Value| c[key] = json!(value);

    for name in [
        "gitlab-com-main",
        "gitlab-com-tag",
        "self-managed-relative-root",
        "project-id-sub",
        "custom-sub-protected",
    ] {
        let result =
            trust_policy_for_token(&token(name), &options(json!({}))).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            allows(&result, &claims(name, |_| {})),
            "{name}: admits its own token\n{}",
            result.policy
        );
        let sub = |c: &mut Value, from: &str, to: &str| {
            let s = c["sub"].as_str().unwrap().replace(from, to);
            c["sub"] = json!(s);
        };
        let siblings: Vec<(&str, Claims)> = vec![
            (
                "other project",
                claims(name, |c| {
                    sub(c, "acme/platform/deployer", "acme/platform/other");
                    sub(c, "infra/terraform", "infra/other");
                    sub(c, "46573356", "46573357");
                    c["project_id"] = json!("99");
                }),
            ),
            (
                "other ref",
                claims(name, |c| {
                    sub(c, ":ref:main", ":ref:develop");
                    sub(c, ":ref:v1.4.0", ":ref:v1.4.1");
                }),
            ),
            ("other audience", claims(name, set("aud", "https://vault.example.com"))),
            (
                "other instance",
                claims(name, set("iss", "https://gitlab.evil.example")),
            ),
        ];
        for (what, sibling) in siblings {
            assert!(!allows(&result, &sibling), "{name}: refuses a token from {what}");
        }
    }

    let main = token("gitlab-com-main");
    let any_branch = trust_policy_for_token(&main, &options(json!({ "refScope": "any-branch" }))).unwrap();
    let develop = claims("gitlab-com-main", |c| {
        c["sub"] = json!("project_path:acme/platform/deployer:ref_type:branch:ref:develop");
    });
    assert!(
        allows(&any_branch, &develop),
        "any-branch admits another protected branch"
    );
    let unprotected = claims("gitlab-com-main", |c| {
        c["sub"] = json!("project_path:acme/platform/deployer:ref_type:branch:ref:develop");
        c["ref_protected"] = json!("false");
    });
    assert!(
        !allows(&any_branch, &unprotected),
        "protected refs only by default on gitlab.com"
    );
    let tag = claims("gitlab-com-main", |c| {
        c["sub"] = json!("project_path:acme/platform/deployer:ref_type:tag:ref:v1");
    });
    assert!(!allows(&any_branch, &tag), "any-branch refuses tags");
    let moved = claims("gitlab-com-main", |c| c["project_id"] = json!("1"));
    assert!(!allows(&any_branch, &moved), "project_id is pinned on gitlab.com");
    let reclaimed = trust_policy_for_token(
        &main,
        &options(json!({ "pinProjectId": false, "pinNamespaceId": false })),
    )
    .unwrap();
    assert!(
        reclaimed.findings.iter().any(|f| f.code == "POL014"),
        "unpinned path is flagged"
    );
}

/// The lint context picks the token's audience the way the generator does: with several,
/// AWS's own, wherever it stands in the list.
#[test]
fn lint_with_a_token_expects_the_audience_its_policy_was_built_for() {
    let b64 = |v: &Value| gitlab_aws_oidc::base64url::encode(v.to_string().as_bytes());
    let token = format!(
        "{}.{}.c2ln",
        b64(&json!({ "alg": "RS256" })),
        b64(&json!({
            "iss": "https://gitlab.com",
            "aud": ["https://gitlab.com", "sts.amazonaws.com"],
            "sub": "project_path:g/p:ref_type:branch:ref:main",
            "project_id": "42",
        }))
    );
    let options = TokenPolicyOptions::from_json(r#"{"accountId":"123456789012"}"#).unwrap();
    let result = trust_policy_for_token(&token, &options).unwrap();
    assert_eq!(result.audience, "sts.amazonaws.com");
    let context = json!({ "token": token }).to_string();
    let findings = gitlab_aws_oidc::lint::lint_text(&result.policy, &context).unwrap();
    let codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
    assert!(!codes.contains(&"POL022"), "{codes:?}");
}

#[test]
fn token_errors_have_codes() {
    let options = TokenPolicyOptions::from_json(r#"{"accountId":"123456789012"}"#).unwrap();
    let token = |name: &str| fs::read_to_string(format!("tests/fixtures/tokens/{name}.jwt")).unwrap();
    let code = |t: &str, o: &TokenPolicyOptions| trust_policy_for_token(t, o).unwrap_err().code();
    assert_eq!(code(&token("legacy-v1"), &options), "token.iss");
    assert_eq!(code(&token("github-sub"), &options), "token.sub");
    assert_eq!(code(&token("missing-sub"), &options), "token.sub");
    let several = trust_policy_for_token(&token("aud-list"), &options).unwrap();
    assert_eq!(
        several.audience, "sts.amazonaws.com",
        "AWS's audience is chosen among several"
    );
    let b64 = |v: &Value| gitlab_aws_oidc::base64url::encode(v.to_string().as_bytes());
    let no_aws_audience = format!(
        "{}.{}.c2ln",
        b64(&json!({ "alg": "RS256" })),
        b64(
            &json!({ "iss": "https://gitlab.com", "aud": ["a", "b"], "sub": "project_path:g/p:ref_type:branch:ref:main" })
        )
    );
    assert_eq!(code(&no_aws_audience, &options), "token.aud");
    assert_eq!(code("a.b", &options), "token.segments");
    assert_eq!(
        code(&token("gitlab-com-main"), &TokenPolicyOptions::default()),
        "spec.account_id"
    );
    assert_eq!(
        TokenPolicyOptions::from_json(r#"{"refScope":"all"}"#)
            .unwrap_err()
            .code(),
        "options.invalid"
    );
}

/// A compact JWT with these claims (unsigned: generation never verifies).
fn unsigned_token(claims: &Value) -> String {
    let b64 = |v: &Value| gitlab_aws_oidc::base64url::encode(v.to_string().as_bytes());
    format!("{}.{}.c2ln", b64(&json!({ "alg": "RS256" })), b64(claims))
}

/// Without `ref_type` in `sub`, `ref:*` admits branches and tags alike, and AWS has no
/// `ref_type` condition key: "any tag" or "any branch" cannot be expressed, so it is refused.
#[test]
fn ref_scope_without_ref_type_in_sub_is_refused() {
    use gitlab_aws_oidc::policy::generate::spec_for_token;
    for iss in ["https://gitlab.com", "https://gitlab.example.com"] {
        let token = unsigned_token(&json!({
            "iss": iss,
            "aud": "sts.amazonaws.com",
            "sub": "project_path:acme/app:ref:main",
            "project_id": "42",
            "namespace_id": "7",
            "ref_type": "branch",
            "ref_protected": "true",
        }));
        for scope in ["any-tag", "any-branch"] {
            let options =
                TokenPolicyOptions::from_json(&json!({ "accountId": "123456789012", "refScope": scope }).to_string())
                    .unwrap();
            let err = trust_policy_for_token(&token, &options).unwrap_err();
            assert_eq!(
                (err.code(), err.field().as_deref()),
                ("options.invalid", Some("refScope")),
                "{iss} {scope}: {err}"
            );
            let message = err.to_string();
            assert!(
                message.contains("options.refScope") && message.contains("ref_type"),
                "{message}"
            );
            let err = spec_for_token(&token, &options).unwrap_err();
            assert_eq!(err.field().as_deref(), Some("refScope"), "specForToken too: {err}");
        }
        let this_ref = TokenPolicyOptions::from_json(r#"{"accountId":"123456789012"}"#).unwrap();
        let result = trust_policy_for_token(&token, &this_ref).unwrap();
        assert_eq!(result.subjects, ["project_path:acme/app:ref:main"]);
    }
}

/// Off gitlab.com AWS evaluates only `sub` and `aud`: an explicit `protectedOnly` that `sub`
/// cannot carry is refused, never dropped; when `sub` carries `ref_protected`, it is enforced there.
#[test]
fn protected_only_is_refused_elsewhere_unless_sub_carries_it() {
    use gitlab_aws_oidc::policy::generate::spec_for_token;
    let options = |extra: Value| {
        let mut value = json!({ "accountId": "123456789012" });
        for (k, v) in extra.as_object().unwrap() {
            value[k] = v.clone();
        }
        TokenPolicyOptions::from_json(&value.to_string()).unwrap()
    };
    let token = |sub: &str, protected: &str| {
        unsigned_token(&json!({
            "iss": "https://gitlab.example.com",
            "aud": "sts.amazonaws.com",
            "sub": sub,
            "project_id": "42",
            "namespace_id": "7",
            "ref_protected": protected,
        }))
    };
    let default_sub = token("project_path:acme/app:ref_type:branch:ref:main", "true");
    for extra in [
        json!({ "refScope": "any-branch", "protectedOnly": true }),
        json!({ "protectedOnly": true }),
    ] {
        let options = options(extra.clone());
        for err in [
            trust_policy_for_token(&default_sub, &options).map(|_| ()).unwrap_err(),
            spec_for_token(&default_sub, &options).map(|_| ()).unwrap_err(),
        ] {
            assert_eq!(
                (err.code(), err.field().as_deref()),
                ("options.invalid", Some("protectedOnly")),
                "{extra}: {err}"
            );
            let message = err.to_string();
            assert!(
                message.contains("options.protectedOnly")
                    && message.contains("ref_protected condition key only for gitlab.com"),
                "{message}"
            );
        }
    }
    // Unset or false asks nothing the policy cannot say. pinProjectId and pinNamespaceId default
    // to true and are documented as gitlab.com pins: elsewhere they are no-ops (the page sends its
    // defaults with every token), and the policy is exactly the one without them.
    let plain = trust_policy_for_token(&default_sub, &options(json!({ "refScope": "any-branch" }))).unwrap();
    for extra in [
        json!({ "refScope": "any-branch", "protectedOnly": false }),
        json!({ "refScope": "any-branch", "pinProjectId": true, "pinNamespaceId": true }),
    ] {
        let result = trust_policy_for_token(&default_sub, &options(extra)).unwrap();
        assert_eq!(result.policy, plain.policy);
    }

    // sub carries ref_protected: protectedOnly is enforced there, whatever the token's own value.
    let custom = token(
        "project_path:acme/app:ref_type:branch:ref:main:ref_protected:false",
        "false",
    );
    let result = trust_policy_for_token(
        &custom,
        &options(json!({ "refScope": "any-branch", "protectedOnly": true })),
    )
    .unwrap();
    assert_eq!(
        result.subjects,
        ["project_path:acme/app:ref_type:branch:ref:*:ref_protected:true"]
    );
    let branch = |protected: &str| {
        Claims::new(
            json!({
                "iss": "https://gitlab.example.com",
                "aud": "sts.amazonaws.com",
                "sub": format!("project_path:acme/app:ref_type:branch:ref:develop:ref_protected:{protected}"),
            })
            .as_object()
            .unwrap()
            .clone(),
        )
    };
    assert!(allows(&result, &branch("true")));
    assert!(!allows(&result, &branch("false")), "an unprotected branch is refused");
}

/// Every partition botocore's partitions.json lists (facts §4.2) is accepted wherever a
/// partition is read: spec, token options, lint context, provider ARNs.
#[test]
fn every_documented_partition_is_accepted() {
    use gitlab_aws_oidc::lint::{lint_text, Context};
    for partition in [
        "aws",
        "aws-us-gov",
        "aws-cn",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
        "aws-eusc",
    ] {
        let result = trust_policy(&spec(&json!({
            "accountId": "123456789012",
            "partition": partition,
            "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": "main" }]
        })))
        .unwrap_or_else(|e| panic!("{partition}: {e}"));
        assert_eq!(
            result.provider_arn,
            format!("arn:{partition}:iam::123456789012:oidc-provider/gitlab.com")
        );
        assert_eq!(
            result.role_arn,
            format!("arn:{partition}:iam::123456789012:role/gitlab-ci-acme-app")
        );
        let options =
            TokenPolicyOptions::from_json(&json!({ "accountId": "123456789012", "partition": partition }).to_string())
                .unwrap();
        let token = fs::read_to_string("tests/fixtures/tokens/gitlab-com-main.jwt").unwrap();
        let from_token = trust_policy_for_token(&token, &options).unwrap_or_else(|e| panic!("{partition}: {e}"));
        assert!(from_token.provider_arn.starts_with(&format!("arn:{partition}:iam::")));

        let context = json!({ "partition": partition, "accountId": "123456789012" }).to_string();
        Context::from_json(&context).unwrap_or_else(|e| panic!("{partition}: {e}"));
        let findings = lint_text(&result.policy, &context).unwrap();
        assert!(findings.iter().all(|f| f.code != "POL019"), "{partition}: {findings:?}");
    }
    // A policy in another partition than the context's is still caught.
    let iso = trust_policy(&spec(&json!({
        "accountId": "123456789012",
        "partition": "aws-iso-b",
        "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": "main" }]
    })))
    .unwrap();
    let findings = lint_text(&iso.policy, r#"{"partition":"aws-eusc"}"#).unwrap();
    let pol019: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == "POL019")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(pol019.len(), 1, "{findings:?}");
    assert!(
        pol019[0].contains("aws-iso-b") && pol019[0].contains("aws-eusc"),
        "{}",
        pol019[0]
    );
    // Unknown partitions are still refused, naming every accepted one.
    let err = trust_policy(&spec(&json!({
        "accountId": "123456789012",
        "partition": "aws-mars",
        "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": "main" }]
    })))
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field().as_deref()),
        ("spec.partition", Some("partition"))
    );
    assert!(
        err.to_string().contains("aws-iso-f") && err.to_string().contains("aws-eusc"),
        "{err}"
    );
}

/// A spec error names a field only when the caller gave it: an unusable `aud` that came from
/// the token is not the caller's `audience`.
#[test]
fn a_token_spec_error_names_only_a_field_the_caller_gave() {
    let token = unsigned_token(&json!({
        "iss": "https://gitlab.com",
        "aud": "my aud",
        "sub": "project_path:g/p:ref_type:branch:ref:main"
    }));
    let error =
        |options: &str| trust_policy_for_token(&token, &TokenPolicyOptions::from_json(options).unwrap()).unwrap_err();
    let from_token = error(r#"{"accountId":"123456789012"}"#);
    assert_eq!((from_token.code(), from_token.field()), ("spec.audience", None));
    let given = error(r#"{"accountId":"123456789012","audience":"a b"}"#);
    assert_eq!(
        (given.code(), given.field().as_deref()),
        ("spec.audience", Some("audience"))
    );
}

/// An unknown pin names itself as the field; the message is unchanged.
#[test]
fn an_unknown_pin_names_its_field() {
    let error = trust_policy(&spec(&json!({
        "accountId": "123456789012",
        "subjects": [{ "project_path": "g/p", "ref_type": "branch", "ref": "main" }],
        "pins": { "ref": "main" }
    })))
    .unwrap_err();
    assert_eq!(
        (error.code(), error.field().as_deref()),
        ("spec.pins", Some("pins.ref"))
    );
    assert_eq!(
        error.to_string(),
        "pins: \"ref\" cannot be pinned; expected project_id, namespace_id, ref_protected, pipeline_source, runner_environment"
    );
}

/// Git allows `$` in refs; IAM reads `${…}` in a 2012-10-17 policy as a variable, so a ref like
/// `release-${CI}` written verbatim would never match (the variable has no value). The generator
/// writes `$` as `${$}` in every format (Terraform escapes that `${` once more as `$${`), and the
/// generated policy admits the token carrying that ref.
#[test]
fn a_dollar_in_a_ref_is_written_so_iam_reads_it_back() {
    let result = trust_policy(&spec(&json!({
        "accountId": "123456789012",
        "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": "release-${CI}" }],
    })))
    .unwrap();
    assert_eq!(
        result.subjects,
        ["project_path:acme/app:ref_type:branch:ref:release-${CI}"],
        "subjects are the sub GitLab emits"
    );
    let policy: Value = serde_json::from_str(&result.policy).unwrap();
    assert_eq!(
        policy["Statement"][0]["Condition"]["StringEquals"]["gitlab.com:sub"],
        "project_path:acme/app:ref_type:branch:ref:release-${$}{CI}"
    );
    assert!(
        result.formats.terraform.contains("release-$${$}{CI}"),
        "{}",
        result.formats.terraform
    );
    for (name, parsed) in parsed_policies(&result) {
        assert!(parsed.to_string().contains("release-${$}{CI}"), "{name}: {parsed}");
    }
    let token = claims("gitlab-com-main", |c| {
        c["sub"] = json!("project_path:acme/app:ref_type:branch:ref:release-${CI}");
        c["project_path"] = json!("acme/app");
        c["ref"] = json!("release-${CI}");
    });
    assert!(allows(&result, &token));
    // The same policy with the ref written verbatim refuses it: what the escape is for.
    let verbatim = TrustPolicyResult {
        policy: result.policy.replace("release-${$}{CI}", "release-${CI}"),
        ..result.clone()
    };
    assert!(!allows(&verbatim, &token));
    // From a token: the same escape.
    let from_token = trust_policy_for_token(
        &unsigned_token(&Value::Object(token.raw().clone())),
        &TokenPolicyOptions::from_json(r#"{"accountId":"123456789012"}"#).unwrap(),
    )
    .unwrap();
    assert!(from_token.policy.contains("release-${$}{CI}"), "{}", from_token.policy);
    assert!(allows(&from_token, &token));
}

/// IAM accepts only TAB, LF, CR and U+0020–U+00FF in a policy document; git refs may hold
/// anything else. The generator refuses such a value and names the field.
#[test]
fn characters_iam_refuses_are_refused_with_the_field() {
    for (reference, shown) in [("fix–dash", "U+2013 '–'"), ("deploy-🚀", "U+1F680 '🚀'")] {
        let err = trust_policy(&spec(&json!({
            "accountId": "123456789012",
            "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": reference }],
        })))
        .unwrap_err();
        assert_eq!(err.code(), "spec.subjects", "{err}");
        assert_eq!(err.field().as_deref(), Some("subjects[0]"), "{err}");
        assert!(err.to_string().contains(shown), "{err}");
        assert!(err.to_string().contains("IAM refuses"), "{err}");
    }
    // Latin-1 is fine.
    trust_policy(&spec(&json!({
        "accountId": "123456789012",
        "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": "ünïcödé" }],
    })))
    .unwrap();
    let err = trust_policy(&spec(&json!({
        "accountId": "123456789012",
        "audience": "sts–amazonaws",
        "subjects": [{ "project_path": "acme/app", "ref_type": "branch", "ref": "main" }],
    })))
    .unwrap_err();
    assert_eq!(err.field().as_deref(), Some("audience"), "{err}");
    assert!(err.to_string().contains("IAM refuses"), "{err}");
}

/// A token whose ref IAM cannot hold in a policy: the error names the token's claim, not a
/// field the caller never gave.
#[test]
fn a_token_ref_iam_refuses_is_named_as_the_tokens() {
    let token = claims("gitlab-com-main", |c| {
        c["sub"] = json!("project_path:acme/platform/deployer:ref_type:branch:ref:deploy-🚀");
        c["ref"] = json!("deploy-🚀");
    });
    let err = trust_policy_for_token(
        &unsigned_token(&Value::Object(token.raw().clone())),
        &TokenPolicyOptions::from_json(r#"{"accountId":"123456789012"}"#).unwrap(),
    )
    .unwrap_err();
    assert_eq!((err.code(), err.field()), ("token.sub", None), "{err}");
    assert!(
        err.to_string()
            .starts_with("token sub: ref \"deploy-🚀\" contains U+1F680"),
        "{err}"
    );
}

/// GitLab accepts a project's path or id first in `sub`, as `project_*`, `job_project_*` or
/// `source_project_*` (MR 258245), and checks later elements only for membership: the spec
/// takes each first and later, holds each value to its kind (a project path, digits; no
/// wildcard in an id, a literal top-level group in a path), and writes a repeat each time, as
/// GitLab does.
#[test]
fn every_project_component_builds_a_policy() {
    let spec_for = |components: &[&str], subject: Value| {
        spec(&json!({ "accountId": "123456789012", "subClaimComponents": components, "subjects": [subject] }))
    };
    for (first, exact) in [
        ("project_path", "acme/app"),
        ("project_id", "42"),
        ("job_project_path", "acme/app"),
        ("job_project_id", "42"),
        ("source_project_path", "contributor/app"),
        ("source_project_id", "71234567"),
    ] {
        let result = trust_policy(&spec_for(
            &[first, "ref_type", "ref"],
            json!({ first: exact, "ref_type": "branch", "ref": "main" }),
        ))
        .unwrap_or_else(|e| panic!("{first}: {e}"));
        assert_eq!(result.subjects, [format!("{first}:{exact}:ref_type:branch:ref:main")]);
        let codes: Vec<&str> = result.findings.iter().map(|f| f.code).collect();
        assert!(
            !codes.contains(&"POL011") && !codes.contains(&"POL005"),
            "{first}: {codes:?}"
        );
        // The path ones are by path: on gitlab.com without a project_id pin, POL014.
        assert_eq!(
            codes.contains(&"POL014"),
            first.ends_with("_path"),
            "{first}: {codes:?}"
        );

        // Later, after another project component.
        let other = if first == "project_id" {
            "job_project_id"
        } else {
            "project_id"
        };
        let result = trust_policy(&spec_for(
            &[other, "ref_type", "ref", first],
            json!({ other: "7", first: exact, "ref_type": "branch", "ref": "main" }),
        ))
        .unwrap_or_else(|e| panic!("{first} later: {e}"));
        assert_eq!(
            result.subjects,
            [format!("{other}:7:ref_type:branch:ref:main:{first}:{exact}")]
        );

        // Twice: GitLab accepts it and writes the component each time, so the policy does too.
        let twice = trust_policy(&spec_for(
            &[first, "ref", first],
            json!({ first: exact, "ref": "main" }),
        ))
        .unwrap_or_else(|e| panic!("{first} twice: {e}"));
        assert_eq!(twice.subjects, [format!("{first}:{exact}:ref:main:{first}:{exact}")]);

        // Values: a project path for *_path, digits for *_id, no wildcard in an id.
        let (bad, pattern) = if first.ends_with("_path") {
            ("acme", "*/app")
        } else {
            ("4x", "4*")
        };
        for value in [bad, pattern] {
            let err = trust_policy(&spec_for(&[first, "ref"], json!({ first: value, "ref": "main" }))).unwrap_err();
            assert_eq!(err.code(), "spec.subjects", "{first} {value}: {err}");
        }
        if first.ends_with("_path") {
            let group = trust_policy(&spec_for(&[first, "ref"], json!({ first: "acme/*", "ref": "main" }))).unwrap();
            let codes: Vec<&str> = group.findings.iter().map(|f| f.code).collect();
            assert!(
                codes.contains(&"POL006") && !codes.contains(&"POL005"),
                "{first}: {codes:?}"
            );
        }
    }
    let err = trust_policy(&spec_for(
        &["ref", "job_project_id"],
        json!({ "ref": "main", "job_project_id": "1" }),
    ))
    .unwrap_err();
    assert_eq!(err.code(), "spec.sub_claim_components");
    assert!(
        err.to_string().contains("source_project_id"),
        "names every first component: {err}"
    );
}

/// The fork's merge request pipeline, sub `job_project_id:…:source_project_path:…`: the policy
/// built from it admits it, and refuses the same job in another parent or from another fork.
/// A token whose sub repeats a component (legal in GitLab) gets a policy that admits it.
#[test]
fn policies_from_tokens_with_job_and_source_components() {
    let token = |name: &str| fs::read_to_string(format!("tests/fixtures/tokens/{name}.jwt")).unwrap();
    let options = TokenPolicyOptions::from_json(r#"{"accountId":"123456789012"}"#).unwrap();
    let result = trust_policy_for_token(&token("fork-mr-job-project-sub"), &options).unwrap();
    assert_eq!(
        result.subjects,
        ["job_project_id:46573356:source_project_path:contributor/deployer:ref_type:branch:ref:fix-typo"]
    );
    let own = claims("fork-mr-job-project-sub", |_| {});
    assert!(allows(&result, &own), "{}", result.policy);
    let other_parent = claims("fork-mr-job-project-sub", |c| {
        c["sub"] = json!("job_project_id:1:source_project_path:contributor/deployer:ref_type:branch:ref:fix-typo");
    });
    assert!(!allows(&result, &other_parent));
    let other_fork = claims("fork-mr-job-project-sub", |c| {
        c["sub"] = json!("job_project_id:46573356:source_project_path:mallory/deployer:ref_type:branch:ref:fix-typo");
    });
    assert!(!allows(&result, &other_fork));

    let repeated = trust_policy_for_token(&token("repeated-sub-component"), &options).unwrap();
    assert!(
        allows(&repeated, &claims("repeated-sub-component", |_| {})),
        "{}",
        repeated.policy
    );
}
