//! The inspector's findings, as data: codes are stable and never renumbered. Each rule carries
//! its documentation ([`Docs`]); only tests read [`DOCUMENTED`] (`tests/inspect.rs` runs the
//! examples, `tests/docs.rs` renders `docs/rules/`), so the WebAssembly module leaves it out.

use crate::finding::{Docs, Rule, Severity};

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $why:literal, $docs:expr;)*) => {
        $(pub const $ident: Rule = Rule { code: $code, name: $name, severity: Severity::$severity, why: $why };)*
        /// Every token rule, in code order.
        pub const ALL: &[Rule] = &[$($ident),*];
        /// Every token rule with its documentation, in code order.
        pub static DOCUMENTED: &[(&Rule, &Docs)] = &[$((&$ident, &$docs)),*];
    };
}

/// A token for the docs, as `{"header":…,"payload":…}`: GitLab's header unless one is given.
macro_rules! token {
    ($payload:expr) => {
        token!(
            r#"{"alg":"RS256","kid":"kewiQq9jiC84CvSsJYOB-N6A8WFLSV20Mb-y7IlWDSQ","typ":"JWT"}"#,
            $payload
        )
    };
    ($header:expr, $payload:expr) => {
        concat!(r#"{"header":"#, $header, r#","payload":"#, $payload, "}")
    };
}

/// The payload of a gitlab.com ID token for `acme/app`'s `main` branch, with the given claims
/// between the project's and the times (a leading comma each), and the given `sub`.
macro_rules! payload {
    ($sub:literal, $claims:literal) => {
        concat!(
            r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","sub":""#,
            $sub,
            r#"","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true""#,
            $claims,
            r#","iat":1764000000,"nbf":1763999995,"exp":1764003600}"#
        )
    };
    () => {
        payload!("project_path:acme/app:ref_type:branch:ref:main", "")
    };
}

/// Twenty minutes after the example tokens were issued: they are valid then.
const NOW: &str = r#"{"nowSeconds":1764001200}"#;

rules! {
    LEGACY_CI_JOB_JWT = "TOK001", "legacy-ci-job-jwt", Error,
        "CI_JOB_JWT and CI_JOB_JWT_V2 were removed in GitLab 17.0; jobs must request an ID token with id_tokens:.",
        Docs {
            what_it_does: "Recognizes a `CI_JOB_JWT` (v1) token: its `iss` is a bare host without `https://`, or its `sub` is `job_<id>`. Such a token has no `aud`, and neither is reported as missing or malformed on their own.",
            why_is_this_bad: "GitLab 17.0 removed `CI_JOB_JWT`, `CI_JOB_JWT_V1` and `CI_JOB_JWT_V2`. A v1 token cannot name an IAM provider (its issuer is not an https URL) and its `sub` names a job rather than a project and ref, so no safe trust policy can match it. Jobs that still read the variables get an empty value on current GitLab.",
            example: token!(
                r#"{"alg":"RS256","kid":"kewiQq9jiC84CvSsJYOB-N6A8WFLSV20Mb-y7IlWDSQ","typ":"JWT"}"#,
                r#"{"namespace_id":"7","namespace_path":"acme","project_id":"42","project_path":"acme/app","ref":"main","ref_type":"branch","ref_protected":"true","jti":"f01d3b09-0c66-5c08-8d46-fefef7ad86de","iss":"gitlab.com","iat":1764000000,"nbf":1763999995,"exp":1764003600,"sub":"job_8222997048"}"#
            ),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Request an ID token in the job with `id_tokens:` and an `aud` (`GITLAB_OIDC_TOKEN: aud: sts.amazonaws.com`), and pass `$GITLAB_OIDC_TOKEN` where the job passed `$CI_JOB_JWT_V2`. The pipeline step of the page (`ciSnippet`) writes such a job, and reads a pasted old job for what to change.",
        };
    EXPIRED = "TOK002", "expired", Error,
        "STS rejects the token with ExpiredTokenException once exp plus 5 minutes of clock skew has passed.",
        Docs {
            what_it_does: "Compares `exp` with the time the inspection is run for (`nowSeconds`): the token is expired once `exp` plus the 5 minutes of clock skew AWS allows has passed.",
            why_is_this_bad: "`AssumeRoleWithWebIdentity` fails with `ExpiredTokenException: Token expired: current date/time … must be before the expiration date/time …`. An ID token lives as long as its job may run (the job's timeout), so a token copied out of a finished job, or a job that waits long before calling STS, meets it.",
            example: token!(payload!()),
            use_instead: token!(r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true","iat":1764003900,"nbf":1764003895,"exp":1764007500}"#),
            context: r#"{"nowSeconds":1764004500}"#,
            fix: "Call STS while the job runs, early in its script: GitLab mints the ID token when the job starts and it expires at the job's timeout. To inspect a token, copy a fresh one from a running job. For a long job, take credentials when it starts and use the role's session length (`--duration-seconds`, up to its `MaxSessionDuration`).",
        };
    EXPIRED_WITHIN_SKEW = "TOK003", "expired-within-skew", Warning,
        "The token is past exp; AWS still accepts it for a few minutes of clock skew, then rejects it.",
        Docs {
            what_it_does: "Reports a token past its `exp` that AWS still accepts: within the 5 minutes of clock skew STS allows after `exp`.",
            why_is_this_bad: "The call works now and fails a few minutes later with `ExpiredTokenException`: a job that passes only because of the skew fails on the next slower run.",
            example: token!(payload!()),
            use_instead: token!(r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true","iat":1764003600,"nbf":1764003595,"exp":1764007200}"#),
            context: r#"{"nowSeconds":1764003720}"#,
            fix: "Call STS earlier in the job, or raise the job's timeout (the token's lifetime is the job's timeout). For a token copied out of a job, copy a fresh one.",
        };
    NOT_YET_VALID = "TOK004", "not-yet-valid", Warning,
        "The token's nbf is in the future: the clock of the machine that made or checks it is off.",
        Docs {
            what_it_does: "Reports a token whose `nbf` (not before) is later than the time the inspection is run for.",
            why_is_this_bad: "GitLab sets `nbf` a few seconds before `iat`, so a token that is not yet valid means a clock is wrong: the GitLab server's, or the machine's that checks the token. STS refuses a token before its `nbf`.",
            example: token!(r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true","iat":1764001805,"nbf":1764001800,"exp":1764005405}"#),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Check the clocks: the machine's that inspects the token (the page passes `Date.now()`), and the GitLab instance's (NTP).",
        };
    AUD_LIST = "TOK005", "aud-list", Warning,
        "The job listed several audiences, so aud is an array; use one ID token per audience so aud is a string AWS can match.",
        Docs {
            what_it_does: "Reports an `aud` that is a JSON array rather than one string: the job's `id_tokens:` entry lists several audiences.",
            why_is_this_bad: "A trust policy compares `<host>:aud` with one audience, and the token is also meant for services that are not AWS. One ID token per audience keeps each token for one consumer, so a token leaked from one service cannot be used at another.",
            example: token!(r#"{"iss":"https://gitlab.com","aud":["sts.amazonaws.com","https://vault.example.com"],"sub":"project_path:acme/app:ref_type:branch:ref:main","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true","iat":1764000000,"nbf":1763999995,"exp":1764003600}"#),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Give the job one ID token per audience, each its own variable: `id_tokens: { AWS_TOKEN: { aud: sts.amazonaws.com }, VAULT_TOKEN: { aud: https://vault.example.com } }`, and pass `$AWS_TOKEN` to STS.",
        };
    ALG_NOT_RS256 = "TOK006", "alg-not-rs256", Error,
        "GitLab signs ID tokens with RS256 only; any other alg means the token did not come from GitLab or was altered.",
        Docs {
            what_it_does: "Checks the header's `alg`: anything but the string `RS256` (`none`, `HS256`, `ES256`, a missing `alg`) is reported, with what it suggests.",
            why_is_this_bad: "GitLab signs every ID token with its RSA key (RS256). `none` claims to need no signature; `HS256` is the key-confusion attack, where a verifier that accepts it checks the signature with the public key as an HMAC secret that anyone can compute. Such a token was made by someone else, or edited.",
            example: token!(r#"{"alg":"HS256","kid":"kewiQq9jiC84CvSsJYOB-N6A8WFLSV20Mb-y7IlWDSQ","typ":"JWT"}"#, payload!()),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Do not trust the token. Take it from the job's `id_tokens:` variable as GitLab issued it, and verify its signature against the instance's keys (`verifyToken`, or the keys box of the page), which refuses any `alg` but RS256.",
        };
    MISSING_KID = "TOK007", "missing-kid", Warning,
        "GitLab always names its signing key in kid; without it, a verifier must try every key.",
        Docs {
            what_it_does: "Reports a header without a string `kid` (key ID).",
            why_is_this_bad: "GitLab names the key it signed with, so that verifiers (STS among them) pick it from the instance's JWKS, which holds more than one key while keys rotate. A token without `kid` did not come from GitLab as it is.",
            example: token!(r#"{"alg":"RS256","typ":"JWT"}"#, payload!()),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Use the token as GitLab issued it: the job's `id_tokens:` variable, not a token rebuilt or re-signed elsewhere. `verifyToken` still tries every usable key for a token without `kid`.",
        };
    MISSING_SUB = "TOK008", "missing-sub", Error,
        "AWS trust policies must match sub; a token without one cannot satisfy a safe policy.",
        Docs {
            what_it_does: "Reports a payload without `sub`.",
            why_is_this_bad: "`sub` is the one claim that names the project and ref on every GitLab instance: AWS evaluates only `sub` and `aud` outside gitlab.com. A policy safe enough to trust (POL001) matches `sub`, so it refuses this token.",
            example: token!(r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true","iat":1764000000,"nbf":1763999995,"exp":1764003600}"#),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Use an ID token GitLab issued for the job (`id_tokens:`): GitLab always sets `sub`. A hand-made or test token needs `sub` in GitLab's form, `project_path:<group>/<project>:ref_type:<branch|tag>:ref:<name>`.",
        };
    SUB_GITHUB_FORM = "TOK009", "sub-github-form", Error,
        "repo:owner/name:… is GitHub Actions' subject; a GitLab trust policy written for it never matches a GitLab job.",
        Docs {
            what_it_does: "Recognizes a `sub` in GitHub Actions' form, `repo:<owner>/<name>:…`.",
            why_is_this_bad: "GitLab never emits `repo:`: its `sub` starts with the project (`project_path:…` by default). The token comes from GitHub, or was written by hand after a GitHub recipe; a policy built on it never matches a GitLab job, and one built for GitLab refuses it.",
            example: token!(payload!("repo:acme/app:ref:refs/heads/main", "")),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Take the token from a GitLab job's `id_tokens:` variable. When porting a GitHub recipe, write the policy's `sub` in GitLab's form: `project_path:acme/app:ref_type:branch:ref:main` rather than `repo:acme/app:ref:refs/heads/main`.",
        };
    SUB_NOT_GITLAB = "TOK010", "sub-not-gitlab", Error,
        "GitLab cannot emit this sub, so a trust policy that expects it never matches.",
        Docs {
            what_it_does: "Parses `sub` with GitLab's grammar and reports what GitLab cannot emit: `ref_type:mr`, `refs/heads/` in `ref`, unknown components, a first component that is not a project's path or id (`project_*`, `job_project_*`, `source_project_*`), one component with two values.",
            why_is_this_bad: "GitLab builds `sub` from the project's `ci_id_token_sub_claim_components` (default `project_path`, `ref_type`, `ref`), a project's path or id first, `ref_type` `branch` or `tag` (merge request pipelines carry `branch` and the source branch), and `ref` the short name. A token with another `sub` was not issued by GitLab as it is, and a policy copied from it matches no job.",
            example: token!(payload!("project_path:acme/app:ref_type:branch:ref:refs/heads/main", "")),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Take the token from the job's `id_tokens:` variable as GitLab issued it, and write the policy's `sub` in the same form: the short ref name (`ref:main`, not `ref:refs/heads/main`), `ref_type:branch` or `ref_type:tag`.",
        };
    SUB_MISMATCH = "TOK011", "sub-mismatch", Error,
        "GitLab builds sub from the claims it names (project_path, project_id, ref_type, ref, …); when they disagree the token was not made by GitLab as shown.",
        Docs {
            what_it_does: "Compares each component of `sub` with the claim of the same name (`project_path`, `project_id`, `job_project_id`, `ref_type`, `ref`, …) and reports each one that differs.",
            why_is_this_bad: "GitLab writes `sub` from those very claims, so they always agree in a token it issued. A token where they differ was edited or made by hand, and a policy written from its claims will not match its `sub` (or the other way round).",
            example: token!(r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","project_path":"acme/app","project_id":"42","ref":"feature/login","ref_type":"branch","ref_protected":"false","iat":1764000000,"nbf":1763999995,"exp":1764003600}"#),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Use the token GitLab issued, unedited. For a test token, build `sub` from its claims: `project_path:<project_path>:ref_type:<ref_type>:ref:<ref>`.",
        };
    CLAIM_WRONG_TYPE = "TOK012", "claim-wrong-type", Error,
        "GitLab gives each claim a fixed JSON type (ids are strings, ref_protected is \"true\"/\"false\", runner_id is a number); a policy written for the other type never matches.",
        Docs {
            what_it_does: "Checks each claim GitLab documents against the JSON type GitLab sends: ids as strings (`\"42\"`), `ref_protected` as the string `\"true\"` or `\"false\"`, `runner_id` and the times as numbers, `aud` as a string or a list of strings.",
            why_is_this_bad: "IAM compares condition values as text, but tools and hand-written tests that build tokens or policies from the wrong type drift from what GitLab sends: a test token with `\"ref_protected\": true` passes checks a real token would not meet, or the other way round.",
            example: token!(payload!("project_path:acme/app:ref_type:branch:ref:main", r#","runner_id":"12270835""#)),
            use_instead: token!(payload!("project_path:acme/app:ref_type:branch:ref:main", r#","runner_id":12270835"#)),
            context: NOW,
            fix: "Give the claim GitLab's type: the finding's message says which. In a policy, write the value as text (`\"gitlab.com:ref_protected\": \"true\"`).",
        };
    MISSING_CLAIM = "TOK013", "missing-claim", Error,
        "STS requires iss, aud, exp and iat; without them AssumeRoleWithWebIdentity fails.",
        Docs {
            what_it_does: "Reports each of `iss`, `aud`, `exp` and `iat` that the payload lacks (a `CI_JOB_JWT` v1 token, which has no `aud`, is TOK001 instead).",
            why_is_this_bad: "STS validates the issuer against the IAM OIDC provider, the audience against its client IDs, and the times; a token without one of them is refused (`InvalidIdentityToken`, `Missing a required claim`). GitLab always sets all four.",
            example: token!(r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true","iat":1764000000,"nbf":1763999995}"#),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Use an ID token GitLab issued for the job (`id_tokens:`); a hand-made test token needs all four claims.",
        };
    ISSUER_NOT_IAM = "TOK014", "issuer-not-iam", Error,
        "IAM OIDC providers need an https URL without port, query or trailing slash; AWS cannot trust this issuer as it is.",
        Docs {
            what_it_does: "Checks that `iss` can be the URL of an IAM OIDC provider: `https://`, a host, an optional path (a relative URL root), and no port, query, fragment or trailing slash.",
            why_is_this_bad: "IAM names the provider after the issuer URL and matches the token's `iss` against it exactly; it refuses provider URLs with a port or query, and `https://gitlab.example.com/` is not `https://gitlab.example.com`. STS then answers `InvalidIdentityToken: No OpenIDConnect provider found in your account for …`.",
            example: token!(r#"{"iss":"https://gitlab.example.com/","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true","iat":1764000000,"nbf":1763999995,"exp":1764003600}"#),
            use_instead: token!(r#"{"iss":"https://gitlab.example.com","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","project_path":"acme/app","project_id":"42","ref":"main","ref_type":"branch","ref_protected":"true","iat":1764000000,"nbf":1763999995,"exp":1764003600}"#),
            context: NOW,
            fix: "Set the instance's external URL (`external_url` in `gitlab.rb`) to `https://` without a trailing slash or port, so that GitLab issues tokens an IAM provider can name; create the IAM OIDC provider with exactly that URL.",
        };
    UNSIGNED = "TOK015", "unsigned", Error,
        "The token has no signature; STS rejects it and nothing vouches for its claims.",
        Docs {
            what_it_does: "Reports a token whose third segment, the signature, is empty (`header.payload.`).",
            why_is_this_bad: "Anyone can write an unsigned token with any claims. STS refuses it, and so must anything else that reads it.",
            example: concat!(r#"{"signature":"","#, r#""header":{"alg":"RS256","kid":"kewiQq9jiC84CvSsJYOB-N6A8WFLSV20Mb-y7IlWDSQ","typ":"JWT"},"payload":"#, payload!(), "}"),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "Copy the whole token: the signature is the part after the second `.`. Use the token as GitLab issued it.",
        };
    UNEXPECTED_VALUE = "TOK016", "unexpected-value", Info,
        "The value is outside the set GitLab documents for this claim; a policy written for documented values will not match it.",
        Docs {
            what_it_does: "Reports a claim whose value is outside the set GitLab documents for it: `ref_type` other than `branch` or `tag`, `runner_environment` other than `gitlab-hosted` or `self-hosted`, `ref_protected` other than `true` or `false`, and the like.",
            why_is_this_bad: "Nothing fails by itself, but a value GitLab does not document comes from a newer GitLab, an edited token or a hand-made one, and a policy written for the documented values does not match it.",
            example: token!(payload!("project_path:acme/app:ref_type:branch:ref:main", r#","runner_environment":"cloud""#)),
            use_instead: token!(payload!("project_path:acme/app:ref_type:branch:ref:main", r#","runner_environment":"gitlab-hosted""#)),
            context: NOW,
            fix: "Check where the token came from. If GitLab issued it with a new value, match that value in the policy on purpose.",
        };
    CLAIMS_NOT_VERIFIED = "TOK017", "not-verified", Info,
        "Decoding shows what a token claims, not who signed it; verify the signature against the instance's keys before trusting it.",
        Docs {
            what_it_does: "Is always reported: `inspectToken` decodes and explains a token without checking its signature.",
            why_is_this_bad: "Anyone can write a token with any claims. The explanation is right about what the token says, and says nothing about whether GitLab issued it.",
            example: token!(payload!()),
            use_instead: "",
            context: NOW,
            fix: "Verify the signature: paste the instance's keys (`https://<your GitLab>/oauth/discovery/keys`) into the keys box of the page, or call `verifyToken(token, keys)`. The finding stays, since inspecting never verifies; the signature badge says whether the token is GitLab's.",
        };
    SUB_REPEATED_COMPONENT = "TOK018", "sub-repeated-component", Info,
        "GitLab writes a component into sub as often as the project's ci_id_token_sub_claim_components lists it: legal, but every trust policy must repeat it too, and it is usually a slip.",
        Docs {
            what_it_does: "Reports a `sub` in which a component appears more than once (`…:ref:main:ref:main`).",
            why_is_this_bad: "GitLab checks only that the setting's first element names the project and that each element is a known component, then writes each one as often as it is listed. The token is valid, but every trust policy for the project must repeat the component too, and policies written from GitLab's documentation will not.",
            example: token!(payload!("project_path:acme/app:ref_type:branch:ref:main:ref:main", "")),
            use_instead: token!(payload!()),
            context: NOW,
            fix: "List each component once in the project's `ci_id_token_sub_claim_components` (the Projects API: `PUT /projects/:id` with `ci_id_token_sub_claim_components`), unless the repeat is meant; then write it twice in the policy's `sub` as well.",
        };
}
