//! Nothing panics on any input: arbitrary and mutated text into every entry point.
#![cfg(not(target_arch = "wasm32"))]

use gitlab_aws_oidc::ci::{ci_snippet, SnippetSpec};
use gitlab_aws_oidc::command;
use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::inspect_token;
use gitlab_aws_oidc::keys::parse_keys;
use gitlab_aws_oidc::lint::{lint_text, Context};
use gitlab_aws_oidc::policy::evaluate::{evaluate_text, TokenInput};
use gitlab_aws_oidc::policy::generate::{trust_policy, trust_policy_for_token, TokenPolicyOptions};
use gitlab_aws_oidc::policy::spec::TrustPolicySpec;
use gitlab_aws_oidc::report::{lint_files, render, ReportFormat, SourceFile};
use gitlab_aws_oidc::token::decode_unverified;
use gitlab_aws_oidc::verify::plan;
use proptest::prelude::*;

const TOKEN: &str = include_str!("fixtures/tokens/gitlab-com-main.jwt");
const JWKS: &str = include_str!("fixtures/keys/jwks.json");
const POLICY: &str = include_str!("fixtures/lint/self-managed-mixed.json");
const SPEC: &str = include_str!("fixtures/policy/release-tags.spec.json");
const SNIPPET: &str = include_str!("fixtures/ci/policy-mismatch.spec.json");
/// Every kind of file `lintFiles` reads, each with the shapes its reader walks.
const SOURCES: [&str; 4] = [
    include_str!("fixtures/sources/cloudformation.yaml"),
    include_str!("fixtures/sources/cloudformation.json"),
    include_str!("fixtures/sources/terraform-plan.json"),
    include_str!("fixtures/sources/account-authorization-details.json"),
];

#[path = "common/mutate.rs"]
mod common_mutate;
use common_mutate::mutate;

fn edits() -> impl Strategy<Value = Vec<(usize, u8, char)>> {
    prop::collection::vec(
        (
            any::<usize>(),
            any::<u8>(),
            prop_oneof![
                any::<char>(),
                prop::sample::select(vec!['"', ':', '*', '{', '}', '[', ']', '.', ',', '\\', '0', 'a'])
            ],
        ),
        1..8,
    )
}

fn exercise_token(text: &str) {
    let _ = inspect_token(text, 1_764_001_200);
    let _ = inspect_token(text, i64::MIN);
    let _ = inspect_token(text, i64::MAX);
    if let (Ok(token), Ok(keys)) = (decode_unverified(text), parse_keys(JWKS)) {
        let _ = plan(&token, &keys);
    }
    let options = TokenPolicyOptions::from_json(r#"{"accountId":"123456789012","refScope":"any-branch"}"#).unwrap();
    let _ = trust_policy_for_token(text, &options);
    let _ = evaluate_text(POLICY, TokenInput::Token(text), "{}");
}

/// What the command asks of the core about its arguments and files.
fn exercise_command(text: &str) {
    let _ = command::token_variable(text, Some(text));
    let _ = command::token_variable("GITLAB_OIDC_TOKEN", Some(text));
    let _ = command::read_json(text, command::JsonFile::Claims);
    let _ = command::policy_document(text);
    let _ = command::sub_pattern(text);
    let _ = command::mask_secrets(text);
    let _ = command::token_shaped(text);
}

fn exercise_policy(text: &str) {
    exercise_command(text);
    let _ = lint_text(text, "{}");
    let _ = lint_text(text, &format!(r#"{{"token":{:?},"audience":"x"}}"#, TOKEN.trim()));
    let _ = evaluate_text(text, TokenInput::Token(TOKEN), r#"{"clientIds":["sts.amazonaws.com"]}"#);
    let _ = evaluate_text(text, TokenInput::ClaimsJson(text), "{}");
}

/// Lints a file and renders every report: never a panic, and the file is always reported.
fn exercise_files(text: &str) {
    let files = [SourceFile {
        path: "mutated".to_owned(),
        text: text.to_owned(),
    }];
    let report = lint_files(&files, &Context::default());
    assert_eq!(report.files.len(), 1);
    for format in [
        ReportFormat::Text,
        ReportFormat::Json,
        ReportFormat::CodeQuality,
        ReportFormat::Sarif,
        ReportFormat::Junit,
    ] {
        let _ = render(&report, format);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        exercise_token(&text);
        exercise_policy(&text);
        let _ = parse_keys(&text);
        if let Ok(spec) = TrustPolicySpec::from_json(&text) { let _ = trust_policy(&spec); }
        if let Ok(spec) = SnippetSpec::from_json(&text) { let _ = ci_snippet(&spec); }
        exercise_files(&text);
    }

    #[test]
    fn mutated_sources_never_panic(edits in edits()) {
        for source in SOURCES {
            exercise_files(&mutate(source, &edits));
        }
    }

    #[test]
    fn mutated_tokens_never_panic(edits in edits()) {
        let token = mutate(TOKEN.trim(), &edits);
        exercise_token(&token);
        exercise_command(&token);
    }

    #[test]
    fn mutated_policies_never_panic(edits in edits()) {
        exercise_policy(&mutate(POLICY, &edits));
    }

    #[test]
    fn mutated_keys_never_panic(edits in edits()) {
        let keys = mutate(JWKS, &edits);
        if let (Ok(token), Ok(keys)) = (decode_unverified(TOKEN), parse_keys(&keys)) {
            let _ = plan(&token, &keys);
        }
    }

    #[test]
    fn mutated_specs_never_panic(edits in edits()) {
        if let Ok(spec) = TrustPolicySpec::from_json(&mutate(SPEC, &edits)) { let _ = trust_policy(&spec); }
        if let Ok(spec) = SnippetSpec::from_json(&mutate(SNIPPET, &edits)) { let _ = ci_snippet(&spec); }
    }
}

#[test]
fn hostile_sizes_are_refused_or_handled() {
    let garbage = "A".repeat(1 << 20);
    assert_eq!(inspect_token(&garbage, 0).unwrap_err().code(), "token.too_large");
    let nested = format!("{{\"Statement\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(lint_text(&nested, "{}").unwrap_err().code(), "policy.json");
    // Files nested past any reader's depth are refused with a position, never a stack overflow.
    for (text, code) in [
        (
            format!("{{\"Resources\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000)),
            "source.json",
        ),
        (
            format!("Resources: {}1{}", "[".repeat(10_000), "]".repeat(10_000)),
            "source.yaml",
        ),
        (
            (0..200).fold("Resources:\n".to_owned(), |text, d| text + &" ".repeat(d + 2) + "k:\n"),
            "source.yaml",
        ),
    ] {
        let report = lint_files(
            &[SourceFile {
                path: "deep".to_owned(),
                text,
            }],
            &Context::default(),
        );
        assert_eq!(report.files[0].error.as_ref().map(|e| e.code.as_str()), Some(code));
    }
    let wide = format!("{{\"keys\":[{}]}}", vec!["{\"kty\":\"EC\"}"; 5000].join(","));
    assert!(parse_keys(&wide).is_ok());
}
