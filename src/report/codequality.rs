//! GitLab Code Quality: a JSON array of issues, each with the fields GitLab requires
//! (`description`, `check_name`, `fingerprint`, `severity`, `location.path`,
//! `location.lines.begin`; GitLab docs, "Code Quality", "Code Quality report format").
//!
//! Severity: error → `critical`, warning → `major`, info → `info`. A warning here is a real
//! widening of who can assume the role (a group wildcard, any ref, no `aud`), so `major`, not
//! `minor`. A file or role that could not be read is a `critical` issue named by its error code.
//! The fingerprint ([`super::fingerprint`]) stays the same across runs and line moves.

use serde_json::{json, Value};

use super::{fingerprinted, fnv1a64, role_label, LintReport};
use crate::finding::Severity;

pub(super) fn render(report: &LintReport) -> String {
    let mut issues = Vec::new();
    for file in &report.files {
        if let Some(error) = &file.error {
            let print = fnv1a64(format!("{}\0\0{}", file.path, error.code).as_bytes());
            issues.push(issue(
                &error.message,
                &error.code,
                &print,
                "critical",
                &file.path,
                error.line,
            ));
        }
        for role in &file.roles {
            if let Some(error) = &role.error {
                let print = fnv1a64(format!("{}\0{}\0{}", file.path, role.name, error.code).as_bytes());
                let description = format!("{}: {}", role_label(role), error.message);
                issues.push(issue(
                    &description,
                    &error.code,
                    &print,
                    "critical",
                    &file.path,
                    error.line,
                ));
            }
            for (finding, print) in fingerprinted(file, role) {
                let severity = match finding.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                };
                let description = format!(
                    "{} {} ({}): {}",
                    finding.code,
                    finding.name,
                    role_label(role),
                    finding.message
                );
                let line = finding.line.or(role.line);
                issues.push(issue(&description, &finding.code, &print, severity, &file.path, line));
            }
        }
    }
    crate::text::json_pretty_line(&Value::Array(issues))
}

fn issue(description: &str, check: &str, fingerprint: &str, severity: &str, path: &str, line: Option<usize>) -> Value {
    json!({
        "description": description,
        "check_name": check,
        "fingerprint": fingerprint,
        "severity": severity,
        "location": { "path": path, "lines": { "begin": line.unwrap_or(1) } },
    })
}
