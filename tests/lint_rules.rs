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
