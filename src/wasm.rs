//! The JavaScript boundary: JS value → core call → JS value. No decisions here.
//!
//! Results cross as plain objects (serialized by serde, parsed by
//! `JSON.parse`), so the page and the npm package see exactly the shapes in
//! `src/wasm/types.d.ts`. Unusable input throws an `Error` with a stable `code`.
//!
//! The exports come in two groups, each behind a Cargo feature, so one crate
//! builds into modules of different sizes (`scripts/build.sh`):
//! - `inspector` (`wasm/inspector.rs`): what step 1 of the page needs, and all a
//!   first load fetches: `inspectToken`, `verifyToken`, `checkKeys`;
//! - `tools` (`wasm/tools.rs`): the rest, loaded by the page when another step
//!   opens or once it is idle: `trustPolicy`, `trustPolicyForToken`,
//!   `specForToken`, `lintTrustPolicy`, `evaluateTrustPolicy`, `ciSnippet`,
//!   `compareTrustPolicies`, `diagnose`, and what comes next that step 1 does not need.
//!
//! - `files` (`wasm/files.rs`): what the `gitlab-aws-oidc lint` command needs and
//!   the page does not: `lintFiles`, `renderLintReport` (file formats, reports).
//! - `command` (`wasm/command.rs`): what only the `gitlab-aws-oidc` command calls
//!   (`checkTokenVariable`, `readJsonFile`, `policyDocument`, `subPattern`, `maskSecrets`,
//!   `isTokenShaped`).
//!
//! All four (the default) make the npm package's main module; the page loads the
//! first two, one module each, never `files` or `command`. Only what the exports reach
//! ends up in a module: the core is the same crate either way.

#[cfg(any(feature = "tools", feature = "files"))]
use js_sys::Array;
use js_sys::{Error, Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Coded;

#[cfg(feature = "command")]
mod command;
#[cfg(feature = "files")]
mod files;
#[cfg(feature = "inspector")]
mod inspector;
#[cfg(feature = "tools")]
mod tools;
#[cfg(feature = "command")]
pub use command::{check_token_variable, is_token_shaped, mask_secrets, policy_document, read_json_file, sub_pattern};
#[cfg(feature = "files")]
pub use files::{lint_files, render_lint_report};
#[cfg(feature = "inspector")]
pub use inspector::{check_keys, inspect_token, verify_token};
#[cfg(feature = "tools")]
pub use tools::{
    ci_snippet, compare_trust_policies, diagnose, evaluate_trust_policy, lint_trust_policy, spec_for_token,
    trust_policy, trust_policy_for_token,
};

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
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    parse_json(crate::json::to_string(value))
}

/// The part of [`to_js`] that does not depend on the type: one copy, not one per result type.
#[inline(never)]
fn parse_json(json: Result<String, crate::json::Error>) -> Result<JsValue, JsValue> {
    JSON::parse(&serialized(json)?)
}

/// A core result's JSON text (`crate::json::to_string`'s), or an `internal.serialize` error. Not
/// generic, so that each result type does not compile its own copy.
#[inline(never)]
pub(crate) fn serialized(json: Result<String, crate::json::Error>) -> Result<String, JsValue> {
    json.map_err(|e| coded_error("internal.serialize", &crate::text::display(&e)))
}

/// JSON text of a JS value passed as a spec, options or context object.
#[cfg(any(feature = "tools", feature = "files"))]
pub(crate) fn json_text(value: &JsValue, what: &str, code: &str, empty_default: bool) -> Result<String, JsValue> {
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
    stringify(value, what, code)
}

/// Any JS value as JSON text.
#[cfg(any(feature = "tools", feature = "files"))]
pub(crate) fn stringify(value: &JsValue, what: &str, code: &str) -> Result<String, JsValue> {
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| coded_error(code, &format!("{what} cannot be converted to JSON")))
}

/// A JS `Error` with a stable `code` property.
pub(crate) fn coded_error(code: &str, message: &str) -> JsValue {
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
pub(crate) fn js_error(error: &dyn Coded) -> JsValue {
    let js = new_error(error.code(), &crate::text::display(error));
    if let Some(field) = error.field() {
        let _ = Reflect::set(&js, &"field".into(), &field.into());
    }
    if let Some((line, column)) = error.position() {
        let _ = Reflect::set(&js, &"line".into(), &JsValue::from(line));
        let _ = Reflect::set(&js, &"column".into(), &JsValue::from(column));
    }
    js.into()
}
