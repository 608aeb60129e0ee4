//! Signature verification, minus the cryptography: choosing the key and
//! explaining the verdict. The RS256 check itself is `WebCrypto`'s
//! (RSASSA-PKCS1-v1_5 with SHA-256), run by the wasm boundary on the
//! candidates this module names; no crypto is written here.

use crate::text::Gather as _;
use serde::Serialize;

use crate::base64url;
use crate::keys::PublicKey;
use crate::token::UnverifiedToken;

/// Keys smaller than this are refused: 1024-bit RSA is breakable.
pub const MIN_RSA_BITS: usize = 2048;

/// Why a token is or is not verified, stable for code to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictCode {
    Verified,
    SignatureInvalid,
    SignatureMissing,
    SignatureLength,
    AlgNone,
    AlgSymmetric,
    AlgUnsupported,
    NoMatchingKid,
    KeyNotRsa,
    KeyWrongUse,
    KeyWrongAlg,
    KeyTooSmall,
    KeyRejected,
    NoUsableKey,
}

/// The outcome of checking a token's signature against pasted keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub verified: bool,
    pub code: VerdictCode,
    /// The key that verified, else the token's `kid`.
    pub kid: Option<String>,
    /// The token's `alg`.
    pub alg: Option<String>,
    /// Whether a key matching the token (by `kid`, or any usable key without one) was found.
    pub key_found: bool,
    /// One sentence for people.
    pub reason: String,
}

/// An RSA key to try, in the JWK form `WebCrypto` imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub kid: Option<String>,
    /// base64url modulus.
    pub n: String,
    /// base64url public exponent.
    pub e: String,
}

/// What remains to be done after the checks that need no cryptography.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Decided without cryptography (e.g. `alg: none`, no key with that `kid`).
    Decided(Verdict),
    /// Verify `signature` over `signing_input` with each candidate in turn.
    Check {
        signing_input: Vec<u8>,
        signature: Vec<u8>,
        candidates: Vec<Candidate>,
    },
}

/// Chooses the keys to try for a token: by `kid` when it has one, else every usable RS256 signing key.
#[must_use]
pub fn plan(token: &UnverifiedToken, keys: &[PublicKey]) -> Plan {
    let alg = token.algorithm().map(str::to_owned);
    let token_kid = token.key_id().map(str::to_owned);
    let decided = |code, key_found, reason: String| {
        Plan::Decided(Verdict {
            verified: false,
            code,
            kid: token_kid.clone(),
            alg: alg.clone(),
            key_found,
            reason,
        })
    };
    match alg.as_deref() {
        Some("RS256") => {}
        Some(none) if none.eq_ignore_ascii_case("none") => {
            return decided(
                VerdictCode::AlgNone,
                false,
                "refused: the token says alg \"none\" (unsigned); GitLab always signs with RS256".to_owned(),
            );
        }
        Some(a) if a.starts_with("HS") => {
            return decided(VerdictCode::AlgSymmetric, false, format!("refused: the token says alg {a:?}, a shared-secret algorithm; verifying it with a public key is the key-confusion attack, and GitLab signs with RS256"));
        }
        Some(a) => {
            return decided(
                VerdictCode::AlgUnsupported,
                false,
                format!("refused: the token says alg {a:?}; GitLab signs ID tokens with RS256 only"),
            )
        }
        None => {
            return decided(
                VerdictCode::AlgUnsupported,
                false,
                "refused: the token's header has no string alg; GitLab sets RS256".to_owned(),
            )
        }
    }
    if token.signature().is_empty() {
        return decided(
            VerdictCode::SignatureMissing,
            false,
            "the token has no signature".to_owned(),
        );
    }

    let by_kid: Vec<&PublicKey> = match &token_kid {
        Some(kid) => keys.iter().filter(|k| k.kid.as_deref() == Some(kid.as_str())).gather(),
        None => Vec::new(),
    };
    let (chosen, named): (Vec<&PublicKey>, bool) = if by_kid.is_empty() {
        // No kid, or keys without kids (a PEM): try whatever could have signed it.
        let anonymous: Vec<&PublicKey> = keys.iter().filter(|k| token_kid.is_none() || k.kid.is_none()).gather();
        if anonymous.is_empty() {
            let known: Vec<&str> = keys.iter().filter_map(|k| k.kid.as_deref()).gather();
            return decided(
                VerdictCode::NoMatchingKid,
                false,
                format!(
                    "no key has kid {:?}; the keys have {}. Paste the current keys of the instance that issued the token (GitLab rotates them)",
                    token_kid.as_deref().unwrap_or_default(),
                    if known.is_empty() { "no kid".to_owned() } else { crate::text::join(&known, ", ") }
                ),
            );
        }
        (anonymous, false)
    } else {
        (by_kid, true)
    };

    let mut first_problem = None;
    let mut candidates = Vec::new();
    for key in chosen {
        match usable(key, token.signature().len()) {
            Ok(candidate) => candidates.push(candidate),
            Err(problem) => {
                first_problem.get_or_insert(problem);
            }
        }
    }
    if candidates.is_empty() {
        let (code, reason) = first_problem.unwrap_or((VerdictCode::NoUsableKey, "no usable key".to_owned()));
        let reason = if named {
            reason
        } else {
            format!("no usable RS256 signing key: {reason}")
        };
        return decided(code, named, reason);
    }
    Plan::Check {
        signing_input: token.signing_input().as_bytes().to_vec(),
        signature: token.signature().to_vec(),
        candidates,
    }
}

/// Whether a key can verify an RS256 signature of this length.
fn usable(key: &PublicKey, signature_len: usize) -> Result<Candidate, (VerdictCode, String)> {
    let name = key
        .kid
        .as_deref()
        .map_or_else(|| "the key".to_owned(), |kid| format!("key {kid:?}"));
    let Some(rsa) = &key.rsa else {
        return Err((
            VerdictCode::KeyNotRsa,
            format!("{name} is {} (kty), not RSA; GitLab signs with RSA", key.kty),
        ));
    };
    if let Some(key_use) = key.key_use.as_deref().filter(|u| *u != "sig") {
        return Err((
            VerdictCode::KeyWrongUse,
            format!("{name} is for use {key_use:?}, not \"sig\""),
        ));
    }
    if let Some(alg) = key.alg.as_deref().filter(|a| *a != "RS256") {
        return Err((
            VerdictCode::KeyWrongAlg,
            format!("{name} is for alg {alg:?}, but the token is RS256"),
        ));
    }
    let bits = rsa.bits();
    if bits < MIN_RSA_BITS {
        return Err((
            VerdictCode::KeyTooSmall,
            format!("{name} is {bits}-bit RSA; at least {MIN_RSA_BITS} bits are required"),
        ));
    }
    if signature_len != rsa.modulus.len() {
        return Err((
            VerdictCode::SignatureLength,
            format!(
                "the signature is {signature_len} bytes, but {name} ({bits}-bit) makes {}-byte signatures: it was truncated or altered",
                rsa.modulus.len()
            ),
        ));
    }
    Ok(Candidate {
        kid: key.kid.clone(),
        n: base64url::encode(&rsa.modulus),
        e: base64url::encode(&rsa.exponent),
    })
}

/// What `WebCrypto` said about one candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Valid,
    Invalid,
    /// Importing the key failed, with the browser's message.
    Rejected(String),
}

/// The verdict once candidates have been tried, `outcomes[i]` for `candidates[i]`
/// (trying may stop at the first valid one).
#[must_use]
pub fn conclude(token: &UnverifiedToken, candidates: &[Candidate], outcomes: &[Outcome]) -> Verdict {
    let verdict = |verified, code, kid: Option<String>, reason| Verdict {
        verified,
        code,
        kid: kid.or_else(|| token.key_id().map(str::to_owned)),
        alg: token.algorithm().map(str::to_owned),
        key_found: true,
        reason,
    };
    if let Some(candidate) = outcomes
        .iter()
        .position(|o| *o == Outcome::Valid)
        .and_then(|i| candidates.get(i))
    {
        let reason = match &candidate.kid {
            Some(kid) => format!("the RS256 signature is valid for key {kid:?}"),
            None => "the RS256 signature is valid for the pasted key".to_owned(),
        };
        return verdict(true, VerdictCode::Verified, candidate.kid.clone(), reason);
    }
    let checked = outcomes.iter().filter(|o| **o == Outcome::Invalid).count();
    let rejection = outcomes.iter().find_map(|o| match o {
        Outcome::Rejected(message) => Some(message),
        _ => None,
    });
    match (checked, rejection) {
        (0, Some(message)) => verdict(false, VerdictCode::KeyRejected, None, format!("WebCrypto refused the key: {message}")),
        (0 | 1, _) => verdict(false, VerdictCode::SignatureInvalid, None, "the signature does not match: the header, payload or signature was altered, or another key signed it".to_owned()),
        (n, _) => verdict(false, VerdictCode::SignatureInvalid, None, format!("the signature matches none of the {n} keys tried: the header, payload or signature was altered, or another key signed it")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::parse_keys;
    use crate::token::decode_unverified;

    const MAIN: &str = include_str!("../tests/fixtures/tokens/gitlab-com-main.jwt");
    const JWKS: &str = include_str!("../tests/fixtures/keys/jwks.json");
    const OTHER: &str = include_str!("../tests/fixtures/keys/jwks-other.json");
    const PEM: &str = include_str!("../tests/fixtures/keys/test-rsa-2048.pub.pem");
    const PEM_1024: &str = include_str!("../tests/fixtures/keys/test-rsa-1024.pub.pem");
    const HS256: &str = include_str!("../tests/fixtures/tokens/hs256.jwt");
    const NO_KID: &str = include_str!("../tests/fixtures/tokens/no-kid.jwt");

    fn plan_for(token: &str, keys: &str) -> Plan {
        plan(&decode_unverified(token).unwrap(), &parse_keys(keys).unwrap())
    }

    fn code(p: &Plan) -> VerdictCode {
        match p {
            Plan::Decided(v) => v.code,
            Plan::Check { .. } => panic!("expected a decision, got candidates"),
        }
    }

    #[test]
    fn kid_selects_the_key() {
        let Plan::Check {
            candidates,
            signature,
            signing_input,
        } = plan_for(MAIN, JWKS)
        else {
            panic!()
        };
        assert_eq!(candidates.len(), 1);
        assert_eq!(
            candidates[0].kid.as_deref(),
            Some("cHTriNnCfvnfJNpGGVo3MXvD2BYhDw0yaMC0x4unZN8")
        );
        assert_eq!(candidates[0].e, "AQAB");
        assert_eq!(signature.len(), 256);
        assert!(signing_input.starts_with(b"eyJ"));
    }

    #[test]
    fn a_pem_without_kid_is_tried_for_any_token() {
        assert!(matches!(plan_for(MAIN, PEM), Plan::Check { .. }));
        assert!(matches!(plan_for(NO_KID, JWKS), Plan::Check { .. }));
    }

    #[test]
    fn decisions_without_crypto() {
        assert_eq!(code(&plan_for(MAIN, OTHER)), VerdictCode::NoMatchingKid);
        assert_eq!(code(&plan_for(HS256, JWKS)), VerdictCode::AlgSymmetric);
        assert_eq!(code(&plan_for(MAIN, PEM_1024)), VerdictCode::KeyTooSmall);
        let header = base64url::encode(br#"{"alg":"none"}"#);
        let body = MAIN.split('.').nth(1).unwrap();
        assert_eq!(
            code(&plan_for(&format!("{header}.{body}."), JWKS)),
            VerdictCode::AlgNone
        );
        let (signed, signature) = MAIN.trim().rsplit_once('.').unwrap();
        let short = base64url::encode(&base64url::decode(signature).unwrap()[..200]);
        assert_eq!(
            code(&plan_for(&format!("{signed}.{short}"), JWKS)),
            VerdictCode::SignatureLength
        );
        let kid = "cHTriNnCfvnfJNpGGVo3MXvD2BYhDw0yaMC0x4unZN8";
        let n = parse_keys(JWKS).unwrap()[0]
            .rsa
            .as_ref()
            .map(|r| base64url::encode(&r.modulus))
            .unwrap();
        let jwk = |extra: &str| format!(r#"{{"kty":"RSA","kid":"{kid}","n":"{n}","e":"AQAB"{extra}}}"#);
        assert_eq!(code(&plan_for(MAIN, &jwk(r#","use":"enc""#))), VerdictCode::KeyWrongUse);
        assert_eq!(
            code(&plan_for(MAIN, &jwk(r#","alg":"RS512""#))),
            VerdictCode::KeyWrongAlg
        );
        let ec = format!(r#"{{"kty":"EC","kid":"{kid}","crv":"P-256","x":"AA","y":"AA"}}"#);
        assert_eq!(code(&plan_for(MAIN, &ec)), VerdictCode::KeyNotRsa);
    }

    #[test]
    fn conclusions_name_the_key() {
        let token = decode_unverified(MAIN).unwrap();
        let Plan::Check { candidates, .. } = plan(&token, &parse_keys(JWKS).unwrap()) else {
            panic!()
        };
        let ok = conclude(&token, &candidates, &[Outcome::Valid]);
        assert!(ok.verified && ok.key_found);
        assert_eq!(ok.code, VerdictCode::Verified);
        assert_eq!(
            ok.reason,
            "the RS256 signature is valid for key \"cHTriNnCfvnfJNpGGVo3MXvD2BYhDw0yaMC0x4unZN8\""
        );
        let bad = conclude(&token, &candidates, &[Outcome::Invalid]);
        assert_eq!((bad.verified, bad.code), (false, VerdictCode::SignatureInvalid));
        let rejected = conclude(&token, &candidates, &[Outcome::Rejected("bad exponent".into())]);
        assert_eq!(rejected.code, VerdictCode::KeyRejected);
    }
}
