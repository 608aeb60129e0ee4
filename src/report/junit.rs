//! `JUnit` XML, as GitLab's unit test reports read it (`artifacts:reports:junit`): a
//! `<testsuite>` per file, a `<testcase>` per role, a `<failure>` per finding at or above
//! warning (its `type` the code, its `message` the message). Info findings do not fail a
//! role: they are its `<system-out>`. A role whose policy is known only after apply or at
//! deploy time is `<skipped>`; a role or file that could not be read is an `<error>` (a file's
//! on a test case named after the file). The roles a file has that trust no OIDC provider are
//! counted in the suite's `skipped-roles` property.

use std::fmt::Write as _;

use super::{LintReport, ReportError, RoleReport};
use crate::finding::Severity;

pub(super) fn render(report: &LintReport) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for file in &report.files {
        let mut cases = String::new();
        let (mut suite_tests, mut suite_failures, mut suite_errors, mut suite_skipped) = (0, 0, 0, 0);
        if let Some(error) = &file.error {
            suite_tests += 1;
            suite_errors += 1;
            let _ = writeln!(
                cases,
                "    <testcase name=\"{}\" classname=\"{}\">\n{}    </testcase>",
                xml(&file.path),
                xml(&file.path),
                error_element(error, &error.message)
            );
        }
        for role in &file.roles {
            suite_tests += 1;
            let case = role_case(&file.path, role);
            suite_failures += case.failures;
            suite_errors += usize::from(role.error.is_some());
            suite_skipped += usize::from(case.skipped);
            cases.push_str(&case.xml);
        }
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{suite_tests}\" failures=\"{suite_failures}\" errors=\"{suite_errors}\" skipped=\"{suite_skipped}\">\n    <properties>\n      <property name=\"format\" value=\"{}\"/>\n      <property name=\"skipped-roles\" value=\"{}\"/>\n    </properties>\n{cases}  </testsuite>\n",
            xml(&file.path),
            xml(file.format.describe()),
            file.skipped
        );
        tests += suite_tests;
        failures += suite_failures;
        errors += suite_errors;
        skipped += suite_skipped;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gitlab-aws-oidc lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
    )
}

struct Case {
    xml: String,
    failures: usize,
    skipped: bool,
}

fn role_case(path: &str, role: &RoleReport) -> Case {
    let name = if role.name.is_empty() { "(policy)" } else { &role.name };
    let mut body = String::new();
    let mut failures = 0;
    let mut out = Vec::new();
    if let Some(error) = &role.error {
        body.push_str(&error_element(error, &error.message));
    }
    for finding in &role.findings {
        let line = finding.line.or(role.line);
        let at = line.map_or_else(|| path.to_owned(), |l| format!("{path}:{l}"));
        let text = format!(
            "{} {} {} at {at}{}\n{}\nwhy: {}",
            match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            },
            finding.code,
            finding.name,
            finding.path.as_deref().map(|p| format!(" ({p})")).unwrap_or_default(),
            finding.message,
            finding.why
        );
        if finding.severity == Severity::Info {
            out.push(text);
        } else {
            failures += 1;
            let _ = writeln!(
                body,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                xml(&finding.code),
                xml(&finding.message),
                xml(&text)
            );
        }
    }
    let skipped = role.error.is_none() && role.unknown.iter().any(|p| p == "$");
    if skipped {
        body.push_str("      <skipped message=\"the trust policy is known only after apply or at deploy time\"/>\n");
    } else if !role.unknown.is_empty() {
        out.push(format!("unknown until deploy or apply: {}", role.unknown.join(", ")));
    }
    if !out.is_empty() {
        let _ = writeln!(body, "      <system-out>{}</system-out>", xml(&out.join("\n")));
    }
    let line = role.line.map(|l| format!(" line=\"{l}\"")).unwrap_or_default();
    let xml = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"{line}>\n{body}    </testcase>\n",
        xml(name),
        xml(path),
        xml(path)
    );
    Case { xml, failures, skipped }
}

fn error_element(error: &ReportError, message: &str) -> String {
    format!(
        "      <error type=\"{}\" message=\"{}\">{}</error>\n",
        xml(&error.code),
        xml(message),
        xml(message)
    )
}

/// Text as XML character data or an attribute value: the five special characters escaped,
/// and characters XML 1.0 does not allow (most control characters) as U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || matches!(c, '\u{fffe}' | '\u{ffff}') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(xml("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
        assert_eq!(xml("bell\u{7}tab\t"), "bell\u{fffd}tab\t");
    }
}
