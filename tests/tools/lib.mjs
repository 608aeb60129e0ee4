// Helpers for tests/tools: the independent tools (check-jsonschema, shellcheck, the AWS CLI
// and moto from .venv-tools, see scripts/setup-tools.sh) run on what ciSnippet generates.
import { spawn, spawnSync } from "node:child_process";
import { createSign } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const VENV = join(ROOT, ".venv-tools");
export const VENV_BIN = join(VENV, "bin");
const HERE = join(ROOT, "tests/tools");

// Any request that is not for 127.0.0.1 goes to this closed local port and fails at once:
// nothing a checker or a job does can reach the internet.
const DEAD_PROXY = "http://127.0.0.1:9";
const OFFLINE = {
  HTTP_PROXY: DEAD_PROXY,
  HTTPS_PROXY: DEAD_PROXY,
  http_proxy: DEAD_PROXY,
  https_proxy: DEAD_PROXY,
  NO_PROXY: "127.0.0.1,localhost",
  no_proxy: "127.0.0.1,localhost",
};

/** The environment of the Python helpers: no AWS settings of this machine, offline. */
const HELPER_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME ?? tmpdir(),
  LANG: "C.UTF-8",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_EC2_METADATA_DISABLED: "true",
  ...OFFLINE,
};

/** Throws, naming what to run, unless every tool and the built package are there. */
export function requireTools() {
  const missing = [];
  for (const tool of ["python", "check-jsonschema", "aws", "moto_server"]) {
    if (!existsSync(join(VENV_BIN, tool))) missing.push(`.venv-tools/bin/${tool}`);
  }
  for (const tool of ["shellcheck", "zip", "bash"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) missing.push(tool);
  }
  if (missing.length > 0) {
    throw new Error(`tests/tools needs ${missing.join(", ")}: run scripts/setup-tools.sh first`);
  }
  if (!existsSync(join(ROOT, "pkg/gitlab_aws_oidc_bg.wasm"))) {
    throw new Error("tests/tools needs pkg/: run scripts/build.sh first");
  }
}

export async function loadGenerator() {
  const { initSync, ciSnippet } = await import(join(ROOT, "pkg/gitlab_aws_oidc.js"));
  initSync({ module: readFileSync(join(ROOT, "pkg/gitlab_aws_oidc_bg.wasm")) });
  return ciSnippet;
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `gitlab-aws-oidc-${prefix}-`));
}

export function writeFiles(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/**
 * Runs a command with a bounded time; never throws for a non-zero exit.
 * The command gets its own process group, killed whole on time-out.
 */
export function run(command, args, { cwd, env, input, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? { ...process.env, ...OFFLINE },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
    // A command that exits without reading its input closes the pipe: not an error here.
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

/** Shows a command's outcome in an assertion message. */
export function outcome(result) {
  return `exit ${result.status}${result.signal ? ` (${result.signal})` : ""}${result.timedOut ? " (timed out)" : ""}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

// ---------------------------------------------------------------------------
// YAML as GitLab reads it
// ---------------------------------------------------------------------------

/** The documents of a YAML file, split at `---` lines, as source text. */
export function documents(text) {
  const parts = [];
  let current = [];
  for (const line of text.split("\n")) {
    if (/^---\s*$/.test(line)) {
      parts.push(current.join("\n"));
      current = [];
    } else {
      current.push(line);
    }
  }
  parts.push(current.join("\n"));
  return parts.filter((p) => p.replace(/#.*$/gm, "").trim() !== "");
}

/**
 * Parses YAML strictly (duplicate keys are errors) as YAML 1.2 and as YAML 1.1, which is
 * what GitLab's Ruby parser (Psych) implements: both must agree.
 */
export function parseYaml(text) {
  const v12 = YAML.parse(text, { uniqueKeys: true, strict: true, prettyErrors: true });
  const v11 = YAML.parse(text, { version: "1.1", uniqueKeys: true, strict: true, prettyErrors: true });
  return { v12, v11 };
}

const GLOBAL_KEYS = new Set([
  "stages",
  "variables",
  "default",
  "include",
  "workflow",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
  "spec",
]);

/** The jobs of a parsed .gitlab-ci.yml: every non-global, non-hidden key. */
export function jobsOf(doc) {
  return Object.entries(doc ?? {}).filter(([name]) => !GLOBAL_KEYS.has(name) && !name.startsWith("."));
}

/** GitLab CI/CD component inputs: `$[[ inputs.NAME ]]` in parsed values, as GitLab interpolates them. */
export function interpolate(value, inputs) {
  const whole = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/;
  const part = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;
  const lookup = (name) => {
    if (!(name in inputs)) throw new Error(`input ${name} has no value and no default`);
    return inputs[name];
  };
  if (typeof value === "string") {
    const m = whole.exec(value);
    if (m) return lookup(m[1]);
    return value.replace(part, (_, name) => String(lookup(name)));
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, inputs));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [interpolate(k, inputs), interpolate(v, inputs)]));
  }
  return value;
}

/** A job's variables as the runner exports them: strings, never expanded here (expand: false). */
export function jobVariables(job) {
  const out = {};
  for (const [name, value] of Object.entries(job.variables ?? {})) {
    out[name] = String(value !== null && typeof value === "object" ? value.value : value);
  }
  return out;
}

/**
 * The script GitLab Runner's bash shell runs for a job: errexit and pipefail, then every
 * before_script and script entry in order, in one shell (the runner also echoes each
 * command first, which changes nothing that runs).
 */
export function runnerScript(job) {
  const entries = [...[job.before_script ?? []].flat(), ...[job.script ?? []].flat()];
  return ["set -eo pipefail", "set +o noclobber", ...entries].join("\n") + "\n";
}

// ---------------------------------------------------------------------------
// the independent checkers
// ---------------------------------------------------------------------------

/**
 * check-jsonschema with GitLab's vendored CI schema on YAML files, offline, in one run.
 * Returns the problems of each file by path (an empty list: valid).
 */
export async function checkGitlabSchema(files) {
  const result = await run(
    join(VENV_BIN, "check-jsonschema"),
    ["--builtin-schema", "vendor.gitlab-ci", "--default-filetype", "yaml", "--output-format", "json", ...files],
    { env: { ...process.env, ...OFFLINE }, timeoutMs: 60_000 },
  );
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`check-jsonschema did not report: ${outcome(result)}`);
  }
  const problems = new Map(files.map((f) => [f, []]));
  for (const e of report.errors ?? []) problems.get(e.filename)?.push(`${e.path}: ${e.message}`);
  for (const e of report.parse_errors ?? []) {
    // The JSON report only says "Failed to parse": ask again in text for the reason.
    const text = await run(join(VENV_BIN, "check-jsonschema"), ["--builtin-schema", "vendor.gitlab-ci", "--default-filetype", "yaml", e.filename], {
      env: { ...process.env, ...OFFLINE },
      timeoutMs: 30_000,
    });
    problems.get(e.filename)?.push(`parse error: ${text.stdout}${text.stderr}`);
  }
  const reported = (report.errors?.length ?? 0) + (report.parse_errors?.length ?? 0);
  if ((report.status === "ok") !== (reported === 0) || (result.status === 0) !== (reported === 0)) {
    throw new Error(`check-jsonschema's report and exit status disagree: ${outcome(result)}`);
  }
  return problems;
}

export function shellcheck(file, shell = "bash") {
  return run("shellcheck", [`--shell=${shell}`, "--severity=style", "--color=never", file], { timeoutMs: 30_000 });
}

// ---------------------------------------------------------------------------
// tokens
// ---------------------------------------------------------------------------

const b64url = (data) => Buffer.from(data).toString("base64url");

/**
 * A token as GitLab would mint it for the job: the claims of tests/fixtures/tokens/
 * gitlab-com-main.jwt with the job's aud and fresh times, signed with the committed
 * test-only key (tests/fixtures/keys/test-rsa-2048.pem, in jwks.json) or another key.
 */
export function mintToken({ aud, key = "test-rsa-2048.pem", now = Math.floor(Date.now() / 1000) }) {
  const fixture = readFileSync(join(ROOT, "tests/fixtures/tokens/gitlab-com-main.jwt"), "utf8").trim();
  const header = JSON.parse(Buffer.from(fixture.split(".")[0], "base64url"));
  const claims = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/tokens/gitlab-com-main.claims.json"), "utf8"));
  const payload = { ...claims, aud, iat: now, nbf: now - 5, exp: now + 3600 };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signer = createSign("RSA-SHA256");
  signer.update(signingInput);
  const signature = signer.sign(readFileSync(join(ROOT, "tests/fixtures/keys", key)));
  return `${signingInput}.${b64url(signature)}`;
}

export const FIXTURE_TOKEN = () => readFileSync(join(ROOT, "tests/fixtures/tokens/gitlab-com-main.jwt"), "utf8").trim();

// ---------------------------------------------------------------------------
// the fake AWS
// ---------------------------------------------------------------------------

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts tests/tools/fake_aws.py (moto's server, stricter STS, CodeBuild lifecycle) on
 * 127.0.0.1 and waits until it answers. stop() kills it; so does this process ending,
 * since the server exits when its stdin closes.
 */
export async function startFakeAws(dir) {
  const record = join(dir, "sts-calls.jsonl");
  const log = join(dir, "fake-aws.log");
  mkdirSync(dir, { recursive: true });
  writeFileSync(record, "");
  const child = spawn(
    join(VENV_BIN, "python"),
    [join(HERE, "fake_aws.py"), "--jwks", join(ROOT, "tests/fixtures/keys/jwks.json"), "--record", record],
    { stdio: ["pipe", "pipe", "pipe"], env: HELPER_ENV },
  );
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
      child.once("exit", () => {
        clearTimeout(kill);
        writeFileSync(log, stderr);
        resolve();
      });
      child.kill("SIGTERM");
    });
  const endpoint = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`fake AWS did not start within 30 s:\n${stderr}`)), 30_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fake AWS exited (${code}) before listening:\n${stderr}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  // It listens; wait until it answers HTTP too (bounded).
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`fake AWS at ${endpoint} does not answer:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    stop,
    /** Every AssumeRoleWithWebIdentity request since the last reset, accepted or refused. */
    calls: () =>
      readFileSync(record, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    /** Forgets every resource (moto's reset) and every recorded call. */
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST", signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`moto reset: HTTP ${response.status}`);
      writeFileSync(record, "");
    },
    /** Creates providers, roles, buckets and projects with boto3 (tests/tools/seed_aws.py). */
    seed: async (plan) => {
      const result = await run(join(VENV_BIN, "python"), [join(HERE, "seed_aws.py"), endpoint], {
        input: JSON.stringify(plan),
        env: HELPER_ENV,
        timeoutMs: 30_000,
      });
      if (result.status !== 0) throw new Error(`seeding the fake AWS failed: ${outcome(result)}`);
    },
  };
}

/**
 * The environment of a job on a runner, and nothing of this machine's: the pip AWS CLI
 * first on PATH (behind a shim that logs each call), the fake AWS as every endpoint,
 * no AWS credentials, no instance metadata, no way out but 127.0.0.1.
 */
export function jobEnvironment({ home, shimLog, endpoint, variables }) {
  const shimDir = join(home, "..", "shim");
  mkdirSync(shimDir, { recursive: true });
  writeFileSync(
    join(shimDir, "aws"),
    `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> ${JSON.stringify(shimLog)}\nexec ${JSON.stringify(join(VENV_BIN, "aws"))} "$@"\n`,
    { mode: 0o755 },
  );
  mkdirSync(home, { recursive: true });
  return {
    PATH: `${shimDir}:${VENV_BIN}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    LANG: "C.UTF-8",
    TMPDIR: join(home, "..", "tmp"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL: endpoint,
    ...OFFLINE,
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER_URL: "https://gitlab.com",
    CI_PROJECT_ID: "46573356",
    CI_PROJECT_PATH: "acme/platform/deployer",
    CI_JOB_ID: "8222997048",
    CI_PIPELINE_ID: "2117654321",
    CI_COMMIT_REF_NAME: "feature/x",
    CI_COMMIT_BRANCH: "feature/x",
    CI_COMMIT_REF_SLUG: "feature-x",
    CI_COMMIT_SHORT_SHA: "1babfe14",
    CI_COMMIT_SHA: "1babfe1446deb5b63baa2d742480ff1515194087",
    ...variables,
  };
}

/** A small project to build: a Dockerfile, a file, and a .git/ the job must leave out. */
export function buildContext(dir) {
  writeFiles(dir, {
    Dockerfile: "FROM scratch\nCOPY app.txt /app.txt\n",
    "app.txt": "hello\n",
    ".git/HEAD": "ref: refs/heads/main\n",
  });
  return dir;
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}
