//! `lintFiles`' core: every source format on fixtures shaped like the tools' real output
//! (tests/fixtures/sources/README.md says where each shape is documented), the names and lines
//! findings carry, values known only at deploy time or after apply, unusable files, and every
//! report format (snapshots of one run over all fixtures). The reports are also checked by
//! independent tools in tests/tools/lint-reports.test.mjs.
#![cfg(not(target_arch = "wasm32"))]

use gitlab_aws_oidc::lint::Context;
use gitlab_aws_oidc::report::{
    lint_files, render, report_from_json, FileReport, LintReport, ReportFormat, RoleReport, SourceFile,
};
use gitlab_aws_oidc::sources::files::Format;

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

fn one(name: &str) -> FileReport {
    lint_files(&[fixture(name)], &Context::default()).files.remove(0)
}

fn text(path: &str, text: &str) -> FileReport {
    lint_with(path, text, "{}")
}

fn lint_with(path: &str, text: &str, context: &str) -> FileReport {
    let file = SourceFile {
        path: path.to_owned(),
        text: text.to_owned(),
    };
    lint_files(&[file], &Context::from_json(context).unwrap())
        .files
        .remove(0)
}

fn role<'a>(file: &'a FileReport, name: &str) -> &'a RoleReport {
    file.roles
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no role {name} in {}: {:?}", file.path, names(file)))
}

fn names(file: &FileReport) -> Vec<&str> {
    file.roles.iter().map(|r| r.name.as_str()).collect()
}

fn codes(role: &RoleReport) -> Vec<&str> {
    role.findings.iter().map(|f| f.code.as_str()).collect()
}

/// The text of a 1-based line of a fixture.
fn line_of(name: &str, line: usize) -> String {
    fixture(name).text.lines().nth(line - 1).unwrap_or_default().to_owned()
}

#[test]
fn every_format_is_recognised_by_its_content() {
    let report = all();
    let formats: Vec<Format> = report.files.iter().map(|f| f.format).collect();
    assert_eq!(
        formats,
        [
            Format::Policy,
            Format::Role,
            Format::GetRole,
            Format::ListRoles,
            Format::AccountAuthorizationDetails,
            Format::TerraformPlan,
            Format::TerraformState,
            Format::Cloudformation,
            Format::Cloudformation,
        ]
    );
    assert!(report.files.iter().all(|f| f.error.is_none()), "{report:#?}");
    // Recognised by content, never by name: a template named .json, a plan named .yaml.
    let renamed = text("plan.yaml", &fixture("terraform-plan.json").text);
    assert_eq!(renamed.format, Format::TerraformPlan);
    let renamed = text("template.txt", &fixture("cloudformation.yaml").text);
    assert_eq!(renamed.format, Format::Cloudformation);
    let counts = report.counts;
    let by_severity = |s: &str| {
        report
            .files
            .iter()
            .flat_map(|f| &f.roles)
            .flat_map(|r| &r.findings)
            .filter(|f| serde_json::to_value(f.severity).unwrap() == s)
            .count()
    };
    assert_eq!(
        (counts.error, counts.warning, counts.info),
        (by_severity("error"), by_severity("warning"), by_severity("info"))
    );
    assert_eq!(counts.roles, report.files.iter().map(|f| f.roles.len()).sum::<usize>());
}

#[test]
fn iam_outputs_lint_the_roles_that_trust_an_oidc_provider_and_count_the_others() {
    let policy = one("policy.json");
    assert_eq!(names(&policy), [""]);
    assert_eq!(codes(&policy.roles[0]), ["POL007", "POL014"]);
    // The document URL-encoded, as IAM's API returns it, and printed by get-role: same verdict.
    for name in ["role-api.json", "get-role.json"] {
        let file = one(name);
        assert_eq!(names(&file), ["gitlab-ci-app-deploy"], "{name}");
        assert!(
            file.roles[0].findings.is_empty(),
            "{name}: {:?}",
            file.roles[0].findings
        );
    }
    let list = one("list-roles.json");
    assert_eq!((names(&list), list.skipped), (vec!["gitlab-ci-group-wide"], 1));
    let details = one("account-authorization-details.json");
    // ec2-instance (a service) and cross-account-audit (an account) trust no OIDC provider.
    assert_eq!(
        (names(&details), details.skipped),
        (
            vec!["gitlab-ci-app-deploy", "gitlab-ci-group-wide", "github-actions-copy"],
            2
        )
    );
    assert_eq!(
        codes(role(&details, "gitlab-ci-group-wide")),
        ["POL006", "POL007", "POL014"]
    );
    assert_eq!(codes(role(&details, "github-actions-copy")), ["POL011"]);
}

#[test]
fn findings_point_at_the_line_of_what_they_are_about() {
    let name = "account-authorization-details.json";
    let details = one(name);
    let group = role(&details, "gitlab-ci-group-wide");
    assert!(line_of(name, group.line.unwrap()).contains("\"AssumeRolePolicyDocument\""));
    for finding in &group.findings {
        let line = line_of(name, finding.line.unwrap());
        assert!(line.contains("\"gitlab.com:sub\""), "{}: {line}", finding.code);
    }
    let name = "cloudformation.yaml";
    let template = one(name);
    let deploy = role(&template, "DeployRole");
    assert!(line_of(name, deploy.line.unwrap()).contains("AssumeRolePolicyDocument:"));
    assert!(line_of(name, deploy.findings[0].line.unwrap()).contains("gitlab.com:sub: !Sub"));
    // A document embedded as JSON text has one line: its own.
    let name = "terraform-state.json";
    let state = one(name);
    let release = role(&state, "aws_iam_role.release");
    assert!(line_of(name, release.line.unwrap()).contains("\"assume_role_policy\""));
    assert_eq!(release.findings[0].line, None);
}

#[test]
fn terraform_plans_read_changes_planned_values_and_prior_data_sources() {
    let plan = one("terraform-plan.json");
    // aws_iam_role.legacy is deleted by the plan; aws_iam_role.function trusts Lambda; the data
    // source gitlab_trust is the document aws_iam_role.deploy carries; module.ci's data source is
    // unknown until apply, and so is the role that uses it.
    assert_eq!(names(&plan), ["aws_iam_role.deploy", "module.ci.aws_iam_role.this[0]"]);
    assert_eq!(plan.skipped, 1);
    assert_eq!(codes(role(&plan, "aws_iam_role.deploy")), ["POL007"]);
    let unknown = role(&plan, "module.ci.aws_iam_role.this[0]");
    assert_eq!(
        (unknown.unknown.as_slice(), unknown.findings.len()),
        (&["$".to_owned()][..], 0)
    );
    assert_eq!(unknown.error, None);

    let state = one("terraform-state.json");
    // The release_trust data source is the release role's document; deploy_permissions is a
    // permissions policy, not a trust policy.
    assert_eq!(
        names(&state),
        ["aws_iam_role.release", "module.ci.aws_iam_role.this[\"build\"]"]
    );
    assert_eq!(codes(role(&state, "aws_iam_role.release")), ["POL025"]);

    // A data source that no role carries is linted under its own address.
    let mut state: serde_json::Value = serde_json::from_str(&fixture("terraform-state.json").text).unwrap();
    let data = &mut state["values"]["root_module"]["resources"][2];
    assert_eq!(data["address"], "data.aws_iam_policy_document.release_trust");
    let json = data["values"]["json"].as_str().unwrap().replace("ref:v*", "ref:v*x");
    data["values"]["json"] = json.into();
    let lone = text("state.json", &state.to_string());
    assert!(
        names(&lone).contains(&"data.aws_iam_policy_document.release_trust"),
        "{:?}",
        names(&lone)
    );
}

#[test]
fn cloudformation_functions_stay_unknown_values_the_rules_reason_about() {
    let template = one("cloudformation.yaml");
    assert_eq!(
        (names(&template), template.skipped),
        (vec!["DeployRole", "ReleaseRole", "ConditionalRole"], 1)
    );

    // !GetAtt of the template's own OIDC provider is that provider: no POL016, POL019 or POL010.
    // `project_path:${GitLabGroup}/app:…:ref:*` names one group's project, any branch.
    let deploy = role(&template, "DeployRole");
    assert_eq!(codes(deploy), ["POL007"]);
    assert!(deploy.findings[0]
        .message
        .contains("\"project_path:${GitLabGroup}/app:ref_type:branch:ref:*\""));
    assert_eq!(
        deploy.unknown,
        [
            "$.Statement[0].Principal.Federated",
            "$.Statement[0].Condition.StringLike[\"gitlab.com:sub\"]"
        ]
    );
    // A provider from another stack is read as the gitlab.com provider its keys name: the
    // gitlab.com rules apply (the project is named by path, no project_id pin).
    let release = role(&template, "ReleaseRole");
    assert_eq!(codes(release), ["POL014"]);
    // Both branches of !If are linted.
    let conditional = role(&template, "ConditionalRole");
    assert_eq!(codes(conditional), ["POL006", "POL020"]);

    let json = one("cloudformation.json");
    let build = role(&json, "BuildRole");
    // !FindInMap gave the audience; the account and partition are unknown, the host is written.
    assert_eq!(codes(build), ["POL005"]);
    assert_eq!(build.unknown, ["$.Statement[0].Principal.Federated"]);
    assert!(json
        .roles
        .iter()
        .flat_map(|r| &r.findings)
        .all(|f| f.fix.is_none() || !f.fix.as_deref().unwrap().contains('\u{e000}')));
}

/// A template with one role whose `Statement` is `statement` (YAML, indented for its place).
fn template(statement: &str) -> String {
    format!(
        "Parameters:\n  Group: {{Type: String}}\n  Audience: {{Type: String}}\n  Sub: {{Type: String}}\n  ProviderArn: {{Type: String}}\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n{statement}"
    )
}

fn statement(federated: &str, operator: &str, sub: &str, aud: &str) -> String {
    let block = if operator == "StringEquals" {
        String::new()
    } else {
        format!("              {operator}:\n")
    };
    format!(
        "          - Effect: Allow\n            Principal:\n              Federated: {federated}\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringEquals:\n                gitlab.com:aud: {aud}\n                gitlab.com:project_id: \"46573356\"\n{block}                gitlab.com:sub: {sub}\n"
    )
}

const PROVIDER: &str = "!Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/gitlab.com";

fn lint_template(statement: &str, context: &str) -> RoleReport {
    let file = lint_with("t.yaml", &template(statement), context);
    assert_eq!(file.error, None);
    file.roles.into_iter().next().unwrap()
}

#[test]
fn what_the_linter_concludes_from_unknown_parts() {
    let cases: [(&str, &str, &[&str]); 8] = [
        // One project of an unknown group, on main: nothing to say.
        (
            "StringEquals",
            "!Sub project_path:${Group}/app:ref_type:branch:ref:main",
            &[],
        ),
        // Every project of the (unknown) group: still a group wildcard.
        (
            "StringLike",
            "!Sub project_path:${Group}/*:ref_type:branch:ref:main",
            &["POL006"],
        ),
        // A wildcard in the top-level group, whatever the rest: any project.
        (
            "StringLike",
            "!Sub project_path:*/${Group}:ref_type:branch:ref:main",
            &["POL005"],
        ),
        // The whole sub from a parameter: the rules cannot see it, and do not guess.
        ("StringLike", "!Ref Sub", &[]),
        // ${!Literal} is the text ${Literal}: an IAM policy variable with no value.
        (
            "StringEquals",
            "!Sub project_path:acme/app:ref_type:branch:ref:${!CI_COMMIT_REF_NAME}",
            &["POL026"],
        ),
        // A component name the template writes is still checked.
        (
            "StringEquals",
            "!Sub project_path:${Group}/app:ref_type:mr:ref:main",
            &["POL011"],
        ),
        // Joined and selected values are computed.
        (
            "StringEquals",
            "!Join ['', [project_path:acme/app, ':ref_type:branch:ref:', !Select [1, [a, main]]]]",
            &[],
        ),
        // Both alternatives are linted.
        (
            "StringLike",
            "!If [Prod, project_path:acme/app:ref_type:branch:ref:main, 'project_path:acme/app:*']",
            &["POL007", "POL020"],
        ),
    ];
    for (operator, sub, expected) in cases {
        let role = lint_template(&statement(PROVIDER, operator, sub, "sts.amazonaws.com"), "{}");
        assert_eq!(codes(&role), *expected, "{sub}: {:#?}", role.findings);
        assert_eq!(role.error, None);
    }
    // StringLike with a value known only at deploy time may hold a wildcard: no POL004.
    let role = lint_template(
        &statement(
            PROVIDER,
            "StringLike",
            "!Sub project_path:acme/app:ref_type:branch:ref:${Ref}",
            "sts.amazonaws.com",
        ),
        "{}",
    );
    assert_eq!(codes(&role), [""; 0]);
}

#[test]
fn unknown_principals_accounts_and_audiences_are_not_mismatches() {
    let context = r#"{"accountId":"123456789012","partition":"aws","audience":"sts.amazonaws.com"}"#;
    let sub = "project_path:acme/app:ref_type:branch:ref:main";
    for federated in [
        PROVIDER,
        "!Ref ProviderArn",
        "!ImportValue shared-provider",
        "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${Host}",
    ] {
        for aud in ["sts.amazonaws.com", "!Ref Audience"] {
            let role = lint_template(&statement(federated, "StringEquals", sub, aud), context);
            assert_eq!(codes(&role), [""; 0], "{federated} {aud}: {:#?}", role.findings);
        }
    }
    // What is written is still checked against the context.
    let role = lint_template(
        &statement(
            "arn:aws:iam::210987654321:oidc-provider/gitlab.com",
            "StringEquals",
            sub,
            "sts.amazonaws.com",
        ),
        context,
    );
    assert_eq!(codes(&role), ["POL019"]);
    let role = lint_template(&statement(PROVIDER, "StringEquals", sub, "https://gitlab.com"), context);
    assert_eq!(codes(&role), ["POL022"]);
    // Without keys naming one host, a principal from a parameter is left alone (no POL016).
    let statement = "          - Effect: Allow\n            Principal:\n              Federated: !Ref ProviderArn\n            Action: sts:AssumeRoleWithWebIdentity\n";
    let role = lint_template(statement, "{}");
    assert!(!codes(&role).contains(&"POL016"), "{:?}", codes(&role));
    assert!(codes(&role).contains(&"POL001"), "{:?}", codes(&role));
}

#[test]
fn a_token_against_a_value_known_at_deploy_time_is_undecided_not_denied() {
    let token = std::fs::read_to_string("tests/fixtures/tokens/gitlab-com-main.jwt").unwrap();
    let context = format!(r#"{{"token":{:?}}}"#, token.trim());
    let role = lint_template(
        &statement(
            PROVIDER,
            "StringEquals",
            "!Sub project_path:${Group}/platform/deployer:ref_type:branch:ref:main",
            "sts.amazonaws.com",
        ),
        &context,
    );
    assert_eq!(codes(&role), ["POL023"]);
    let finding = &role.findings[0];
    assert_eq!(serde_json::to_value(finding.severity).unwrap(), "warning");
    assert!(finding.message.contains("undecided"), "{}", finding.message);
    // Written out, the same policy admits the token.
    let role = lint_template(
        &statement(
            PROVIDER,
            "StringEquals",
            "project_path:acme/platform/deployer:ref_type:branch:ref:main",
            "sts.amazonaws.com",
        ),
        &context,
    );
    assert_eq!(codes(&role), [""; 0]);
}

#[test]
fn whole_documents_known_only_later_are_reported_as_unknown() {
    let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !If [Prod, !Ref A, !Ref B]\n  Other:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: x\n";
    let file = super_text(text);
    let unknown = role(&file, "Role");
    assert_eq!(
        (unknown.unknown.as_slice(), unknown.line),
        (&["$".to_owned()][..], Some(5))
    );
    let other = role(&file, "Other");
    assert_eq!(other.error.as_ref().map(|e| e.code.as_str()), Some("source.role"));
    // JSON text in the template is read as the document.
    let json_text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}'\n";
    let file = super_text(json_text);
    assert!(codes(&file.roles[0]).contains(&"POL016"));
}

fn super_text(text: &str) -> FileReport {
    self::text("t.yaml", text)
}

#[test]
fn unusable_files_are_reported_not_thrown() {
    let cases = [
        ("", "source.empty", None),
        ("{\n  \"Statement\": [,]\n}", "source.json", Some(2)),
        ("Resources:\n  a: b\n  - c\nd: e\n", "source.yaml", Some(3)),
        ("[1, 2]", "source.unrecognised", None),
        ("{\"foo\": 1}", "source.unrecognised", None),
        ("just text", "source.unrecognised", None),
        (
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
            "source.no_trust_policy",
            None,
        ),
        (
            "{\"format_version\":\"1.0\",\"terraform_version\":\"1.9.8\"}",
            "source.no_trust_policy",
            None,
        ),
        ("{\"RoleDetailList\": []}", "source.no_trust_policy", None),
        ("{\"Statement\": 1}", "policy.shape", None),
        (
            "{\"Role\": {\"AssumeRolePolicyDocument\": \"%ZZ\"}}",
            "source.role",
            None,
        ),
    ];
    for (input, code, line) in cases {
        let file = text("in/x.json", input);
        let error = file.error.as_ref().unwrap_or_else(|| panic!("{input:?}: {file:?}"));
        assert_eq!((error.code.as_str(), error.line), (code, line), "{input:?}: {error:?}");
        assert!(file.roles.is_empty());
        if code == "source.no_trust_policy" || code == "source.unrecognised" {
            assert!(
                error.message.starts_with("no trust policy found in in/x.json: "),
                "{}",
                error.message
            );
        }
    }
    // One bad role in a collection does not hide the others.
    let mut details: serde_json::Value =
        serde_json::from_str(&fixture("account-authorization-details.json").text).unwrap();
    details["RoleDetailList"][0]["AssumeRolePolicyDocument"] = serde_json::json!("{not json");
    let file = text("d.json", &details.to_string());
    assert_eq!(file.error, None);
    let bad = role(&file, "gitlab-ci-app-deploy");
    assert_eq!(bad.error.as_ref().map(|e| e.code.as_str()), Some("policy.json"));
    assert_eq!(role(&file, "github-actions-copy").findings.len(), 1);
}

#[test]
fn fingerprints_survive_line_moves_and_reruns() {
    let fingerprints = |report: &LintReport| -> Vec<(String, u64)> {
        let issues: serde_json::Value = serde_json::from_str(&render(report, ReportFormat::CodeQuality)).unwrap();
        issues
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["fingerprint"].as_str().unwrap().to_owned(),
                    i["location"]["lines"]["begin"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let before = fingerprints(&all());
    assert_eq!(before, fingerprints(&all()), "the same on every run");
    let unique: std::collections::BTreeSet<&String> = before.iter().map(|(f, _)| f).collect();
    assert_eq!(unique.len(), before.len(), "one fingerprint per issue");
    // Lines added above every role: the lines move, the fingerprints do not.
    let moved: Vec<SourceFile> = FIXTURES
        .iter()
        .map(|n| {
            let mut file = fixture(n);
            file.text = if std::path::Path::new(n).extension().is_some_and(|e| e == "yaml") {
                format!("# moved\n# down\n{}", file.text)
            } else {
                format!("\n\n{}", file.text)
            };
            file
        })
        .collect();
    let after = fingerprints(&lint_files(&moved, &Context::default()));
    assert_eq!(
        before.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        after.iter().map(|(f, _)| f).collect::<Vec<_>>()
    );
    assert!(before.iter().zip(&after).any(|((_, a), (_, b))| b == &(a + 2)));
}

#[test]
fn the_report_round_trips_through_json() {
    let report = all();
    let text = render(&report, ReportFormat::Json);
    assert_eq!(report_from_json(&text).unwrap(), report);
    assert_eq!(
        report_from_json("{\"files\": 1}").unwrap_err().to_string(),
        "report is not a lint report: invalid type: integer `1`, expected a sequence at line 1 column 11"
    );
}

#[test]
fn every_report_format_of_one_run_over_every_fixture() {
    let report = all();
    insta::assert_snapshot!("text", render(&report, ReportFormat::Text));
    insta::assert_snapshot!("json", render(&report, ReportFormat::Json));
    insta::assert_snapshot!("codequality", render(&report, ReportFormat::CodeQuality));
    insta::assert_snapshot!("sarif", render(&report, ReportFormat::Sarif));
    insta::assert_snapshot!("junit", render(&report, ReportFormat::Junit));
}
