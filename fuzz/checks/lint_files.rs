//! Lint of files: any bytes as a file `lintFiles` reads (a policy, a role, IAM's outputs, a
//! Terraform plan or state, a CloudFormation template in JSON or YAML). The file is always
//! reported (a coded error, or its roles); every report format renders; a line is 1-based and
//! within the file; the JSON report reads back as itself.
//!
//! The checks of the `lint_files` fuzz target, shared with the native replay of saved crash
//! inputs (`tests/fuzz_regressions.rs`).

use gitlab_aws_oidc::lint::Context;
use gitlab_aws_oidc::report::{lint_files, render, report_from_json, ReportFormat, SourceFile};

/// One fuzz input: panics when a check fails.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    // Lines as YAML counts them (`\r` breaks a line too), and one past the end.
    let lines = text.bytes().filter(|b| matches!(b, b'\n' | b'\r')).count() + 2;
    let report = lint_files(
        &[SourceFile {
            path: "fuzzed".to_owned(),
            text,
        }],
        &Context::default(),
    );
    assert_eq!(report.files.len(), 1, "one file in, one file reported");
    let file = &report.files[0];
    if let Some(error) = &file.error {
        assert!(error.code.contains('.'), "an error without a code: {error:?}");
        assert!(file.roles.is_empty(), "an unusable file with roles");
    }
    for role in &file.roles {
        let role_lines = role.line.into_iter().chain(role.findings.iter().filter_map(|f| f.line));
        for line in role_lines {
            assert!(
                (1..=lines).contains(&line),
                "line {line} outside the file ({lines} lines)"
            );
        }
    }
    for format in [
        ReportFormat::Text,
        ReportFormat::CodeQuality,
        ReportFormat::Sarif,
        ReportFormat::Junit,
    ] {
        assert!(!render(&report, format).is_empty());
    }
    let json = render(&report, ReportFormat::Json);
    assert_eq!(report_from_json(&json).expect("the JSON report reads back"), report);
}
