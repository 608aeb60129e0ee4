// The CI/CD components in templates/ (issue 16), checked as GitLab and its runner would read them:
// - each template is a spec: header and one document of jobs, both parsed as YAML 1.2 and as
//   YAML 1.1 (GitLab's Ruby parser), every input with a description, and checked against
//   GitLab's CI schema (check-jsonschema --builtin-schema vendor.gitlab-ci, offline), the jobs
//   once more with the inputs interpolated as GitLab does;
// - each job's script with shellcheck, as sh (the default node:20-alpine image has no bash) and bash;
// - each job run for real, in bash and in sh, as the runner runs it: the inputs interpolated, the
//   job's variables and CI's, a minted ID token, and the command from the packed package
//   (npm pack pkg/, run by npm exec offline, as the job's `package` input allows);
// - the same jobs run by gitlab-ci-local 4.64.1 (shell executor) from a project that includes
//   them with include: local and inputs.
// Needs scripts/setup-tools.sh and scripts/build.sh first; fails (never skips) without them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  ROOT,
  VENV,
  checkGitlabSchema,
  cleanup,
  documents,
  interpolate,
  jobVariables,
  jobsOf,
  mintToken,
  outcome,
  parseYaml,
  requireTools,
  run,
  runnerScript,
  shellcheck,
  tempDir,
  writeFiles,
} from "./lib.mjs";

requireTools();
const GITLAB_CI_LOCAL = join(VENV, "node/node_modules/.bin/gitlab-ci-local");
if (!existsSync(GITLAB_CI_LOCAL)) throw new Error("tests/tools/components.test.mjs needs gitlab-ci-local: run scripts/setup-tools.sh first");

const TEMPLATES = readdirSync(join(ROOT, "templates")).filter((f) => f.endsWith(".yml")).sort();
const VERSION = JSON.parse(readFileSync(join(ROOT, "pkg/package.json"), "utf8")).version;
const ACCOUNT = "123456789012";
const work = tempDir("components");
after(() => cleanup(work));

// Inputs a template has no default for, as a user would give them.
const REQUIRED = { paths: "iam/**/*.json" };

/** A template as GitLab reads it: its header, its jobs, and the jobs with inputs interpolated. */
function readTemplate(name, inputs = {}) {
  const text = readFileSync(join(ROOT, "templates", name), "utf8");
  const parts = documents(text);
  assert.equal(parts.length, 2, `${name}: a spec: header and one document of jobs`);
  const [header, body] = parts.map((p) => parseYaml(p));
  const declared = header.v11.spec.inputs;
  const values = {};
  for (const [key, spec] of Object.entries(declared)) {
    if (key in inputs) values[key] = inputs[key];
    else if ("default" in spec) values[key] = spec.default;
    else if (key in REQUIRED) values[key] = REQUIRED[key];
  }
  for (const key of Object.keys(inputs)) assert.ok(key in declared, `${name} has no input ${key}`);
  const interpolated = interpolate(body.v11, values);
  return { text, parts, header, body, declared, interpolated, jobs: jobsOf(interpolated) };
}

describe("the templates as GitLab reads them", () => {
  for (const name of TEMPLATES) {
    test(`${name}: YAML 1.1 and 1.2 agree; every input is described and typed where it is not a string`, () => {
      const t = readTemplate(name);
      assert.deepEqual(t.header.v11, t.header.v12);
      assert.deepEqual(t.body.v11, t.body.v12);
      assert.ok(t.header.v11.spec.description, "spec: description");
      for (const [key, spec] of Object.entries(t.declared)) {
        assert.match(key, /^[a-z][a-z0-9-]*$/, key);
        assert.ok(spec.description, `${key}: description`);
        if (typeof spec.default === "boolean") assert.equal(spec.type, "boolean", key);
        if (spec.options) assert.ok(spec.options.includes(spec.default), `${key}: the default is among the options`);
        if (spec.regex && typeof spec.default === "string") {
          // GitLab checks a default against its regex too.
          assert.match(spec.default, new RegExp(spec.regex.replace(/\\s/g, "\\s")), `${key}: default matches its regex`);
        }
      }
      assert.equal(t.jobs.length, 1, "one job");
      const [[jobName, job]] = t.jobs;
      assert.equal(jobName, t.declared["job-name"].default);
      assert.equal(job.image, "node:20-alpine");
      assert.equal(t.declared.version.default, VERSION, "the pinned version is the package's");
      for (const [variable, value] of Object.entries(job.variables ?? {})) {
        if (typeof value === "object") assert.equal(value.expand, false, `${variable}: GitLab must not expand $ in an input`);
      }
      // Inputs reach the script only through variables, never as script text; the short form
      // (which GitLab expands) only for booleans and inputs with a list of options.
      const [raw] = Object.values(t.body.v11);
      assert.doesNotMatch(JSON.stringify(raw.script), /\$\[\[/, "no input in the script text");
      for (const [variable, value] of Object.entries(raw.variables ?? {})) {
        const m = typeof value === "string" && /^\$\[\[\s*inputs\.([a-z-]+)\s*\]\]$/.exec(value);
        if (m) assert.ok(t.declared[m[1]].type === "boolean" || t.declared[m[1]].options, `${variable}: input ${m[1]} is neither a boolean nor from options`);
      }
    });
  }

  test("every template, raw and interpolated, passes GitLab's CI schema", async () => {
    const dir = join(work, "schema");
    const files = [];
    for (const name of TEMPLATES) {
      const t = readTemplate(name);
      const [header, body] = t.parts;
      for (const [suffix, text] of [["header", header], ["jobs", body], ["interpolated", JSON.stringify(t.interpolated, null, 2)]]) {
        const file = join(dir, `${name}.${suffix}.yml`);
        writeFiles(dir, { [`${name}.${suffix}.yml`]: text });
        files.push(file);
      }
    }
    const problems = await checkGitlabSchema(files);
    const found = Object.fromEntries([...problems].filter(([, p]) => p.length > 0));
    assert.deepEqual(found, {});
  });

  test("the schema check is alive: it refuses an unknown input type and an unknown job key", async () => {
    const dir = join(work, "schema-control");
    writeFiles(dir, {
      "header.yml": "spec:\n  inputs:\n    x:\n      type: list\n",
      "jobs.yml": "job:\n  scirpt: [true]\n",
    });
    const problems = await checkGitlabSchema([join(dir, "header.yml"), join(dir, "jobs.yml")]);
    assert.ok(problems.get(join(dir, "header.yml")).length > 0);
    assert.ok(problems.get(join(dir, "jobs.yml")).length > 0);
  });

  for (const name of TEMPLATES) {
    test(`${name}: shellcheck, as sh and as bash`, async () => {
      const { jobs } = readTemplate(name);
      for (const [jobName, job] of jobs) {
        for (const shell of ["sh", "bash"]) {
          const file = join(work, "shellcheck", `${name}.${shell}`);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, `#!/bin/${shell}\n${scriptFor(job, shell)}`);
          const result = await shellcheck(file, shell);
          assert.equal(result.status, 0, `${jobName} (${shell}): ${outcome(result)}`);
        }
      }
    });
  }
});

// ---------------------------------------------------------------------------
// the jobs, run
// ---------------------------------------------------------------------------

let tarball;
const npmCache = join(work, "npm-cache");
before(() => {
  const dir = join(work, "pack");
  mkdirSync(dir, { recursive: true });
  const packed = JSON.parse(execFileSync("npm", ["pack", join(ROOT, "pkg"), "--json", "--pack-destination", dir], { encoding: "utf8" }));
  tarball = join(dir, packed[0].filename);
});

/** PATH for a job: node and npm, git, the shell tools; nothing of this repository. */
const JOB_PATH = [...new Set([dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"])].join(":");

/** Everything a job's shell gets: the runner's CI variables, the job's own, the token, offline npm. */
function jobEnv(job, project, extra = {}) {
  return {
    PATH: JOB_PATH,
    HOME: join(project, "..", "home"),
    LANG: "C.UTF-8",
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    http_proxy: "http://127.0.0.1:9",
    https_proxy: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    npm_config_cache: npmCache,
    npm_config_offline: "true",
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER_URL: "https://gitlab.com",
    CI_PROJECT_DIR: project,
    CI_PROJECT_PATH: "acme/platform/deployer",
    CI_DEFAULT_BRANCH: "main",
    CI_COMMIT_REF_NAME: "main",
    ...jobVariables(job),
    ...extra,
  };
}

let runs = 0;
/**
 * The script a runner runs in `shell`: bash as runnerScript() (errexit, pipefail); sh, which has no
 * pipefail (node:20-alpine's busybox sh), with errexit only.
 */
function scriptFor(job, shell) {
  if (shell === "bash") return runnerScript(job);
  return ["set -e", ...[job.before_script ?? []].flat(), ...[job.script ?? []].flat()].join("\n") + "\n";
}

/** Runs a template's job in `shell` in a fresh project holding `files`. */
async function runJob(name, { inputs = {}, files = {}, env = {}, shell = "bash", setup } = {}) {
  const t = readTemplate(name, { package: tarball, ...inputs });
  const [[, job]] = t.jobs;
  const project = join(work, `run-${++runs}`, "project");
  mkdirSync(project, { recursive: true });
  mkdirSync(join(project, "..", "home"), { recursive: true });
  writeFiles(project, files);
  setup?.(project);
  const result = await run(shell, ["-c", scriptFor(job, shell)], { cwd: project, env: jobEnv(job, project, env), timeoutMs: 120_000 });
  return { ...result, project, job };
}

const TOKEN = () => mintToken({ aud: "sts.amazonaws.com" });
const segments = (token) => token.split(".");

/** No output of the job holds the token or any of its segments. */
function assertTokenAbsent(result, token) {
  for (const part of [token, ...segments(token)]) {
    assert.ok(!result.stdout.includes(part) && !result.stderr.includes(part), "the job printed the token or a segment of it");
  }
}

/** A trust policy the core builds for the token (the least-privilege one), or for another ref. */
async function policyFor(token, { ref } = {}) {
  const { initSync, trustPolicyForToken, trustPolicy, specForToken } = await import(join(ROOT, "pkg/gitlab_aws_oidc.js"));
  initSync({ module: readFileSync(join(ROOT, "pkg/gitlab_aws_oidc_bg.wasm")) });
  if (!ref) return trustPolicyForToken(token, { accountId: ACCOUNT }).policy;
  const spec = specForToken(token, { accountId: ACCOUNT });
  spec.subjects = spec.subjects.map((s) => ({ ...s, ref }));
  return trustPolicy(spec).policy;
}

describe("oidc-preflight, run as the runner runs it", { concurrency: 2 }, () => {
  test("without a policy: prints what AWS sees, never the token; exit 0", async () => {
    const token = TOKEN();
    const result = await runJob("oidc-preflight.yml", { env: { GITLAB_OIDC_TOKEN: token } });
    assert.equal(result.status, 0, outcome(result));
    assert.match(result.stdout, /gitlab\.com:sub\s+project_path:acme\/platform\/deployer:ref_type:branch:ref:main/);
    assert.match(result.stdout, /gitlab\.com:project_id\s+46573356/);
    assert.doesNotMatch(result.stdout, /ALLOW|DENY/);
    assertTokenAbsent(result, token);
  });

  test("with a policy that admits the token: ALLOW, exit 0 (also in sh, as on node:20-alpine)", async () => {
    const token = TOKEN();
    const files = { "iam/trust.json": await policyFor(token) };
    for (const shell of ["bash", "sh"]) {
      const result = await runJob("oidc-preflight.yml", { inputs: { policy: "iam/trust.json" }, files, env: { GITLAB_OIDC_TOKEN: token }, shell });
      assert.equal(result.status, 0, outcome(result));
      assert.match(result.stdout, /^ALLOW /m);
      assertTokenAbsent(result, token);
    }
  });

  test("with a policy for another ref: DENY with the failing condition, exit 1; fail-on-deny false goes on", async () => {
    const token = TOKEN();
    const files = { "iam/trust.json": await policyFor(token, { ref: "production" }) };
    const denied = await runJob("oidc-preflight.yml", { inputs: { policy: "iam/trust.json" }, files, env: { GITLAB_OIDC_TOKEN: token } });
    assert.equal(denied.status, 1, outcome(denied));
    assert.match(denied.stdout, /^DENY /m);
    assert.match(denied.stdout, /✗ StringEquals gitlab\.com:sub: FAILS/);
    assert.match(denied.stdout, /policy expects "project_path:acme\/platform\/deployer:ref_type:branch:ref:production"/);
    assert.match(denied.stderr, /STS would not allow this job's token under iam\/trust\.json/);
    assertTokenAbsent(denied, token);
    const goesOn = await runJob("oidc-preflight.yml", { inputs: { policy: "iam/trust.json", "fail-on-deny": false }, files, env: { GITLAB_OIDC_TOKEN: token } });
    assert.equal(goesOn.status, 0, outcome(goesOn));
    assert.match(goesOn.stdout, /^DENY /m);
    assert.match(goesOn.stderr, /fail-on-deny is false/);
  });

  test("client-ids without the token's aud: DENY before the policy is read", async () => {
    const token = TOKEN();
    const files = { "trust.json": await policyFor(token) };
    const result = await runJob("oidc-preflight.yml", { inputs: { policy: "trust.json", "client-ids": "other-audience" }, files, env: { GITLAB_OIDC_TOKEN: token } });
    assert.equal(result.status, 1, outcome(result));
    assert.match(result.stdout, /denied before the policy is read/);
  });

  test("no id_tokens for the job (the variable is empty): exit 2 naming the variable and id_tokens:", async () => {
    const result = await runJob("oidc-preflight.yml", { env: { GITLAB_OIDC_TOKEN: "" } });
    assert.equal(result.status, 2, outcome(result));
    assert.match(result.stderr, /error\[token\.variable_empty\]: environment variable GITLAB_OIDC_TOKEN is empty; the job probably lacks id_tokens:/);
  });

  test("an expired token fails at fail-on error, passes at fail-on none", async () => {
    const token = mintToken({ aud: "sts.amazonaws.com", now: Math.floor(Date.now() / 1000) - 7200 });
    const failed = await runJob("oidc-preflight.yml", { env: { GITLAB_OIDC_TOKEN: token } });
    assert.equal(failed.status, 1, outcome(failed));
    assert.match(failed.stdout, /validity\s+expired/);
    const passed = await runJob("oidc-preflight.yml", { inputs: { "fail-on": "none" }, env: { GITLAB_OIDC_TOKEN: token } });
    assert.equal(passed.status, 0, outcome(passed));
  });

  test("a policy file that is not JSON: exit 2 with its line and column", async () => {
    const result = await runJob("oidc-preflight.yml", { inputs: { policy: "trust.json" }, files: { "trust.json": '{\n  "Statement": [,]\n}\n' }, env: { GITLAB_OIDC_TOKEN: TOKEN() } });
    assert.equal(result.status, 2, outcome(result));
    assert.match(result.stderr, /trust\.json:2:17: error\[policy\.json\]/);
  });
});

// ---------------------------------------------------------------------------
// trust-policy-lint
// ---------------------------------------------------------------------------

describe("trust-policy-lint, run as the runner runs it", { concurrency: 2 }, () => {
  const files = async () => ({
    "iam/deploy.json": await policyFor(TOKEN()),
    "iam/legacy/wide.json": readFileSync(join(ROOT, "tests/fixtures/lint/wide-open.json"), "utf8"),
  });

  test("findings at or above fail-on: the Code Quality report is written and the job fails; SARIF and JUnit on request", async () => {
    const result = await runJob("trust-policy-lint.yml", { inputs: { paths: "iam/**/*.json", sarif: true, junit: true }, files: await files() });
    assert.equal(result.status, 1, outcome(result));
    const issues = JSON.parse(readFileSync(join(result.project, "gl-code-quality-report.json"), "utf8"));
    assert.ok(issues.some((i) => i.location.path === "iam/legacy/wide.json" && i.severity === "critical"), JSON.stringify(issues));
    assert.ok(issues.every((i) => i.location.path !== "iam/deploy.json" || i.severity !== "critical"));
    const sarif = JSON.parse(readFileSync(join(result.project, "gl-trust-policy.sarif"), "utf8"));
    assert.equal(sarif.version, "2.1.0");
    assert.match(readFileSync(join(result.project, "gl-trust-policy-junit.xml"), "utf8"), /^<\?xml [^>]*\?>\s*<testsuites/);
    assert.match(result.stdout, /iam\/legacy\/wide\.json/, "the text summary is in the log");
  });

  test("fail-on none passes with the report; a clean policy passes at fail-on error (in sh too)", async () => {
    const passes = await runJob("trust-policy-lint.yml", { inputs: { paths: "iam/**/*.json", "fail-on": "none" }, files: await files() });
    assert.equal(passes.status, 0, outcome(passes));
    assert.ok(existsSync(join(passes.project, "gl-code-quality-report.json")));
    assert.equal(existsSync(join(passes.project, "gl-trust-policy.sarif")), false, "no SARIF unless asked");
    for (const shell of ["bash", "sh"]) {
      const clean = await runJob("trust-policy-lint.yml", { inputs: { paths: "iam/deploy.json" }, files: await files(), shell });
      assert.equal(clean.status, 0, outcome(clean));
    }
  });

  test("a file with no trust policy, or a glob that matches nothing: exit 2 and no report", async () => {
    for (const [paths, extra] of [["iam/*.json", { "iam/notes.json": '{"hello": "world"}\n' }], ["policies/*.json", {}]]) {
      const result = await runJob("trust-policy-lint.yml", { inputs: { paths }, files: { ...(await files()), ...extra } });
      assert.equal(result.status, 2, outcome(result));
      assert.equal(existsSync(join(result.project, "gl-code-quality-report.json")), false);
    }
  });
});

// ---------------------------------------------------------------------------
// trust-policy-diff: a merge request against its target branch
// ---------------------------------------------------------------------------

const git = (cwd, ...args) => execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { cwd, encoding: "utf8" });

/**
 * A project as the runner checks out a merge request: `origin` (a bare repository here) has the
 * target branch main with `base` files; the checkout is the MR branch with `head` files.
 */
function mergeRequest(project, base, head) {
  const origin = join(project, "..", "origin.git");
  git(dirname(project), "init", "-q", "--bare", "-b", "main", origin);
  git(project, "init", "-q", "-b", "main");
  writeFiles(project, base);
  git(project, "add", "-A");
  git(project, "commit", "-q", "-m", "base", "--allow-empty");
  git(project, "remote", "add", "origin", origin);
  git(project, "push", "-q", "origin", "main");
  git(project, "checkout", "-q", "-b", "feature");
  writeFiles(project, head);
  git(project, "add", "-A");
  git(project, "commit", "-q", "-m", "change", "--allow-empty");
}

const MR_ENV = { CI_PIPELINE_SOURCE: "merge_request_event", CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main", CI_COMMIT_REF_NAME: "feature" };

describe("trust-policy-diff, run as the runner runs it in a merge request", { concurrency: 2 }, () => {
  const narrow = () => policyFor(TOKEN());
  const wide = async () => {
    const policy = JSON.parse(await narrow());
    delete policy.Statement[0].Condition.StringEquals["gitlab.com:sub"];
    policy.Statement[0].Condition.StringLike = { "gitlab.com:sub": "project_path:acme/platform/deployer:ref_type:branch:ref:*" };
    return `${JSON.stringify(policy, null, 2)}\n`;
  };

  test("a widened policy: new-access listed, exit 1; fail-on-new-access false: exit 0", async () => {
    const [before, afterText] = [await narrow(), await wide()];
    const setup = (project) => mergeRequest(project, { "iam/deploy.json": before }, { "iam/deploy.json": afterText });
    const result = await runJob("trust-policy-diff.yml", { inputs: { paths: "iam/*.json" }, env: MR_ENV, setup });
    assert.equal(result.status, 1, outcome(result));
    assert.match(result.stdout, /== iam\/deploy\.json/);
    assert.match(result.stdout, /^NEW-ACCESS /m);
    assert.match(result.stdout, /Newly admitted \(after allows, before denied\): [1-9]/);
    const passes = await runJob("trust-policy-diff.yml", { inputs: { paths: "iam/*.json", "fail-on-new-access": false }, env: MR_ENV, setup });
    assert.equal(passes.status, 0, outcome(passes));
  });

  test("a narrowed policy and an unchanged one: no-new-access, exit 0 (in sh too)", async () => {
    const [before, afterText] = [await wide(), await narrow()];
    for (const shell of ["bash", "sh"]) {
      const setup = (project) => mergeRequest(project, { "iam/a.json": before, "iam/b.json": before }, { "iam/a.json": afterText });
      const result = await runJob("trust-policy-diff.yml", { inputs: { paths: "iam/*.json" }, env: MR_ENV, setup, shell });
      assert.equal(result.status, 0, outcome(result));
      assert.equal((result.stdout.match(/^NO-NEW-ACCESS /gm) ?? []).length, 2, outcome(result));
      assert.match(result.stdout, /No longer admitted \(before allowed, after denies: jobs this change breaks\): [1-9]/);
    }
  });

  test("a new policy file: everything it admits is new access", async () => {
    const policy = await narrow();
    const setup = (project) => mergeRequest(project, { "README.md": "x\n" }, { "iam/new.json": policy });
    const result = await runJob("trust-policy-diff.yml", { inputs: { paths: "iam/*.json" }, env: MR_ENV, setup });
    assert.equal(result.status, 1, outcome(result));
    assert.match(result.stdout, /== iam\/new\.json \(new on this branch/);
  });

  test("a glob that matches no tracked file: exit 2", async () => {
    const setup = (project) => mergeRequest(project, { "README.md": "x\n" }, {});
    const result = await runJob("trust-policy-diff.yml", { inputs: { paths: "iam/*.json" }, env: MR_ENV, setup });
    assert.equal(result.status, 2, outcome(result));
    assert.match(result.stderr, /no tracked file matches iam\/\*\.json/);
  });
});

// ---------------------------------------------------------------------------
// gitlab-ci-local: the templates included by a project, run by another implementation of GitLab CI
// ---------------------------------------------------------------------------

/** Runs gitlab-ci-local (shell executor) in `project` with the given CI/CD variables. */
async function gitlabCiLocal(project, variables) {
  const args = ["--force-shell-executor", "--no-color", "--home", join(project, "..", "gcl-home")];
  for (const [name, value] of Object.entries(variables)) args.push("--variable", `${name}=${value}`);
  return run(GITLAB_CI_LOCAL, args, {
    cwd: project,
    env: { PATH: JOB_PATH, HOME: join(project, "..", "home"), LANG: "C.UTF-8", npm_config_cache: npmCache, npm_config_offline: "true", HTTP_PROXY: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "127.0.0.1,localhost" },
    timeoutMs: 240_000,
  });
}

describe("gitlab-ci-local 4.64.1 runs the components from include: local with inputs", () => {
  test("oidc-preflight: ALLOW passes the pipeline, DENY fails it; the token is never in the log", async () => {
    const token = TOKEN();
    for (const [policy, expected] of [[await policyFor(token), "PASS"], [await policyFor(token, { ref: "production" }), "FAIL"]]) {
      const project = join(work, `gcl-${++runs}`, "project");
      mkdirSync(join(project, "templates"), { recursive: true });
      mkdirSync(join(project, "..", "home"), { recursive: true });
      writeFiles(project, {
        "templates/oidc-preflight.yml": readFileSync(join(ROOT, "templates/oidc-preflight.yml"), "utf8"),
        "iam/trust.json": policy,
        ".gitlab-ci.yml": `include:\n  - local: templates/oidc-preflight.yml\n    inputs:\n      policy: iam/trust.json\n      package: ${JSON.stringify(tarball)}\n`,
      });
      git(project, "init", "-q", "-b", "main");
      git(project, "add", "-A");
      git(project, "commit", "-q", "-m", "init");
      const result = await gitlabCiLocal(project, { GITLAB_OIDC_TOKEN: token });
      const log = result.stdout + result.stderr;
      assert.match(log, new RegExp(`${expected}\\s+oidc-preflight`), outcome(result));
      assert.match(log, expected === "PASS" ? /oidc-preflight > ALLOW / : /oidc-preflight > DENY /, outcome(result));
      assert.equal(result.status, expected === "PASS" ? 0 : 1, outcome(result));
      assertTokenAbsent(result, token);
    }
  });

  test("trust-policy-diff in a merge request pipeline: a widened policy fails it, an unchanged one passes", async () => {
    const narrow = await policyFor(TOKEN());
    const wide = readFileSync(join(ROOT, "tests/fixtures/lint/wide-open.json"), "utf8");
    for (const [head, expected] of [[wide, "FAIL"], [narrow, "PASS"]]) {
      const project = join(work, `gcl-${++runs}`, "project");
      mkdirSync(join(project, "..", "home"), { recursive: true });
      mkdirSync(project, { recursive: true });
      const ci = `include:\n  - local: templates/trust-policy-diff.yml\n    inputs:\n      paths: "iam/*.json"\n      package: ${JSON.stringify(tarball)}\n`;
      mergeRequest(
        project,
        { "templates/trust-policy-diff.yml": readFileSync(join(ROOT, "templates/trust-policy-diff.yml"), "utf8"), ".gitlab-ci.yml": ci, "iam/deploy.json": narrow },
        { "iam/deploy.json": head },
      );
      const result = await gitlabCiLocal(project, { CI_PIPELINE_SOURCE: "merge_request_event", CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main" });
      const log = result.stdout + result.stderr;
      assert.match(log, new RegExp(`${expected}\\s+trust-policy-diff`), outcome(result));
      assert.match(log, expected === "FAIL" ? /trust-policy-diff > NEW-ACCESS / : /trust-policy-diff > NO-NEW-ACCESS /, outcome(result));
      // Outside a merge request pipeline the job does not run at all.
      if (expected === "PASS") {
        const branch = await gitlabCiLocal(project, {});
        assert.doesNotMatch(branch.stdout + branch.stderr, /trust-policy-diff > /, outcome(branch));
      }
    }
  });
});
