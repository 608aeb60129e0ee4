//! The exports of the lint command (feature `files`, in the package's main module only):
//! every trust policy in a set of files, and its reports. See `src/wasm.rs`.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::{coded_error, js_error, json_text, stringify, to_js};
use crate::lint::Context;
use crate::report::{self, ReportFormat, ReportInputError};

/// Lints every trust policy in the files (recognised by content: policies, roles, IAM's
/// outputs, Terraform plans and states, CloudFormation templates), with one lint context.
/// A file that cannot be used is reported in its `error`, never thrown.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` when `files` is not a list of `{path, text}` (`files.invalid`)
/// or the options are not a valid lint context (`context.invalid`, a token code).
#[wasm_bindgen(js_name = lintFiles, unchecked_return_type = "LintReport")]
pub fn lint_files(
    #[wasm_bindgen(unchecked_param_type = "SourceFile[]")] files: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "LintFilesOptions")] options: &JsValue,
) -> Result<JsValue, JsValue> {
    if !Array::is_array(files) {
        return Err(coded_error(
            "files.invalid",
            "files is not a list; expected [{path, text}, …]",
        ));
    }
    let files = stringify(files, "files", "files.invalid")?;
    let files = report::files_from_json(&files).map_err(|e| js_error(&e))?;
    let options = json_text(options, "options", "context.invalid", true)?;
    let context = Context::from_json(&options).map_err(|e| js_error(&e))?;
    to_js(&report::lint_files(&files, &context))
}

/// A lint report (as `lintFiles` returns it) as text, JSON, GitLab Code Quality JSON,
/// SARIF 2.1.0 or `JUnit` XML.
///
/// # Errors
/// Throws a `GitlabAwsOidcError` for an unknown format (`report.format`) or a value that is
/// not a lint report (`report.invalid`).
#[wasm_bindgen(js_name = renderLintReport)]
pub fn render_lint_report(
    #[wasm_bindgen(unchecked_param_type = "LintReport")] report: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "LintReportFormat")] format: &str,
) -> Result<String, JsValue> {
    let format =
        ReportFormat::from_name(format).ok_or_else(|| js_error(&ReportInputError::Format(format.to_owned())))?;
    let text = json_text(report, "report", "report.invalid", false)?;
    let report = report::report_from_json(&text).map_err(|e| js_error(&e))?;
    Ok(report::render(&report, format))
}
