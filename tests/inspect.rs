//! The inspector on fixture tokens (minted by `scripts/mint_fixtures.py` with a
//! test-only key) and on every class of malformed input.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::token::rules;
use gitlab_aws_oidc::{decode_unverified, inspect_token, Inspection};

/// 20 minutes after the fixtures' iat, so the usual tokens are valid.
const NOW: i64 = 1_764_000_000 + 20 * 60;

fn fixture(path: &str) -> String {
    fs::read_to_string(Path::new("tests/fixtures").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn inspect(name: &str) -> Inspection {
    inspect_token(&fixture(&format!("tokens/{name}.jwt")), NOW).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn codes(inspection: &Inspection) -> Vec<&'static str> {
    inspection.findings.iter().map(|f| f.code).collect()
}

#[test]
fn snapshots_of_every_fixture_token() {
    let mut names: Vec<String> = fs::read_dir("tests/fixtures/tokens")
        .unwrap()
        .filter_map(|e| {
            e.unwrap()
                .file_name()
                .into_string()
                .ok()?
                .strip_suffix(".jwt")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 19, "{names:?}");
    for name in names {
        insta::assert_json_snapshot!(format!("inspect-{name}"), inspect(&name));
    }
}

#[test]
fn claims_are_the_payload_exactly_in_order() {
    for name in ["gitlab-com-main", "unknown-claims", "gitlab-doc-example", "wrong-types"] {
        let expected: serde_json::Value =
            serde_json::from_str(&fixture(&format!("tokens/{name}.claims.json"))).unwrap();
        let inspection = inspect(name);
        let got = serde_json::Value::Object(inspection.claims.clone());
        assert_eq!(got, expected, "{name}");
        let expected_order: Vec<&String> = expected.as_object().unwrap().keys().collect();
        let got_order: Vec<&String> = inspection.claims.keys().collect();
        assert_eq!(got_order, expected_order, "{name}");
        let explained: Vec<&str> = inspection.explanations.iter().map(|e| e.claim.as_str()).collect();
        assert_eq!(explained, got_order, "{name}: one explanation per claim, in order");
    }
}

#[test]
fn a_clean_gitlab_com_token_has_only_the_not_verified_note() {
    let inspection = inspect("gitlab-com-main");
    assert_eq!(codes(&inspection), [rules::CLAIMS_NOT_VERIFIED.code]);
    assert_eq!(inspection.provider_host.as_deref(), Some("gitlab.com"));
    let subject = inspection.subject.unwrap();
    assert!(subject.default_form);
    let parts: Vec<(&str, &str)> = subject.components.iter().map(|c| (c.name, c.value.as_str())).collect();
    assert_eq!(
        parts,
        [
            ("project_path", "acme/platform/deployer"),
            ("ref_type", "branch"),
            ("ref", "main")
        ]
    );
    assert_eq!(inspection.times.summary, "expires in 40 min");
    let key = |claim: &str| {
        inspection
            .explanations
            .iter()
            .find(|e| e.claim == claim)
            .unwrap()
            .aws_condition_key
            .clone()
    };
    assert_eq!(key("sub").as_deref(), Some("gitlab.com:sub"));
    assert_eq!(key("project_id").as_deref(), Some("gitlab.com:project_id"));
    assert_eq!(key("ref_protected").as_deref(), Some("gitlab.com:ref_protected"));
    assert_eq!(key("ref"), None);
    assert_eq!(key("project_path"), None);
}

#[test]
fn self_managed_issuers_get_only_sub_and_aud_keys() {
    let inspection = inspect("self-managed-relative-root");
    assert_eq!(inspection.provider_host.as_deref(), Some("gitlab.example.com/gitlab"));
    let keys: Vec<&str> = inspection
        .explanations
        .iter()
        .filter_map(|e| e.aws_condition_key.as_deref())
        .collect();
    assert_eq!(keys, ["gitlab.example.com/gitlab:sub", "gitlab.example.com/gitlab:aud"]);
    let project_id = inspection
        .explanations
        .iter()
        .find(|e| e.claim == "project_id")
        .unwrap();
    assert!(
        project_id.aws_note.contains("only for tokens from gitlab.com"),
        "{}",
        project_id.aws_note
    );
}

#[test]
fn each_problem_token_raises_its_finding() {
    let cases: [(&str, &[&str]); 15] = [
        ("expired", &["TOK002"]),
        ("aud-list", &["TOK005"]),
        ("hs256", &["TOK006"]),
        ("no-kid", &["TOK007"]),
        ("missing-sub", &["TOK008"]),
        ("github-sub", &["TOK009"]),
        ("mr-sub", &["TOK010"]),
        ("refs-heads-sub", &["TOK010"]),
        ("sub-mismatch", &["TOK011"]),
        ("wrong-types", &["TOK012", "TOK012", "TOK012"]),
        ("legacy-v1", &["TOK001"]),
        ("project-id-sub", &[]),
        ("custom-sub-protected", &[]),
        ("fork-mr-job-project-sub", &[]),
        ("repeated-sub-component", &["TOK018"]),
    ];
    for (name, expected) in cases {
        let inspection = inspect(name);
        let mut got = codes(&inspection);
        got.retain(|c| *c != rules::CLAIMS_NOT_VERIFIED.code);
        assert_eq!(got, expected, "{name}: {:#?}", inspection.findings);
    }
}

#[test]
fn findings_name_their_claim_and_say_what_was_expected() {
    let inspection = inspect("wrong-types");
    let messages: Vec<(&str, &str)> = inspection
        .findings
        .iter()
        .filter(|f| f.code == "TOK012")
        .map(|f| (f.claim.as_deref().unwrap(), f.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            ("project_id", "project_id is the number 46573356; GitLab sends a string"),
            (
                "ref_protected",
                "ref_protected is the boolean true; GitLab sends the string \"true\" or \"false\""
            ),
            (
                "runner_id",
                "runner_id is the string \"12270835\"; GitLab sends an integer"
            ),
        ]
    );
    let mr = inspect("mr-sub");
    assert!(
        mr.findings[0].message.contains("no merge-request ref type"),
        "{}",
        mr.findings[0].message
    );
}

#[test]
fn expiry_follows_the_given_now_and_aws_skew() {
    let token = fixture("tokens/gitlab-com-main.jwt");
    let exp = 1_764_000_000 + 3600;
    let at = |now| inspect_token(&token, now).unwrap();
    let only = |i: &Inspection| codes(i).into_iter().filter(|c| *c != "TOK017").collect::<Vec<_>>();
    assert_eq!(only(&at(exp - 1)), Vec::<&str>::new());
    assert_eq!(only(&at(exp + 60)), ["TOK003"]);
    assert_eq!(only(&at(exp + 301)), ["TOK002"]);
    assert_eq!(only(&at(1_764_000_000 - 60)), ["TOK004"]);
    assert_eq!(
        at(exp + 301).times.aws_accepts_until.unwrap().utc.unwrap(),
        "2025-11-24T17:05:00Z"
    );
}

#[test]
fn every_malformed_class_has_its_own_error_code() {
    let cases = [
        ("empty", "token.empty"),
        ("two-segments", "token.segments"),
        ("four-segments", "token.segments"),
        ("five-segments-jwe", "token.segments"),
        ("whitespace-inside", "token.whitespace"),
        ("header-bad-base64", "token.header.base64"),
        ("payload-bad-base64", "token.payload.base64"),
        ("signature-bad-base64", "token.signature.base64"),
        ("payload-std-base64", "token.payload.base64"),
        ("header-not-json", "token.header.json"),
        ("payload-not-json", "token.payload.json"),
        ("header-not-object", "token.header.not_object"),
        ("payload-not-object", "token.payload.not_object"),
        ("too-large", "token.too_large"),
    ];
    let mut messages = Vec::new();
    for (name, code) in cases {
        let err = decode_unverified(&fixture(&format!("malformed/{name}.txt"))).unwrap_err();
        assert_eq!(err.code(), code, "{name}: {err}");
        messages.push(format!("{name}: {code}: {err}"));
    }
    insta::assert_snapshot!("malformed-messages", messages.join("\n"));
}

#[test]
fn bearer_prefix_and_surrounding_whitespace_are_trimmed() {
    let padded = inspect_token(&fixture("malformed/bearer-prefixed.txt"), NOW).unwrap();
    assert_eq!(padded, inspect("gitlab-com-main"));
}

/// A compact JWT with these claims (unsigned: the inspector never verifies).
fn unsigned(claims: &serde_json::Value) -> String {
    let b64 = |v: &serde_json::Value| gitlab_aws_oidc::base64url::encode(v.to_string().as_bytes());
    format!(
        "{}.{}.c2ln",
        b64(&serde_json::json!({ "alg": "RS256", "kid": "k" })),
        b64(claims)
    )
}

/// gitlab-com-main's claims, edited.
fn main_claims(edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(&fixture("tokens/gitlab-com-main.claims.json")).unwrap();
    edit(value.as_object_mut().unwrap());
    value
}

fn found(claims: &serde_json::Value) -> Vec<&'static str> {
    let inspection = inspect_token(&unsigned(claims), NOW).unwrap();
    let mut got = codes(&inspection);
    got.retain(|c| *c != rules::CLAIMS_NOT_VERIFIED.code);
    got
}

/// A fork's merge request pipeline run in the parent, its sub starting with `job_project_id`
/// (MR 258245) and naming `source_project_path` later: a sub GitLab emits, split into its parts,
/// and every new claim explained.
#[test]
fn job_and_source_project_components_are_read_and_explained() {
    let inspection = inspect("fork-mr-job-project-sub");
    let subject = inspection.subject.as_ref().unwrap();
    let parts: Vec<(&str, &str)> = subject.components.iter().map(|c| (c.name, c.value.as_str())).collect();
    assert_eq!(
        parts,
        [
            ("job_project_id", "46573356"),
            ("source_project_path", "contributor/deployer"),
            ("ref_type", "branch"),
            ("ref", "fix-typo"),
        ]
    );
    assert!(!subject.default_form);
    let explained = |claim: &str| inspection.explanations.iter().find(|e| e.claim == claim).unwrap();
    for claim in [
        "job_project_id",
        "job_project_path",
        "source_project_id",
        "source_project_path",
    ] {
        let e = explained(claim);
        assert!(e.known, "{claim}");
        assert_eq!(e.aws_condition_key, None, "{claim}");
        assert_eq!(
            e.aws_note, "AWS cannot match on this claim directly; match it through sub",
            "{claim}"
        );
    }
    for claim in ["source_namespace_id", "source_namespace_path"] {
        assert_eq!(explained(claim).aws_note, "AWS cannot match on this claim", "{claim}");
    }
    assert_eq!(
        explained("source_project_id").since,
        Some("18.10 or later (release unconfirmed)")
    );
    assert_eq!(
        explained("job_project_id").since,
        Some("18.4 (and 18.2.x, 18.3.x patch releases)")
    );
    // The fork's project_id is what AWS matches on gitlab.com.
    assert_eq!(
        explained("project_id").aws_condition_key.as_deref(),
        Some("gitlab.com:project_id")
    );
    assert!(explained("namespace_id").presence.unwrap().contains("fork"));
    // user_access_level is null: the contributor is no member of the parent.
    assert_eq!(explained("user_access_level").value, serde_json::Value::Null);
}

/// GitLab checks only the setting's first element and membership: a component listed twice is
/// written twice (the same value), and a project component may come again later. Both parse;
/// a repeat is advice (TOK018, info), a later project component needs no word.
#[test]
fn a_repeated_component_is_advice_not_an_error() {
    let inspection = inspect("repeated-sub-component");
    let advice: Vec<_> = inspection.findings.iter().filter(|f| f.code == "TOK018").collect();
    assert_eq!(advice.len(), 1, "{:#?}", inspection.findings);
    assert_eq!(advice[0].severity, gitlab_aws_oidc::finding::Severity::Info);
    assert_eq!(advice[0].claim.as_deref(), Some("sub"));
    assert!(
        advice[0].message.starts_with("sub has ref more than once"),
        "{}",
        advice[0].message
    );
    assert!(!advice[0].message.contains("cannot"), "{}", advice[0].message);
    let names: Vec<&str> = inspection.subject.unwrap().components.iter().map(|c| c.name).collect();
    assert_eq!(names, ["project_path", "ref_type", "ref", "ref"]);

    for (sub, expected) in [
        (
            "project_path:acme/platform/deployer:ref_type:branch:ref:main:project_id:46573356",
            &[][..],
        ),
        (
            "project_id:46573356:ref_type:branch:ref:main:project_path:acme/platform/deployer",
            &[][..],
        ),
        (
            "project_path:acme/platform/deployer:ref:main:project_path:acme/platform/deployer:ref:main",
            &["TOK018", "TOK018"][..],
        ),
        // One claim, two values: GitLab cannot emit it.
        (
            "project_path:acme/platform/deployer:ref:main:ref:develop",
            &["TOK010"][..],
        ),
    ] {
        let claims = main_claims(|c| {
            c.insert("sub".into(), sub.into());
        });
        assert_eq!(found(&claims), expected, "{sub}");
    }
}

/// Each component is the claim of the same name: a sub that disagrees with the job or source
/// project claims was not built by GitLab from them.
#[test]
fn new_components_are_checked_against_their_claims() {
    for (component, claim_value, sub_value) in [
        ("job_project_id", "46573356", "46573357"),
        ("job_project_path", "acme/platform/deployer", "acme/platform/other"),
        ("source_project_id", "71234567", "1"),
        ("source_project_path", "contributor/deployer", "acme/platform/deployer"),
    ] {
        let claims = main_claims(|c| {
            c.insert(component.into(), claim_value.into());
            c.insert(
                "sub".into(),
                format!("{component}:{sub_value}:ref_type:branch:ref:main").into(),
            );
        });
        assert_eq!(found(&claims), ["TOK011"], "{component}");
        let claims = main_claims(|c| {
            c.insert(component.into(), claim_value.into());
            c.insert(
                "sub".into(),
                format!("{component}:{claim_value}:ref_type:branch:ref:main").into(),
            );
        });
        assert_eq!(found(&claims), Vec::<&str>::new(), "{component}");
    }
}

/// `user_login`, `user_email` and `user_access_level` are JSON null when the job has no user
/// (`user&.username`, not compacted): no type finding. A number is still one.
#[test]
fn null_user_claims_are_what_gitlab_sends() {
    let claims = main_claims(|c| {
        for name in ["user_login", "user_email", "user_access_level"] {
            c.insert(name.into(), serde_json::Value::Null);
        }
        c.insert("user_id".into(), "".into());
    });
    assert_eq!(found(&claims), Vec::<&str>::new());
    let claims = main_claims(|c| {
        c.insert("user_login".into(), 7.into());
    });
    assert_eq!(found(&claims), ["TOK012"]);
}

/// Catalog corrections: `target_audience` is never in an `id_tokens` token (no version to give),
/// `deployment_tier` arrived in ID tokens with them (15.7; 15.2 was `CI_JOB_JWT`).
#[test]
fn explanations_carry_the_corrected_catalog() {
    let claims = main_claims(|c| {
        c.insert("target_audience".into(), "//iam.googleapis.com/x".into());
        c.insert("deployment_tier".into(), "production".into());
    });
    let inspection = inspect_token(&unsigned(&claims), NOW).unwrap();
    let explained = |claim: &str| inspection.explanations.iter().find(|e| e.claim == claim).unwrap();
    let target = explained("target_audience");
    assert_eq!(target.since, None);
    assert!(target.presence.unwrap().starts_with("never in an id_tokens token"));
    assert_eq!(explained("deployment_tier").since, Some("15.7"));
}

#[test]
fn explanations_repeat_the_catalog_and_nothing_else_does() {
    // `inspectToken` sends only what the catalog does not decide for an explanation that
    // `repeats_catalog` (src/wasm/inspector.rs); every explanation `explain` builds must be one.
    for name in [
        "gitlab-com-main",
        "unknown-claims",
        "legacy-v1",
        "wrong-types",
        "self-managed-relative-root",
    ] {
        for e in inspect(name).explanations {
            assert!(e.repeats_catalog(), "{name}: {}", e.claim);
            let mut changed = e.clone();
            changed.known = !changed.known;
            assert!(!changed.repeats_catalog(), "{name}: {} with known flipped", e.claim);
            let mut changed = e.clone();
            changed.since = Some("0.1");
            assert!(!changed.repeats_catalog(), "{name}: {} with another version", e.claim);
            let mut changed = e.clone();
            changed.presence = changed.presence.map(|_| "sometimes");
            changed.meaning = changed.meaning.or(Some("a meaning"));
            assert!(!changed.repeats_catalog(), "{name}: {} with other texts", e.claim);
        }
    }
}
