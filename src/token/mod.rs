//! GitLab CI ID tokens: decoding (without verification), typed claims, the
//! claim catalog, validity times and the inspector's findings.

pub mod catalog;
mod claims;
pub mod inspect;
pub mod rules;
pub mod times;

use crate::text::Gather as _;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::error::Coded;

pub use claims::Claims;

/// Inputs above this size are refused before any decoding. GitLab tokens are
/// 1–3 KB; STS accepts at most 20 000 characters.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// One of the three parts of a compact JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Header,
    Payload,
    Signature,
}

impl std::fmt::Display for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Payload => "payload",
            Self::Signature => "signature",
        })
    }
}

/// Why a text cannot be decoded as a JWT at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    #[error("token is empty; paste the value of the job's ID token variable (e.g. $GITLAB_OIDC_TOKEN)")]
    Empty,
    #[error("token is {0} bytes; expected at most 65536 (GitLab ID tokens are a few kilobytes)")]
    TooLarge(usize),
    #[error("token has whitespace at character {0}; a JWT has none (was it wrapped across lines?)")]
    Whitespace(usize),
    #[error("token has {0} segments; expected 3 (header.payload.signature) separated by '.'{hint}", hint = segments_hint(*.0))]
    Segments(usize),
    #[error("token {segment} is not valid base64url: {detail}")]
    Base64 { segment: Segment, detail: String },
    #[error("token {segment} is not JSON: {detail}")]
    Json { segment: Segment, detail: String },
    #[error("token {segment} is {found}; expected a JSON object")]
    NotObject { segment: Segment, found: &'static str },
}

fn segments_hint(count: usize) -> &'static str {
    match count {
        5 => " (5 segments is an encrypted JWE, not a GitLab ID token)",
        1 => " (is this only part of the token?)",
        _ => "",
    }
}

impl Coded for TokenError {
    /// Stable error code, one per class of unusable input.
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "token.empty",
            Self::TooLarge(_) => "token.too_large",
            Self::Whitespace(_) => "token.whitespace",
            Self::Segments(_) => "token.segments",
            Self::Base64 { segment, .. } => match segment {
                Segment::Header => "token.header.base64",
                Segment::Payload => "token.payload.base64",
                Segment::Signature => "token.signature.base64",
            },
            Self::Json { segment, .. } => match segment {
                Segment::Payload => "token.payload.json",
                _ => "token.header.json",
            },
            Self::NotObject { segment, .. } => match segment {
                Segment::Payload => "token.payload.not_object",
                _ => "token.header.not_object",
            },
        }
    }
}

/// A JWT split and decoded, **not verified**: nothing here proves who signed it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedToken {
    compact: String,
    header: Map<String, Value>,
    claims: Claims,
    signature: Vec<u8>,
}

impl UnverifiedToken {
    /// The header as decoded, keys in token order.
    #[must_use]
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    #[must_use]
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The raw signature bytes (empty for an unsigned token).
    #[must_use]
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// `header.payload` exactly as received: the bytes a signature covers.
    #[must_use]
    pub fn signing_input(&self) -> &str {
        let end = self
            .compact
            .bytes()
            .rposition(|b| b == b'.')
            .unwrap_or(self.compact.len());
        &self.compact[..end]
    }

    /// The header and the payload, without copying them.
    pub(crate) fn into_maps(self) -> (Map<String, Value>, Map<String, Value>) {
        (self.header, self.claims.into_raw())
    }

    /// The header's `alg`, when it is a string.
    #[must_use]
    pub fn algorithm(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The header's `kid`, when it is a string.
    #[must_use]
    pub fn key_id(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
}

/// Decodes a compact JWT **without verifying its signature**.
///
/// Surrounding whitespace and a leading `Bearer ` are removed first. The
/// result says what the token claims, not that GitLab issued it.
///
/// # Errors
/// A [`TokenError`] naming the part that cannot be used.
pub fn decode_unverified(input: &str) -> Result<UnverifiedToken, TokenError> {
    if input.len() > MAX_TOKEN_BYTES {
        return Err(TokenError::TooLarge(input.len()));
    }
    let trimmed = input.trim();
    let compact = strip_bearer(trimmed).trim_start();
    if compact.is_empty() {
        return Err(TokenError::Empty);
    }
    if let Some(position) = whitespace_position(compact) {
        return Err(TokenError::Whitespace(position));
    }
    let parts: Vec<&str> = crate::text::split_ascii(compact, b'.').gather();
    let [header, payload, signature] = parts[..] else {
        return Err(TokenError::Segments(parts.len()));
    };
    let header = decode_object(Segment::Header, header)?;
    let claims = Claims::new(decode_object(Segment::Payload, payload)?);
    let signature = decode_segment(Segment::Signature, signature)?;
    Ok(UnverifiedToken {
        compact: compact.to_owned(),
        header,
        claims,
        signature,
    })
}

/// The 1-based character position of the first `char::is_whitespace` in `text`.
///
/// Tokens are printable ASCII, and a byte scan proves that much faster than the `char`
/// walk, which cost more than all of base64 decoding; anything else (a space, a control
/// character, a non-ASCII byte) takes the walk, so the answer is always the walk's.
fn whitespace_position(text: &str) -> Option<usize> {
    if text.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    text.chars().position(char::is_whitespace).map(|position| position + 1)
}

fn strip_bearer(text: &str) -> &str {
    if text.eq_ignore_ascii_case("bearer") {
        return "";
    }
    match text.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => &text[7..],
        _ => text,
    }
}

fn decode_segment(segment: Segment, text: &str) -> Result<Vec<u8>, TokenError> {
    crate::base64url::decode(text).map_err(|detail| TokenError::Base64 { segment, detail })
}

fn decode_object(segment: Segment, text: &str) -> Result<Map<String, Value>, TokenError> {
    let bytes = decode_segment(segment, text)?;
    if bytes.is_empty() {
        return Err(TokenError::Json {
            segment,
            detail: "the segment is empty".to_owned(),
        });
    }
    // `from_str` after a UTF-8 check, not `from_slice`: one copy of the JSON parser in the module.
    let text = std::str::from_utf8(&bytes).map_err(|e| TokenError::Json {
        segment,
        detail: format!(
            "the segment is not UTF-8 text (invalid byte at index {})",
            e.valid_up_to()
        ),
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| TokenError::Json {
        segment,
        detail: crate::text::display(&e),
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(TokenError::NotObject {
            segment,
            found: json_kind(&other),
        }),
    }
}

/// "an array", "a string", …: for messages about what was found.
#[must_use]
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        crate::base64url::encode(text.as_bytes())
    }

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.c2ln", b64(header), b64(payload))
    }

    #[test]
    fn decodes_and_keeps_claim_order() {
        let t = token(r#"{"alg":"RS256","kid":"k"}"#, r#"{"z":1,"a":2,"m":{"q":1,"b":2}}"#);
        let decoded = decode_unverified(&format!("  Bearer {t}\n")).unwrap();
        let keys: Vec<&String> = decoded.claims().raw().keys().collect();
        assert_eq!(keys, ["z", "a", "m"]);
        assert_eq!(decoded.algorithm(), Some("RS256"));
        assert_eq!(decoded.key_id(), Some("k"));
        assert_eq!(decoded.signature(), b"sig");
        assert_eq!(decoded.signing_input(), t.rsplit_once('.').unwrap().0);
    }

    #[test]
    fn each_unusable_input_has_its_code() {
        let good_header = b64(r#"{"alg":"RS256"}"#);
        let good_payload = b64(r#"{"sub":"x"}"#);
        let cases = [
            (String::new(), "token.empty"),
            ("   \n".to_owned(), "token.empty"),
            ("Bearer ".to_owned(), "token.empty"),
            ("a".repeat(MAX_TOKEN_BYTES + 1), "token.too_large"),
            (format!("{good_header}.{good_payload}"), "token.segments"),
            ("a.b.c.d.e".to_owned(), "token.segments"),
            (format!("{good_header}.{good_payload} .c2ln"), "token.whitespace"),
            (format!("{good_header}%.{good_payload}.c2ln"), "token.header.base64"),
            (format!("{good_header}.{good_payload}+.c2ln"), "token.payload.base64"),
            (format!("{good_header}.{good_payload}.c2l!"), "token.signature.base64"),
            (format!("{good_header}.{good_payload}.c2lnZ"), "token.signature.base64"),
            (format!("{}.{good_payload}.c2ln", b64("not json")), "token.header.json"),
            (format!(".{good_payload}.c2ln"), "token.header.json"),
            (format!("{good_header}.{}.c2ln", b64("{\"a\":")), "token.payload.json"),
            (
                format!("{}.{good_payload}.c2ln", b64("[1,2]")),
                "token.header.not_object",
            ),
            (
                format!("{good_header}.{}.c2ln", b64("\"s\"")),
                "token.payload.not_object",
            ),
        ];
        for (input, code) in cases {
            let err = decode_unverified(&input).unwrap_err();
            assert_eq!(err.code(), code, "{input:.60}: {err}");
        }
    }

    #[test]
    fn whitespace_position_is_the_char_walks() {
        let mut texts: Vec<String> = [
            "",
            "abc",
            "a b",
            "\u{b}",
            "a\u{c}",
            "é b",
            "é\u{a0}",
            "ab\u{2028}",
            "\u{85}x",
        ]
        .map(str::to_owned)
        .to_vec();
        texts.extend((0..=0x7f_u8).map(|b| format!("ab{}c", char::from(b))));
        texts.extend((0..=0x7f_u8).map(|b| format!("éb{}c\u{3000}", char::from(b))));
        for text in texts {
            let expected = text.chars().position(char::is_whitespace).map(|p| p + 1);
            assert_eq!(whitespace_position(&text), expected, "{text:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let payload = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let err = decode_unverified(&token(r#"{"alg":"RS256"}"#, &payload)).unwrap_err();
        assert_eq!(err.code(), "token.payload.json");
    }

    #[test]
    fn messages_name_the_part() {
        let err = decode_unverified("a.b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "token has 2 segments; expected 3 (header.payload.signature) separated by '.'"
        );
        let err = decode_unverified(&format!("{}.e30.x", b64("{}").replace('e', "+"))).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("token header is not valid base64url: character '+'"),
            "{err}"
        );
    }
}
