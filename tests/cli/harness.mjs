// The gitlab-aws-oidc command as a user runs it: the package packed (npm pack pkg/), installed by
// name into an empty project (offline: the tarball has no dependencies), run from
// node_modules/.bin. Run after scripts/build.sh (scripts/test.sh does both).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const fixture = (path) => readFileSync(join(ROOT, "tests/fixtures", path), "utf8");
/** The fixtures' "now": 20 minutes after their iat. */
export const NOW = 1764000000 + 20 * 60;

/** The package's own exports, to compare the command's JSON with. */
export async function exports() {
  const module = await import(join(ROOT, "pkg/gitlab_aws_oidc.js"));
  module.initSync({ module: readFileSync(join(ROOT, "pkg/gitlab_aws_oidc_bg.wasm")) });
  return module;
}

/** Packs pkg/ and installs the tarball by name into a fresh project; returns where. */
export function install() {
  if (!existsSync(join(ROOT, "pkg/package.json"))) throw new Error("tests/cli needs pkg/: run scripts/build.sh first");
  const work = mkdtempSync(join(tmpdir(), "gitlab-aws-oidc-cli-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", join(ROOT, "pkg"), "--json", "--pack-destination", work], { encoding: "utf8" }));
  const tarball = join(work, packed[0].filename);
  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: app, stdio: "pipe" });
  const bin = join(app, "node_modules/.bin/gitlab-aws-oidc");
  if (!existsSync(bin)) throw new Error(`npm install did not link the bin: ${readdirSync(dirname(bin))}`);
  return { work, app, tarball, bin, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

/**
 * Runs a command (the installed bin by default) with a clean environment: PATH, HOME and what
 * `env` adds; never this machine's NO_COLOR, TERM or tokens. Resolves to
 * { status, stdout, stderr }.
 */
export function runWith(command, args, { input, env = {}, cwd, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: process.env.HOME ?? tmpdir(), LANG: "C.UTF-8", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

/** Shows a run in an assertion message. */
export function shown(result) {
  return `exit ${result.status}${result.signal ? ` (${result.signal})` : ""}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** Writes files under a directory; returns the directory. */
export function files(dir, entries) {
  for (const [name, text] of Object.entries(entries)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
