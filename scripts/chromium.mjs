// The page in headless Chromium, as the browser tests (tests/e2e/harness.mjs) and the
// bench (scripts/bench/browser.mjs) both run it: the system Chromium (Debian's, which
// scripts/setup.sh installs) through playwright-core, no browser download, and a site
// served by scripts/serve.mjs on 127.0.0.1.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const SERVE = fileURLToPath(new URL("serve.mjs", import.meta.url));

/** Flags for a quiet, offline headless browser in a container. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/** Launches /usr/bin/chromium headless. */
export function launchChromium() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

/**
 * Serves `dir` with scripts/serve.mjs on a free port of 127.0.0.1.
 * @param {string} dir
 * @returns {Promise<{ server: import("node:child_process").ChildProcess, origin: string }>}
 */
export async function serveSite(dir) {
  const server = spawn(process.execPath, [SERVE, dir, "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const firstLine = await new Promise((ok, fail) => {
    createInterface({ input: server.stdout }).once("line", ok);
    server.once("exit", (code) => fail(new Error(`serve.mjs exited with ${code} before listening`)));
  });
  const match = /^serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(firstLine);
  if (!match) {
    server.kill();
    throw new Error(`unexpected first line from serve.mjs: ${firstLine}`);
  }
  return { server, origin: match[1] };
}
