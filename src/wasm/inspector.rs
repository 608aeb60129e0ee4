//! The inspector's exports (feature `inspector`): decoding, inspecting and
//! verifying a token, and reading pasted keys. See `src/wasm.rs`.

use crate::text::Gather as _;
use js_sys::{Array, Promise};
use serde::{Serialize, Serializer};
use wasm_bindgen::prelude::*;

use super::{coded_error, js_error, serialized, to_js};
use crate::keys::{describe_keys, parse_keys};
use crate::token::catalog::CLAIMS;
use crate::token::decode_unverified;
use crate::token::inspect::{inspect_token as inspect, Explanation};
use crate::verify::{self, Outcome, Plan};

/// Seconds since 1970 from JS, as the core takes them.
fn now_from_js(now_seconds: f64) -> Result<i64, JsValue> {
    if now_seconds.is_finite() && now_seconds.abs() < 9.0e15 {
        #[allow(clippy::cast_possible_truncation, reason = "finite and within ±9e15, so it fits i64")]
        Ok(now_seconds.floor() as i64)
    } else {
        Err(coded_error(
            "now.invalid",
            // No float formatting here: it would pull core's float printer into the .wasm.
            "nowSeconds is not a finite number of seconds since 1970 within ±9e15; pass Date.now() / 1000",
        ))
    }
}

/// Decodes a GitLab CI ID token **without verifying its signature** and
/// explains it as of `nowSeconds`.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` (an `Error` with a stable `code`) when the
/// text is not a decodable JWT, or `nowSeconds` is not a finite number.
#[wasm_bindgen(js_name = inspectToken, unchecked_return_type = "TokenInspection")]
pub fn inspect_token(token: &str, #[wasm_bindgen(js_name = nowSeconds)] now_seconds: f64) -> Result<JsValue, JsValue> {
    let now = now_from_js(now_seconds)?;
    let mut inspection = inspect(token, now).map_err(|e| js_error(&e))?;
    // The explanations cross the boundary apart from the rest, in their wire form (`WireExplanation`);
    // `inspectionFromJson` puts them back in their place as the same objects.
    let explanations = std::mem::take(&mut inspection.explanations);
    let wire: Vec<WireExplanation<'_>> = explanations.iter().map(WireExplanation::of).gather();
    let catalog = if catalog_wanted() { Some(catalog_json()) } else { None };
    Ok(inspection_from_json(
        &serialized(crate::json::to_string(&inspection))?,
        &serialized(crate::json::to_string(&wire))?,
        catalog,
    ))
}

/// An explanation as `inspectToken` sends it to JavaScript. What the claim catalog fixes for a known
/// claim (its meaning, presence, version, value type and key scope) crosses once, in the catalog
/// (`catalog_json`), not in every result: `inspectionFromJson` puts it back. For a gitlab.com token
/// the JSON that crosses is 4.6 KB instead of 8.3 KB, and the call a quarter faster in Node (issue 21).
enum WireExplanation<'a> {
    /// `[claim, value, awsConditionKey or null, awsNote]`: a known claim, everything else the catalog's.
    Known(&'a Explanation),
    /// `[claim, value, awsNote]`: a claim GitLab does not document.
    Unknown(&'a Explanation),
    /// Anything else, as the object it is (no explanation is one today).
    Whole(&'a Explanation),
}

impl<'a> WireExplanation<'a> {
    fn of(e: &'a Explanation) -> Self {
        match (e.repeats_catalog(), e.known, &e.aws_condition_key) {
            (true, true, _) => Self::Known(e),
            (true, false, None) => Self::Unknown(e),
            _ => Self::Whole(e),
        }
    }
}

impl Serialize for WireExplanation<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Self::Known(e) => (&e.claim, &e.value, &e.aws_condition_key, &e.aws_note).serialize(serializer),
            Self::Unknown(e) => (&e.claim, &e.value, &e.aws_note).serialize(serializer),
            Self::Whole(e) => e.serialize(serializer),
        }
    }
}

/// What the catalog fixes for each claim, as `[[name, meaning, presence, since, valueType, awsKeyScope], …]`.
fn catalog_json() -> String {
    let texts: Vec<_> = CLAIMS
        .iter()
        .map(|c| {
            (
                c.name,
                c.meaning,
                c.presence,
                c.since,
                c.value_type,
                c.aws_condition_key,
            )
        })
        .gather();
    crate::json::to_string(&texts).unwrap_or_default()
}

/// Checks a token's RS256 signature against pasted keys (a JWKS, one JWK or a
/// PEM public key) with `WebCrypto`. Never fetches anything.
///
/// # Errors
/// Rejects with a `GitlabAwsOidcError` when the token is not a decodable JWT
/// or the keys text is not a JWKS, JWK or PEM public key. A signature that
/// does not verify is a result (`verified: false`), not an error.
#[wasm_bindgen(js_name = verifyToken, unchecked_return_type = "Promise<Verification>")]
pub fn verify_token(token: &str, keys: &str) -> Promise {
    // Errors reject the promise rather than throw, as an async function would.
    match start_verification(token, keys) {
        Ok(promise) => promise,
        Err(error) => Promise::reject(&error),
    }
}

fn start_verification(token: &str, keys: &str) -> Result<Promise, JsValue> {
    let decoded = decode_unverified(token).map_err(|e| js_error(&e))?;
    let keys = parse_keys(keys).map_err(|e| js_error(&e))?;
    let (signing_input, signature, candidates) = match verify::plan(&decoded, &keys) {
        Plan::Decided(verdict) => return Ok(Promise::resolve(&to_js(&verdict)?)),
        Plan::Check {
            signing_input,
            signature,
            candidates,
        } => (signing_input, signature, candidates),
    };
    let keys = Array::new();
    for candidate in &candidates {
        keys.push(&Array::of2(&candidate.n.as_str().into(), &candidate.e.as_str().into()));
    }
    // A callback rather than an async fn: the futures executor cost 3.7 KB gzipped.
    let conclude = Closure::once_into_js(move |outcomes: JsValue| -> Result<JsValue, JsValue> {
        if outcomes.is_null() {
            return Err(coded_error(
                "crypto.unavailable",
                "WebCrypto (globalThis.crypto.subtle) is not available here; use a browser or Node 20+",
            ));
        }
        let outcomes: Vec<Outcome> = Array::from(&outcomes)
            .iter()
            .map(|outcome| match outcome.as_bool() {
                Some(true) => Outcome::Valid,
                Some(false) => Outcome::Invalid,
                None => Outcome::Rejected(outcome.as_string().unwrap_or_default()),
            })
            .gather();
        to_js(&verify::conclude(&decoded, &candidates, &outcomes))
    });
    Ok(rs256_verify_candidates(&keys, signing_input, signature, &conclude))
}

// RSASSA-PKCS1-v1_5 with SHA-256 (RS256) for each candidate `[n, e]` in turn,
// stopping at the first that verifies; `conclude` gets an outcome per key tried:
// `true`, `false`, or WebCrypto's message when it refused the key or the call;
// `null` when there is no WebCrypto.
//
// inspectionFromJson: `inspectToken`'s result from its JSON and its explanations' wire form
// (`WireExplanation`), with what the catalog fixes put back from the copy sent once (`catalog`, on
// the first call).
#[wasm_bindgen(inline_js = r#"
let catalog = null;
export function catalogWanted() {
  return catalog === null;
}
export function inspectionFromJson(json, explanationsJson, catalogJson) {
  if (catalogJson !== undefined) catalog = new Map(JSON.parse(catalogJson).map(([name, ...fixed]) => [name, fixed]));
  const inspection = JSON.parse(json);
  inspection.explanations = JSON.parse(explanationsJson).map(explanation);
  return inspection;
}
// One explanation from its wire form (WireExplanation), its keys in the order the core writes them.
function explanation(wire) {
  if (!Array.isArray(wire)) return wire;
  if (wire.length === 3) return { claim: wire[0], value: wire[1], known: false, awsNote: wire[2] };
  const [claim, value, awsConditionKey, awsNote] = wire;
  const [meaning, presence, since, valueType, awsKeyScope] = catalog.get(claim);
  const e = { claim, value, known: true, meaning, presence };
  if (since !== "") e.since = since;
  e.valueType = valueType;
  if (awsConditionKey !== null) e.awsConditionKey = awsConditionKey;
  e.awsKeyScope = awsKeyScope;
  e.awsNote = awsNote;
  return e;
}
export function rs256VerifyCandidates(keys, data, signature, conclude) {
  return check(keys, data, signature).then(conclude);
}
async function check(keys, data, signature) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const outcomes = [];
  for (const [n, e] of keys) {
    try {
      const jwk = { kty: "RSA", n, e, alg: "RS256", ext: true };
      const key = await subtle.importKey("jwk", jwk, algorithm, false, ["verify"]);
      const valid = await subtle.verify(algorithm, key, signature, data);
      outcomes.push(valid);
      if (valid) break;
    } catch (error) {
      outcomes.push(String(error?.message ?? error));
    }
  }
  return outcomes;
}
"#)]
extern "C" {
    /// `data` and `signature` are copied into JavaScript (owned `Vec`s): a view
    /// into wasm memory could move while the promise is pending.
    #[wasm_bindgen(js_name = catalogWanted)]
    fn catalog_wanted() -> bool;
    #[wasm_bindgen(js_name = inspectionFromJson)]
    fn inspection_from_json(json: &str, explanations: &str, catalog: Option<String>) -> JsValue;
    #[wasm_bindgen(js_name = rs256VerifyCandidates)]
    fn rs256_verify_candidates(keys: &Array, data: Vec<u8>, signature: Vec<u8>, conclude: &JsValue) -> Promise;
}

/// Parses pasted keys (a JWKS, one JWK or a PEM public key) without a token,
/// so a page can say at once whether they can be used. Never fetches anything.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` with a `keys.*` code, as `verifyToken`
/// rejects, when the text is not a JWKS, JWK or PEM public key.
#[wasm_bindgen(js_name = checkKeys, unchecked_return_type = "KeySummary[]")]
pub fn check_keys(keys: &str) -> Result<JsValue, JsValue> {
    let keys = describe_keys(keys).map_err(|e| js_error(&e))?;
    to_js(&keys)
}
