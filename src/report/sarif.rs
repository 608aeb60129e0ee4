//! SARIF 2.1.0 (OASIS): one run of `gitlab-aws-oidc`, its lint rules with their documentation
//! in `tool.driver.rules`, one result per finding with its rule, level (error, warning, or
//! `note` for info), message, physical location (the file as a relative URI and the line) and
//! the role as a logical location. A file or role that could not be read is a tool execution
//! notification of the run's invocation. Checked against the SARIF 2.1.0 JSON schema in tests.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use super::{fingerprinted, role_label, LintReport, ReportError};
use crate::finding::Severity;
use crate::lint::DOCUMENTED;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(super) fn render(report: &LintReport) -> String {
    let rules: Vec<Value> = DOCUMENTED
        .iter()
        .map(|(rule, docs)| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.why },
                "fullDescription": { "text": docs.what_it_does },
                "help": { "text": format!("{} {}", docs.what_it_does, docs.why_is_this_bad) },
                "defaultConfiguration": { "level": level(rule.severity) },
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in &report.files {
        if let Some(error) = &file.error {
            notifications.push(notification(error, &error.message, &file.path, None));
        }
        for role in &file.roles {
            if let Some(error) = &role.error {
                let message = format!("{}: {}", role_label(role), error.message);
                notifications.push(notification(error, &message, &file.path, Some(&role.name)));
            }
            for (finding, print) in fingerprinted(file, role) {
                let mut result = Map::new();
                result.insert("ruleId".into(), finding.code.as_str().into());
                if let Some(index) = DOCUMENTED.iter().position(|(r, _)| r.code == finding.code) {
                    result.insert("ruleIndex".into(), index.into());
                }
                result.insert("level".into(), level(finding.severity).into());
                result.insert(
                    "message".into(),
                    json!({ "text": format!("{}: {}", role_label(role), finding.message) }),
                );
                result.insert(
                    "locations".into(),
                    json!([location(&file.path, finding.line.or(role.line), Some(&role.name))]),
                );
                result.insert("partialFingerprints".into(), json!({ "gitlabAwsOidc/v1": print }));
                results.push(Value::Object(result));
            }
        }
    }
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "gitlab-aws-oidc",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    crate::text::json_pretty_line(&sarif)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn notification(error: &ReportError, message: &str, path: &str, role: Option<&str>) -> Value {
    json!({
        "level": "error",
        "message": { "text": message },
        "descriptor": { "id": error.code },
        "locations": [location(path, error.line, role)],
    })
}

fn location(path: &str, line: Option<usize>, role: Option<&str>) -> Value {
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), json!({ "uri": uri(path) }));
    if let Some(line) = line.filter(|l| *l > 0) {
        physical.insert("region".into(), json!({ "startLine": line }));
    }
    let mut location = Map::new();
    location.insert("physicalLocation".into(), Value::Object(physical));
    if let Some(role) = role.filter(|r| !r.is_empty()) {
        location.insert("logicalLocations".into(), json!([{ "name": role, "kind": "resource" }]));
    }
    Value::Object(location)
}

/// A file path as a relative URI reference: `\` as `/`, and every byte but unreserved
/// characters and `/` percent-encoded (RFC 3986), so spaces, `#` and `%` survive.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'\\' => out.push('/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_relative_uris() {
        assert_eq!(uri("infra/role.json"), "infra/role.json");
        assert_eq!(uri("my dir\\a#1%.yaml"), "my%20dir/a%231%25.yaml");
        assert_eq!(uri("é"), "%C3%A9");
    }
}
