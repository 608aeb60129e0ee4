//! The snippet generator's findings, as data: codes are stable and never renumbered.

use crate::finding::{Rule, Severity};

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $why:literal;)*) => {
        $(pub const $ident: Rule = Rule { code: $code, name: $name, severity: Severity::$severity, why: $why };)*
        /// Every snippet rule, in code order.
        pub const ALL: &[Rule] = &[$($ident),*];
    };
}

rules! {
    STATIC_KEYS_TAKE_PRECEDENCE = "CI001", "static-keys-take-precedence", Warning,
        "The AWS SDKs and CLI use AWS_ACCESS_KEY_ID before a web identity token file, so leftover static keys in CI/CD variables silently win.";
    AUDIENCE_MISMATCH = "CI002", "audience-mismatch", Error,
        "The job's id_tokens aud must be the audience the trust policy expects, or STS refuses the token.";
    PROVIDER_MISMATCH = "CI003", "provider-mismatch", Error,
        "The trust policy must name the IAM OIDC provider of the GitLab instance that runs the job.";
    ACCOUNT_MISMATCH = "CI004", "account-mismatch", Error,
        "The role and the OIDC provider it trusts live in one account and partition; a mismatch means the policy is for another role.";
    SUB_UNSATISFIABLE = "CI005", "sub-unsatisfiable", Error,
        "When the job's refs or environment can never produce a sub the policy admits, every run gets AccessDenied.";
    LEGACY_CI_JOB_JWT = "CI006", "legacy-ci-job-jwt", Error,
        "CI_JOB_JWT, CI_JOB_JWT_V1 and CI_JOB_JWT_V2 were removed in GitLab 17.0; jobs must request an ID token with id_tokens:.";
    HIDDEN_STS_FAILURE = "CI007", "hidden-sts-failure", Warning,
        "export $(aws sts …) swallows a failed STS call: the job goes on without credentials and fails later with a confusing error.";
    ONLY_EXCEPT = "CI008", "only-except", Info,
        "only: and except: are deprecated in favour of rules:, which say when a job runs in one place.";
    NOT_A_JOB = "CI009", "not-a-job", Warning,
        "A GitLab CI job has a script:, run:, trigger: or extends: key; text without one was pasted by mistake, so finding nothing in it means nothing.";
    NO_AUD_CONDITION = "CI010", "no-aud-condition", Warning,
        "Without an aud condition the role takes a token minted for any audience its OIDC provider lists, not only the one this job requests.";
    NO_WEB_IDENTITY_STATEMENT = "CI011", "no-web-identity-statement", Error,
        "A role a GitLab job assumes needs an Allow statement for sts:AssumeRoleWithWebIdentity from an OIDC provider; without one every run gets AccessDenied.";
}

/// A snippet rule's documentation, in the shape the lint rules' pages follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Docs {
    pub what_it_does: &'static str,
    pub why_is_this_bad: &'static str,
    /// A `ciSnippet` spec (JSON) whose findings are this rule's, and only it.
    pub example: &'static str,
    /// The same spec, fixed: no findings.
    pub use_instead: &'static str,
}

/// A spec for the role of the recipe this project started from, checked against a trust policy
/// document with the given statement (the recipe's provider is moved into the role's account here).
macro_rules! recipe_spec {
    ($statement:literal) => {
        concat!(
            r#"{"kind":"assume-role","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity","issuer":"https://gitlab.com","policy":{"Version":"2012-10-17","Statement":["#,
            $statement,
            "]}}"
        )
    };
}

/// The rules documented this way, in code order. Only tests and docs read it, so the
/// WebAssembly module leaves the documentation out.
pub static DOCUMENTED: &[(&Rule, Docs)] = &[
    (
        &NO_AUD_CONDITION,
        Docs {
            what_it_does: "Flags each Allow statement of a pasted trust policy that could admit the job but has no condition restricting `<host>:aud` (a `*` does not restrict it), and no Deny refusing every audience but literal ones: the test the linter's POL002 makes.",
            why_is_this_bad: "STS checks aud only against the OIDC provider's client-ID list, which may hold audiences of other services and roles. A condition ties this role to the audience its jobs request, so a token minted for something else cannot assume it.",
            example: recipe_spec!(
                r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}"#
            ),
            use_instead: recipe_spec!(
                r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}"#
            ),
        },
    ),
    (
        &NO_WEB_IDENTITY_STATEMENT,
        Docs {
            what_it_does: "Flags a pasted trust policy in which no statement is an Allow of `sts:AssumeRoleWithWebIdentity` (or a wildcard covering it) for a federated OIDC provider, so nothing in it can admit a GitLab job.",
            why_is_this_bad: "Such a policy belongs to another kind of role (an EC2 or Lambda service role, a cross-account role) or lost its statement in an edit: the job's call to AssumeRoleWithWebIdentity is denied on every run, and checking its audience, provider or sub against it would mean nothing.",
            example: recipe_spec!(
                r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#
            ),
            use_instead: recipe_spec!(
                r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}"#
            ),
        },
    ),
];
