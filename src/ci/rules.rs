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
}
