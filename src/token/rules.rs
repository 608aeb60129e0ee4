//! The inspector's findings, as data: codes are stable and never renumbered.

use crate::finding::{Rule, Severity};

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $why:literal;)*) => {
        $(pub const $ident: Rule = Rule { code: $code, name: $name, severity: Severity::$severity, why: $why };)*
        /// Every token rule, in code order.
        pub const ALL: &[Rule] = &[$($ident),*];
    };
}

rules! {
    LEGACY_CI_JOB_JWT = "TOK001", "legacy-ci-job-jwt", Error,
        "CI_JOB_JWT and CI_JOB_JWT_V2 were removed in GitLab 17.0; jobs must request an ID token with id_tokens:.";
    EXPIRED = "TOK002", "expired", Error,
        "STS rejects the token with ExpiredTokenException once exp plus 5 minutes of clock skew has passed.";
    EXPIRED_WITHIN_SKEW = "TOK003", "expired-within-skew", Warning,
        "The token is past exp; AWS still accepts it for a few minutes of clock skew, then rejects it.";
    NOT_YET_VALID = "TOK004", "not-yet-valid", Warning,
        "The token's nbf is in the future: the clock of the machine that made or checks it is off.";
    AUD_LIST = "TOK005", "aud-list", Warning,
        "The job listed several audiences, so aud is an array; use one ID token per audience so aud is a string AWS can match.";
    ALG_NOT_RS256 = "TOK006", "alg-not-rs256", Error,
        "GitLab signs ID tokens with RS256 only; any other alg means the token did not come from GitLab or was altered.";
    MISSING_KID = "TOK007", "missing-kid", Warning,
        "GitLab always names its signing key in kid; without it, a verifier must try every key.";
    MISSING_SUB = "TOK008", "missing-sub", Error,
        "AWS trust policies must match sub; a token without one cannot satisfy a safe policy.";
    SUB_GITHUB_FORM = "TOK009", "sub-github-form", Error,
        "repo:owner/name:… is GitHub Actions' subject; a GitLab trust policy written for it never matches a GitLab job.";
    SUB_NOT_GITLAB = "TOK010", "sub-not-gitlab", Error,
        "GitLab cannot emit this sub, so a trust policy that expects it never matches.";
    SUB_MISMATCH = "TOK011", "sub-mismatch", Error,
        "GitLab builds sub from the claims it names (project_path, project_id, ref_type, ref, …); when they disagree the token was not made by GitLab as shown.";
    CLAIM_WRONG_TYPE = "TOK012", "claim-wrong-type", Error,
        "GitLab gives each claim a fixed JSON type (ids are strings, ref_protected is \"true\"/\"false\", runner_id is a number); a policy written for the other type never matches.";
    MISSING_CLAIM = "TOK013", "missing-claim", Error,
        "STS requires iss, aud, exp and iat; without them AssumeRoleWithWebIdentity fails.";
    ISSUER_NOT_IAM = "TOK014", "issuer-not-iam", Error,
        "IAM OIDC providers need an https URL without port, query or trailing slash; AWS cannot trust this issuer as it is.";
    UNSIGNED = "TOK015", "unsigned", Error,
        "The token has no signature; STS rejects it and nothing vouches for its claims.";
    UNEXPECTED_VALUE = "TOK016", "unexpected-value", Info,
        "The value is outside the set GitLab documents for this claim; a policy written for documented values will not match it.";
    CLAIMS_NOT_VERIFIED = "TOK017", "not-verified", Info,
        "Decoding shows what a token claims, not who signed it; verify the signature against the instance's keys before trusting it.";
    SUB_REPEATED_COMPONENT = "TOK018", "sub-repeated-component", Info,
        "GitLab writes a component into sub as often as the project's ci_id_token_sub_claim_components lists it: legal, but every trust policy must repeat it too, and it is usually a slip.";
}
