//! Public keys pasted by a person: a JWKS (`{"keys":[…]}` as GitLab serves at
//! `/oauth/discovery/keys`), a single JWK, or a PEM public key (SPKI or
//! PKCS#1). Parsing only: the signature check itself is `WebCrypto`'s.

use crate::text::Gather as _;
use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::base64url;
use crate::error::Coded;

/// Key text above this size is refused before parsing (GitLab's JWKS is ~1 KB).
pub const MAX_KEYS_BYTES: usize = 256 * 1024;

/// Why the keys text cannot be used at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeysError {
    #[error(
        "keys are empty; paste the JWKS from https://<instance>/oauth/discovery/keys, one JWK, or a PEM public key"
    )]
    Empty,
    #[error("keys are {0} bytes; expected at most 262144")]
    TooLarge(usize),
    #[error("keys are not JSON, a JWK or a PEM public key: {0}")]
    NotRecognized(String),
    #[error("keys JSON is invalid: {0}")]
    Json(String),
    #[error("keys JSON is neither a JWKS ({{\"keys\": [...]}}) nor a JWK (an object with \"kty\")")]
    NotJwk,
    #[error("keys JWKS has no keys; expected a non-empty \"keys\" array")]
    EmptyJwks,
    #[error("keys[{index}] is not a valid JWK: {detail}")]
    InvalidJwk { index: usize, detail: String },
    #[error("keys PEM is a private key; paste the public key only (e.g. openssl pkey -pubout) and treat that private key as leaked")]
    PrivateKey,
    #[error("keys[{0}] is a private key (it has \"d\"); paste public keys only and treat this one as leaked")]
    PrivateJwk(usize),
    #[error("keys PEM is a certificate; paste its public key instead (openssl x509 -pubkey -noout)")]
    Certificate,
    #[error("keys PEM is invalid: {0}")]
    Pem(String),
}

impl Coded for KeysError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "keys.empty",
            Self::TooLarge(_) => "keys.too_large",
            Self::NotRecognized(_) => "keys.not_recognized",
            Self::Json(_) => "keys.json",
            Self::NotJwk => "keys.not_jwks",
            Self::EmptyJwks => "keys.empty_jwks",
            Self::InvalidJwk { .. } => "keys.invalid_jwk",
            Self::PrivateKey | Self::PrivateJwk(_) => "keys.private_key",
            Self::Certificate => "keys.certificate",
            Self::Pem(_) => "keys.pem",
        }
    }
}

/// An RSA public key's numbers, big-endian, without leading zero bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaNumbers {
    pub modulus: Vec<u8>,
    pub exponent: Vec<u8>,
}

impl RsaNumbers {
    fn new(modulus: &[u8], exponent: &[u8]) -> Self {
        Self {
            modulus: strip_leading_zeros(modulus).to_vec(),
            exponent: strip_leading_zeros(exponent).to_vec(),
        }
    }

    /// The modulus size in bits: the key size people quote (2048, 4096).
    #[must_use]
    pub fn bits(&self) -> usize {
        match self.modulus.first() {
            Some(&first) => (self.modulus.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
            None => 0,
        }
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// One key from the pasted text, as much as a verifier needs to choose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub kid: Option<String>,
    /// `kty` as given (`RSA`, `EC`, …).
    pub kty: String,
    pub alg: Option<String>,
    /// JWK `use` (`sig`, `enc`).
    pub key_use: Option<String>,
    /// Present for RSA keys.
    pub rsa: Option<RsaNumbers>,
}

/// One pasted key as people and the npm package see it: what it is, not its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeySummary {
    pub kid: Option<String>,
    pub kty: String,
    pub alg: Option<String>,
    #[serde(rename = "use")]
    pub key_use: Option<String>,
    /// The RSA modulus size; `None` for other key types.
    pub bits: Option<usize>,
}

/// Parses pasted keys on their own, before there is a token to verify, so that
/// unusable keys get their error at once.
///
/// # Errors
/// The [`KeysError`] of [`parse_keys`].
pub fn describe_keys(text: &str) -> Result<Vec<KeySummary>, KeysError> {
    Ok(parse_keys(text)?
        .into_iter()
        .map(|key| KeySummary {
            bits: key.rsa.as_ref().map(RsaNumbers::bits),
            kid: key.kid,
            kty: key.kty,
            alg: key.alg,
            key_use: key.key_use,
        })
        .gather())
}

/// Parses a JWKS, a single JWK or a PEM public key.
///
/// # Errors
/// A [`KeysError`] when the text is none of those.
pub fn parse_keys(text: &str) -> Result<Vec<PublicKey>, KeysError> {
    if text.len() > MAX_KEYS_BYTES {
        return Err(KeysError::TooLarge(text.len()));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(KeysError::Empty);
    }
    if text.starts_with("-----BEGIN ") {
        return parse_pem(text).map(|key| vec![key]);
    }
    if !text.starts_with('{') {
        let shown: String = text.chars().take(20).collect();
        return Err(KeysError::NotRecognized(format!(
            "it starts with {shown:?}; expected '{{' or '-----BEGIN PUBLIC KEY-----'"
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| KeysError::Json(crate::text::display(&e)))?;
    let Value::Object(object) = value else {
        return Err(KeysError::NotJwk);
    };
    match object.get("keys") {
        Some(Value::Array(list)) if list.is_empty() => Err(KeysError::EmptyJwks),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::Object(jwk) => parse_jwk(jwk, index),
                _ => Err(KeysError::InvalidJwk {
                    index,
                    detail: "it is not an object".to_owned(),
                }),
            })
            .collect(),
        None if object.contains_key("kty") => parse_jwk(&object, 0).map(|key| vec![key]),
        Some(_) | None => Err(KeysError::NotJwk),
    }
}

/// The `index`-th JWK of the pasted keys (0 for a single JWK).
fn parse_jwk(jwk: &Map<String, Value>, index: usize) -> Result<PublicKey, KeysError> {
    if jwk.contains_key("d") {
        return Err(KeysError::PrivateJwk(index));
    }
    parse_public_jwk(jwk).map_err(|detail| KeysError::InvalidJwk { index, detail })
}

fn parse_public_jwk(jwk: &Map<String, Value>) -> Result<PublicKey, String> {
    let text = |name: &str| -> Result<Option<String>, String> {
        match jwk.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("\"{name}\" is not a string")),
        }
    };
    let kty = text("kty")?.ok_or("it has no \"kty\"")?;
    let rsa = if kty == "RSA" {
        let number = |name: &str| -> Result<Vec<u8>, String> {
            let value = text(name)?.ok_or_else(|| format!("RSA key has no \"{name}\""))?;
            base64url::decode(&value).map_err(|e| format!("\"{name}\" is not base64url: {e}"))
        };
        let (n, e) = (number("n")?, number("e")?);
        Some(RsaNumbers::new(&n, &e))
    } else {
        None
    };
    Ok(PublicKey {
        kid: text("kid")?,
        kty,
        alg: text("alg")?,
        key_use: text("use")?,
        rsa,
    })
}

fn parse_pem(text: &str) -> Result<PublicKey, KeysError> {
    let first_line = crate::text::lines(text).next().unwrap_or_default().trim();
    let label = first_line
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.strip_suffix("-----"))
        .ok_or_else(|| KeysError::Pem(format!("the first line {first_line:?} is not a PEM header")))?;
    if crate::text::contains(label, "PRIVATE KEY") {
        return Err(KeysError::PrivateKey);
    }
    if crate::text::contains(label, "CERTIFICATE") {
        return Err(KeysError::Certificate);
    }
    if label != "PUBLIC KEY" && label != "RSA PUBLIC KEY" {
        return Err(KeysError::Pem(format!(
            "\"{label}\" is not a public key; expected -----BEGIN PUBLIC KEY-----"
        )));
    }
    let end = format!("-----END {label}-----");
    let body_end = crate::text::find(text, &end).ok_or_else(|| KeysError::Pem(format!("no {end} line")))?;
    let body: String = text[first_line.len()..body_end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = decode_standard_base64(&body).map_err(KeysError::Pem)?;
    let rsa = if label == "PUBLIC KEY" {
        der::rsa_from_spki(&der)
    } else {
        der::rsa_from_pkcs1(&der)
    }
    .map_err(|e| KeysError::Pem(e.to_owned()))?;
    Ok(PublicKey {
        kid: None,
        kty: "RSA".to_owned(),
        alg: None,
        key_use: None,
        rsa: Some(rsa),
    })
}

fn decode_standard_base64(body: &str) -> Result<Vec<u8>, String> {
    base64url::decode_with(base64url::Alphabet::Standard, body).map_err(|e| format!("the body is not base64: {e}"))
}

/// Just enough DER to read an RSA public key.
mod der {
    use super::RsaNumbers;

    /// `rsaEncryption`, 1.2.840.113549.1.1.1.
    const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

    struct Reader<'a>(&'a [u8]);

    impl<'a> Reader<'a> {
        /// Reads one element with the expected tag and returns its contents.
        fn element(&mut self, tag: u8) -> Result<&'a [u8], &'static str> {
            let (&found, rest) = self.0.split_first().ok_or("the key data ends early")?;
            if found != tag {
                return Err("the key data is not an RSA public key structure");
            }
            let (&first, mut rest) = rest.split_first().ok_or("the key data ends early")?;
            let length = if first < 0x80 {
                usize::from(first)
            } else {
                let count = usize::from(first & 0x7f);
                if count == 0 || count > 4 || rest.len() < count {
                    return Err("the key data has an invalid length");
                }
                let (bytes, after) = rest.split_at(count);
                rest = after;
                bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
            };
            if rest.len() < length {
                return Err("the key data ends early");
            }
            let (contents, after) = rest.split_at(length);
            self.0 = after;
            Ok(contents)
        }
    }

    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const BIT_STRING: u8 = 0x03;
    const OID: u8 = 0x06;

    pub(super) fn rsa_from_spki(der: &[u8]) -> Result<RsaNumbers, &'static str> {
        let mut outer = Reader(der);
        let mut spki = Reader(outer.element(SEQUENCE)?);
        let mut algorithm = Reader(spki.element(SEQUENCE)?);
        if algorithm.element(OID)? != RSA_ENCRYPTION {
            return Err("the key is not an RSA key (GitLab signs with RSA)");
        }
        let bits = spki.element(BIT_STRING)?;
        match bits.split_first() {
            Some((0, key)) => rsa_from_pkcs1(key),
            _ => Err("the key data has an invalid bit string"),
        }
    }

    pub(super) fn rsa_from_pkcs1(der: &[u8]) -> Result<RsaNumbers, &'static str> {
        let mut outer = Reader(der);
        let mut key = Reader(outer.element(SEQUENCE)?);
        let modulus = key.element(INTEGER)?;
        let exponent = key.element(INTEGER)?;
        Ok(RsaNumbers::new(modulus, exponent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWKS: &str = include_str!("../tests/fixtures/keys/jwks.json");
    const PEM: &str = include_str!("../tests/fixtures/keys/test-rsa-2048.pub.pem");
    const PEM_1024: &str = include_str!("../tests/fixtures/keys/test-rsa-1024.pub.pem");
    const PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";

    #[test]
    fn keys_are_described_without_a_token() {
        let jwks = describe_keys(JWKS).unwrap();
        assert_eq!(jwks.len(), 1);
        assert_eq!(jwks[0].kty, "RSA");
        assert_eq!(
            jwks[0].kid.as_deref(),
            Some("cHTriNnCfvnfJNpGGVo3MXvD2BYhDw0yaMC0x4unZN8")
        );
        assert_eq!(jwks[0].bits, Some(2048));
        let pem = describe_keys(PEM_1024).unwrap();
        assert_eq!((pem[0].kid.as_deref(), pem[0].bits), (None, Some(1024)));
        let ec = describe_keys(r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA","use":"enc","alg":"ES256"}"#).unwrap();
        let ec = &ec[0];
        assert_eq!(
            (ec.kty.as_str(), ec.key_use.as_deref(), ec.alg.as_deref()),
            ("EC", Some("enc"), Some("ES256"))
        );
        assert_eq!(
            (ec.kid.as_deref(), ec.bits),
            (None, None),
            "no kid, and no modulus to measure"
        );
        assert_eq!(describe_keys("not keys").unwrap_err().code(), "keys.not_recognized");
        assert_eq!(describe_keys(PRIVATE).unwrap_err().code(), "keys.private_key");
    }

    #[test]
    fn jwks_jwk_and_pem_give_the_same_numbers() {
        let from_jwks = parse_keys(JWKS).unwrap();
        assert_eq!(from_jwks.len(), 1);
        let key = &from_jwks[0];
        assert_eq!(key.kid.as_deref(), Some("cHTriNnCfvnfJNpGGVo3MXvD2BYhDw0yaMC0x4unZN8"));
        assert_eq!(
            (key.alg.as_deref(), key.key_use.as_deref()),
            (Some("RS256"), Some("sig"))
        );
        assert_eq!(key.rsa.as_ref().unwrap().bits(), 2048);
        assert_eq!(key.rsa.as_ref().unwrap().exponent, [1, 0, 1]);

        let single: Value = serde_json::from_str(JWKS).unwrap();
        let single = serde_json::to_string(&single["keys"][0]).unwrap();
        assert_eq!(parse_keys(&single).unwrap(), from_jwks);

        let from_pem = parse_keys(PEM).unwrap();
        assert_eq!(from_pem[0].rsa, key.rsa);
        assert_eq!(from_pem[0].kid, None);
        assert_eq!(parse_keys(PEM_1024).unwrap()[0].rsa.as_ref().unwrap().bits(), 1024);
    }

    #[test]
    fn unusable_keys_have_codes() {
        let cases = [
            ("", "keys.empty"),
            ("hello", "keys.not_recognized"),
            ("{\"keys\":", "keys.json"),
            ("[1]", "keys.not_recognized"),
            ("{\"a\":1}", "keys.not_jwks"),
            ("{\"keys\":[]}", "keys.empty_jwks"),
            ("{\"keys\":[1]}", "keys.invalid_jwk"),
            ("{\"kty\":\"RSA\",\"n\":\"AQAB\"}", "keys.invalid_jwk"),
            ("{\"kty\":\"RSA\",\"n\":\"a+b\",\"e\":\"AQAB\"}", "keys.invalid_jwk"),
            (
                "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"d\":\"AQAB\"}",
                "keys.private_key",
            ),
            (
                "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},{\"kty\":\"EC\",\"d\":\"AQAB\"}]}",
                "keys.private_key",
            ),
            (PRIVATE, "keys.private_key"),
            (
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                "keys.certificate",
            ),
            ("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----", "keys.pem"),
            ("-----BEGIN PUBLIC KEY-----\nMIIB\n", "keys.pem"),
            (
                "-----BEGIN PUBLIC KEY-----\nMAMCAQA=\n-----END PUBLIC KEY-----",
                "keys.pem",
            ),
        ];
        for (text, code) in cases {
            let err = parse_keys(text).unwrap_err();
            assert_eq!(err.code(), code, "{text:?}: {err}");
        }
        let private = parse_keys(r#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"},{"kty":"EC","d":"AQAB"}]}"#);
        let message = private.unwrap_err().to_string();
        assert!(
            message.starts_with("keys[1] is a private key") && message.contains("treat this one as leaked"),
            "{message}"
        );
        assert_eq!(
            parse_keys(&" ".repeat(MAX_KEYS_BYTES + 1)).unwrap_err().code(),
            "keys.too_large"
        );
    }

    #[test]
    fn truncated_der_never_panics() {
        let der = {
            let body: String = PEM.lines().filter(|l| !l.starts_with("-----")).collect();
            decode_standard_base64(&body).unwrap()
        };
        for end in 0..der.len() {
            assert!(der::rsa_from_spki(&der[..end]).is_err(), "prefix of {end} bytes");
        }
        assert!(der::rsa_from_spki(&der).is_ok());
    }

    #[test]
    fn non_rsa_keys_are_kept_for_the_verdict() {
        let keys = parse_keys(r#"{"keys":[{"kty":"EC","kid":"e","crv":"P-256","x":"AA","y":"AA"}]}"#).unwrap();
        assert_eq!(keys[0].kty, "EC");
        assert!(keys[0].rsa.is_none());
    }
}
