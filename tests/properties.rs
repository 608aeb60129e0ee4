//! Property tests: `sub` round trips, and generated policies admit the tokens
//! they were built for and refuse mutated ones, with every format parsing back;
//! our base64 agrees with the `base64` crate, and our JSON writer with `serde_json`'s.
#![cfg(not(target_arch = "wasm32"))]

use gitlab_aws_oidc::issuer::ProviderHost;
use gitlab_aws_oidc::policy::evaluate::{evaluate, Request};
use gitlab_aws_oidc::policy::generate::trust_policy;
use gitlab_aws_oidc::policy::parse::parse_policy;
use gitlab_aws_oidc::policy::spec::TrustPolicySpec;
use gitlab_aws_oidc::subject::Subject;
use gitlab_aws_oidc::token::Claims;
use proptest::prelude::*;
use serde_json::{json, Value};

fn segment() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9_.-]{0,8}[a-z0-9]".prop_filter("no '..'", |s| !s.contains(".."))
}

fn project_path() -> impl Strategy<Value = String> {
    prop::collection::vec(segment(), 2..4).prop_map(|parts| parts.join("/"))
}

fn ref_name() -> impl Strategy<Value = String> {
    ("[a-z][a-z0-9-]{0,10}", prop::option::of("[a-z0-9][a-z0-9-]{0,8}"))
        .prop_map(|(head, tail)| tail.map_or(head.clone(), |t| format!("{head}/{t}")))
}

#[derive(Debug, Clone)]
struct Case {
    issuer: String,
    audience: String,
    project: String,
    project_id: String,
    ref_type: &'static str,
    /// The ref in the policy: exact, `prefix/*` or `*`.
    ref_pattern: String,
    /// A ref the pattern admits.
    token_ref: String,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            Just("https://gitlab.com".to_owned()),
            "https://git\\.[a-z]{3,8}\\.example(/[a-z]{2,6})?"
        ],
        "[a-z][a-z.:/-]{2,30}",
        project_path(),
        "[1-9][0-9]{0,9}",
        prop_oneof![Just("branch"), Just("tag")],
        ref_name(),
        0..3u8,
    )
        .prop_map(|(issuer, audience, project, project_id, ref_type, token_ref, widen)| {
            let ref_pattern = match (widen, token_ref.split_once('/')) {
                (1, Some((head, _))) => format!("{head}/*"),
                (2, _) => "*".to_owned(),
                _ => token_ref.clone(),
            };
            Case {
                issuer,
                audience,
                project,
                project_id,
                ref_type,
                ref_pattern,
                token_ref,
            }
        })
}

fn claims(case: &Case) -> Value {
    json!({
        "project_id": case.project_id,
        "project_path": case.project,
        "ref": case.token_ref,
        "ref_type": case.ref_type,
        "ref_protected": "true",
        "iss": case.issuer,
        "sub": format!("project_path:{}:ref_type:{}:ref:{}", case.project, case.ref_type, case.token_ref),
        "aud": case.audience,
    })
}

fn allowed(policy: &str, claims: &Value) -> bool {
    let claims = Claims::new(claims.as_object().unwrap().clone());
    let host = claims.issuer().and_then(|i| ProviderHost::from_issuer(i).ok());
    evaluate(
        &parse_policy(policy).unwrap(),
        Request {
            claims: &claims,
            host: host.as_ref(),
        },
    )
    .allowed
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sub_parses_and_rebuilds_exactly(project in project_path(), ref_type in prop_oneof![Just("branch"), Just("tag")], r in ref_name(), by_id in any::<bool>(), id in "[1-9][0-9]{0,9}") {
        let first = if by_id { format!("project_id:{id}") } else { format!("project_path:{project}") };
        let sub = format!("{first}:ref_type:{ref_type}:ref:{r}");
        let parsed = Subject::parse(&sub).unwrap();
        prop_assert_eq!(parsed.to_string(), sub);
    }

    #[test]
    fn generated_policies_admit_their_token_and_refuse_mutations(case in case()) {
        let gitlab_com = case.issuer == "https://gitlab.com";
        let mut spec = json!({
            "issuer": case.issuer,
            "accountId": "123456789012",
            "audience": case.audience,
            "subjects": [{ "project_path": case.project, "ref_type": case.ref_type, "ref": case.ref_pattern }],
        });
        if gitlab_com {
            spec["pins"] = json!({ "project_id": case.project_id, "ref_protected": "true" });
        }
        let result = trust_policy(&TrustPolicySpec::from_json(&spec.to_string()).unwrap()).unwrap();
        let token = claims(&case);
        prop_assert!(allowed(&result.policy, &token), "{}\n{}", result.policy, token);

        let mutate = |edit: &dyn Fn(&mut Value)| { let mut t = token.clone(); edit(&mut t); t };
        let other_project = mutate(&|t| {
            let sub = t["sub"].as_str().unwrap().replacen(&format!("project_path:{}", case.project), &format!("project_path:{}x", case.project), 1);
            t["sub"] = json!(sub);
            t["project_id"] = json!(format!("{}0", case.project_id));
        });
        let other_ref_type = mutate(&|t| {
            let flipped = if case.ref_type == "branch" { "tag" } else { "branch" };
            let sub = t["sub"].as_str().unwrap().replacen(&format!(":ref_type:{}:", case.ref_type), &format!(":ref_type:{flipped}:"), 1);
            t["sub"] = json!(sub);
        });
        let other_audience = mutate(&|t| t["aud"] = json!(format!("{}x", case.audience)));
        let other_issuer = mutate(&|t| t["iss"] = json!("https://gitlab.attacker.example"));
        for (what, sibling) in [("project", other_project), ("ref_type", other_ref_type), ("audience", other_audience), ("issuer", other_issuer)] {
            prop_assert!(!allowed(&result.policy, &sibling), "admits other {}: {}\n{}", what, result.policy, sibling);
        }
        if case.ref_pattern == case.token_ref {
            let other_ref = mutate(&|t| {
                let sub = t["sub"].as_str().unwrap().replacen(&format!(":ref:{}", case.token_ref), &format!(":ref:{}x", case.token_ref), 1);
                t["sub"] = json!(sub);
            });
            prop_assert!(!allowed(&result.policy, &other_ref), "admits another ref");
        }

        // Every format parses back with an independent parser.
        let _: Value = serde_json::from_str(&result.formats.role_json).unwrap();
        let _: Value = serde_yaml::from_str(&result.formats.cloud_formation).unwrap();
        let _: Value = hcl::from_str(&result.formats.terraform).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Our encoder and decoder agree with the `base64` crate on any bytes, in both alphabets.
    #[test]
    fn base64_matches_the_reference_crate(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        use base64::Engine as _;
        use gitlab_aws_oidc::base64url::{decode, decode_with, encode, Alphabet};
        let url = encode(&bytes);
        prop_assert_eq!(&url, &URL_SAFE_NO_PAD.encode(&bytes));
        prop_assert_eq!(decode(&url).unwrap(), bytes.clone());
        prop_assert_eq!(decode_with(Alphabet::Standard, &STANDARD.encode(&bytes)).unwrap(), bytes);
    }

    /// Any text: we accept exactly what the reference accepts (padding aside), with the same bytes.
    #[test]
    fn base64_accepts_what_the_reference_accepts(text in "[A-Za-z0-9_-]{0,12}") {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        prop_assert_eq!(gitlab_aws_oidc::base64url::decode(&text).ok(), URL_SAFE_NO_PAD.decode(&text).ok());
    }
}

/// Any JSON value: every kind of number, strings with quotes, backslashes, control and
/// non-ASCII characters, nested arrays and objects.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "[\"\\\\\\x00-\\x1f\\x7fa-z é—😀]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::vec(("[\"\\\\\\x00-\\x1fa-z é]{0,6}", inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Every shape serde gives a writer: options, tuples, unit, newtype and struct variants,
/// maps keyed by numbers, bools, chars and options, bytes, 128-bit integers and `f32`.
#[derive(serde::Serialize)]
enum Shape {
    Unit,
    Newtype(i8),
    Tuple(u16, Option<String>),
    Struct { a: Option<f32>, b: char },
}

#[derive(serde::Serialize)]
struct Shapes {
    variants: Vec<Shape>,
    by_number: std::collections::BTreeMap<i32, bool>,
    by_bool: std::collections::BTreeMap<bool, Option<u8>>,
    by_char: std::collections::BTreeMap<char, u8>,
    by_option: std::collections::BTreeMap<Option<String>, u8>,
    #[serde(with = "serde_bytes_as_slice")]
    bytes: Vec<u8>,
    wide: (i128, u128),
    pair: (i16, u32),
    nothing: (),
}

/// `serialize_bytes`, which `Vec<u8>` does not call by itself.
mod serde_bytes_as_slice {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_writer_agrees_with_serde_json(value in json_value()) {
        prop_assert_eq!(gitlab_aws_oidc::json::to_string(&value).unwrap(), serde_json::to_string(&value).unwrap());
    }

    #[test]
    fn json_writer_agrees_on_every_shape(n in any::<i8>(), m in any::<u16>(), s in prop::option::of(any::<String>()), f in prop::option::of(any::<f32>()), c in any::<char>(), bytes in prop::collection::vec(any::<u8>(), 0..4), wide in any::<(i128, u128)>(), pair in any::<(i16, u32)>(), key in any::<i32>()) {
        let value = Shapes {
            variants: vec![Shape::Unit, Shape::Newtype(n), Shape::Tuple(m, s), Shape::Struct { a: f, b: c }],
            by_number: [(key, true), (0, false)].into_iter().collect(),
            by_bool: [(true, None), (false, Some(2))].into_iter().collect(),
            by_char: [(c, 1)].into_iter().collect(),
            by_option: [(Some(c.to_string()), 1)].into_iter().collect(),
            bytes,
            wide,
            pair,
            nothing: (),
        };
        prop_assert_eq!(gitlab_aws_oidc::json::to_string(&value).unwrap(), serde_json::to_string(&value).unwrap());
    }
}

#[test]
fn json_writer_refuses_keys_serde_json_refuses() {
    let by_list: std::collections::BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into_iter().collect();
    assert!(serde_json::to_string(&by_list).is_err());
    assert_eq!(
        gitlab_aws_oidc::json::to_string(&by_list).unwrap_err().to_string(),
        "key must be a string"
    );
    let by_none: std::collections::BTreeMap<Option<String>, u8> = [(None, 1)].into_iter().collect();
    assert!(serde_json::to_string(&by_none).is_err());
    assert_eq!(
        gitlab_aws_oidc::json::to_string(&by_none).unwrap_err().to_string(),
        "key must be a string"
    );
}
