//! Native benchmarks of the core (divan): they print figures, they assert nothing
//! about time. Run `cargo bench --bench core` (or `scripts/bench.sh` for the whole
//! report); filter with `cargo bench --bench core -- wildcard`.
//!
//! Every input is a fixture from `tests/fixtures/`, compiled in with
//! `include_str!`, so a run reads no files and the figures are per call.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    divan::main();
}

/// Benchmarks are native only (divan is not a wasm32 dependency); this keeps
/// `cargo clippy --all-targets --target wasm32-unknown-unknown` building.
#[cfg(target_arch = "wasm32")]
fn main() {}

/// Every input, compiled in.
#[cfg(not(target_arch = "wasm32"))]
mod fixtures {
    use std::fmt;

    /// A fixture file: its name (without extension) and its text.
    #[derive(Clone, Copy)]
    pub struct Fixture {
        pub name: &'static str,
        pub text: &'static str,
    }

    impl fmt::Display for Fixture {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.name)
        }
    }

    /// `fixtures!("dir", "suffix"; name, …)` → `[Fixture; N]` of `tests/fixtures/dir/<name><suffix>`.
    macro_rules! fixtures {
        ($dir:literal, $suffix:literal; $($name:literal),+ $(,)?) => {
            [$(Fixture {
                name: $name,
                text: include_str!(concat!("../tests/fixtures/", $dir, "/", $name, $suffix)),
            }),+]
        };
    }

    pub const TOKENS: &[Fixture] = &fixtures!("tokens", ".jwt";
        "aud-list", "custom-sub-protected", "expired", "github-sub", "gitlab-com-feature-branch",
        "gitlab-com-main", "gitlab-com-tag", "gitlab-doc-example", "hs256", "legacy-v1", "missing-sub",
        "mr-sub", "no-kid", "project-id-sub", "refs-heads-sub", "self-managed-relative-root",
        "sub-mismatch", "unknown-claims", "wrong-types",
    );

    /// Tokens with an `iss`, a GitLab `sub` and one `aud`: a policy can be generated from each
    /// with only an account ID (`aud-list` needs an audience chosen too).
    pub const POLICY_TOKENS: &[Fixture] = &fixtures!("tokens", ".jwt";
        "custom-sub-protected", "gitlab-com-feature-branch", "gitlab-com-main",
        "gitlab-com-tag", "gitlab-doc-example", "project-id-sub", "self-managed-relative-root",
    );

    pub const POLICY_SPECS: &[Fixture] = &fixtures!("policy", ".spec.json";
        "environment-sub", "gitlab-com-main", "group-wide", "project-id-sub", "release-tags",
        "self-managed-relative-root",
    );

    pub const LINT_POLICIES: &[Fixture] = &fixtures!("lint", ".json";
        "blog-recipe", "github-copy", "gitlab-doc-2023", "gitlab-doc-current", "self-managed-mixed", "wide-open",
    );

    pub const CI_SPECS: &[Fixture] = &fixtures!("ci", ".spec.json";
        "assume-role", "codebuild-publish", "component", "multi-role", "policy-mismatch", "web-identity-file",
    );

    pub const KEYS: &[Fixture] = &[
        Fixture {
            name: "jwks",
            text: include_str!("../tests/fixtures/keys/jwks.json"),
        },
        Fixture {
            name: "spki-pem",
            text: include_str!("../tests/fixtures/keys/test-rsa-2048.pub.pem"),
        },
    ];

    pub const MAIN_TOKEN: &str = include_str!("../tests/fixtures/tokens/gitlab-com-main.jwt");

    /// 2025-11-24T16:10:00Z: ten minutes into the fixture tokens' hour.
    pub const NOW: i64 = 1_764_000_600;
}

#[cfg(not(target_arch = "wasm32"))]
mod token {
    use divan::counter::BytesCount;
    use divan::{black_box, Bencher};
    use gitlab_aws_oidc::{decode_unverified, inspect_token};

    use crate::fixtures::{Fixture, NOW, TOKENS};

    /// Three base64url segments into header and payload JSON objects.
    #[divan::bench(args = TOKENS)]
    fn decode(bencher: Bencher, token: &Fixture) {
        bencher
            .counter(BytesCount::of_str(token.text))
            .bench(|| decode_unverified(black_box(token.text)));
    }

    /// Decode plus findings, explanations and times: what `inspectToken` computes (before JSON).
    #[divan::bench(args = TOKENS)]
    fn inspect(bencher: Bencher, token: &Fixture) {
        bencher
            .counter(BytesCount::of_str(token.text))
            .bench(|| inspect_token(black_box(token.text), black_box(NOW)));
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod policy {
    use divan::{black_box, Bencher};
    use gitlab_aws_oidc::policy::generate::{trust_policy, trust_policy_for_token, TokenPolicyOptions};
    use gitlab_aws_oidc::policy::spec::TrustPolicySpec;

    use crate::fixtures::{Fixture, POLICY_SPECS, POLICY_TOKENS};

    /// Spec (already parsed) → validated model → policy, role JSON, CLI, Terraform, CloudFormation, findings.
    #[divan::bench(args = POLICY_SPECS)]
    fn generate(bencher: Bencher, spec: &Fixture) {
        let parsed = TrustPolicySpec::from_json(spec.text).expect("fixture spec parses");
        bencher.bench(|| trust_policy(black_box(&parsed)));
    }

    /// JSON text → spec → everything `generate` does: what `trustPolicy` computes (before JSON).
    #[divan::bench(args = POLICY_SPECS)]
    fn generate_from_json(bencher: Bencher, spec: &Fixture) {
        bencher.bench(|| TrustPolicySpec::from_json(black_box(spec.text)).and_then(|s| trust_policy(&s)));
    }

    /// The least-privilege policy a token satisfies.
    #[divan::bench(args = POLICY_TOKENS)]
    fn for_token(bencher: Bencher, token: &Fixture) {
        let options = TokenPolicyOptions::from_json(r#"{"accountId":"123456789012"}"#).expect("options parse");
        bencher.bench(|| trust_policy_for_token(black_box(token.text), &options));
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod lint {
    use divan::{black_box, Bencher};
    use gitlab_aws_oidc::lint::lint_text;

    use crate::fixtures::{Fixture, LINT_POLICIES, MAIN_TOKEN};

    /// Parse a pasted policy and run POL001–POL024 without a context.
    #[divan::bench(args = LINT_POLICIES)]
    fn lint(bencher: Bencher, policy: &Fixture) {
        bencher.bench(|| lint_text(black_box(policy.text), "{}"));
    }

    /// The same with a token in the context (POL022/POL023 decode it and evaluate the policy).
    #[divan::bench(args = LINT_POLICIES)]
    fn lint_with_token(bencher: Bencher, policy: &Fixture) {
        let context = format!(r#"{{"token":"{}"}}"#, MAIN_TOKEN.trim());
        bencher.bench(|| lint_text(black_box(policy.text), &context));
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod evaluate {
    use divan::{black_box, Bencher};
    use gitlab_aws_oidc::policy::evaluate::{evaluate_text, TokenInput};

    use crate::fixtures::{Fixture, LINT_POLICIES, MAIN_TOKEN};

    /// Would STS admit `gitlab-com-main.jwt` under each pasted policy, and why.
    #[divan::bench(args = LINT_POLICIES)]
    fn evaluate(bencher: Bencher, policy: &Fixture) {
        bencher.bench(|| evaluate_text(black_box(policy.text), TokenInput::Token(MAIN_TOKEN.trim()), "{}"));
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod snippet {
    use divan::{black_box, Bencher};
    use gitlab_aws_oidc::ci::{ci_snippet, SnippetSpec};

    use crate::fixtures::{Fixture, CI_SPECS};

    /// A `.gitlab-ci.yml` job and its companion files from a (parsed) spec.
    #[divan::bench(args = CI_SPECS)]
    fn ci_snippet_of(bencher: Bencher, spec: &Fixture) {
        let parsed = SnippetSpec::from_json(spec.text).expect("fixture spec parses");
        bencher.bench(|| ci_snippet(black_box(&parsed)));
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod verify {
    use divan::counter::BytesCount;
    use divan::{black_box, Bencher};
    use gitlab_aws_oidc::decode_unverified;
    use gitlab_aws_oidc::keys::parse_keys;
    use gitlab_aws_oidc::verify::plan;

    use crate::fixtures::{Fixture, KEYS, MAIN_TOKEN};

    /// Keys text (JWKS or PEM) → RSA public numbers.
    #[divan::bench(args = KEYS)]
    fn parse(bencher: Bencher, keys: &Fixture) {
        bencher
            .counter(BytesCount::of_str(keys.text))
            .bench(|| parse_keys(black_box(keys.text)));
    }

    /// Key choice for a decoded token: everything but WebCrypto's RS256 check.
    #[divan::bench(args = KEYS)]
    fn plan_for_token(bencher: Bencher, keys: &Fixture) {
        let token = decode_unverified(MAIN_TOKEN).expect("fixture token decodes");
        let parsed = parse_keys(keys.text).expect("fixture keys parse");
        bencher.bench(|| plan(black_box(&token), black_box(&parsed)));
    }
}

/// The whole per-token pipeline the page runs when a token changes: generate the
/// policy it satisfies, lint that policy with the token as context, evaluate it.
#[cfg(not(target_arch = "wasm32"))]
mod pipeline {
    use divan::{black_box, Bencher};
    use gitlab_aws_oidc::lint::lint_text;
    use gitlab_aws_oidc::policy::evaluate::{evaluate_text, TokenInput};
    use gitlab_aws_oidc::policy::generate::{trust_policy_for_token, TokenPolicyOptions};

    use crate::fixtures::{Fixture, POLICY_TOKENS};

    #[divan::bench(args = POLICY_TOKENS)]
    fn generate_lint_evaluate(bencher: Bencher, token: &Fixture) {
        let options = TokenPolicyOptions::from_json(r#"{"accountId":"123456789012"}"#).expect("options parse");
        let jwt = token.text.trim();
        let context = format!(r#"{{"token":"{jwt}"}}"#);
        bencher.bench(|| {
            let generated = trust_policy_for_token(black_box(jwt), &options).expect("fixture token makes a policy");
            let findings = lint_text(&generated.policy, &context).expect("generated policy lints");
            let evaluation = evaluate_text(&generated.policy, TokenInput::Token(jwt), "{}").expect("evaluates");
            (findings, evaluation)
        });
    }
}

/// `StringLike` worst case: 50 `*` in `a*a*…a*b` against n `a`s (never matches, so
/// every star is retried). Time per character should stay flat as n grows: linear.
#[cfg(not(target_arch = "wasm32"))]
mod wildcard {
    use divan::counter::CharsCount;
    use divan::{black_box, Bencher};
    use gitlab_aws_oidc::policy::wildcard::matches;

    const SIZES: [usize; 4] = [2_500, 5_000, 10_000, 20_000];

    #[divan::bench(args = SIZES)]
    fn fifty_stars_no_match(bencher: Bencher, n: usize) {
        let pattern = format!("{}b", "a*".repeat(50));
        let value = "a".repeat(n);
        bencher
            .counter(CharsCount::new(n))
            .bench(|| matches(black_box(&pattern), black_box(&value)));
    }

    /// `*a*a…*a` (50 stars) against n `a`s: matches.
    #[divan::bench(args = SIZES)]
    fn fifty_stars_match(bencher: Bencher, n: usize) {
        let pattern = "*a".repeat(50);
        let value = "a".repeat(n);
        bencher
            .counter(CharsCount::new(n))
            .bench(|| matches(black_box(&pattern), black_box(&value)));
    }

    /// `*` then 49 `a`s then `b` against n `a`s: the star retries a 50-character tail at every position.
    #[divan::bench(args = SIZES)]
    fn star_then_long_tail(bencher: Bencher, n: usize) {
        let pattern = format!("*{}b", "a".repeat(49));
        let value = "a".repeat(n);
        bencher
            .counter(CharsCount::new(n))
            .bench(|| matches(black_box(&pattern), black_box(&value)));
    }
}

/// The trust-policy diff: realistic edits, and patterns with many `*` against each other (the
/// search over each key's cells is bounded, so the worst case ends in `cannot-decide` rather
/// than running on).
#[cfg(not(target_arch = "wasm32"))]
mod diff {
    use divan::black_box;
    use gitlab_aws_oidc::diff::compare_text;

    fn policy(sub_operator: &str, subs: &str, extra: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"gitlab.com:aud":"sts.amazonaws.com"{extra}}},"{sub_operator}":{{"gitlab.com:sub":{subs}}}}}}}]}}"#
        )
    }

    /// `ref:main` widened to `ref:*` with `project_id` and `ref_protected` pinned.
    #[divan::bench]
    fn widen_a_ref() {
        let pins = r#","gitlab.com:project_id":"42","gitlab.com:ref_protected":"true""#;
        let before = policy("StringEquals", r#""project_path:g/app:ref_type:branch:ref:main""#, pins);
        let after = policy("StringLike", r#""project_path:g/app:ref_type:branch:ref:*""#, pins);
        compare_text(black_box(&before), black_box(&after), "{}").unwrap();
    }

    /// n `*`s in one pattern against n-1 in the other and a second pattern of five.
    #[divan::bench(args = [4, 8, 12])]
    fn many_stars(n: usize) {
        let stars = |n: usize| {
            "abcdefghijklmnopqrstuvwxyz"
                .chars()
                .take(n)
                .flat_map(|c| ['*', c])
                .collect::<String>()
        };
        let before = policy("StringLike", &format!(r#""{}*""#, stars(n)), "");
        let after = policy("StringLike", &format!(r#"["{}*","*z*y*x*w*v*"]"#, stars(n - 1)), "");
        compare_text(black_box(&before), black_box(&after), "{}").unwrap();
    }
}
