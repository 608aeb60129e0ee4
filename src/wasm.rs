//! The JavaScript boundary: JS value → core call → JS value. No decisions here.
//!
//! Results cross as plain objects (serialized by serde, parsed by
//! `JSON.parse`), so the page and the npm package see exactly the shapes in
//! `src/wasm/types.d.ts`. Unusable input throws an `Error` with a stable `code`.

use js_sys::{Error, Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::token::inspect::inspect_token as inspect;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("wasm/types.d.ts");

/// Converts a core result into a plain JS object.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| coded_error("internal.serialize", &e.to_string()))?;
    JSON::parse(&json)
}

/// A JS `Error` with a stable `code` property.
fn coded_error(code: &str, message: &str) -> JsValue {
    let error = Error::new(message);
    error.set_name("GitlabAwsOidcError");
    // Setting a property on a fresh Error cannot fail.
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// Seconds since 1970 from JS, as the core takes them.
fn now_from_js(now_seconds: f64) -> Result<i64, JsValue> {
    if now_seconds.is_finite() && now_seconds.abs() < 9.0e15 {
        #[allow(clippy::cast_possible_truncation, reason = "finite and within ±9e15, so it fits i64")]
        Ok(now_seconds.floor() as i64)
    } else {
        Err(coded_error(
            "now.invalid",
            &format!("nowSeconds is {now_seconds}; expected a finite number of seconds since 1970 (Date.now() / 1000)"),
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
    let inspection = inspect(token, now).map_err(|e| coded_error(e.code(), &e.to_string()))?;
    to_js(&inspection)
}
