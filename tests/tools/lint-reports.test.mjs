// lintFiles' reports and fixtures, checked by independent tools (from .venv-tools, offline):
// - SARIF against the SARIF 2.1.0 JSON schema (tests/fixtures/sarif/, with its source), by
//   check-jsonschema; an invalid SARIF is refused, so the check checks;
// - JUnit XML read by junitparser (PyPI): a suite per file, a case per role, a failure per
//   finding at or above warning;
// - Code Quality against the fields GitLab documents as required;
// - the CloudFormation fixtures accepted by cfn-lint, so the adapter reads real templates.
// Needs scripts/setup-tools.sh and scripts/build.sh first; fails (never skips) without them.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, VENV_BIN, cleanup, outcome, run, tempDir } from "./lib.mjs";

const SOURCES = join(ROOT, "tests/fixtures/sources");
const FIXTURES = [
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
const SCHEMA = join(ROOT, "tests/fixtures/sarif/sarif-schema-2.1.0.json");

let lintFiles;
let renderLintReport;
let report;
let dir;

before(async () => {
  const missing = ["python", "check-jsonschema", "cfn-lint"].filter((t) => !existsSync(join(VENV_BIN, t)));
  if (missing.length > 0) throw new Error(`needs .venv-tools/bin/${missing.join(", ")}: run scripts/setup-tools.sh first`);
  if (!existsSync(join(ROOT, "pkg/gitlab_aws_oidc_bg.wasm"))) throw new Error("needs pkg/: run scripts/build.sh first");
  const pkg = await import(join(ROOT, "pkg/gitlab_aws_oidc.js"));
  pkg.initSync({ module: readFileSync(join(ROOT, "pkg/gitlab_aws_oidc_bg.wasm")) });
  ({ lintFiles, renderLintReport } = pkg);
  // Paths as a command run from the repository would name them; one file that is not JSON.
  const files = FIXTURES.map((name) => ({
    path: `tests/fixtures/sources/${name}`,
    text: readFileSync(join(SOURCES, name), "utf8"),
  }));
  files.push({ path: "broken dir/bad#1.json", text: "{\n  \"Statement\": [,]\n}\n" });
  report = lintFiles(files);
  dir = tempDir("lint-reports");
});

describe("lint reports", () => {
  test("SARIF validates against the SARIF 2.1.0 schema, and an invalid one does not", async () => {
    const sarif = renderLintReport(report, "sarif");
    const file = join(dir, "report.sarif");
    writeFileSync(file, sarif);
    const check = (path) =>
      run(join(VENV_BIN, "check-jsonschema"), ["--regex-variant", "nonunicode", "--schemafile", SCHEMA, path]);
    const ok = await check(file);
    assert.equal(ok.status, 0, outcome(ok));

    const log = JSON.parse(sarif);
    const [run0] = log.runs;
    const findings = report.files.flatMap((f) => f.roles.flatMap((r) => r.findings));
    assert.equal(run0.results.length, findings.length);
    const rules = run0.tool.driver.rules;
    for (const result of run0.results) {
      assert.equal(rules[result.ruleIndex].id, result.ruleId);
      assert.ok(rules[result.ruleIndex].shortDescription.text.length > 20);
      assert.ok(["error", "warning", "note"].includes(result.level));
    }
    // The unusable file is a notification, its path a URI reference.
    const [notification] = run0.invocations[0].toolExecutionNotifications;
    assert.equal(notification.descriptor.id, "source.json");
    assert.equal(notification.locations[0].physicalLocation.artifactLocation.uri, "broken%20dir/bad%231.json");
    assert.equal(run0.invocations[0].executionSuccessful, false);

    const bad = structuredClone(log);
    bad.runs[0].results[0].level = "fatal";
    writeFileSync(join(dir, "bad.sarif"), JSON.stringify(bad));
    const refused = await check(join(dir, "bad.sarif"));
    assert.notEqual(refused.status, 0, outcome(refused));
  });

  test("JUnit XML reads back in junitparser: a suite per file, a case per role, a failure per finding", async () => {
    const file = join(dir, "junit.xml");
    writeFileSync(file, renderLintReport(report, "junit"));
    const script = `
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = []
    for case in suite:
        cases.append({"name": case.name,
                      "failures": [r.type for r in case.result if isinstance(r, Failure)],
                      "errors": [r.type for r in case.result if isinstance(r, Error)],
                      "skipped": any(isinstance(r, Skipped) for r in case.result),
                      "out": case.system_out or ""})
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "errors": suite.errors, "cases": cases})
print(json.dumps(suites))
`;
    const result = await run(join(VENV_BIN, "python"), ["-c", script, file]);
    assert.equal(result.status, 0, outcome(result));
    const suites = JSON.parse(result.stdout);
    assert.deepEqual(
      suites.map((s) => s.name),
      report.files.map((f) => f.path),
    );
    for (const [index, file] of report.files.entries()) {
      const suite = suites[index];
      if (file.error) {
        assert.deepEqual(suite.cases.map((c) => c.errors), [[file.error.code]]);
        continue;
      }
      assert.deepEqual(
        suite.cases.map((c) => c.name),
        file.roles.map((r) => r.name || "(policy)"),
      );
      for (const [i, role] of file.roles.entries()) {
        const failing = role.findings.filter((f) => f.severity !== "info").map((f) => f.code);
        assert.deepEqual(suite.cases[i].failures, failing, `${file.path} ${role.name}`);
        assert.equal(suite.cases[i].skipped, role.unknown.includes("$"));
      }
      assert.equal(suite.failures, file.roles.flatMap((r) => r.findings).filter((f) => f.severity !== "info").length);
    }
  });

  test("Code Quality issues have every field GitLab requires", () => {
    const issues = JSON.parse(renderLintReport(report, "codequality"));
    assert.ok(Array.isArray(issues) && issues.length > 0);
    for (const issue of issues) {
      assert.equal(typeof issue.description, "string");
      assert.equal(typeof issue.check_name, "string");
      assert.match(issue.fingerprint, /^[0-9a-f]{16}$/);
      assert.ok(["info", "minor", "major", "critical", "blocker"].includes(issue.severity), issue.severity);
      assert.equal(typeof issue.location.path, "string");
      assert.ok(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1);
    }
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
    const findings = report.files.flatMap((f) => f.roles.flatMap((r) => r.findings));
    assert.equal(issues.length, findings.length + 1, "each finding, and the unusable file");
    assert.equal(issues.find((i) => i.check_name === "source.json").severity, "critical");
  });

  test("the CloudFormation fixtures are templates cfn-lint accepts", async () => {
    const templates = FIXTURES.filter((name) => name.startsWith("cloudformation")).map((n) => join(SOURCES, n));
    const result = await run(join(VENV_BIN, "cfn-lint"), ["--", ...templates], { timeoutMs: 120_000 });
    assert.equal(result.status, 0, outcome(result));
    for (const path of templates) {
      assert.equal(report.files.find((f) => path.endsWith(f.path)).format, "cloudformation");
    }
  });

  test("cleanup", () => cleanup(dir));
});
