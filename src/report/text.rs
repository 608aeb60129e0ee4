//! The report as plain text, grouped by file and role; no colour (a terminal's shell adds it).
//!
//! ```text
//! cfn.yaml: a CloudFormation template, 2 roles, 1 not linted (trusts no OIDC provider)
//!   role DeployRole (line 12)
//!     line 20: warning POL007 sub-any-ref: …
//!     unknown until deploy or apply: $.Statement[0].Principal.Federated
//!   role Other (line 40): no findings
//! 2 roles in 1 file: 0 errors, 1 warning, 0 info
//! ```

use std::fmt::Write as _;

use super::{role_label, LintReport};
use crate::finding::Severity;

pub(super) fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for file in &report.files {
        if let Some(error) = &file.error {
            let _ = writeln!(out, "{}: error {}: {}", file.path, error.code, error.message);
            continue;
        }
        let _ = write!(
            out,
            "{}: {}, {}",
            file.path,
            file.format.describe(),
            plural(file.roles.len(), "role", "roles")
        );
        if file.skipped > 0 {
            let _ = write!(out, ", {} not linted (trusts no OIDC provider)", file.skipped);
        }
        out.push('\n');
        for role in &file.roles {
            let _ = write!(out, "  {}", role_label(role));
            if let Some(line) = role.line {
                let _ = write!(out, " (line {line})");
            }
            if role.findings.is_empty() && role.error.is_none() {
                out.push_str(if role.unknown.iter().any(|p| p == "$") {
                    ": its policy is known only after apply or at deploy time, not linted"
                } else {
                    ": no findings"
                });
            }
            out.push('\n');
            if let Some(error) = &role.error {
                let _ = writeln!(out, "    error {}: {}", error.code, error.message);
            }
            for finding in &role.findings {
                out.push_str("    ");
                if let Some(line) = finding.line.or(role.line) {
                    let _ = write!(out, "line {line}: ");
                }
                let severity = match finding.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "info",
                };
                let _ = writeln!(out, "{severity} {} {}: {}", finding.code, finding.name, finding.message);
            }
            let partial: Vec<&str> = role.unknown.iter().map(String::as_str).filter(|p| *p != "$").collect();
            if !partial.is_empty() {
                let _ = writeln!(out, "    unknown until deploy or apply: {}", partial.join(", "));
            }
        }
    }
    let counts = report.counts;
    let files = report.files.len();
    let _ = writeln!(
        out,
        "{} in {}: {}, {}, {} info",
        plural(counts.roles, "role", "roles"),
        plural(files, "file", "files"),
        plural(counts.error, "error", "errors"),
        plural(counts.warning, "warning", "warnings"),
        counts.info
    );
    let unusable = report.files.iter().filter(|f| f.error.is_some()).count()
        + report
            .files
            .iter()
            .flat_map(|f| &f.roles)
            .filter(|r| r.error.is_some())
            .count();
    if unusable > 0 {
        let _ = writeln!(
            out,
            "{} could not be read",
            plural(unusable, "file or role", "files or roles")
        );
    }
    out
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
