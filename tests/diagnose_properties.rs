//! Properties of `diagnose`: the `AccessDenied` cause names a check that really fails, and its
//! edit admits the job's token and no token of another project; nothing panics on any text.
#![cfg(not(target_arch = "wasm32"))]

use gitlab_aws_oidc::diagnose::{diagnose, diagnose_text, Context, Verdict};
use gitlab_aws_oidc::issuer::ProviderHost;
use gitlab_aws_oidc::policy::evaluate::{evaluate, Request};
use gitlab_aws_oidc::policy::parse::parse_policy;
use gitlab_aws_oidc::policy::Document;
use gitlab_aws_oidc::token::Claims;
use proptest::prelude::*;
use serde_json::{json, Value};

const HOSTS: [&str; 2] = ["gitlab.com", "gitlab.example.com"];
const REF_TYPES: [&str; 2] = ["branch", "tag"];
const REFS: [&str; 4] = ["main", "feature/x", "release/1.2", "v1.2.0"];
const AUDS: [&str; 2] = ["sts.amazonaws.com", "https://gitlab.com"];

/// `(path, id)`: the policy's project first, then others a token can come from, then the
/// neighbours only the probes use (a path that extends it, a project below it).
const PROJECTS: [(&str, &str); 5] = [
    ("acme/app", "100"),
    ("acme/tool", "200"),
    ("other/app", "300"),
    ("acme/app-x", "400"),
    ("acme/app/sub", "500"),
];

const DENIED: &str = "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity";

#[derive(Debug, Clone, Copy)]
struct TokenSpec {
    host: usize,
    project: usize,
    ref_type: usize,
    reference: usize,
    aud: usize,
}

fn claims(spec: TokenSpec) -> Value {
    let (path, id) = PROJECTS[spec.project];
    let (ref_type, reference) = (REF_TYPES[spec.ref_type], REFS[spec.reference]);
    json!({
        "iss": format!("https://{}", HOSTS[spec.host]),
        "aud": AUDS[spec.aud],
        "sub": format!("project_path:{path}:ref_type:{ref_type}:ref:{reference}"),
        "project_path": path,
        "project_id": id,
        "namespace_path": path.rsplit_once('/').unwrap().0,
        "ref": reference,
        "ref_type": ref_type,
        "ref_protected": if reference == "main" { "true" } else { "false" },
        "iat": 1_764_000_000,
        "exp": 1_764_003_600
    })
}

fn token_spec() -> impl Strategy<Value = TokenSpec> {
    (0..2usize, 0..3usize, 0..2usize, 0..4usize, 0..2usize).prop_map(|(host, project, ref_type, reference, aud)| {
        TokenSpec {
            host,
            project,
            ref_type,
            reference,
            aud,
        }
    })
}

/// The `sub` values a statement can list: all of them for `acme/app`, exact or patterns,
/// some written wrong (`StringEquals` with a wildcard, a letter in the wrong case).
fn sub_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..2usize, 0..4usize)
            .prop_map(|(t, r)| format!("project_path:acme/app:ref_type:{}:ref:{}", REF_TYPES[t], REFS[r])),
        Just("project_path:acme/app:ref_type:branch:ref:release/*".to_owned()),
        Just("project_path:acme/app:ref_type:tag:ref:v*".to_owned()),
        Just("project_path:acme/app:*".to_owned()),
        Just("project_path:acme/app:ref_type:branch:ref:Main".to_owned()),
        Just("project_path:acme/App:ref_type:branch:ref:main".to_owned()),
    ]
}

#[derive(Debug, Clone)]
struct StatementSpec {
    principal_host: usize,
    key_host: usize,
    wrong_action: bool,
    like: bool,
    subs: Vec<String>,
    aud: Option<usize>,
    project_pin: bool,
}

fn statement_spec() -> impl Strategy<Value = StatementSpec> {
    (
        prop_oneof![4 => Just(0usize), 1 => Just(1usize)],
        prop_oneof![4 => Just(0usize), 1 => Just(1usize)],
        prop::bool::weighted(0.15),
        any::<bool>(),
        prop::collection::vec(sub_value(), 1..3),
        prop::option::of(0..2usize),
        any::<bool>(),
    )
        .prop_map(
            |(principal_host, key_host, wrong_action, like, subs, aud, project_pin)| StatementSpec {
                principal_host,
                key_host,
                wrong_action,
                like,
                subs,
                aud,
                project_pin,
            },
        )
}

fn policy(statements: &[StatementSpec]) -> String {
    let statements = statements
        .iter()
        .map(|s| {
            let host = HOSTS[s.key_host];
            let mut equals = serde_json::Map::new();
            if let Some(aud) = s.aud {
                equals.insert(format!("{host}:aud"), json!(AUDS[aud]));
            }
            if s.project_pin && host == "gitlab.com" {
                equals.insert("gitlab.com:project_id".to_owned(), json!("100"));
            }
            let mut condition = serde_json::Map::new();
            let sub = json!(s.subs);
            if s.like {
                condition.insert("StringLike".to_owned(), json!({format!("{host}:sub"): sub}));
            } else {
                equals.insert(format!("{host}:sub"), sub);
            }
            if !equals.is_empty() {
                condition.insert("StringEquals".to_owned(), Value::Object(equals));
            }
            json!({
                "Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{}", HOSTS[s.principal_host])},
                "Action": if s.wrong_action { "sts:AssumeRole" } else { "sts:AssumeRoleWithWebIdentity" },
                "Condition": condition
            })
        })
        .collect::<Vec<_>>();
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn allowed(document: &Document, claims: &Value) -> bool {
    let claims = Claims::new(claims.as_object().unwrap().clone());
    let host = claims.issuer().and_then(|i| ProviderHost::from_issuer(i).ok());
    evaluate(
        document,
        Request {
            claims: &claims,
            host: host.as_ref(),
        },
    )
    .allowed
}

/// Every token of another project than `project` this test can build.
fn other_projects(project: usize) -> impl Iterator<Item = Value> {
    (0..PROJECTS.len()).filter(move |p| *p != project).flat_map(|p| {
        (0..2).flat_map(move |host| {
            (0..2).flat_map(move |ref_type| {
                (0..4).flat_map(move |reference| {
                    (0..2).map(move |aud| {
                        claims(TokenSpec {
                            host,
                            project: p,
                            ref_type,
                            reference,
                            aud,
                        })
                    })
                })
            })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// For generated policies that deny a generated token: the diagnosis confirms the trust
    /// policy, names a check of the statement that really fails, and its edit, applied, makes
    /// the evaluator allow the token and no token of another project that was denied before.
    #[test]
    fn access_denied_names_a_failing_check_and_an_edit_that_admits_only_this_project(
        spec in token_spec(),
        statements in prop::collection::vec(statement_spec(), 1..4),
    ) {
        let text = policy(&statements);
        let document = parse_policy(&text).unwrap();
        let token = claims(spec);
        prop_assume!(!allowed(&document, &token));
        let context = json!({"claims": token, "policy": text, "roleArn": "arn:aws:iam::123456789012:role/gitlab-ci"});
        let diagnosis = diagnose_text(DENIED, &context.to_string()).unwrap();
        let cause = diagnosis.causes.iter().find(|c| c.id == "trust-policy-denies").unwrap();
        prop_assert_eq!(cause.verdict, Verdict::Confirmed, "{}", cause.evidence);

        // The named check fails in the original evaluation.
        let failed = cause.failed.as_ref().expect("a failing check is named");
        let claims = Claims::new(token.as_object().unwrap().clone());
        let host = claims.issuer().and_then(|i| ProviderHost::from_issuer(i).ok());
        let evaluation = evaluate(&document, Request { claims: &claims, host: host.as_ref() });
        let statement = &evaluation.statements[failed.statement];
        match failed.element {
            "principal" => prop_assert!(!statement.principal.matched),
            "action" => prop_assert!(!statement.action.matched),
            "condition" => prop_assert!(statement.conditions.iter().any(|c| {
                Some(&c.operator) == failed.operator.as_ref() && Some(&c.key) == failed.key.as_ref() && !c.matched && !c.undecided
            }), "{:?} does not fail in {:?}", failed, statement.conditions),
            other => prop_assert!(false, "unexpected element {}", other),
        }
        prop_assert!(cause.evidence.contains(&format!("statement {} comes closest", failed.statement)), "{}", cause.evidence);

        // The edit admits the token, and no other project's token that was denied.
        let fix = cause.fix.as_ref().expect("a fix");
        let edited = fix.policy.as_ref().unwrap_or_else(|| panic!("no edited policy: {}", fix.description));
        let edited = parse_policy(edited).unwrap();
        prop_assert!(allowed(&edited, &token), "{}", fix.description);
        for other in other_projects(spec.project) {
            prop_assert!(
                allowed(&document, &other) || !allowed(&edited, &other),
                "the edit ({}) admits {}", fix.description, other
            );
        }
    }

    /// Nothing panics, whatever the text and whatever the context.
    #[test]
    fn arbitrary_text_never_panics(text in ".{0,600}", job in ".{0,200}", policy in ".{0,200}") {
        let context = Context { job: Some(job), policy: Some(policy), token: Some(text.clone()), ..Context::default() };
        let diagnosis = diagnose(&text, &context);
        prop_assert!(!diagnosis.error.code.is_empty());
    }

    /// Real error texts with a few characters changed, inserted or removed: nothing panics,
    /// and the result is still a diagnosis.
    #[test]
    fn mutated_errors_never_panic(index in 0..SAMPLES.len(), edits in edits()) {
        let text = mutate(SAMPLES[index], &edits);
        let diagnosis = diagnose(&text, &Context::default());
        prop_assert!(!diagnosis.error.code.is_empty());
        let _ = serde_json::to_string(&diagnosis).unwrap();
    }
}

/// Texts of each wrapper (see tests/diagnose.rs for their sources).
const SAMPLES: [&str; 10] = [
    "\nAn error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation (reached max retries: 0): Not authorized to perform sts:AssumeRoleWithWebIdentity\n",
    "operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, RequestID: 0f1e, InvalidIdentityToken: Incorrect token audience",
    "WebIdentityErr: failed to retrieve credentials\ncaused by: InvalidIdentityToken: Incorrect token audience\n\tstatus code: 400, request id: 2c6b\n",
    "software.amazon.awssdk.services.sts.model.StsException: Not authorized to perform sts:AssumeRoleWithWebIdentity (Service: Sts, Status Code: 403, Request ID: d8ee)",
    "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity\n    at x (/app/node_modules/@aws-sdk/a.js:1:1) {\n  '$fault': 'client',\n  '$metadata': { httpStatusCode: 403 },\n  Code: 'AccessDenied'\n}",
    "ServiceError(ServiceError { source: Unhandled(Unhandled { source: ErrorMetadata { code: Some(\"AccessDenied\"), message: Some(\"Not authorized\") } }) })",
    "x.rb:17:in `call': Not authorized to perform sts:AssumeRoleWithWebIdentity (Aws::STS::Errors::AccessDenied)",
    "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>1 validation error detected: Value &apos;a/b&apos; at &apos;roleSessionName&apos; failed</Message></Error></ErrorResponse>",
    "Error executing \"AssumeRoleWithWebIdentity\" on \"https://sts.amazonaws.com\"; AccessDenied (client): Not authorized - <x>",
    "╷\n│ Error: configuring Terraform AWS Provider: operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: 1, api error AccessDenied: Not\n│ authorized\n╵",
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
                prop::sample::select(vec![
                    '"', '\'', ':', '(', ')', '<', '>', '\n', '\\', '│', '\u{1b}', ' ', 'é'
                ])
            ],
        ),
        1..10,
    )
}

/// Large and hostile texts: linear work, bounded output.
#[test]
fn huge_and_hostile_texts_are_read_in_bounded_time() {
    let cli = "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity";
    // Each past the anchor limit (the search stops there); one past 4 MiB (only its end is read).
    let texts = [
        "a".repeat(5 << 20),
        format!("{cli} ").repeat(8_000),
        format!("{cli}\n").repeat(8_000),
        "<code>".repeat(200_000),
        "'$fault': 'x\n".repeat(100_000),
        "status code: 1, request id:\n".repeat(50_000),
        "operation error STS: A, ".repeat(50_000),
        "ErrorMetadata { code: Some(\"".repeat(40_000),
        "(Aws::STS::Errors::X".repeat(60_000),
        "eyJhbGciOiJSUzI1NiJ9.".repeat(60_000),
        "1 validation error detected: Value '".repeat(40_000),
        "\u{1b}[".repeat(500_000),
        "│\n".repeat(500_000),
        "é\r".repeat(500_000),
    ];
    let started = std::time::Instant::now();
    for text in &texts {
        let diagnosis = diagnose(text, &Context::default());
        assert!(diagnosis.others.len() < 10);
        assert!(diagnosis.error.message.len() <= 2000 + 20);
        assert!(serde_json::to_string(&diagnosis).unwrap().len() < 100_000);
    }
    // A debug build on a shared machine: generous, but far from quadratic (minutes).
    assert!(started.elapsed().as_secs() < 120, "{:?}", started.elapsed());
}
