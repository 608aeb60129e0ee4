//! The exports only the `gitlab-aws-oidc` command calls (feature `command`): in the package's
//! main module, never in the page's two. See `src/wasm.rs` and `src/command.rs`.

use wasm_bindgen::prelude::*;

use super::{coded_error, js_error, to_js};
use crate::command::{self, JsonFile};

/// Checks the environment variable `--token-env` names: `value` is its value, or `undefined`
/// when it is not set. Returns nothing; the command then reads the value as the token.
///
/// # Errors
/// Throws `token.variable_removed` (`CI_JOB_JWT`, `CI_JOB_JWT_V1`, `CI_JOB_JWT_V2`),
/// `token.variable_name` (not a variable's name) or `token.variable_empty` (unset or blank).
#[wasm_bindgen(js_name = checkTokenVariable)]
pub fn check_token_variable(
    name: &str,
    #[wasm_bindgen(unchecked_param_type = "string | undefined")] value: &JsValue,
) -> Result<(), JsValue> {
    command::token_variable(name, value.as_string().as_deref()).map_err(|e| js_error(&e))
}

/// Reads a JSON file's text as an object: `what` is `"claims"`, `"spec"` or `"snippet"`.
///
/// # Errors
/// Throws `<what>.json` with `line` and `column` for text that is not JSON (the message never
/// quotes the text), `<what>.invalid` for JSON that is not an object.
#[wasm_bindgen(js_name = readJsonFile, unchecked_return_type = "Record<string, JsonValue>")]
pub fn read_json_file(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "\"claims\" | \"spec\" | \"snippet\"")] what: &str,
) -> Result<JsValue, JsValue> {
    let file = JsonFile::from_name(what)
        .ok_or_else(|| coded_error("internal.argument", "what must be \"claims\", \"spec\" or \"snippet\""))?;
    let map = command::read_json(text, file).map_err(|e| js_error(&e))?;
    to_js(&map)
}

/// The trust policy in a file's text (a document, a role or `aws iam get-role` output), as the
/// document's JSON text.
///
/// # Errors
/// Throws the policy parser's errors (`policy.json` with `line` and `column`, …) and
/// `policy.shape` with `field` for a role field that is not what it should be.
#[wasm_bindgen(js_name = policyDocument)]
pub fn policy_document(text: &str) -> Result<String, JsValue> {
    command::policy_document(text).map_err(|e| js_error(&e))
}

/// Splits a `sub` value or pattern (`project_path:acme/*:ref_type:branch:ref:main`) into the
/// components and subject of a `TrustPolicySpec`.
///
/// # Errors
/// Throws a `subject.*` code for text that is not `name:value` pairs GitLab could emit.
#[wasm_bindgen(js_name = subPattern, unchecked_return_type = "SubPattern")]
pub fn sub_pattern(text: &str) -> Result<JsValue, JsValue> {
    let pattern = command::sub_pattern(text).map_err(|e| js_error(&e))?;
    to_js(&pattern)
}

/// An error message with every JWT, GitLab token and AWS secret in it masked.
#[wasm_bindgen(js_name = maskSecrets)]
#[must_use]
pub fn mask_secrets(text: &str) -> String {
    command::mask_secrets(text)
}

/// Whether an argument has the shape of a compact token (valid or broken): the command never
/// writes such an argument back.
#[wasm_bindgen(js_name = isTokenShaped)]
#[must_use]
pub fn is_token_shaped(text: &str) -> bool {
    command::token_shaped(text)
}
