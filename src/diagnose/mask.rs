//! Secrets a pasted log can hold, masked before anything is read from it: GitLab ID tokens and
//! other JWTs, GitLab access tokens (`glpat-…`), AWS session tokens and secret access keys.
//! Everything the diagnosis returns goes through [`mask`] again, so no string it carries can
//! hold one. One pass, linear in the text: a scan starts only where a secret can begin, and
//! never reads past the run of characters it starts.

/// What a masked secret is replaced with.
pub(crate) const MASK: &str = "[token masked]";

/// Text with its secrets replaced by [`MASK`].
pub(crate) struct Masked {
    pub text: String,
    /// How many secrets were masked.
    pub count: usize,
    /// The first JWT found, as it was: the diagnosis may read its claims (never return it).
    pub first_jwt: Option<String>,
}

/// GitLab's token prefixes (personal, CI job, deploy, runner, trigger, feed, incoming mail,
/// SCIM, OAuth application secrets, agent, feature flags client).
const GITLAB_PREFIXES: [&str; 11] = [
    "glpat-", "glcbt-", "gldt-", "glrt-", "glptt-", "glft-", "glimt-", "glsoat-", "gloas-", "glagent-", "glffct-",
];

/// The beginnings of AWS session tokens as STS returns them (base64 of their fixed first bytes).
const SESSION_TOKEN_PREFIXES: [&str; 2] = ["IQoJb3JpZ2lu", "FwoGZXIvYXdz"];

fn b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// Length of the run of `class` bytes from `at`, stopping after `limit`.
fn run(bytes: &[u8], at: usize, class: fn(u8) -> bool, limit: usize) -> usize {
    bytes[at.min(bytes.len())..]
        .iter()
        .take(limit)
        .take_while(|b| class(**b))
        .count()
}

/// Masks every secret in `text`.
pub(crate) fn mask(text: &str) -> Masked {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut at, mut count) = (0, 0, 0);
    let mut first_jwt = None;
    while at < bytes.len() {
        let Some((end, jwt)) = secret_at(bytes, at) else {
            at += 1;
            continue;
        };
        if out.is_empty() {
            out.reserve(text.len());
        }
        out.push_str(&text[copied..at]);
        out.push_str(MASK);
        if jwt && first_jwt.is_none() {
            first_jwt = Some(text[at..end].to_owned());
        }
        count += 1;
        (at, copied) = (end, end);
    }
    if count == 0 {
        return Masked {
            text: text.to_owned(),
            count,
            first_jwt,
        };
    }
    out.push_str(&text[copied..]);
    Masked {
        text: out,
        count,
        first_jwt,
    }
}

/// The end of a secret that starts at `at`, and whether it is a JWT.
fn secret_at(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    let previous = at.checked_sub(1).map(|p| bytes[p]);
    let rest = &bytes[at..];
    let first = rest[0];
    if !first.is_ascii_alphanumeric() {
        return None;
    }
    if previous.is_none_or(|p| !b64url(p)) {
        if rest.starts_with(b"eyJ") {
            if let Some(end) = jwt_end(bytes, at) {
                return Some((end, true));
            }
        }
        if rest.starts_with(b"gl") {
            for prefix in GITLAB_PREFIXES {
                if rest.starts_with(prefix.as_bytes()) {
                    let body = at + prefix.len();
                    let length = run(bytes, body, |b| b64url(b) || b == b'.', usize::MAX);
                    if length >= 16 {
                        return Some((body + length, false));
                    }
                }
            }
        }
    }
    // `=` ends base64 (padding), so a key may follow one (`KEY=…`).
    if previous.is_none_or(|p| !(p.is_ascii_alphanumeric() || p == b'+' || p == b'/')) {
        if SESSION_TOKEN_PREFIXES.iter().any(|p| rest.starts_with(p.as_bytes())) {
            let length = run(bytes, at, b64, usize::MAX);
            if length >= 100 {
                return Some((at + length, false));
            }
        }
        // A secret access key: 40 characters of base64 with both cases and a digit or / +,
        // standing alone (a git SHA is lowercase hex and never matches).
        let length = run(bytes, at, b64, 41);
        if length == 40 && !rest[..40].contains(&b'=') {
            let key = &rest[..40];
            let upper = key.iter().any(u8::is_ascii_uppercase);
            let lower = key.iter().any(u8::is_ascii_lowercase);
            let other = key.iter().any(|b| b.is_ascii_digit() || *b == b'/' || *b == b'+');
            if upper && lower && other {
                return Some((at + 40, false));
            }
        }
    }
    None
}

/// A compact JWT from `at`: `eyJ…` header, `.`, a payload of at least 10 characters, and
/// optionally `.` and a signature (a log may cut a token after its payload).
fn jwt_end(bytes: &[u8], at: usize) -> Option<usize> {
    let header = run(bytes, at, b64url, usize::MAX);
    let dot = at + header;
    if header < 10 || bytes.get(dot) != Some(&b'.') {
        return None;
    }
    let payload = run(bytes, dot + 1, b64url, usize::MAX);
    if payload < 10 {
        return None;
    }
    let end = dot + 1 + payload;
    if bytes.get(end) == Some(&b'.') {
        return Some(end + 1 + run(bytes, end + 1, b64url, usize::MAX));
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6Zy9hcHAifQ.c2lnbmF0dXJlLWJ5dGVz";

    #[test]
    fn masks_tokens_wherever_they_stand() {
        for (text, expected) in [
            (format!("token {JWT} end"), "token [token masked] end".to_owned()),
            (
                format!("--web-identity-token={JWT}"),
                "--web-identity-token=[token masked]".to_owned(),
            ),
            (format!("\"{JWT}\""), "\"[token masked]\"".to_owned()),
            (format!("{JWT}."), "[token masked].".to_owned()),
            (
                "glpat-abcdefghij1234567890 and gldt-short".to_owned(),
                "[token masked] and gldt-short".to_owned(),
            ),
            (
                "key AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY x".to_owned(),
                "key AKIAIOSFODNN7EXAMPLE [token masked] x".to_owned(),
            ),
            (
                "sha 1babfe1446deb5b63baa2d742480ff1515194087 kept".to_owned(),
                "sha 1babfe1446deb5b63baa2d742480ff1515194087 kept".to_owned(),
            ),
        ] {
            assert_eq!(mask(&text).text, expected, "{text}");
        }
        let masked = mask(&format!("a {JWT} b {JWT}"));
        assert_eq!(masked.count, 2);
        assert_eq!(masked.first_jwt.as_deref(), Some(JWT));
        let session = format!("IQoJb3JpZ2luX2VjE{}", "A".repeat(120));
        assert_eq!(mask(&format!("t={session};")).text, "t=[token masked];");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for text in [
            "",
            "eyJ",
            "eyJhbGciOiJSUzI1NiJ9 alone",
            "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation",
            "project_path:g/app:ref_type:branch:ref:main",
        ] {
            let masked = mask(text);
            assert_eq!(masked.text, text);
            assert_eq!(masked.count, 0);
        }
    }
}
