//! The diagnosis's findings, as data: codes are stable and never renumbered. They are about
//! the input (what was found in it, what could not be read); the causes carry the diagnosis.
//! Each rule carries its documentation ([`Docs`]); only tests read [`DOCUMENTED`]
//! (`tests/docs.rs` runs the examples and renders `docs/rules/`), so the WebAssembly module
//! leaves it out.

use crate::finding::{Docs, Rule, Severity};

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $why:literal, $docs:expr;)*) => {
        $(pub const $ident: Rule = Rule { code: $code, name: $name, severity: Severity::$severity, why: $why };)*
        /// Every diagnosis rule, in code order.
        pub const ALL: &[Rule] = &[$($ident),*];
        /// Every diagnosis rule with its documentation, in code order.
        pub static DOCUMENTED: &[(&Rule, &Docs)] = &[$((&$ident, &$docs)),*];
    };
}

/// `diagnose`'s arguments for the docs, as `{"errorText":…,"context":…}`.
macro_rules! call {
    ($text:expr, $context:expr) => {
        concat!(r#"{"errorText":""#, $text, r#"","context":"#, $context, "}")
    };
}

/// What the AWS CLI prints when the trust policy refuses the job's token.
macro_rules! access_denied {
    () => {
        "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity"
    };
}

/// Its claims.
macro_rules! claims {
    () => {
        r#"{"iss":"https://gitlab.com","aud":"sts.amazonaws.com","sub":"project_path:acme/app:ref_type:branch:ref:main","iat":1764000000,"exp":1764003600}"#
    };
}

rules! {
    NOT_RECOGNIZED = "DIA001", "error-not-recognized", Warning,
        "Without a recognized error the diagnosis can only report what the token, policy and job show, not which of them STS refused.",
        Docs {
            what_it_does: "Reports that the pasted text holds no STS or IAM error this tool knows (or an error it cannot place); every check the context allows still runs, and `error.code` is `unknown`.",
            why_is_this_bad: "The causes are checked for the error that was found: without one, the diagnosis cannot say which of the token, the policy or the job STS refused, only what each of them shows. The text pasted may be the wrong part of the log, or a wrapper this tool does not read yet.",
            example: call!("Error: the deploy failed, see above", "{}"),
            use_instead: call!(access_denied!(), "{}"),
            context: "{}",
            fix: "Paste the lines where the AWS CLI, an SDK or Terraform reports the failed call: they hold STS's error code (`AccessDenied`, `InvalidIdentityToken`, `ExpiredTokenException`, …) and its message. The whole job log works too.",
        };
    SEVERAL_ERRORS = "DIA002", "several-errors", Info,
        "A log often holds a first failure and its consequences; the first STS or IAM error is usually the one to fix.",
        Docs {
            what_it_does: "Reports that the text holds more than one distinct error: the first STS or IAM one is `error`, with its causes, and the others are in `others` (up to 9), each with its own causes.",
            why_is_this_bad: "A failed assume is usually followed by its consequences (`Unable to locate credentials`, an `AccessDenied` from the next call made without the role), which are not the problem to fix.",
            example: call!("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience\\nUnable to locate credentials. You can configure credentials by running \\\"aws configure\\\".", "{}"),
            use_instead: call!("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience", "{}"),
            context: "{}",
            fix: "Fix the first error (`error`); the others usually go with it. Look at `others` when the first one is fixed and the job still fails.",
        };
    SECRET_IN_TEXT = "DIA003", "secret-in-text", Warning,
        "A job log that shows an ID token or access key lets anyone who reads it act as the job until the token expires; logs are often shared.",
        Docs {
            what_it_does: "Reports that the pasted text contained an ID token (a compact JWT) or an AWS secret key; it is masked in everything the diagnosis returns, which never echoes one.",
            why_is_this_bad: "An ID token is a bearer credential: whoever holds it can call `AssumeRoleWithWebIdentity` as the job until it expires, and a secret key until it is deactivated. A log that prints one (`echo $GITLAB_OIDC_TOKEN`, `set -x`, a verbose SDK) is readable by everyone who can see the job, and logs get pasted into tickets and chats.",
            example: call!("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience\\n+ aws sts assume-role-with-web-identity --web-identity-token eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2dpdGxhYi5jb20iLCJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSIsInN1YiI6InByb2plY3RfcGF0aDphY21lL2FwcDpyZWZfdHlwZTpicmFuY2g6cmVmOm1haW4iLCJpYXQiOjE3NjQwMDAwMDAsImV4cCI6MTc2NDAwMzYwMH0.c2lnbmF0dXJl", "{}"),
            use_instead: call!("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience\\n+ aws sts assume-role-with-web-identity --web-identity-token [MASKED]", "{}"),
            context: "{}",
            fix: "Stop the job from printing it: no `echo` of the token variable, no `set -x` around the STS call, and mask the variable where it can be. If the log was shared, treat the token as leaked until it expires (a key until it is deactivated), and erase the job's log in GitLab.",
        };
    TEXT_TRUNCATED = "DIA004", "text-truncated", Info,
        "Only the end of a very long log is read, so an error near its start is not diagnosed.",
        Docs {
            what_it_does: "Reports that only the last 4 MiB of the text were read, or that the text held so many error marks (more than 2048) that the search stopped before its end.",
            why_is_this_bad: "The diagnosis reads the end of a log, where the failure usually is; an error only in the part that was not read is not diagnosed.",
            example: "",
            use_instead: call!(access_denied!(), "{}"),
            context: "{}",
            fix: "Paste the part of the log around the failed call rather than the whole log.",
        };
    POLICY_UNREADABLE = "DIA005", "policy-unreadable", Error,
        "Without a readable policy the checks that need it (the evaluator, the provider, the size) cannot run.",
        Docs {
            what_it_does: "Reports that the context's `policy` is not a trust policy: not JSON, not shaped like one, or over 128 KiB; the message says where it fails.",
            why_is_this_bad: "The causes that depend on the trust policy (whether it admits the token, which provider and audience it trusts, whether it fits IAM's quota) are left undecided, so the diagnosis cannot confirm or rule them out.",
            example: call!(access_denied!(), r#"{"policy":"{\"Version\": \"2012-10-17\", \"Statement\": [}"}"#),
            use_instead: call!(access_denied!(), r#"{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::123456789012:oidc-provider/gitlab.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\"gitlab.com:aud\":\"sts.amazonaws.com\",\"gitlab.com:sub\":\"project_path:acme/app:ref_type:branch:ref:main\"}}}]}"}"#),
            context: "{}",
            fix: "Paste the role's trust policy as IAM holds it: `aws iam get-role --role-name <role> --query Role.AssumeRolePolicyDocument` prints it as JSON.",
        };
    TOKEN_UNREADABLE = "DIA006", "token-unreadable", Warning,
        "Without the token's claims the checks that need them cannot run; the token-shape cause still says why it does not decode.",
        Docs {
            what_it_does: "Reports that the context's `token` does not decode as a JWT; the message gives the decoder's error.",
            why_is_this_bad: "The causes that read the token's claims (its issuer, audience, `sub`, times) cannot be checked. A token that does not decode is itself a likely cause when STS said `InvalidIdentityToken`.",
            example: call!(access_denied!(), r#"{"token":"$GITLAB_OIDC_TOKEN"}"#),
            use_instead: call!(access_denied!(), concat!(r#"{"claims":"#, claims!(), "}")),
            context: "{}",
            fix: "Give the token's value, not its variable's name: in a job you trust, `echo \"$GITLAB_OIDC_TOKEN\"` prints it (and then the log holds it, see DIA003). Or give its claims (`claims`), which are not a credential.",
        };
    JOB_UNREADABLE = "DIA007", "job-unreadable", Warning,
        "Without the job's id_tokens and STS call the GitLab-side causes cannot be checked.",
        Docs {
            what_it_does: "Reports that the context's `job` has no job key (`script:`, `trigger:`, `extends:`), or no `aws sts assume-role-with-web-identity` call and no `AWS_WEB_IDENTITY_TOKEN_FILE` to check.",
            why_is_this_bad: "The job-side causes (which audience its `id_tokens:` request, which role, session name and duration its STS call passes) are read from the job; without them they stay undecided.",
            example: call!(access_denied!(), r#"{"job":"deploy:\n  image: amazon/aws-cli:latest\n"}"#),
            use_instead: call!(access_denied!(), r#"{"job":"deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n    - aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name gitlab --web-identity-token \"$GITLAB_OIDC_TOKEN\"\n"}"#),
            context: "{}",
            fix: "Paste the job that calls STS, with its `id_tokens:` and its script (or the whole `.gitlab-ci.yml`).",
        };
    MORE_CONTEXT = "DIA008", "more-context", Info,
        "Causes that cannot be decided now could be with more of the job's side: the token, the trust policy or the job.",
        Docs {
            what_it_does: "Lists the context fields (`token` or `claims`, `policy`, `job`) that are missing while some causes cannot be decided offline.",
            why_is_this_bad: "Without them the diagnosis lists possible causes where it could confirm or rule them out.",
            example: call!(access_denied!(), "{}"),
            use_instead: call!(access_denied!(), concat!(r#"{"claims":"#, claims!(), r#","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::123456789012:oidc-provider/gitlab.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\"gitlab.com:aud\":\"sts.amazonaws.com\",\"gitlab.com:sub\":\"project_path:acme/app:ref_type:branch:ref:main\"}}}]}","job":"deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n    - aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name gitlab --web-identity-token \"$GITLAB_OIDC_TOKEN\"\n"}"#)),
            context: "{}",
            fix: "Add what the finding lists: the token (or its claims), the role's trust policy, the job.",
        };
    CONTEXT_DISAGREES = "DIA009", "context-disagrees", Warning,
        "When the error names an issuer, an expiry or an account that the context does not have, the token or role in the context is not the one that failed, and its checks may mislead.",
        Docs {
            what_it_does: "Compares what the error states (the issuer URL of `No OpenIDConnect provider found`, the expiry of `Token expired`, an account in an ARN) with the token and role in the context, and reports each value that differs.",
            why_is_this_bad: "Then the context describes another job than the one that failed (a token from another run, the policy of another role), and the causes checked against it may mislead.",
            example: call!("An error occurred (ExpiredTokenException) when calling the AssumeRoleWithWebIdentity operation: Token expired: current date/time 1764090000 must be before the expiration date/time1764086400", concat!(r#"{"claims":"#, claims!(), "}")),
            use_instead: call!("An error occurred (ExpiredTokenException) when calling the AssumeRoleWithWebIdentity operation: Token expired: current date/time 1764004000 must be before the expiration date/time1764003600", concat!(r#"{"claims":"#, claims!(), "}")),
            context: "{}",
            fix: "Give the token, policy and role of the run that failed: the same job and pipeline as the log.",
        };
    TOKEN_FROM_TEXT = "DIA010", "token-from-text", Info,
        "The checks read the claims of a token found in the pasted text; they hold for that token, which may not be the one that failed.",
        Docs {
            what_it_does: "Reports that, without a token or claims in the context, the claims of a token found in the text were used (the token itself is masked).",
            why_is_this_bad: "A log can hold more than one token, or one from another step; the causes checked against it hold for that token.",
            example: call!("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience\\n+ aws sts assume-role-with-web-identity --web-identity-token eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2dpdGxhYi5jb20iLCJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSIsInN1YiI6InByb2plY3RfcGF0aDphY21lL2FwcDpyZWZfdHlwZTpicmFuY2g6cmVmOm1haW4iLCJpYXQiOjE3NjQwMDAwMDAsImV4cCI6MTc2NDAwMzYwMH0.c2lnbmF0dXJl", "{}"),
            use_instead: call!("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience\\n+ aws sts assume-role-with-web-identity --web-identity-token eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2dpdGxhYi5jb20iLCJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSIsInN1YiI6InByb2plY3RfcGF0aDphY21lL2FwcDpyZWZfdHlwZTpicmFuY2g6cmVmOm1haW4iLCJpYXQiOjE3NjQwMDAwMDAsImV4cCI6MTc2NDAwMzYwMH0.c2lnbmF0dXJl", concat!(r#"{"claims":"#, claims!(), "}")),
            context: "{}",
            fix: "Give the failing job's token, or its claims, in the context.",
        };
}
