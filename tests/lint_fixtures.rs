//! The linter and evaluator on policies people really paste: GitLab's own
//! documentation examples, blog recipes, GitHub copies, mixed statements.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;

use gitlab_aws_oidc::error::Coded;
use gitlab_aws_oidc::lint::lint_text;
use gitlab_aws_oidc::policy::evaluate::{evaluate_text, TokenInput};

fn fixtures() -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = fs::read_dir("tests/fixtures/lint")
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().ok()?;
            let case = name.strip_suffix(".json")?.to_owned();
            Some((case, fs::read_to_string(format!("tests/fixtures/lint/{name}")).unwrap()))
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn snapshots_of_findings() {
    for (case, policy) in fixtures() {
        let findings = lint_text(&policy, "{}").unwrap_or_else(|e| panic!("{case}: {e}"));
        insta::assert_json_snapshot!(format!("lint-{case}"), findings);
    }
}

#[test]
fn the_expected_rules_fire() {
    let expect = [
        ("gitlab-doc-2023", vec!["POL019", "POL002"]),
        ("gitlab-doc-current", vec!["POL019", "POL002"]),
        ("blog-recipe", vec!["POL003", "POL015", "POL019", "POL006", "POL007"]),
        (
            "wide-open",
            vec!["POL002", "POL008", "POL006", "POL007", "POL014", "POL018"],
        ),
        (
            "self-managed-mixed",
            vec!["POL012", "POL012", "POL013", "POL007", "POL020"],
        ),
        ("github-copy", vec!["POL011", "POL017"]),
        ("deny-guardrail", vec!["POL001"]),
        // Published patterns the fidelity review found linted silently.
        ("tag-prefix", vec!["POL014", "POL025"]),
        ("release-branches-self-managed", vec!["POL025", "POL025"]),
        ("for-any-value", vec!["POL009", "POL009", "POL014", "POL004"]),
        ("unrendered-template", vec!["POL011", "POL014", "POL026"]),
        // GitLab 18.x components: job_project_* first is legal; `ref:*` is still any branch.
        ("job-project-sub-self-managed", vec!["POL007", "POL020"]),
    ];
    for (case, codes) in expect {
        let policy = fs::read_to_string(format!("tests/fixtures/lint/{case}.json")).unwrap();
        let mut got: Vec<&str> = lint_text(&policy, "{}").unwrap().iter().map(|f| f.code).collect();
        let mut want = codes.clone();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn context_findings_explain_the_job() {
    let token = fs::read_to_string("tests/fixtures/tokens/gitlab-com-main.jwt").unwrap();
    let policy = fs::read_to_string("tests/fixtures/lint/blog-recipe.json").unwrap();
    let context = serde_json::json!({ "token": token.trim(), "accountId": "210987654321" }).to_string();
    let findings = lint_text(&policy, &context).unwrap();
    let messages: Vec<String> = findings
        .iter()
        .filter(|f| ["POL022", "POL023", "POL019"].contains(&f.code))
        .map(|f| format!("{}: {}", f.code, f.message))
        .collect();
    insta::assert_snapshot!("lint-context-blog-recipe", messages.join("\n"));
    assert!(
        findings.iter().any(|f| f.code == "POL022"),
        "aud https://gitlab.com is not what the job sends"
    );
    assert!(findings.iter().any(|f| f.code == "POL023"), "the job's token is denied");
}

#[test]
fn evaluations_say_why() {
    let token = fs::read_to_string("tests/fixtures/tokens/gitlab-com-main.jwt").unwrap();
    let mut reasons = Vec::new();
    for (case, policy) in fixtures() {
        let evaluation = evaluate_text(&policy, TokenInput::Token(&token), "{}").unwrap();
        reasons.push(format!("{case}: allowed={} {}", evaluation.allowed, evaluation.reason));
    }
    insta::assert_snapshot!("evaluate-fixtures", reasons.join("\n"));
}

#[test]
fn unusable_policies_have_codes() {
    for (text, code) in [
        ("", "policy.empty"),
        ("{\"Statement\": [", "policy.json"),
        ("[]", "policy.not_object"),
        ("{\"Version\": \"2012-10-17\"}", "policy.no_statement"),
        ("{\"Statement\": \"x\"}", "policy.shape"),
    ] {
        assert_eq!(lint_text(text, "{}").unwrap_err().code(), code, "{text}");
    }
    assert_eq!(
        lint_text("{\"Statement\":[]}", "{\"audience\": 1}").unwrap_err().code(),
        "context.invalid"
    );
    assert_eq!(
        lint_text("{\"Statement\":[]}", "{\"token\": \"x\"}")
            .unwrap_err()
            .code(),
        "token.segments"
    );
}

/// A policy for the fixture token `gitlab-com-main` with the given statements after a tight Allow.
fn tight_allow_and(extra: &[&str], allow_extra: &str) -> String {
    let allow = format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:acme/platform/deployer:ref_type:branch:ref:main"{allow_extra}}}}}}}"#
    );
    let mut statements = vec![allow];
    statements.extend(extra.iter().map(|s| (*s).to_owned()));
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","))
}

fn deny(condition: &str) -> String {
    format!(
        r#"{{"Effect":"Deny","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}"#
    )
}

/// A condition the evaluator cannot decide (a request key the token does not carry, an operator
/// it does not implement) never yields a plain "allowed" or a definite "denied".
#[test]
fn conditions_it_cannot_evaluate_leave_the_verdict_undecided() {
    let token = fs::read_to_string("tests/fixtures/tokens/gitlab-com-main.jwt").unwrap();
    let evaluate = |policy: &str| {
        let evaluation = evaluate_text(policy, TokenInput::Token(token.trim()), "{}").unwrap();
        serde_json::to_value(&evaluation).unwrap()
    };
    let undecided = |value: &serde_json::Value| value["undecided"].clone();

    // A Deny that may apply: the Allow alone does not decide.
    for condition in [
        r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
        r#"{"NumericNotEquals":{"gitlab.com:project_id":"7"}}"#,
        r#"{"StringNotEquals":{"sts:RoleSessionName":"deploy"}}"#,
    ] {
        let value = evaluate(&tight_allow_and(&[&deny(condition)], ""));
        assert_eq!(value["allowed"], false, "{condition}: {value}");
        assert_eq!(undecided(&value), serde_json::json!([1]), "{condition}: {value}");
        let reason = value["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("undecided") && reason.contains("statement 1"),
            "{reason}"
        );
        assert_eq!(value["statements"][1]["undecided"], true);
        assert_eq!(value["statements"][1]["conditions"][0]["undecided"], true);
    }
    // A Deny that cannot apply (one of its conditions is certainly false) leaves a plain allow.
    let value = evaluate(&tight_allow_and(
        &[&deny(
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"},"StringEquals":{"gitlab.com:ref_protected":"false"}}"#,
        )],
        "",
    ));
    assert_eq!(value["allowed"], true, "{value}");
    assert_eq!(undecided(&value), serde_json::json!([]));

    // An Allow whose only open conditions are keys the token does not carry: not a definite deny.
    for allow_extra in [
        r#","sts:RoleSessionName":"deploy""#,
        r#"},"IpAddress":{"aws:SourceIp":"203.0.113.0/24""#,
    ] {
        let value = evaluate(&tight_allow_and(&[], allow_extra));
        assert_eq!(value["allowed"], false, "{value}");
        assert_eq!(undecided(&value), serde_json::json!([0]), "{value}");
        let reason = value["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("undecided") && !reason.contains("AccessDenied"),
            "{reason}"
        );
    }
    // ... but one that certainly fails on the token's own claims is denied, and says why.
    let value = evaluate(&tight_allow_and(
        &[],
        r#","gitlab.com:project_id":"1","sts:RoleSessionName":"deploy""#,
    ));
    assert_eq!(
        (value["allowed"].clone(), undecided(&value)),
        (serde_json::json!(false), serde_json::json!([]))
    );
    let reason = value["reason"].as_str().unwrap();
    assert!(
        reason.contains("AccessDenied") && reason.contains("gitlab.com:project_id"),
        "{reason}"
    );

    // The linter says "depends", as a warning, not "denied".
    let context = serde_json::json!({ "token": token.trim() }).to_string();
    let policy = tight_allow_and(&[&deny(r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#)], "");
    let findings = lint_text(&policy, &context).unwrap();
    let pol023: Vec<_> = findings.iter().filter(|f| f.code == "POL023").collect();
    assert_eq!(pol023.len(), 1, "{findings:?}");
    assert_eq!(serde_json::to_value(pol023[0]).unwrap()["severity"], "warning");
    assert!(pol023[0].message.contains("undecided"), "{}", pol023[0].message);
}

const GITLAB_COM: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.com";
const AUD_AND_ID: &str = r#""gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42""#;

/// A statement trusting gitlab.com's provider with the given effect and `Condition` object.
fn statement(effect: &str, condition: &str) -> String {
    format!(
        r#"{{"Effect":"{effect}","Principal":{{"Federated":"{GITLAB_COM}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}"#
    )
}

fn policy(statements: &[String]) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","))
}

/// The codes the linter reports, sorted.
fn codes(policy: &str) -> Vec<&'static str> {
    let mut codes: Vec<&str> = lint_text(policy, "{}")
        .unwrap_or_else(|e| panic!("{policy}: {e}"))
        .iter()
        .map(|f| f.code)
        .collect();
    codes.sort_unstable();
    codes
}

/// `*` and `?` cross `/` and `:`: a wildcard in the top-level group, or anywhere in a
/// project id, admits projects anyone can create; only `group/*` is a group wildcard.
#[test]
fn any_project_patterns_are_errors() {
    for project in [
        "project_path:*",
        "project_path:?*",
        "project_path:*/*",
        "project_path:*?",
        "project_path:a*",
        "project_path:*/x",
        "project_path:ac?e/app",
        "project_id:*",
        "project_id:?*",
        "project_id:4*",
    ] {
        let sub = format!("{project}:ref_type:branch:ref:main");
        let condition = format!(r#"{{"StringEquals":{{{AUD_AND_ID}}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}"#);
        assert_eq!(codes(&policy(&[statement("Allow", &condition)])), ["POL005"], "{sub}");
    }
    for sub in [
        "project_path:acme/*:ref_type:branch:ref:main",
        "project_path:acme/app*:ref_type:branch:ref:main",
    ] {
        let condition = format!(r#"{{"StringEquals":{{{AUD_AND_ID}}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}"#);
        assert_eq!(codes(&policy(&[statement("Allow", &condition)])), ["POL006"], "{sub}");
    }
    // A wildcard that crosses a ':' leaves a literal where a component name belongs.
    for sub in [
        "project_path:*ref:main",
        "project_path:a*ref:main",
        "project_path:*_type:branch:ref:main",
        "project_path:*/*ref:main",
    ] {
        let condition = format!(r#"{{"StringEquals":{{{AUD_AND_ID}}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}"#);
        assert_eq!(codes(&policy(&[statement("Allow", &condition)])), ["POL005"], "{sub}");
    }
    let condition = r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com"},"StringLike":{"gitlab.com:sub":"project_path:acme/app*ref:main"}}"#;
    assert_eq!(
        codes(&policy(&[statement("Allow", condition)])),
        ["POL006", "POL007", "POL014"]
    );
    // What still follows the crossing wildcard is read: these pin the ref, not its type.
    for sub in ["project_path:acme/app*ref:main", "project_path:acme/app:*:ref:main"] {
        let condition = format!(r#"{{"StringEquals":{{{AUD_AND_ID}}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}"#);
        let text = policy(&[statement("Allow", &condition)]);
        let findings = lint_text(&text, "{}").unwrap();
        let any_ref: Vec<&str> = findings
            .iter()
            .filter(|f| f.code == "POL007")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            any_ref,
            [format!(
                "sub {sub:?} admits branches and tags alike, protected or not; name the ref, or pin ref_protected on gitlab.com"
            )],
            "{sub}"
        );
    }
}

/// A ref or ref type made only of wildcards with at least one `*` (`?*`, `*?`) admits any.
#[test]
fn wildcard_only_refs_admit_any_ref() {
    for any in ["*", "?*", "*?", "??*"] {
        for sub in [
            format!("project_path:acme/app:ref_type:{any}:ref:main"),
            format!("project_path:acme/app:ref_type:branch:ref:{any}"),
        ] {
            let condition = format!(r#"{{"StringEquals":{{{AUD_AND_ID}}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}"#);
            assert_eq!(codes(&policy(&[statement("Allow", &condition)])), ["POL007"], "{sub}");
        }
    }
}

/// `Null` says only whether a key is present; it restricts no project (or audience).
#[test]
fn null_conditions_restrict_nothing() {
    let sub = r#""gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main""#;
    let no_sub = format!(r#"{{"StringEquals":{{{AUD_AND_ID}}},"Null":{{"gitlab.com:sub":"false"}}}}"#);
    assert_eq!(codes(&policy(&[statement("Allow", &no_sub)])), ["POL001"]);
    let no_aud =
        format!(r#"{{"StringEquals":{{{sub},"gitlab.com:project_id":"42"}},"Null":{{"gitlab.com:aud":"false"}}}}"#);
    assert_eq!(codes(&policy(&[statement("Allow", &no_aud)])), ["POL002"]);
}

/// Only a positive pin of `ref_protected` to "true", on gitlab.com where AWS evaluates the
/// key, limits a wildcard ref to protected refs.
#[test]
fn only_a_positive_ref_protected_pin_limits_the_refs() {
    let with = |operator: &str, values: serde_json::Value| {
        let mut condition = serde_json::json!({
            "StringEquals": { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:project_id": "42" },
            "StringLike": { "gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:*" }
        });
        condition[operator]["gitlab.com:ref_protected"] = values;
        codes(&policy(&[statement("Allow", &condition.to_string())]))
    };
    for (operator, values, expected) in [
        ("StringNotEquals", "true".into(), vec!["POL007"]),
        ("StringNotLike", "true".into(), vec!["POL004", "POL007"]),
        ("Null", "false".into(), vec!["POL007"]),
        ("ForAllValues:StringEquals", "true".into(), vec!["POL007", "POL008"]),
        ("StringEquals", "false".into(), vec!["POL007"]),
        ("StringEquals", serde_json::json!(["true", "false"]), vec!["POL007"]),
        ("StringEquals", "true".into(), vec![]),
        ("StringEqualsIfExists", "true".into(), vec![]),
        ("StringEqualsIgnoreCase", "TRUE".into(), vec![]),
    ] {
        assert_eq!(with(operator, values), expected, "{operator}");
    }
    // Off gitlab.com AWS never evaluates ref_protected: …IfExists is then always true.
    let self_managed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:aud":"sts.amazonaws.com"},"StringLike":{"gitlab.example.com:sub":"project_id:42:ref_type:branch:ref:*"},"StringEqualsIfExists":{"gitlab.example.com:ref_protected":"true"}}}]}"#;
    assert_eq!(codes(self_managed), ["POL007", "POL012"]);
}

/// Only a positive pin of `project_id` to literal ids closes the reclaimed-path hole.
#[test]
fn only_an_exact_project_id_pin_silences_pol014() {
    let with = |operator: &str, values: serde_json::Value| {
        let mut condition = serde_json::json!({
            "StringEquals": {
                "gitlab.com:aud": "sts.amazonaws.com",
                "gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:main"
            }
        });
        condition[operator]["gitlab.com:project_id"] = values;
        codes(&policy(&[statement("Allow", &condition.to_string())]))
    };
    for (operator, values, expected) in [
        ("StringLike", "*".into(), vec!["POL014"]),
        ("StringLike", "4*".into(), vec!["POL014"]),
        ("StringNotEquals", "1".into(), vec!["POL014"]),
        ("Null", "false".into(), vec!["POL014"]),
        ("ForAllValues:StringEquals", "42".into(), vec!["POL008", "POL014"]),
        ("StringEquals", "42".into(), vec![]),
        ("StringEquals", serde_json::json!(["42", "43"]), vec![]),
        ("StringEqualsIfExists", "42".into(), vec![]),
    ] {
        assert_eq!(with(operator, values), expected, "{operator}");
    }
}

/// A `<prefix>:sub` whose prefix is not the provider's host is another key: it restricts
/// nothing for this provider's tokens, and POL010 flags it whatever the prefix looks like.
#[test]
fn a_sub_key_under_another_prefix_does_not_restrict_sub() {
    let self_managed = |condition: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}]}}"#
        )
    };
    for key in ["gitlab:sub", "GitLab:sub", "gitlab.com:sub", "https:sub"] {
        let text = self_managed(&format!(
            r#"{{"StringEquals":{{"gitlab.example.com:aud":"sts.amazonaws.com","{key}":"project_path:acme/app:ref_type:branch:ref:main"}}}}"#
        ));
        assert_eq!(codes(&text), ["POL001", "POL010"], "{key}");
        let findings = lint_text(&text, "{}").unwrap();
        let pol001 = findings.iter().find(|f| f.code == "POL001").unwrap();
        assert!(
            pol001.message.contains(key) && !pol001.message.contains("any project"),
            "{}",
            pol001.message
        );
        let pol010 = findings.iter().find(|f| f.code == "POL010").unwrap();
        assert!(
            pol010.fix.as_deref().unwrap().contains("\"gitlab.example.com:sub\""),
            "{pol010:?}"
        );
    }
    // The host's own key in another case is the same key; global aws: and sts: keys have no host.
    let fine = self_managed(
        r#"{"StringEquals":{"gitlab.example.com:aud":"sts.amazonaws.com","GitLab.Example.Com:sub":"project_path:acme/app:ref_type:branch:ref:main","aws:RequestTag/team:name":"x","sts:RoleSessionName":"y"}}"#,
    );
    assert!(codes(&fine).is_empty(), "{:?}", codes(&fine));
}

/// IAM accepts only "Allow" and "Deny", spelt exactly; anything else is a policy IAM
/// rejects, so the linter says so and the evaluator allows nothing.
#[test]
fn an_effect_other_than_allow_or_deny_is_an_error() {
    let condition = format!(
        r#"{{"StringEquals":{{{AUD_AND_ID},"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}}"#
    );
    for effect in ["allow", "ALLOW", "deny", "Permit", ""] {
        let text = policy(&[statement(effect, &condition)]);
        assert_eq!(codes(&text), ["POL024"], "{effect:?}");
        let findings = lint_text(&text, "{}").unwrap();
        let fix = findings[0].fix.as_deref();
        match effect.to_ascii_lowercase().as_str() {
            "allow" => assert!(fix.unwrap().contains(r#""Effect": "Allow""#), "{fix:?}"),
            "deny" => assert!(fix.unwrap().contains(r#""Effect": "Deny""#), "{fix:?}"),
            _ => assert_eq!(fix, None),
        }
    }
    let no_effect = policy(&[statement("Allow", &condition).replace(r#""Effect":"Allow","#, "")]);
    assert_eq!(codes(&no_effect), ["POL024"]);
    // With a token, the rejected policy is POL024's alone: no second error from POL023.
    let token = fs::read_to_string("tests/fixtures/tokens/gitlab-com-main.jwt").unwrap();
    let context = serde_json::json!({ "token": token.trim() }).to_string();
    for text in [policy(&[statement("allow", &condition)]), no_effect] {
        let with_token: Vec<_> = lint_text(&text, &context).unwrap().iter().map(|f| f.code).collect();
        assert!(
            with_token.contains(&"POL024") && !with_token.contains(&"POL023"),
            "{with_token:?}"
        );
    }
    let claims = r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","project_id":"42"}"#;
    let allowed = evaluate_text(
        &policy(&[statement("Allow", &condition)]),
        TokenInput::ClaimsJson(claims),
        "{}",
    )
    .unwrap();
    assert!(allowed.allowed, "{}", allowed.reason);
    let lowercase = evaluate_text(
        &policy(&[statement("allow", &condition)]),
        TokenInput::ClaimsJson(claims),
        "{}",
    )
    .unwrap();
    assert!(!lowercase.allowed, "{}", lowercase.reason);
    assert!(
        lowercase.reason.contains("MalformedPolicyDocument"),
        "{}",
        lowercase.reason
    );
}

/// Rules that judge what a policy grants read only Allow statements and positive
/// operators: an exclusion (`StringNotLike`) or a Deny admits no one. A Deny refusing
/// every sub but a few does restrict the role, so POL001 does not claim any project can
/// assume it; a Deny that leaves any project, or that also needs another condition, does not.
#[test]
fn deny_guardrails_and_exclusions_grant_nothing() {
    let app = "project_path:acme/app:ref_type:branch:ref:main";
    let allow_any_sub = statement("Allow", &format!(r#"{{"StringEquals":{{{AUD_AND_ID}}}}}"#));
    let deny = |condition: &str| statement("Deny", condition);
    let findings = |statements: &[String]| lint_text(&policy(statements), "{}").unwrap();
    let report = |statements: &[String]| {
        findings(statements)
            .iter()
            .map(|f| format!("{} {:?}", f.code, f.severity))
            .collect::<Vec<_>>()
    };

    // The review's case: a Deny refusing every sub but one.
    let guard = deny(&format!(r#"{{"StringNotEquals":{{"gitlab.com:sub":"{app}"}}}}"#));
    let guarded = findings(&[allow_any_sub.clone(), guard.clone()]);
    assert_eq!(report(&[allow_any_sub.clone(), guard.clone()]), ["POL001 Info"]);
    assert!(
        guarded[0].message.contains("statement 1") && guarded[0].message.contains(app),
        "{}",
        guarded[0].message
    );
    assert!(!guarded[0].message.contains("any project"), "{}", guarded[0].message);
    // A guardrail that leaves a group open is worth a warning.
    let group = deny(r#"{"StringNotLike":{"gitlab.com:sub":"project_path:acme/*:ref_type:branch:ref:main"}}"#);
    assert_eq!(report(&[allow_any_sub.clone(), group]), ["POL001 Warning"]);

    // Exclusions and Deny statements never draw the rules about what is granted.
    let by_id = statement(
        "Allow",
        r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_id:42:ref_type:branch:ref:main"},"StringNotLike":{"gitlab.com:sub":"project_path:acme/*"}}"#,
    );
    assert!(report(&[by_id]).is_empty());
    let pinned = statement(
        "Allow",
        &format!(r#"{{"StringEquals":{{{AUD_AND_ID},"gitlab.com:sub":"{app}"}}}}"#),
    );
    let no_tags = deny(r#"{"StringLike":{"gitlab.com:sub":"project_path:*:ref_type:tag:ref:*"}}"#);
    assert!(report(&[pinned, no_tags.clone(), guard.clone()]).is_empty());
    // A Deny refusing every project id but one pins the project as well as the Allow would.
    let path_only = statement(
        "Allow",
        &format!(r#"{{"StringEquals":{{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"{app}"}}}}"#),
    );
    let id_guard = deny(r#"{"StringNotEquals":{"gitlab.com:project_id":"42"}}"#);
    assert_eq!(report(std::slice::from_ref(&path_only)), ["POL014 Warning"]);
    assert!(report(&[path_only, id_guard]).is_empty());

    // True positives stay: no Deny, or one that leaves any project, needs more than sub,
    // covers another action or another provider, or blocks rather than guards.
    let error = vec!["POL001 Error".to_owned()];
    assert_eq!(report(std::slice::from_ref(&allow_any_sub)), error);
    for not_a_guard in [
        deny(r#"{"StringNotLike":{"gitlab.com:sub":"project_path:*:ref_type:branch:ref:main"}}"#),
        deny(r#"{"StringNotLike":{"gitlab.com:sub":"project_path:a*"}}"#),
        deny(&format!(
            r#"{{"StringNotEquals":{{"gitlab.com:sub":"{app}"}},"StringEquals":{{"gitlab.com:ref_protected":"false"}}}}"#
        )),
        guard.replace("sts:AssumeRoleWithWebIdentity", "sts:TagSession"),
        guard
            .replace("oidc-provider/gitlab.com", "oidc-provider/gitlab.example.com")
            .replace("gitlab.com:sub", "gitlab.example.com:sub"),
        deny(&format!(r#"{{"StringEquals":{{"gitlab.com:sub":"{app}"}}}}"#)),
    ] {
        assert_eq!(
            report(&[allow_any_sub.clone(), not_a_guard.clone()]),
            error,
            "{not_a_guard}"
        );
    }
    // What a guardrail leaves is judged as the same sub in the Allow would be (POL007, POL014).
    let aud_only = statement("Allow", r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com"}}"#);
    let any_ref = deny(r#"{"StringNotLike":{"gitlab.com:sub":"project_path:acme/app:*"}}"#);
    let left = findings(&[aud_only.clone(), any_ref.clone()]);
    assert_eq!(report(&[aud_only.clone(), any_ref]), ["POL001 Warning"]);
    assert!(
        left[0].message.contains("any ref") && left[0].message.contains("project_id"),
        "{}",
        left[0].message
    );
    let by_path = findings(&[aud_only.clone(), guard.clone()]);
    assert_eq!(report(&[aud_only, guard.clone()]), ["POL001 Warning"]);
    assert!(
        by_path[0].message.contains("project_id") && !by_path[0].message.contains("any ref"),
        "{}",
        by_path[0].message
    );
    let protected = statement(
        "Allow",
        &format!(r#"{{"StringEquals":{{{AUD_AND_ID},"gitlab.com:ref_protected":"true"}}}}"#),
    );
    let any_branch = deny(r#"{"StringNotLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:*"}}"#);
    assert_eq!(report(&[protected, any_branch]), ["POL001 Info"]);

    // Guardrails on aud and ref_protected restrict them as the Allow's own conditions would.
    let no_aud = statement(
        "Allow",
        &format!(r#"{{"StringEquals":{{"gitlab.com:project_id":"42","gitlab.com:sub":"{app}"}}}}"#),
    );
    assert_eq!(report(std::slice::from_ref(&no_aud)), ["POL002 Warning"]);
    let aud_guard = deny(r#"{"StringNotEquals":{"gitlab.com:aud":"sts.amazonaws.com"}}"#);
    assert!(report(&[no_aud.clone(), aud_guard]).is_empty());
    let any_aud = deny(r#"{"StringNotLike":{"gitlab.com:aud":"*"}}"#);
    assert_eq!(report(&[no_aud, any_aud]), ["POL002 Warning"]);
    let any_ref_allow = statement(
        "Allow",
        &format!(
            r#"{{"StringEquals":{{{AUD_AND_ID}}},"StringLike":{{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:*"}}}}"#
        ),
    );
    let protected_guard = deny(r#"{"StringNotEquals":{"gitlab.com:ref_protected":"true"}}"#);
    assert!(report(&[any_ref_allow.clone(), protected_guard]).is_empty());
    let unprotected_guard = deny(r#"{"StringNotEquals":{"gitlab.com:ref_protected":"false"}}"#);
    assert_eq!(report(&[any_ref_allow, unprotected_guard]), ["POL007 Warning"]);

    // A Deny on one of the Allow's providers leaves the other's tokens unguarded.
    let both = r#"{"Effect":"Allow","Principal":{"Federated":["arn:aws:iam::123456789012:oidc-provider/gitlab.com","arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"]},"Action":"sts:AssumeRoleWithWebIdentity"}"#;
    let pol001 = |statements: &[String]| report(statements).into_iter().find(|f| f.starts_with("POL001"));
    assert_eq!(
        pol001(&[both.to_owned(), guard.clone()]).as_deref(),
        Some("POL001 Error")
    );
    let both_guard = guard.replace(
        &format!(r#""{GITLAB_COM}""#),
        &format!(r#"["{GITLAB_COM}","arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"]"#),
    );
    // Guarded on both: restricted (a warning only because nothing pins project_id).
    assert_eq!(
        pol001(&[both.to_owned(), both_guard]).as_deref(),
        Some("POL001 Warning")
    );
    let group_allow = statement(
        "Allow",
        &format!(r#"{{"StringEquals":{{{AUD_AND_ID}}},"StringLike":{{"gitlab.com:sub":"project_path:acme/*"}}}}"#),
    );
    assert_eq!(report(&[group_allow, no_tags]), ["POL006 Warning", "POL007 Warning"]);
}

/// A global key is told by the part before its first `:`: a tag key holding `:` is still a
/// request key the token does not carry, so a Deny on it is undecided, not a certain match.
#[test]
fn a_tag_key_with_a_colon_is_a_request_key() {
    let token = fs::read_to_string("tests/fixtures/tokens/gitlab-com-main.jwt").unwrap();
    for key in ["aws:PrincipalTag/team", "aws:PrincipalTag/team:name", "sts:x:y"] {
        let policy = tight_allow_and(&[&deny(&format!(r#"{{"StringNotEquals":{{"{key}":"x"}}}}"#))], "");
        let evaluation = evaluate_text(&policy, TokenInput::Token(token.trim()), "{}").unwrap();
        assert!(!evaluation.allowed, "{key}");
        assert_eq!(evaluation.undecided, [1], "{key}: {}", evaluation.reason);
        assert!(
            evaluation.reason.starts_with("undecided"),
            "{key}: {}",
            evaluation.reason
        );
    }
}

fn gitlab_com_policy(conditions: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{conditions}}}]}}"#
    )
}

/// A partial ref wildcard admits refs nobody reviewed unless `ref_protected` is pinned to "true";
/// whole wildcards are POL007's, literal refs are fine.
#[test]
fn partial_ref_wildcards_warn_unless_protected_refs_are_required() {
    let pinned = r#""gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42""#;
    for (sub, fires) in [
        ("project_path:acme/app:ref_type:tag:ref:v*", true),
        ("project_path:acme/app:ref_type:branch:ref:release/*", true),
        ("project_path:acme/app:ref_type:branch:ref:pr*", true),
        ("project_path:acme/app:ref_type:tag:ref:*-prod", true),
        ("project_path:acme/app:ref_type:tag:ref:v?", true),
        ("project_path:acme/app:ref_type:branch:ref:main", false),
        ("project_path:acme/app:ref_type:branch:ref:*", false),
        ("project_path:acme/app:ref_type:tag:ref:v${*}", false),
    ] {
        let policy = gitlab_com_policy(&format!(
            r#"{{"StringEquals":{{{pinned}}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}"#
        ));
        assert_eq!(codes(&policy).contains(&"POL025"), fires, "{sub}: {:?}", codes(&policy));
        let protected = gitlab_com_policy(&format!(
            r#"{{"StringEquals":{{{pinned},"gitlab.com:ref_protected":"true"}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}"#
        ));
        assert!(!codes(&protected).contains(&"POL025"), "{sub} with ref_protected");
    }
    let messages: Vec<String> = lint_text(
        &gitlab_com_policy(&format!(r#"{{"StringEquals":{{{pinned}}},"StringLike":{{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:pr*"}}}}"#)),
        "{}",
    )
    .unwrap()
    .into_iter()
    .map(|f| f.message)
    .collect();
    assert!(messages.iter().any(|m| m.contains("\"pr-unreviewed\"")), "{messages:?}");
}

/// IAM's quota: 2,048 characters by default, 8,192 at most after an increase, whitespace not
/// counted; past the maximum no increase helps.
#[test]
fn the_size_quota_is_2048_then_8192() {
    let subs = |n: usize| {
        (0..n)
            .map(|i| format!(r#""project_path:acme/app:ref_type:branch:ref:release-{i:05}""#))
            .collect::<Vec<_>>()
            .join(",")
    };
    let policy = |n: usize| {
        gitlab_com_policy(&format!(
            r#"{{"StringEquals":{{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":[{}]}}}}"#,
            subs(n)
        ))
    };
    let severity = |n: usize| {
        lint_text(&policy(n), "{}")
            .unwrap()
            .into_iter()
            .find(|f| f.code == "POL021")
            .map(|f| (f.severity, f.message))
    };
    assert!(severity(20).is_none());
    let (warning, message) = severity(100).unwrap();
    assert_eq!(serde_json::to_value(warning).unwrap(), "warning", "{message}");
    assert!(message.contains("raise it up to 8192"), "{message}");
    let (error, message) = severity(200).unwrap();
    assert_eq!(serde_json::to_value(error).unwrap(), "error", "{message}");
    assert!(message.contains("maximum quota of 8192"), "{message}");
}

/// Characters IAM refuses in a policy document are an error, wherever they are.
#[test]
fn characters_iam_refuses_are_found_where_they_are() {
    for (conditions, path) in [
        (
            r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:deploy-🚀"}}"#,
            r#"$.Statement[0].Condition.StringEquals["gitlab.com:sub"]"#,
        ),
        (
            r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:a\u0007b"}}"#,
            r#"$.Statement[0].Condition.StringEquals["gitlab.com:sub"]"#,
        ),
    ] {
        let findings = lint_text(&gitlab_com_policy(conditions), "{}").unwrap();
        let found: Vec<_> = findings.iter().filter(|f| f.code == "POL027").collect();
        assert_eq!(found.len(), 1, "{findings:?}");
        assert_eq!(found[0].path.as_deref(), Some(path));
    }
    let sid = gitlab_com_policy(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com"}}"#)
        .replace(r#"{"Effect""#, r#"{"Sid":"Déploiement–prod","Effect""#);
    let findings = lint_text(&sid, "{}").unwrap();
    let found = findings.iter().find(|f| f.code == "POL027").unwrap();
    assert!(found.message.contains("U+2013"), "{}", found.message);
    // Latin-1 is allowed.
    let latin = gitlab_com_policy(
        r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:déploiement"}}"#,
    );
    assert!(!codes(&latin).contains(&"POL027"));
}

/// A `job_project_path` sub on gitlab.com: POL014 says to start the sub with `job_project_id`,
/// since the `project_id` key is the fork's in merge request pipelines from forks; the new
/// components are GitLab's, so POL011 stays quiet.
#[test]
fn job_project_subs_get_their_own_advice() {
    let policy = gitlab_com_policy(
        r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"job_project_path:acme/app:ref_type:branch:ref:main"}}"#,
    );
    let findings = lint_text(&policy, "{}").unwrap();
    let codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["POL014"], "{findings:?}");
    assert!(
        findings[0].message.contains("start sub with job_project_id"),
        "{}",
        findings[0].message
    );
    let by_id = gitlab_com_policy(
        r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"job_project_id:42:source_project_path:acme/app:ref_type:branch:ref:main"}}"#,
    );
    assert!(lint_text(&by_id, "{}").unwrap().is_empty());
}
