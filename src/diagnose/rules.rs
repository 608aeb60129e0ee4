//! The diagnosis's findings, as data: codes are stable and never renumbered. They are about
//! the input (what was found in it, what could not be read); the causes carry the diagnosis.

use crate::finding::{Rule, Severity};

/// A rule's documentation, in the shape the other areas' docs follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Docs {
    pub what_it_does: &'static str,
    pub why_is_this_bad: &'static str,
}

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $why:literal, $what:literal;)*) => {
        $(pub const $ident: Rule = Rule { code: $code, name: $name, severity: Severity::$severity, why: $why };)*
        /// Every diagnosis rule, in code order.
        pub const ALL: &[Rule] = &[$($ident),*];
        /// Every rule with its documentation, in code order. Only tests and docs read it,
        /// so the WebAssembly module leaves the documentation out.
        pub static DOCUMENTED: &[(Rule, Docs)] = &[$(($ident, Docs { what_it_does: $what, why_is_this_bad: $why })),*];
    };
}

rules! {
    NOT_RECOGNIZED = "DIA001", "error-not-recognized", Warning,
        "Without a recognized error the diagnosis can only report what the token, policy and job show, not which of them STS refused.",
        "Reports that the pasted text holds no STS or IAM error this tool knows; every check the context allows still runs.";
    SEVERAL_ERRORS = "DIA002", "several-errors", Info,
        "A log often holds a first failure and its consequences; the first STS or IAM error is usually the one to fix.",
        "Reports that the text holds more than one distinct error: the first is `error`, the others are in `others`, each with its causes.";
    SECRET_IN_TEXT = "DIA003", "secret-in-text", Warning,
        "A job log that shows an ID token or access key lets anyone who reads it act as the job until the token expires; logs are often shared.",
        "Reports that the pasted text contained a token or key; it is masked in everything the diagnosis returns.";
    TEXT_TRUNCATED = "DIA004", "text-truncated", Info,
        "Only the end of a very long log is read, so an error near its start is not diagnosed.",
        "Reports that only the last 4 MiB of the text were read, or that the text held so many error marks that the search stopped.";
    POLICY_UNREADABLE = "DIA005", "policy-unreadable", Error,
        "Without a readable policy the checks that need it (the evaluator, the provider, the size) cannot run.",
        "Reports that the context's policy is not a trust policy (not JSON, or not shaped like one), with where it fails.";
    TOKEN_UNREADABLE = "DIA006", "token-unreadable", Warning,
        "Without the token's claims the checks that need them cannot run; the token-shape cause still says why it does not decode.",
        "Reports that the context's token does not decode as a JWT.";
    JOB_UNREADABLE = "DIA007", "job-unreadable", Warning,
        "Without the job's id_tokens and STS call the GitLab-side causes cannot be checked.",
        "Reports that the context's job has no job key (script:, trigger:, extends:), or no STS call or token file to check.";
    MORE_CONTEXT = "DIA008", "more-context", Info,
        "Causes that cannot be decided now could be with more of the job's side: the token, the trust policy or the job.",
        "Lists the context fields that would decide the causes left undecided.";
    CONTEXT_DISAGREES = "DIA009", "context-disagrees", Warning,
        "When the error names an issuer, an expiry or an account that the context does not have, the token or role in the context is not the one that failed, and its checks may mislead.",
        "Reports a value the error states (issuer URL, expiry, account) that differs from the token or role in the context.";
    TOKEN_FROM_TEXT = "DIA010", "token-from-text", Info,
        "The checks read the claims of a token found in the pasted text; they hold for that token, which may not be the one that failed.",
        "Reports that, without a token in the context, the claims of a token found in the text were used (the token itself is masked).";
}
