//! Every lint rule's documented example fires exactly that rule, and its
//! "use instead" fires none.
#![cfg(not(target_arch = "wasm32"))]

use gitlab_aws_oidc::lint::{lint, Context, ALL, DOCUMENTED};
use gitlab_aws_oidc::policy::parse::parse_policy;

/// A rule's documented context; `"@name"` stands for the fixture token `name`.
fn context(text: &str) -> Context {
    let text = match text.split_once("\"@") {
        Some((before, rest)) => {
            let (name, after) = rest.split_once('"').unwrap();
            let token = std::fs::read_to_string(format!("tests/fixtures/tokens/{name}.jwt")).unwrap();
            format!("{before}{}{after}", serde_json::Value::from(token.trim()))
        }
        None => text.to_owned(),
    };
    Context::from_json(&text).unwrap()
}

#[test]
fn examples_fire_exactly_their_rule_and_fixes_fire_none() {
    let mut codes = Vec::new();
    assert_eq!(DOCUMENTED.len(), ALL.len(), "every rule is documented");
    for ((rule, docs), listed) in DOCUMENTED.iter().zip(ALL) {
        let code = rule.code;
        assert_eq!(
            code, listed.rule.code,
            "DOCUMENTED and ALL list the rules in the same order"
        );
        assert!(!codes.contains(&code), "{code} is used twice");
        codes.push(code);
        for text in [docs.what_it_does, docs.why_is_this_bad, rule.why] {
            assert!(text.len() > 20, "{code}: documentation is missing");
        }
        let context = context(docs.context);
        let example = parse_policy(docs.example).unwrap_or_else(|e| panic!("{code} example: {e}"));
        let fired: Vec<&str> = lint(&example, &context).iter().map(|f| f.code).collect();
        assert!(
            !fired.is_empty() && fired.iter().all(|c| *c == code),
            "{code} example fired {fired:?}"
        );
        let instead = parse_policy(docs.use_instead).unwrap_or_else(|e| panic!("{code} use_instead: {e}"));
        let fired: Vec<_> = lint(&instead, &context)
            .into_iter()
            .map(|f| (f.code, f.message))
            .collect();
        assert!(fired.is_empty(), "{code} use_instead fired {fired:?}");
    }
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted, "rules are listed in code order");
}

/// The codes `lint` raises for a policy with the given statements, and the fixes it offers.
fn lint_statements(statements: &str) -> Vec<(&'static str, String, Option<String>)> {
    let policy = parse_policy(&format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)).unwrap();
    lint(&policy, &Context::default())
        .into_iter()
        .map(|f| (f.code, f.message, f.fix))
        .collect()
}

const PROVIDER: &str = r#""Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}"#;
const PINNED: &str = r#""Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#;

#[test]
fn not_action_is_too_broad_only_under_allow() {
    let allow = format!(r#"{{"Effect":"Allow",{PROVIDER},"Action":"sts:AssumeRoleWithWebIdentity",{PINNED}}}"#);
    // A Deny with NotAction refuses everything it does not list: valid, and nothing to flag.
    let deny = format!(r#"{{"Effect":"Deny",{PROVIDER},"NotAction":"sts:TagSession"}}"#);
    let findings = lint_statements(&format!("{allow},{deny}"));
    assert!(
        findings.iter().all(|(code, ..)| *code != "POL017" && *code != "POL015"),
        "{findings:?}"
    );

    // Under Allow it grants every action it does not list; the fix leaves the web-identity action.
    let broad = format!(r#"{{"Effect":"Allow",{PROVIDER},"NotAction":"sts:AssumeRole",{PINNED}}}"#);
    let findings = lint_statements(&broad);
    let (_, message, fix) = findings.iter().find(|(code, ..)| *code == "POL017").expect("POL017");
    assert!(message.contains("grants every action it does not list"), "{message}");
    let fixed = fix.as_deref().expect("a fix");
    assert!(
        fixed.contains(r#""Action": "sts:AssumeRoleWithWebIdentity""#) && !fixed.contains("NotAction"),
        "{fixed}"
    );
    assert!(lint_statements(&fixed[fixed.find('[').unwrap() + 1..fixed.rfind(']').unwrap()]).is_empty());
    // The job is allowed: no AccessDenied finding (POL015, POL023).
    assert!(
        findings.iter().all(|(code, ..)| *code != "POL015" && *code != "POL023"),
        "{findings:?}"
    );

    // A NotAction that leaves the web-identity action out blocks the jobs.
    let excluding = format!(r#"{{"Effect":"Allow",{PROVIDER},"NotAction":"sts:*",{PINNED}}}"#);
    let findings = lint_statements(&excluding);
    let (_, message, _) = findings.iter().find(|(code, ..)| *code == "POL015").expect("POL015");
    assert!(
        message.contains("NotAction sts:* excludes sts:AssumeRoleWithWebIdentity"),
        "{message}"
    );
}

#[test]
fn not_principal_is_not_allowed_in_a_trust_policy() {
    let allow = format!(r#"{{"Effect":"Allow",{PROVIDER},"Action":"sts:AssumeRoleWithWebIdentity",{PINNED}}}"#);
    let deny = r#"{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRoleWithWebIdentity"}"#;
    let findings = lint_statements(&format!("{allow},{deny}"));
    let (_, message, fix) = findings.iter().find(|(code, ..)| *code == "POL017").expect("POL017");
    assert!(message.contains("IAM role trust policies cannot use it"), "{message}");
    // Removing it would leave a statement with no principal at all: no one-click fix.
    assert!(fix.is_none());
}
