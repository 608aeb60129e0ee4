//! Lint of files: every trust policy the files hold ([`crate::sources::files`]), linted with
//! one context, each finding located by file, role and line; and the reports CI reads:
//! GitLab Code Quality, SARIF 2.1.0, `JUnit` XML, plain text, and the report itself as JSON.
//!
//! A file that cannot be used is reported in its [`FileReport::error`], never thrown, so one
//! bad file does not hide the findings of the others.

mod codequality;
mod junit;
mod sarif;
mod text;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::Coded;
use crate::finding::{Finding, Severity};
use crate::lint::{self, Context};
use crate::policy::unknown;
use crate::sources::files::{self, Format, FoundRole, Policy};

/// One file to lint: its path (as the caller names it, used in every report) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// Every file's findings, and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintReport {
    pub files: Vec<FileReport>,
    pub counts: Counts,
}

/// Roles reported, and findings by severity, over all files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub roles: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// One file: what it was recognised as, its roles, and the roles it has that trust no OIDC
/// provider (`skipped`: counted, not linted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileReport {
    pub path: String,
    pub format: Format,
    pub roles: Vec<RoleReport>,
    pub skipped: usize,
    /// Why the file could not be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ReportError>,
}

/// A file, or one role's document, that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// One role (or bare policy) and its findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleReport {
    /// Role name, Terraform address or CloudFormation logical id; empty for a bare policy.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// JSON paths (in the document) of values known only at deploy time or after apply.
    pub unknown: Vec<String>,
    pub findings: Vec<LocatedFinding>,
    /// Why this role's document could not be linted (the file's other roles still are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ReportError>,
}

/// A lint finding with the line it points at, where the file's format has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocatedFinding {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub why: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// Lints every trust policy in the files with one context (what the jobs send, the account).
#[must_use]
pub fn lint_files(files: &[SourceFile], context: &Context) -> LintReport {
    let mut report = LintReport {
        files: Vec::with_capacity(files.len()),
        counts: Counts::default(),
    };
    let mut with_unknowns = context.clone();
    with_unknowns.unknown_values = true;
    for file in files {
        let file_report = match files::read(&file.text) {
            Err(error) => FileReport {
                path: file.path.clone(),
                format: error.format(),
                roles: Vec::new(),
                skipped: 0,
                error: Some(ReportError {
                    code: error.code().to_owned(),
                    message: error.message(&file.path),
                    line: error.position().map(|(line, _)| line),
                    column: error.position().map(|(_, column)| column),
                }),
            },
            Ok(source) => FileReport {
                path: file.path.clone(),
                format: source.format,
                roles: source
                    .roles
                    .iter()
                    .map(|role| {
                        let context = if role.names.is_empty() { context } else { &with_unknowns };
                        lint_role(role, context)
                    })
                    .collect(),
                skipped: source.skipped,
                error: None,
            },
        };
        report.counts.roles += file_report.roles.len();
        for finding in file_report.roles.iter().flat_map(|r| &r.findings) {
            match finding.severity {
                Severity::Error => report.counts.error += 1,
                Severity::Warning => report.counts.warning += 1,
                Severity::Info => report.counts.info += 1,
            }
        }
        report.files.push(file_report);
    }
    report
}

fn lint_role(role: &FoundRole, context: &Context) -> RoleReport {
    let shown = |text: &str| unknown::display(text, &role.names);
    let mut report = RoleReport {
        name: role.name.clone(),
        line: role.line,
        unknown: role.unknown.clone(),
        findings: Vec::new(),
        error: None,
    };
    match &role.policy {
        Policy::Unknown => {}
        Policy::Error { code, message } => {
            report.error = Some(ReportError {
                code: (*code).to_owned(),
                message: shown(message),
                line: role.line,
                column: None,
            });
        }
        Policy::Document(document) => {
            report.findings = lint::lint(document, context)
                .into_iter()
                .map(|finding| locate(finding, role, &shown))
                .collect();
        }
    }
    report
}

fn locate(finding: Finding, role: &FoundRole, shown: &dyn Fn(&str) -> String) -> LocatedFinding {
    let line = match (&finding.path, &role.lines) {
        (Some(path), Some(lines)) => Some(lines.line_at(path)),
        _ => None,
    };
    LocatedFinding {
        code: finding.code.to_owned(),
        name: finding.name.to_owned(),
        severity: finding.severity,
        message: shown(&finding.message),
        why: finding.why.to_owned(),
        claim: finding.claim,
        path: finding.path,
        // A fix is the whole document as JSON: not one for a document with deploy-time values.
        fix: finding.fix.filter(|fix| !unknown::has_unknown(fix)),
        line,
    }
}

/// The report formats [`render`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
    CodeQuality,
    Sarif,
    Junit,
}

impl ReportFormat {
    /// The names the command and the export take.
    pub const NAMES: &'static str = "text, json, codequality, sarif or junit";

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "text" => Self::Text,
            "json" => Self::Json,
            "codequality" => Self::CodeQuality,
            "sarif" => Self::Sarif,
            "junit" => Self::Junit,
            _ => return None,
        })
    }
}

/// Why a report cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReportInputError {
    #[error("format {0:?} is unknown; expected {names}", names = ReportFormat::NAMES)]
    Format(String),
    #[error("report is not a lint report: {0}")]
    Report(String),
    #[error("files are not a list of {{path, text}}: {0}")]
    Files(String),
}

impl Coded for ReportInputError {
    fn code(&self) -> &'static str {
        match self {
            Self::Format(_) => "report.format",
            Self::Report(_) => "report.invalid",
            Self::Files(_) => "files.invalid",
        }
    }
}

/// Reads the files argument from its JSON text.
///
/// # Errors
/// [`ReportInputError::Files`] for anything but a list of `{path, text}` objects.
pub fn files_from_json(text: &str) -> Result<Vec<SourceFile>, ReportInputError> {
    serde_json::from_str(text).map_err(|e| ReportInputError::Files(crate::text::display(&e)))
}

/// Reads a report (as [`lint_files`] returns it, e.g. after a round trip through JSON).
///
/// # Errors
/// [`ReportInputError::Report`] for anything else.
pub fn report_from_json(text: &str) -> Result<LintReport, ReportInputError> {
    serde_json::from_str(text).map_err(|e| ReportInputError::Report(crate::text::display(&e)))
}

/// Renders a report in one of the formats.
#[must_use]
pub fn render(report: &LintReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Text => text::render(report),
        ReportFormat::Json => crate::text::json_pretty_line(&serde_json::to_value(report).unwrap_or_default()),
        ReportFormat::CodeQuality => codequality::render(report),
        ReportFormat::Sarif => sarif::render(report),
        ReportFormat::Junit => junit::render(report),
    }
}

/// 64-bit FNV-1a (Fowler, Noll, Vo; draft-eastlake-fnv), as 16 hex digits: a fingerprint that
/// is the same on every run, for the same input, on every platform.
#[must_use]
pub fn fnv1a64(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// What identifies a finding across runs and line moves: the file, the role, the code, the
/// JSON path, and which of the role's findings with that code and path it is. Never the line
/// or the message (a message may quote a value that an unrelated edit reformats).
#[must_use]
pub fn fingerprint(path: &str, role: &str, code: &str, json_path: &str, occurrence: usize) -> String {
    let key = format!("{path}\0{role}\0{code}\0{json_path}\0{occurrence}");
    fnv1a64(key.as_bytes())
}

/// Every finding of a role with its fingerprint.
pub(crate) fn fingerprinted<'a>(file: &'a FileReport, role: &'a RoleReport) -> Vec<(&'a LocatedFinding, String)> {
    let mut out: Vec<(&LocatedFinding, String)> = Vec::with_capacity(role.findings.len());
    for (index, finding) in role.findings.iter().enumerate() {
        let json_path = finding.path.as_deref().unwrap_or("");
        let occurrence = role.findings[..index]
            .iter()
            .filter(|f| f.code == finding.code && f.path.as_deref().unwrap_or("") == json_path)
            .count();
        let print = fingerprint(&file.path, &role.name, &finding.code, json_path, occurrence);
        out.push((finding, print));
    }
    out
}

/// How a role is named in reports: its name, or "the policy" for a bare one.
pub(crate) fn role_label(role: &RoleReport) -> String {
    if role.name.is_empty() {
        "the policy".to_owned()
    } else {
        format!("role {}", role.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv, "test vectors").
        assert_eq!(fnv1a64(b""), "cbf29ce484222325");
        assert_eq!(fnv1a64(b"a"), "af63dc4c8601ec8c");
        assert_eq!(fnv1a64(b"foobar"), "85944171f73967e8");
    }

    #[test]
    fn fingerprints_depend_on_what_identifies_a_finding() {
        let base = fingerprint("a.json", "deploy", "POL007", "$.Statement[0]", 0);
        assert_eq!(base, fingerprint("a.json", "deploy", "POL007", "$.Statement[0]", 0));
        for other in [
            fingerprint("b.json", "deploy", "POL007", "$.Statement[0]", 0),
            fingerprint("a.json", "other", "POL007", "$.Statement[0]", 0),
            fingerprint("a.json", "deploy", "POL006", "$.Statement[0]", 0),
            fingerprint("a.json", "deploy", "POL007", "$.Statement[1]", 0),
            fingerprint("a.json", "deploy", "POL007", "$.Statement[0]", 1),
            // The separator keeps the parts apart.
            fingerprint("a.jsondeploy", "", "POL007", "$.Statement[0]", 0),
        ] {
            assert_ne!(base, other);
        }
    }
}
