//! The trust-policy diff on the pairs a reviewer meets, with the reviewer's answer written out;
//! every witness is checked by the evaluator.
#![cfg(not(target_arch = "wasm32"))]

use gitlab_aws_oidc::diff::{compare, Comparison, Verdict};
use gitlab_aws_oidc::issuer::ProviderHost;
use gitlab_aws_oidc::policy::evaluate::{evaluate, Request};
use gitlab_aws_oidc::policy::parse::parse_policy;
use gitlab_aws_oidc::policy::Document;
use gitlab_aws_oidc::token::Claims;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn policy(conditions: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{conditions}}}]}}"#
    )
}

fn allowed(document: &Document, witness: &Map<String, Value>) -> bool {
    let claims = Claims::new(witness.clone());
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

/// Compares, and checks every witness with the evaluator: allowed after and denied before
/// (newly admitted), or the reverse.
fn diff(before: &str, after: &str) -> Comparison {
    let (before, after) = (parse_policy(before).unwrap(), parse_policy(after).unwrap());
    let comparison = compare(&before, &after);
    for change in &comparison.newly_admitted {
        assert!(
            allowed(&after, &change.witness) && !allowed(&before, &change.witness),
            "{change:?}"
        );
    }
    for change in &comparison.no_longer_admitted {
        assert!(
            allowed(&before, &change.witness) && !allowed(&after, &change.witness),
            "{change:?}"
        );
    }
    comparison
}

const AUD: &str = r#""gitlab.com:aud":"sts.amazonaws.com""#;

#[test]
fn known_pairs() {
    let main = policy(&format!(
        r#"{{"StringEquals":{{{AUD},"gitlab.com:sub":"project_path:g/app:ref_type:branch:ref:main"}}}}"#
    ));
    let any_ref = policy(&format!(
        r#"{{"StringEquals":{{{AUD}}},"StringLike":{{"gitlab.com:sub":"project_path:g/app:ref_type:branch:ref:*"}}}}"#
    ));
    let with_protected = policy(&format!(
        r#"{{"StringEquals":{{{AUD},"gitlab.com:ref_protected":"true"}},"StringLike":{{"gitlab.com:sub":"project_path:g/app:ref_type:branch:ref:*"}}}}"#
    ));
    let group = policy(&format!(
        r#"{{"StringEquals":{{{AUD}}},"StringLike":{{"gitlab.com:sub":"project_path:g/*"}}}}"#
    ));
    let app = policy(&format!(
        r#"{{"StringEquals":{{{AUD}}},"StringLike":{{"gitlab.com:sub":"project_path:g/app:*"}}}}"#
    ));
    let equals_star = policy(&format!(
        r#"{{"StringEquals":{{{AUD},"gitlab.com:sub":"project_path:g/app:ref_type:branch:ref:*"}}}}"#
    ));

    // ref:main -> ref:*: every other branch of g/app is newly admitted; nothing is lost.
    let widened = diff(&main, &any_ref);
    assert_eq!(widened.verdict, Verdict::NewAccess, "{}", widened.reason);
    assert!(widened.no_longer_admitted.is_empty());
    let sub = widened.newly_admitted[0].witness["sub"].as_str().unwrap();
    assert!(
        sub.starts_with("project_path:g/app:ref_type:branch:ref:") && !sub.ends_with(":main"),
        "{sub}"
    );
    // ...and back: no new access, but those branches are lost.
    let narrowed = diff(&any_ref, &main);
    assert_eq!(narrowed.verdict, Verdict::NoNewAccess, "{}", narrowed.reason);
    assert!(narrowed.no_longer_admitted_count > 0);

    // Adding ref_protected only takes away.
    let pinned = diff(&any_ref, &with_protected);
    assert_eq!(pinned.verdict, Verdict::NoNewAccess, "{}", pinned.reason);
    assert!(pinned
        .no_longer_admitted
        .iter()
        .all(|c| c.witness["ref_protected"] == "false"));
    // Dropping it gives unprotected branches.
    let dropped = diff(&with_protected, &any_ref);
    assert_eq!(dropped.verdict, Verdict::NewAccess);
    assert!(dropped
        .newly_admitted
        .iter()
        .all(|c| c.witness["ref_protected"] == "false"));

    // project_path:g/* -> project_path:g/app:*: narrower.
    assert_eq!(diff(&group, &app).verdict, Verdict::NoNewAccess);
    let wider = diff(&app, &group);
    assert_eq!(wider.verdict, Verdict::NewAccess);
    assert!(wider.newly_admitted.iter().all(|c| {
        let sub = c.witness["sub"].as_str().unwrap();
        sub.starts_with("project_path:g/") && !sub.starts_with("project_path:g/app:")
    }));

    // StringEquals with * (matches only a literal *) -> StringLike: new access.
    let fixed = diff(&equals_star, &any_ref);
    assert_eq!(fixed.verdict, Verdict::NewAccess);
    // The same policy: nothing either way.
    let same = diff(&any_ref, &any_ref);
    assert_eq!(
        (same.verdict, same.newly_admitted_count, same.no_longer_admitted_count),
        (Verdict::NoNewAccess, 0, 0)
    );
}

#[test]
fn statements_denies_and_principals() {
    let allow = |sub: &str| {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{{AUD}}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}}}"#
        )
    };
    let deny = r#"{"Effect":"Deny","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:ref_protected":"false"}}}"#;
    let doc = |statements: &[&str]| format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
    let one = doc(&[&allow("project_path:g/app:*")]);
    let two = doc(&[&allow("project_path:g/app:*"), &allow("project_path:g/lib:*")]);
    // Adding a statement adds g/lib.
    let added = diff(&one, &two);
    assert_eq!(added.verdict, Verdict::NewAccess);
    assert!(added
        .newly_admitted
        .iter()
        .all(|c| c.witness["sub"].as_str().unwrap().starts_with("project_path:g/lib:")));
    // A Deny subtracts: nothing new.
    let guarded = doc(&[&allow("project_path:g/app:*"), deny]);
    assert_eq!(diff(&one, &guarded).verdict, Verdict::NoNewAccess);
    let unguarded = diff(&guarded, &one);
    assert_eq!(unguarded.verdict, Verdict::NewAccess);
    assert!(unguarded
        .newly_admitted
        .iter()
        .all(|c| c.witness["ref_protected"] == "false"));
    // Another provider: its tokens are new.
    let other = one
        .replace("oidc-provider/gitlab.com", "oidc-provider/gitlab.example.com")
        .replace("gitlab.com:", "gitlab.example.com:");
    let moved = diff(&one, &other);
    assert_eq!(moved.verdict, Verdict::NewAccess);
    assert!(moved
        .newly_admitted
        .iter()
        .all(|c| c.witness["iss"] == "https://gitlab.example.com"));
    assert!(moved
        .no_longer_admitted
        .iter()
        .all(|c| c.witness["iss"] == "https://gitlab.com"));
}

#[test]
fn what_it_cannot_decide_it_says() {
    let variable = policy(&format!(
        r#"{{"StringEquals":{{{AUD},"gitlab.com:sub":"project_path:g/app:ref_type:branch:ref:${{gitlab.com:user_login}}"}}}}"#
    ));
    let plain = policy(&format!(
        r#"{{"StringEquals":{{{AUD},"gitlab.com:sub":"project_path:g/app:ref_type:branch:ref:main"}}}}"#
    ));
    let result = diff(&plain, &variable);
    assert_eq!(result.verdict, Verdict::CannotDecide);
    assert!(result.reason.contains("policy variable"), "{}", result.reason);
    // A condition on a key the STS call sets: undecided classes never become "no new access".
    let source_ip = policy(&format!(
        r#"{{"StringEquals":{{{AUD}}},"StringLike":{{"gitlab.com:sub":"project_path:g/*"}},"IpAddress":{{"aws:SourceIp":"203.0.113.0/24"}}}}"#
    ));
    let result = diff(&plain, &source_ip);
    assert_ne!(result.verdict, Verdict::NoNewAccess, "{}", result.reason);
}

/// A policy from parts: statements of (effect, `sub` operator, subs, extra `StringEquals` pins).
fn build(statements: &[Statement]) -> String {
    let statements: Vec<String> = statements
        .iter()
        .map(|(allow, operator, subs, pins)| {
            let mut equals = vec![AUD.to_owned()];
            equals.extend(pins.iter().map(|(k, v)| format!(r#""gitlab.com:{k}":{}"#, json!(v))));
            let effect = if *allow { "Allow" } else { "Deny" };
            format!(
                r#"{{"Effect":"{effect}","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{{}}},"{operator}":{{"gitlab.com:sub":{}}}}}}}"#,
                equals.join(","),
                json!(subs)
            )
        })
        .collect();
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","))
}

const SUBS: &[&str] = &[
    "project_path:g/app:ref_type:branch:ref:main",
    "project_path:g/app:ref_type:branch:ref:release/*",
    "project_path:g/app:ref_type:branch:ref:*",
    "project_path:g/app:ref_type:tag:ref:v*",
    "project_path:g/*:ref_type:branch:ref:main",
    "project_path:g/lib:*",
    "project_path:g/*",
    "project_path:g/app:ref_type:*:ref:main",
    "project_path:h/app:ref_type:branch:ref:main",
];

type Statement = (bool, &'static str, Vec<String>, Vec<(String, String)>);

fn statement() -> impl Strategy<Value = Statement> {
    (
        prop::collection::vec(prop::sample::select(SUBS), 1..3),
        prop::option::of(prop::sample::select(&["true", "false"][..])),
        prop::option::of(prop::sample::select(&["42", "43"][..])),
    )
        .prop_map(|(subs, protected, project)| {
            let mut pins = Vec::new();
            pins.extend(protected.map(|v| ("ref_protected".to_owned(), v.to_owned())));
            pins.extend(project.map(|v| ("project_id".to_owned(), v.to_owned())));
            let subs: Vec<String> = subs.into_iter().map(str::to_owned).collect();
            let operator = if subs.iter().any(|s| s.contains('*')) {
                "StringLike"
            } else {
                "StringEquals"
            };
            (true, operator, subs, pins)
        })
}

/// A realistic edit of a policy: add a sub, widen a ref, drop a pin, change the operator, add a
/// statement, add a Deny.
fn edit(mut policy: Vec<Statement>, kind: u8, pick: usize, extra: Statement) -> Vec<Statement> {
    let at = pick % policy.len();
    match kind % 6 {
        0 => policy[at].2.push(SUBS[pick % SUBS.len()].to_owned()),
        1 => {
            let sub = &mut policy[at].2[0];
            if let Some((head, _)) = sub.rsplit_once(":ref:") {
                *sub = format!("{head}:ref:*");
                policy[at].1 = "StringLike";
            }
        }
        2 => {
            policy[at].3.pop();
        }
        3 => {
            policy[at].1 = if policy[at].1 == "StringLike" {
                "StringEquals"
            } else {
                "StringLike"
            }
        }
        4 => policy.push(extra),
        _ => policy.push((false, "StringLike", vec![SUBS[pick % SUBS.len()].to_owned()], extra.3)),
    }
    policy
}

fn tokens() -> Vec<Map<String, Value>> {
    let mut tokens = Vec::new();
    for project in ["g/app", "g/lib", "g/sub/app", "h/app"] {
        for (kind, reference) in [
            ("branch", "main"),
            ("branch", "release/1"),
            ("branch", "feature/x"),
            ("tag", "v1"),
            ("tag", "main"),
        ] {
            for protected in ["true", "false"] {
                for (id, aud) in [
                    ("42", "sts.amazonaws.com"),
                    ("43", "sts.amazonaws.com"),
                    ("42", "https://gitlab.com"),
                ] {
                    let claims = json!({
                        "iss": "https://gitlab.com",
                        "aud": aud,
                        "sub": format!("project_path:{project}:ref_type:{kind}:ref:{reference}"),
                        "ref_protected": protected,
                        "project_id": id,
                    });
                    tokens.push(claims.as_object().unwrap().clone());
                }
            }
        }
    }
    tokens
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Witnesses are checked inside `diff`; here, no `no-new-access` answer hides a token that
    /// the new policy allows and the old one denies, and every `new-access` answer has one.
    #[test]
    fn no_false_no_new_access(
        base in prop::collection::vec(statement(), 1..3),
        kind in 0u8..6,
        pick in 0usize..100,
        extra in statement(),
    ) {
        let before = build(&base);
        let after = build(&edit(base, kind, pick, extra));
        let comparison = diff(&before, &after);
        let (before, after) = (parse_policy(&before).unwrap(), parse_policy(&after).unwrap());
        let found = tokens().into_iter().find(|t| allowed(&after, t) && !allowed(&before, t));
        match comparison.verdict {
            Verdict::NoNewAccess => prop_assert!(found.is_none(), "missed {found:?}"),
            Verdict::NewAccess => prop_assert!(!comparison.newly_admitted.is_empty()),
            Verdict::CannotDecide => prop_assert!(false, "{}", comparison.reason),
        }
    }
}

/// Many `*` against each other stay within the bounds, or say they cannot decide: never a hang.
#[test]
fn worst_cases_end() {
    let stars = |n: usize| {
        "abcdefghijklmnopqrstuvwxyz"
            .chars()
            .take(n)
            .flat_map(|c| ['*', c])
            .collect::<String>()
    };
    let before = policy(&format!(r#"{{"StringLike":{{"gitlab.com:sub":"{}*"}}}}"#, stars(12)));
    let after = policy(&format!(
        r#"{{"StringLike":{{"gitlab.com:sub":["{}*","*z*y*x*w*v*"]}}}}"#,
        stars(11)
    ));
    let started = std::time::Instant::now();
    let comparison = diff(&before, &after);
    assert!(
        matches!(comparison.verdict, Verdict::NewAccess | Verdict::CannotDecide),
        "{:?}",
        comparison.verdict
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn text_input_names_the_broken_side() {
    use gitlab_aws_oidc::diff::compare_text;
    use gitlab_aws_oidc::error::Coded;
    let good = policy(&format!(r#"{{"StringEquals":{{{AUD}}}}}"#));
    let err = compare_text("{", &good, "{}").unwrap_err();
    assert_eq!((err.code(), err.field().as_deref()), ("policy.json", Some("before")));
    assert!(
        err.position().is_some() && err.to_string().starts_with("before: "),
        "{err}"
    );
    let err = compare_text(&good, "[]", "{}").unwrap_err();
    assert_eq!(
        (err.code(), err.field().as_deref()),
        ("policy.not_object", Some("after"))
    );
    let err = compare_text(&good, &good, r#"{"issuer":"http://x"}"#).unwrap_err();
    assert_eq!(
        (err.code(), err.field().as_deref()),
        ("context.invalid", Some("issuer"))
    );
    let err = compare_text(&good, &good, r#"{"aud":"x"}"#).unwrap_err();
    assert_eq!(err.code(), "context.invalid");
    // The issuer limits the comparison to that provider's tokens.
    let other = good.replace("gitlab.com", "gitlab.example.com");
    let all = compare_text(&good, &other, "{}").unwrap();
    assert_eq!(all.verdict, Verdict::NewAccess);
    let only_com = compare_text(&good, &other, r#"{"issuer":"https://gitlab.com"}"#).unwrap();
    assert_eq!(only_com.verdict, Verdict::NoNewAccess, "{}", only_com.reason);
    assert!(only_com.no_longer_admitted_count > 0);
}

/// The findings are what the change brings: lint findings of `after` that `before` lacked.
#[test]
fn findings_are_the_new_ones() {
    let main = policy(&format!(
        r#"{{"StringEquals":{{{AUD},"gitlab.com:project_id":"42","gitlab.com:sub":"project_path:g/app:ref_type:branch:ref:main"}}}}"#
    ));
    let tags = policy(&format!(
        r#"{{"StringEquals":{{{AUD},"gitlab.com:project_id":"42"}},"StringLike":{{"gitlab.com:sub":"project_path:g/app:ref_type:tag:ref:v*"}}}}"#
    ));
    let codes: Vec<&str> = diff(&main, &tags).findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["POL025"]);
    assert!(diff(&tags, &main).findings.is_empty());
}
