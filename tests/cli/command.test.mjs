// Every command of gitlab-aws-oidc, as a user runs it from the installed package: help, happy
// paths, formats, exit codes, standard input and environment input, bad usage and bad input
// (exit 2 with the error's code), colour only on a terminal and never with NO_COLOR.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { NOW, ROOT, exports, files, fixture, install, runWith, shown } from "./harness.mjs";

const core = await exports();
let installed;
let cli;
let dir;
before(() => {
  installed = install();
  dir = join(installed.work, "files");
  cli = (args, options = {}) => runWith(installed.bin, args, { cwd: options.cwd ?? dir, ...options });
  files(dir, {
    "main.jwt": fixture("tokens/gitlab-com-main.jwt"),
    "main.claims.json": fixture("tokens/gitlab-com-main.claims.json"),
    "doc.json": fixture("lint/gitlab-doc-current.json"),
    "wide.json": fixture("lint/wide-open.json"),
    "recipe.spec.json": fixture("ci/recipe.spec.json"),
    "codebuild.spec.json": fixture("ci/codebuild-publish.spec.json"),
    "gitlab-com-main.spec.json": fixture("policy/gitlab-com-main.spec.json"),
    "broken.json": '{\n  "Version": "2012-10-17",\n  "Statement": [}\n',
  });
});
after(() => installed?.cleanup());

const TOKEN = fixture("tokens/gitlab-com-main.jwt").trim();
const FEATURE = fixture("tokens/gitlab-com-feature-branch.jwt").trim();
const ESC = "\u001b[";
const COMMANDS = ["inspect", "explain", "lint", "generate", "snippet", "diff", "diagnose"];

/** The policy the core builds for a token: admits it and nothing wider. */
const policyFor = (token) => core.trustPolicyForToken(token, { accountId: "123456789012" }).policy;

describe("help and usage", () => {
  test("--help lists every command; each command's --help has its usage, options and an example", async () => {
    const main = await cli(["--help"]);
    assert.equal(main.status, 0, shown(main));
    for (const name of COMMANDS) assert.match(main.stdout, new RegExp(`^  ${name} `, "m"));
    assert.match(main.stdout, /Exit status: 0 ok; 1 .*\n2 usage or unusable input/);
    for (const name of COMMANDS) {
      for (const args of [[name, "--help"], [name, "-h"], ["help", name]]) {
        const result = await cli(args);
        assert.equal(result.status, 0, shown(result));
        assert.match(result.stdout, new RegExp(`^Usage: gitlab-aws-oidc ${name} `, "m"), args.join(" "));
        assert.match(result.stdout, /^Exit status: /m, name);
        assert.match(result.stdout, /^Examples?/m, name);
        assert.match(result.stdout, /--format/, name);
        assert.equal(result.stderr, "");
      }
    }
  });

  test("npx gitlab-aws-oidc runs the installed bin by name", async () => {
    const result = await runWith("npx", ["--offline", "gitlab-aws-oidc", "--version"], { cwd: installed.app });
    assert.equal(result.status, 0, shown(result));
    assert.equal(result.stdout.trim(), JSON.parse(readFileSync(join(ROOT, "pkg/package.json"), "utf8")).version);
  });

  test("bad usage exits 2 with code usage, on standard error, or as JSON with --format json", async () => {
    for (const args of [
      [],
      ["frobnicate"],
      ["inspect", "--bogus", TOKEN],
      ["inspect"],
      ["inspect", TOKEN, "--token-env", "X"],
      ["inspect", TOKEN, TOKEN],
      ["inspect", TOKEN, "--format", "yaml"],
      ["inspect", TOKEN, "--fail-on", "fatal"],
      ["inspect", TOKEN, "--now", "yesterday"],
      ["explain", TOKEN],
      ["explain", "--policy", "doc.json", "--claims", "main.claims.json", TOKEN],
      ["lint"],
      ["generate", "--sub", "project_path:a/b"],
      ["generate", "--account-id", "123456789012"],
      ["generate", TOKEN, "--sub", "project_path:a/b"],
      ["generate", "--account-id", "123456789012", "--sub", "project_path:a/b", "--ref-scope", "any-branch"],
      ["snippet"],
      ["diff", "doc.json"],
      ["diff", "-", "-"],
      ["diagnose"],
      ["diagnose", "--error-file", "x", "--token-env", "A", "--claims", "c.json"],
    ]) {
      const result = await cli(args);
      assert.equal(result.status, 2, `${args.join(" ")}: ${shown(result)}`);
      assert.match(result.stderr, /error\[usage\]: |^Usage: gitlab-aws-oidc /m, args.join(" "));
      assert.equal(result.stdout, "", args.join(" "));
      if (args.length === 0 || args.includes("--format")) continue;
      const asJson = await cli([...args, "--format", "json"]);
      assert.equal(asJson.status, 2, args.join(" "));
      assert.equal(JSON.parse(asJson.stdout).error.code, "usage", args.join(" "));
    }
  });
});

describe("inspect", () => {
  test("text: what AWS sees, sub's components, the times and the findings; exit 0", async () => {
    const result = await cli(["inspect", TOKEN, "--now", String(NOW)]);
    assert.equal(result.status, 0, shown(result));
    assert.match(result.stdout, /^  issuer \(iss\)\s+https:\/\/gitlab\.com$/m);
    assert.match(result.stdout, /^  provider\s+gitlab\.com$/m);
    assert.match(result.stdout, /^  subject \(sub\)\s+project_path:acme\/platform\/deployer:ref_type:branch:ref:main$/m);
    assert.match(result.stdout, /^\s+ref_type\s+branch$/m);
    assert.match(result.stdout, /^  gitlab\.com:sub\s+project_path:acme/m);
    assert.match(result.stdout, /^  gitlab\.com:project_id\s+46573356$/m);
    assert.match(result.stdout, /AWS accepts until 2025-11-24T17:05:00Z \(in 45 min\)/);
    assert.match(result.stdout, /validity\s+valid: expires in 40 min/);
    assert.match(result.stdout, /info TOK017 /);
    assert.ok(!result.stdout.includes(ESC), "no colour when not a terminal");
    assert.equal(result.stderr, "");
  });

  test("json is inspectToken's result, exactly", async () => {
    const result = await cli(["inspect", TOKEN, "--now", String(NOW), "--format", "json"]);
    assert.equal(result.status, 0, shown(result));
    assert.deepEqual(JSON.parse(result.stdout), core.inspectToken(TOKEN, NOW));
  });

  test("the token from standard input (-) and from --token-env give the same result", async () => {
    const expected = (await cli(["inspect", TOKEN, "--now", String(NOW), "--format", "json"])).stdout;
    const stdin = await cli(["inspect", "-", "--now", String(NOW), "--format", "json"], { input: `${TOKEN}\n` });
    assert.equal(stdin.stdout, expected, shown(stdin));
    const env = await cli(["inspect", "--token-env", "GITLAB_OIDC_TOKEN", "--now", String(NOW), "--format", "json"], { env: { GITLAB_OIDC_TOKEN: TOKEN } });
    assert.equal(env.stdout, expected, shown(env));
  });

  test("--fail-on: exit 1 at or above the level, 0 below it; an expired token is an error", async () => {
    assert.equal((await cli(["inspect", TOKEN, "--now", String(NOW), "--fail-on", "info"])).status, 1);
    assert.equal((await cli(["inspect", TOKEN, "--now", String(NOW), "--fail-on", "warning"])).status, 0);
    const expired = await cli(["inspect", TOKEN, "--now", String(NOW + 7200)]);
    assert.equal(expired.status, 1, shown(expired));
    assert.match(expired.stdout, /validity\s+expired/);
    assert.match(expired.stdout, /^  error TOK\d+ /m);
    assert.equal((await cli(["inspect", TOKEN, "--now", String(NOW + 7200), "--fail-on", "none"])).status, 0);
  });

  test("tokens that cannot be decoded: exit 2 with the core's code, in text and JSON", async () => {
    for (const [file, code] of [
      ["empty.txt", "token.empty"],
      ["two-segments.txt", "token.segments"],
      ["five-segments-jwe.txt", "token.segments"],
      ["header-bad-base64.txt", "token.header.base64"],
      ["header-not-json.txt", "token.header.json"],
      ["payload-not-json.txt", "token.payload.json"],
      ["payload-not-object.txt", "token.payload.not_object"],
      ["payload-std-base64.txt", "token.payload.base64"],
      ["signature-bad-base64.txt", "token.signature.base64"],
      ["whitespace-inside.txt", "token.whitespace"],
      ["too-large.txt", "token.too_large"],
    ]) {
      const input = fixture(`malformed/${file}`);
      const text = await cli(["inspect", "-"], { input });
      assert.equal(text.status, 2, `${file}: ${shown(text)}`);
      assert.match(text.stderr, new RegExp(`^gitlab-aws-oidc inspect: error\\[${code.replaceAll(".", "\\.")}\\]: token `), file);
      assert.equal(text.stdout, "");
      const json = await cli(["inspect", "-", "--format", "json"], { input });
      assert.equal(json.status, 2, file);
      assert.equal(JSON.parse(json.stdout).error.code, code, file);
      assert.equal(json.stderr, "", file);
    }
  });

  test("--token-env: an empty or unset variable names itself and id_tokens:; CI_JOB_JWT* is refused as removed in 17.0", async () => {
    for (const [env, pattern] of [
      [{ GITLAB_OIDC_TOKEN: "" }, /error\[token\.variable_empty\]: environment variable GITLAB_OIDC_TOKEN is empty; the job probably lacks id_tokens: GITLAB_OIDC_TOKEN:/],
      [{}, /error\[token\.variable_empty\]: environment variable GITLAB_OIDC_TOKEN is not set;/],
    ]) {
      const result = await cli(["inspect", "--token-env", "GITLAB_OIDC_TOKEN"], { env });
      assert.equal(result.status, 2, shown(result));
      assert.match(result.stderr, pattern);
    }
    for (const name of ["CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2"]) {
      const result = await cli(["inspect", "--token-env", name], { env: { [name]: TOKEN } });
      assert.equal(result.status, 2, shown(result));
      assert.match(result.stderr, new RegExp(`error\\[token\\.variable_removed\\]: ${name} was removed in GitLab 17\\.0`));
    }
    const dollar = await cli(["inspect", "--token-env", "$GITLAB_OIDC_TOKEN"], { env: { GITLAB_OIDC_TOKEN: TOKEN } });
    assert.equal(dollar.status, 2);
    assert.match(dollar.stderr, /error\[token\.variable_name\]: .*without the \$/);
  });
});

describe("explain", () => {
  test("ALLOW for the policy built for the token, exit 0; json is evaluateTrustPolicy's result", async () => {
    files(dir, { "own.json": policyFor(TOKEN) });
    const result = await cli(["explain", "--policy", "own.json", TOKEN]);
    assert.equal(result.status, 0, shown(result));
    assert.match(result.stdout, /^ALLOW /);
    assert.match(result.stdout, /^statement 0 \(Allow\): applies$/m);
    assert.match(result.stdout, /✓ StringEquals gitlab\.com:project_id: ok/);
    const json = await cli(["explain", "--policy", "own.json", TOKEN, "--format", "json"]);
    assert.deepEqual(JSON.parse(json.stdout), core.evaluateTrustPolicy(policyFor(TOKEN), TOKEN));
  });

  test("DENY names the failing condition with the token's value and the expected one; exit 1", async () => {
    files(dir, { "main-only.json": policyFor(TOKEN) });
    const result = await cli(["explain", "--policy", "main-only.json", "--token-env", "T"], { env: { T: FEATURE } });
    assert.equal(result.status, 1, shown(result));
    assert.match(result.stdout, /^DENY denied/);
    assert.match(result.stdout, /✗ StringEquals gitlab\.com:sub: FAILS\n\s+token has "project_path:acme\/platform\/deployer:ref_type:branch:ref:feature\/login-x"\n\s+policy expects "project_path:acme\/platform\/deployer:ref_type:branch:ref:main"/);
  });

  test("--claims, --client-ids, a role file, and UNDECIDED for a condition STS sets (exit 1)", async () => {
    const policy = JSON.parse(policyFor(TOKEN));
    files(dir, {
      "role.json": JSON.stringify({ Role: { RoleName: "r", AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(policy)) } }),
      "undecided.json": JSON.stringify({ ...policy, Statement: [{ ...policy.Statement[0], Condition: { ...policy.Statement[0].Condition, IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }] }),
    });
    const claims = await cli(["explain", "--policy", "role.json", "--claims", "main.claims.json"]);
    assert.equal(claims.status, 0, shown(claims));
    assert.match(claims.stdout, /^ALLOW /);
    assert.match(claims.stdout, /the claims in main\.claims\.json/);
    const audience = await cli(["explain", "--policy", "role.json", TOKEN, "--client-ids", "a,b"]);
    assert.equal(audience.status, 1);
    assert.match(audience.stdout, /^DENY denied before the policy is read/);
    assert.match(audience.stdout, /✗ provider client IDs: /);
    const undecided = await cli(["explain", "--policy", "undecided.json", TOKEN]);
    assert.equal(undecided.status, 1, shown(undecided));
    assert.match(undecided.stdout, /^UNDECIDED undecided:/);
    assert.match(undecided.stdout, /\? IpAddress aws:SourceIp: undecided/);
  });

  test("a policy that is not JSON: exit 2 with the file, line and column; missing files: file.missing", async () => {
    const broken = await cli(["explain", "--policy", "broken.json", TOKEN]);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /^gitlab-aws-oidc explain: broken\.json:3:17: error\[policy\.json\]: policy is not JSON: /);
    const json = JSON.parse((await cli(["explain", "--policy", "broken.json", TOKEN, "--format", "json"])).stdout);
    assert.deepEqual([json.error.code, json.error.file, json.error.line, json.error.column], ["policy.json", "broken.json", 3, 17]);
    const missing = await cli(["explain", "--policy", "nope.json", TOKEN]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /error\[file\.missing\]: policy file nope\.json does not exist/);
    const claims = await cli(["explain", "--policy", "doc.json", "--claims", "broken.json"]);
    assert.equal(claims.status, 2);
    assert.match(claims.stderr, /broken\.json:3:17: error\[claims\.json\]: claims is not JSON/);
  });
});

describe("lint", () => {
  const CFN = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Provider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://gitlab.com
      ClientIdList: [sts.amazonaws.com]
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !GetAtt Provider.Arn
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringLike:
                gitlab.com:sub: project_path:acme/*
`;
  const inputs = () => ({
    "iam/doc.json": fixture("lint/gitlab-doc-current.json"),
    "iam/wide.json": fixture("lint/wide-open.json"),
    "iam/role.json": JSON.stringify({ Role: { RoleName: "deploy", AssumeRolePolicyDocument: encodeURIComponent(policyFor(TOKEN)) } }, null, 2),
    "cfn/stack.yaml": CFN,
  });

  test("every format is renderLintReport's over lintFiles' report; exit 1 for findings at or above --fail-on", async () => {
    const project = files(join(dir, "lint-project"), inputs());
    const paths = ["cfn/stack.yaml", "iam/doc.json", "iam/role.json", "iam/wide.json"];
    const report = core.lintFiles(paths.map((path) => ({ path, text: readFileSync(join(project, path), "utf8") })), {});
    assert.ok(report.counts.error > 0, "the fixtures have errors");
    for (const format of ["text", "json", "codequality", "sarif", "junit"]) {
      const result = await cli(["lint", ...paths, "--format", format], { cwd: project });
      assert.equal(result.status, 1, `${format}: ${shown(result)}`);
      assert.equal(result.stdout, core.renderLintReport(report, format), format);
    }
    assert.equal((await cli(["lint", "iam/role.json", "--fail-on", "error"], { cwd: project })).status, 0);
    assert.equal((await cli(["lint", ...paths, "--fail-on", "none"], { cwd: project })).status, 0);
  });

  test("quoted globs are expanded by the command (** at any depth); --output writes the report and prints the text", async () => {
    const project = files(join(dir, "lint-globs"), inputs());
    const out = join(project, "gl-code-quality-report.json");
    const result = await cli(["lint", "iam/**/*.json", "**/*.yaml", "--format", "codequality", "--output", out, "--fail-on", "none"], { cwd: project });
    assert.equal(result.status, 0, shown(result));
    const paths = ["iam/doc.json", "iam/role.json", "iam/wide.json", "cfn/stack.yaml"];
    const report = core.lintFiles(paths.map((path) => ({ path, text: readFileSync(join(project, path), "utf8") })), {});
    assert.equal(readFileSync(out, "utf8"), core.renderLintReport(report, "codequality"));
    assert.equal(result.stdout, core.renderLintReport(report, "text"));
    const issues = JSON.parse(readFileSync(out, "utf8"));
    assert.ok(issues.length > 0);
    for (const issue of issues) {
      for (const field of ["description", "check_name", "fingerprint", "severity"]) assert.equal(typeof issue[field], "string", field);
      assert.ok(["info", "minor", "major", "critical", "blocker"].includes(issue.severity));
      assert.equal(typeof issue.location.path, "string");
      assert.equal(typeof issue.location.lines.begin, "number");
    }
    const none = await cli(["lint", "nothing/**/*.json"], { cwd: project });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /error\[lint\.no_match\]: no file matches nothing\/\*\*\/\*\.json/);
  });

  test("a missing file, a file that does not parse, a file with no trust policy: exit 2, and no report is written", async () => {
    const project = files(join(dir, "lint-bad"), { ...inputs(), "broken.json": '{\n  "Statement": [}\n', "notes.json": '{"hello": "world"}\n' });
    for (const [file, code, where] of [
      ["missing.json", "file.missing", "missing.json: "],
      ["broken.json", null, "broken.json:2:"],
      ["notes.json", null, "notes.json"],
    ]) {
      const out = join(project, "report.json");
      const result = await cli(["lint", "iam/doc.json", file, "--format", "codequality", "--output", out], { cwd: project });
      assert.equal(result.status, 2, `${file}: ${shown(result)}`);
      assert.ok(result.stderr.includes(where), `${file}: ${result.stderr}`);
      if (code) assert.match(result.stderr, new RegExp(`error\\[${code.replace(".", "\\.")}\\]`));
      assert.equal(existsSync(out), false, `${file}: no report`);
    }
    const stdin = await cli(["lint", "-", "--format", "json"], { cwd: project, input: fixture("lint/gitlab-doc-current.json") });
    assert.equal(stdin.status, 1, shown(stdin));
    assert.equal(JSON.parse(stdin.stdout).files[0].path, "<stdin>");
  });
});

describe("generate", () => {
  const spec = { accountId: "123456789012", subClaimComponents: ["project_path", "ref_type", "ref"], subjects: [{ project_path: "acme/app", ref_type: "branch", ref: "main" }], pins: { project_id: "42" } };

  test("from flags: each format is trustPolicy's, exactly; --format json is the whole result", async () => {
    const expected = core.trustPolicy(spec);
    const flags = ["generate", "--account-id", "123456789012", "--sub", "project_path:acme/app:ref_type:branch:ref:main", "--pin", "project_id=42"];
    for (const [format, field] of [["policy", "trustPolicy"], ["role", "roleJson"], ["cli", "awsCli"], ["terraform", "terraform"], ["cloudformation", "cloudFormation"]]) {
      const result = await cli([...flags, "--format", format]);
      assert.equal(result.status, 0, shown(result));
      assert.equal(result.stdout, expected.formats[field], format);
    }
    const json = await cli([...flags, "--format", "json"]);
    assert.deepEqual(JSON.parse(json.stdout), expected);
  });

  test("--spec FILE, --output FILE, findings on standard error and --fail-on", async () => {
    const specFile = JSON.parse(fixture("policy/gitlab-com-main.spec.json"));
    const out = join(dir, "out/terraform.tf");
    files(dir, { "out/.keep": "" });
    const result = await cli(["generate", "--spec", "gitlab-com-main.spec.json", "--format", "terraform", "--output", out]);
    assert.equal(result.status, 0, shown(result));
    assert.equal(result.stdout, "");
    assert.equal(readFileSync(out, "utf8"), core.trustPolicy(specFile).formats.terraform);
    const wide = ["generate", "--account-id", "123456789012", "--sub", "project_path:acme/*:ref_type:branch:ref:*"];
    const warned = await cli(wide);
    assert.equal(warned.status, 0);
    assert.match(warned.stderr, /^Findings:\n  warning POL006 /m);
    assert.equal((await cli([...wide, "--fail-on", "warning"])).status, 1);
  });

  test("from a token: trustPolicyForToken with the token options", async () => {
    const result = await cli(["generate", "--token-env", "T", "--account-id", "123456789012", "--ref-scope", "any-branch", "--format", "json"], { env: { T: TOKEN } });
    assert.equal(result.status, 0, shown(result));
    assert.deepEqual(JSON.parse(result.stdout), core.trustPolicyForToken(TOKEN, { accountId: "123456789012", refScope: "any-branch" }));
  });

  test("a spec that cannot be used: exit 2, the code names the field; nothing is written", async () => {
    const out = join(dir, "never.json");
    const result = await cli(["generate", "--account-id", "12", "--sub", "project_path:a/b", "--output", out]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /error\[spec\.account_id\]: .*\(field accountId\)/);
    assert.equal(existsSync(out), false);
    const sub = await cli(["generate", "--account-id", "123456789012", "--sub", "ref:main"]);
    assert.equal(sub.status, 2);
    assert.match(sub.stderr, /error\[subject\.first_component\]/);
    const spec = await cli(["generate", "--spec", "broken.json"]);
    assert.match(spec.stderr, /broken\.json:3:17: error\[spec\.json\]: spec is not JSON/);
  });
});

describe("snippet", () => {
  test("--spec: the .gitlab-ci.yml is ciSnippet's; findings on standard error; json is the result", async () => {
    const spec = JSON.parse(fixture("ci/recipe.spec.json"));
    const expected = core.ciSnippet(spec);
    const result = await cli(["snippet", "--spec", "recipe.spec.json"]);
    assert.equal(result.status, 0, shown(result));
    assert.equal(result.stdout, expected.yaml);
    for (const finding of expected.findings) assert.ok(result.stderr.includes(`${finding.code} ${finding.message}`), finding.code);
    assert.equal((await cli(["snippet", "--spec", "recipe.spec.json", "--fail-on", "error"])).status, 1);
    const json = await cli(["snippet", "--spec", "recipe.spec.json", "--format", "json"]);
    assert.deepEqual(JSON.parse(json.stdout), expected);
  });

  test("--output-dir writes the job and every companion file", async () => {
    const out = join(dir, "pipeline");
    const result = await cli(["snippet", "--spec", "codebuild.spec.json", "--output-dir", out]);
    assert.equal(result.status, 0, shown(result));
    const expected = core.ciSnippet(JSON.parse(fixture("ci/codebuild-publish.spec.json")));
    assert.deepEqual(readdirSync(out).sort(), [".gitlab-ci.yml", ...Object.keys(expected.files)].sort());
    assert.equal(readFileSync(join(out, ".gitlab-ci.yml"), "utf8"), expected.yaml);
    for (const [name, text] of Object.entries(expected.files)) assert.equal(readFileSync(join(out, name), "utf8"), text, name);
  });

  test("flags alone, --policy checked against the job; a bad role ARN is exit 2 snippet.role_arn", async () => {
    files(dir, { "own.json": policyFor(TOKEN) });
    const result = await cli(["snippet", "--role-arn", "arn:aws:iam::123456789012:role/x", "--policy", "own.json", "--format", "json"]);
    assert.equal(result.status, 0, shown(result));
    assert.deepEqual(JSON.parse(result.stdout), core.ciSnippet({ roleArn: "arn:aws:iam::123456789012:role/x", policy: policyFor(TOKEN) }));
    const bad = await cli(["snippet", "--role-arn", "arn:aws:iam::1:role/x"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /error\[snippet\.role_arn\]/);
  });
});

describe("diff", () => {
  test("widening: NEW-ACCESS and exit 1; narrowing and no change: exit 0; json is compareTrustPolicies'", async () => {
    const wider = await cli(["diff", "doc.json", "wide.json"]);
    assert.equal(wider.status, 1, shown(wider));
    assert.match(wider.stdout, /^NEW-ACCESS /);
    assert.match(wider.stdout, /^Newly admitted \(after allows, before denied\): 4$/m);
    assert.match(wider.stdout, /e\.g\. iss="https:\/\/gitlab\.com" sub="project_path:acme\/other"/);
    const narrow = JSON.parse(policyFor(TOKEN));
    const { StringEquals } = narrow.Statement[0].Condition;
    const anyBranch = structuredClone(narrow);
    delete anyBranch.Statement[0].Condition.StringEquals["gitlab.com:sub"];
    anyBranch.Statement[0].Condition.StringLike = { "gitlab.com:sub": StringEquals["gitlab.com:sub"].replace(/:ref:main$/, ":ref:*") };
    files(dir, { "narrow.json": JSON.stringify(narrow), "any-branch.json": JSON.stringify(anyBranch) });
    const narrower = await cli(["diff", "any-branch.json", "narrow.json"]);
    assert.equal(narrower.status, 0, shown(narrower));
    assert.match(narrower.stdout, /^NO-NEW-ACCESS /);
    assert.match(narrower.stdout, /^No longer admitted \(before allowed, after denies: jobs this change breaks\): 1$/m);
    assert.equal((await cli(["diff", "narrow.json", "any-branch.json"])).status, 1);
    assert.equal((await cli(["diff", "doc.json", "doc.json"])).status, 0);
    const json = await cli(["diff", "doc.json", "wide.json", "--format", "json"]);
    assert.deepEqual(JSON.parse(json.stdout), core.compareTrustPolicies(fixture("lint/gitlab-doc-current.json"), fixture("lint/wide-open.json")));
  });

  test("one side from standard input; --issuer limits the tokens; --fail-on the new findings", async () => {
    const stdin = await cli(["diff", "-", "doc.json"], { input: fixture("lint/gitlab-doc-current.json") });
    assert.equal(stdin.status, 0, shown(stdin));
    assert.match(stdin.stdout, /^NO-NEW-ACCESS /);
    const other = await cli(["diff", "doc.json", "wide.json", "--issuer", "https://gitlab.example.com"]);
    assert.equal(other.status, 0, shown(other));
    assert.equal((await cli(["diff", "doc.json", "doc.json", "--fail-on", "info"])).status, 0, "no new findings");
    assert.equal((await cli(["diff", "doc.json", "wide.json", "--fail-on", "error", "--issuer", "https://gitlab.example.com"])).status, 1, "a new error finding");
    const bad = await cli(["diff", "doc.json", "broken.json"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /broken\.json:3:17: error\[policy\.json\]/);
  });
});

describe("diagnose", () => {
  const error = "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity\n";

  test("the error against the token, policy and job: the confirmed cause first; json is diagnose()'s", async () => {
    files(dir, { "err.txt": error, "own.json": policyFor(TOKEN) });
    const args = ["diagnose", "--error-file", "err.txt", "--token-env", "T", "--policy", "own.json", "--now", String(NOW)];
    const result = await cli(args, { env: { T: FEATURE } });
    assert.equal(result.status, 0, shown(result));
    assert.match(result.stdout, /^Error AccessDenied in AssumeRoleWithWebIdentity \(aws-cli\)$/m);
    assert.match(result.stdout, /^Causes \(most likely first\)\n  confirmed trust-policy-denies: /m);
    const json = await cli([...args, "--format", "json"], { env: { T: FEATURE } });
    assert.deepEqual(JSON.parse(json.stdout), core.diagnose(error, { token: FEATURE, policy: policyFor(TOKEN), nowSeconds: NOW }));
  });

  test("the error text from standard input; a token inside it is masked", async () => {
    const result = await cli(["diagnose", "-"], { input: `+ aws sts assume-role-with-web-identity --web-identity-token ${TOKEN}\n${error}` });
    assert.equal(result.status, 0, shown(result));
    assert.match(result.stdout, /^Error AccessDenied/m);
    for (const part of TOKEN.split(".")) assert.ok(!result.stdout.includes(part));
  });
});

describe("colour", () => {
  /** Runs the command on a pseudo-terminal (util-linux script), as in an interactive shell. */
  const onTerminal = (args, env = {}) => runWith("script", ["-qec", [installed.bin, ...args].map((a) => `'${a}'`).join(" "), "/dev/null"], { cwd: dir, env: { TERM: "xterm", ...env } });

  test("on a terminal in colour; never with NO_COLOR, TERM=dumb or when piped", async () => {
    const args = ["inspect", TOKEN, "--now", String(NOW)];
    const tty = await onTerminal(args);
    assert.equal(tty.status, 0, shown(tty));
    assert.ok(tty.stdout.includes(`${ESC}1m`), "bold on a terminal");
    for (const env of [{ NO_COLOR: "1" }, { TERM: "dumb" }]) {
      const plain = await onTerminal(args, env);
      assert.equal(plain.status, 0, shown(plain));
      assert.ok(plain.stdout.includes("What AWS can match on"));
      assert.ok(!plain.stdout.includes(ESC), JSON.stringify(env));
    }
    const error = await onTerminal(["inspect", "--token-env", "UNSET_VARIABLE"]);
    assert.equal(error.status, 2);
    assert.ok(error.stdout.includes(`${ESC}31merror`), "the error word in red on a terminal");
    const piped = await cli(["explain", "--policy", "doc.json", TOKEN]);
    assert.ok(!piped.stdout.includes(ESC) && !piped.stderr.includes(ESC));
  });
});
