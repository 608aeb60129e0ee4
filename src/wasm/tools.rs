//! The exports that build and check (feature `tools`): trust policies, their
//! lint, evaluation and comparison, pipeline snippets and the diagnosis of STS errors. See `src/wasm.rs`.

use wasm_bindgen::prelude::*;

use super::{js_error, json_text, to_js};
use crate::policy::generate::{self, TokenPolicyOptions};
use crate::policy::spec::TrustPolicySpec;

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

/// Why STS (or the job around it) refused: the error found in a pasted text, its causes checked
/// against what the context holds (token or claims, policy, job, role ARN, client IDs, …), most
/// likely first, and findings about the input. A text with no recognisable error still gets
/// every check the context allows (`error.code` is `unknown`). A token found in the text is
/// masked in every string of the result.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` (`diagnose.context`, its `field` naming the entry) only for a
/// context that cannot be read.
#[wasm_bindgen(js_name = diagnose, unchecked_return_type = "Diagnosis")]
pub fn diagnose(
    #[wasm_bindgen(js_name = errorText)] error_text: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "DiagnoseContext")] context: &JsValue,
) -> Result<JsValue, JsValue> {
    let context = json_text(context, "context", "diagnose.context", true)?;
    let diagnosis = crate::diagnose::diagnose_text(error_text, &context).map_err(|e| js_error(&e))?;
    to_js(&diagnosis)
}
