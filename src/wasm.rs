//! The JavaScript boundary: JS value → core call → JS value. No decisions here.
//!
//! Results cross as plain objects (serialized by serde, parsed by
//! `JSON.parse`), so the page and the npm package see exactly the shapes in
//! `src/wasm/types.d.ts`. Unusable input throws an `Error` with a stable `code`.

use crate::text::Gather as _;
use js_sys::{Array, Error, Promise, Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Coded;
use crate::keys::{describe_keys, parse_keys};
use crate::policy::generate::{self, TokenPolicyOptions};
use crate::policy::spec::TrustPolicySpec;
use crate::token::decode_unverified;
use crate::token::inspect::inspect_token as inspect;
use crate::verify::{self, Outcome, Plan};

/// talc instead of the default dlmalloc: 2.1 KB smaller gzipped; 4–10% slower on the whole
/// inspect + generate + lint + evaluate pipeline in a Node A/B run, where time goes to the DOM anyway.
#[allow(
    unsafe_code,
    reason = "talc's documented setup for WebAssembly; the only unsafe in the crate"
)]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("wasm/types.d.ts");

/// Converts a core result into a plain JS object.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    parse_json(serde_json::to_string(value))
}

/// The part of [`to_js`] that does not depend on the type: one copy, not one per result type.
#[inline(never)]
fn parse_json(json: Result<String, serde_json::Error>) -> Result<JsValue, JsValue> {
    let json = json.map_err(|e| coded_error("internal.serialize", &e.to_string()))?;
    JSON::parse(&json)
}

/// A JS `Error` with a stable `code` property.
fn coded_error(code: &str, message: &str) -> JsValue {
    new_error(code, message).into()
}

fn new_error(code: &str, message: &str) -> Error {
    let error = Error::new(message);
    error.set_name("GitlabAwsOidcError");
    // Setting a property on a fresh Error cannot fail.
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    error
}

/// A core error as a JS `Error`: its code, and `field` or `line` and `column` when the core knows them.
fn js_error(error: &dyn Coded) -> JsValue {
    let js = new_error(error.code(), &error.to_string());
    if let Some(field) = error.field() {
        let _ = Reflect::set(&js, &"field".into(), &field.into());
    }
    if let Some((line, column)) = error.position() {
        let _ = Reflect::set(&js, &"line".into(), &JsValue::from(line));
        let _ = Reflect::set(&js, &"column".into(), &JsValue::from(column));
    }
    js.into()
}

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
    let inspection = inspect(token, now).map_err(|e| js_error(&e))?;
    to_js(&inspection)
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
#[wasm_bindgen(inline_js = r#"
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
    #[wasm_bindgen(js_name = rs256VerifyCandidates)]
    fn rs256_verify_candidates(keys: &Array, data: Vec<u8>, signature: Vec<u8>, conclude: &JsValue) -> Promise;
}

/// JSON text of a JS value passed as a spec or options object.
fn json_text(value: &JsValue, what: &str, code: &str, empty_default: bool) -> Result<String, JsValue> {
    if value.is_undefined() || value.is_null() {
        return if empty_default {
            Ok("{}".to_owned())
        } else {
            Err(coded_error(code, &format!("{what} is missing; expected an object")))
        };
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(coded_error(code, &format!("{what} is not an object")));
    }
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| coded_error(code, &format!("{what} cannot be converted to JSON")))
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

/// Builds the trust policy and every deployable format from a spec.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` whose code names the field (`spec.account_id`,
/// `spec.subjects`, …) when the spec cannot be used. Risky choices are findings.
#[wasm_bindgen(js_name = trustPolicy, unchecked_return_type = "TrustPolicyResult")]
pub fn trust_policy(
    #[wasm_bindgen(unchecked_param_type = "TrustPolicySpec")] spec: &JsValue,
) -> Result<JsValue, JsValue> {
    let text = json_text(spec, "spec", "spec.invalid", false)?;
    let spec = TrustPolicySpec::from_json(&text).map_err(|e| js_error(&e))?;
    let result = generate::trust_policy(&spec).map_err(|e| js_error(&e))?;
    to_js(&result)
}

/// The least-privilege trust policy a token satisfies, widened as the options say.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` when the token is not decodable, has no
/// usable `iss`, `sub` or `aud`, or the options are invalid.
#[wasm_bindgen(js_name = trustPolicyForToken, unchecked_return_type = "TrustPolicyResult")]
pub fn trust_policy_for_token(
    token: &str,
    #[wasm_bindgen(unchecked_param_type = "TokenPolicyOptions")] options: &JsValue,
) -> Result<JsValue, JsValue> {
    let options = token_options(options)?;
    let result = generate::trust_policy_for_token(token, &options).map_err(|e| js_error(&e))?;
    to_js(&result)
}

/// Lints a pasted trust policy: GitLab-aware findings, each with a code,
/// severity, message, JSON path and, where there is one, the fixed policy.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` when the text is not a policy (`policy.json`
/// with line and column, …) or the context is invalid. Risks are findings.
#[wasm_bindgen(js_name = lintTrustPolicy, unchecked_return_type = "Finding[]")]
pub fn lint_trust_policy(
    #[wasm_bindgen(js_name = policyText)] policy_text: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "LintContext")] context: &JsValue,
) -> Result<JsValue, JsValue> {
    let context = json_text(context, "context", "context.invalid", true)?;
    let findings = crate::lint::lint_text(policy_text, &context).map_err(|e| js_error(&e))?;
    to_js(&findings)
}

/// What `after` newly admits that `before` did not, and what it no longer admits: exact, with a
/// witness token for each class of tokens.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` when a policy (its `field` says `before` or `after`) or the
/// context cannot be used.
#[wasm_bindgen(js_name = compareTrustPolicies, unchecked_return_type = "Comparison")]
pub fn compare_trust_policies(
    before: &str,
    after: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "DiffContext")] context: &JsValue,
) -> Result<JsValue, JsValue> {
    let context = json_text(context, "context", "context.invalid", true)?;
    let comparison = crate::diff::compare_text(before, after, &context).map_err(|e| js_error(&e))?;
    to_js(&comparison)
}

/// Would STS let this token (a compact JWT, or its claims as an object)
/// assume the role? The decision and, per statement, why.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` when the policy, token, claims or context cannot be used.
#[wasm_bindgen(js_name = evaluateTrustPolicy, unchecked_return_type = "Evaluation")]
pub fn evaluate_trust_policy(
    #[wasm_bindgen(js_name = policyText)] policy_text: &str,
    #[wasm_bindgen(js_name = tokenOrClaims, unchecked_param_type = "string | Record<string, JsonValue>")]
    token_or_claims: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "EvaluateContext")] context: &JsValue,
) -> Result<JsValue, JsValue> {
    use crate::policy::evaluate::{evaluate_text, TokenInput};
    let context = json_text(context, "context", "context.invalid", true)?;
    let claims_json;
    let input = if let Some(token) = token_or_claims.as_string() {
        claims_json = token;
        TokenInput::Token(&claims_json)
    } else {
        claims_json = json_text(token_or_claims, "tokenOrClaims", "claims.invalid", false)?;
        TokenInput::ClaimsJson(&claims_json)
    };
    let evaluation = evaluate_text(policy_text, input, &context).map_err(|e| js_error(&e))?;
    to_js(&evaluation)
}

/// Generates a `.gitlab-ci.yml` job that assumes an AWS role with the job's
/// ID token, its companion files, and findings (e.g. against the trust policy).
///
/// # Errors
/// Throws a `GitlabAwsOidcError` whose code names the field (`snippet.role_arn`,
/// `snippet.region`, …) when the spec cannot be used.
#[wasm_bindgen(js_name = ciSnippet, unchecked_return_type = "CiSnippet")]
pub fn ci_snippet(#[wasm_bindgen(unchecked_param_type = "CiSnippetSpec")] spec: &JsValue) -> Result<JsValue, JsValue> {
    use crate::ci::{self, SnippetSpec};
    let text = json_text(spec, "spec", "snippet.invalid", false)?;
    let spec = SnippetSpec::from_json(&text).map_err(|e| js_error(&e))?;
    let snippet = ci::ci_snippet(&spec).map_err(|e| js_error(&e))?;
    to_js(&snippet)
}

/// The spec `trustPolicyForToken` builds from a token and options, for a form
/// to show and edit before calling `trustPolicy`.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` when the token is not decodable, has no
/// usable `iss`, `sub` or `aud`, or the options are invalid.
#[wasm_bindgen(js_name = specForToken, unchecked_return_type = "TrustPolicySpec")]
pub fn spec_for_token(
    token: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "TokenPolicyOptions")] options: &JsValue,
) -> Result<JsValue, JsValue> {
    let options = token_options(options)?;
    let spec = generate::spec_for_token(token, &options).map_err(|e| js_error(&e))?;
    to_js(&spec)
}

/// The `TokenPolicyOptions` argument of `trustPolicyForToken` and `specForToken`; absent means the defaults.
fn token_options(options: &JsValue) -> Result<TokenPolicyOptions, JsValue> {
    let text = json_text(options, "options", "options.invalid", true)?;
    TokenPolicyOptions::from_json(&text).map_err(|e| js_error(&e))
}
