// Shared set-up of the browser tests (not a test file itself): the built page
// served by scripts/serve.mjs, the system Chromium through playwright-core, the
// core in Node for expected values, and the checks every session ends with.
//
// Assumes scripts/build.sh has run (dist/www/ and dist/gitlab-aws-oidc.html).
// Uses /usr/bin/chromium; no browser download. Screenshots go to
// tests/e2e/screenshots/ (git-ignored).

import { after, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { launchChromium, serveSite } from "../../scripts/chromium.mjs";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const fixture = (...parts) => readFileSync(join(root, "tests", "fixtures", ...parts), "utf8");
export const token = (name) => fixture("tokens", `${name}.jwt`);
export const malformed = (name) => fixture("malformed", `${name}.txt`);
export const keyFile = (name) => fixture("keys", name);
export const screenshots = join(root, "tests", "e2e", "screenshots");
export const singleFile = join(root, "dist", "gitlab-aws-oidc.html");
export const singleFileUrl = pathToFileURL(singleFile).href;

/** iat of the fixture tokens (2025-11-24T16:00:00Z); they expire one hour later. */
export const ISSUED_AT = 1764000000;

/** axe-core, injected with page.evaluate: addScriptTag adds an inline script, which the page's CSP (rightly) blocks. */
const AXE_SOURCE = readFileSync(join(root, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** What the suite shares; filled by the before() hook setup() registers. */
export const env = {
  /** @type {string} */ origin: "",
  /** @type {import("playwright-core").Browser} */ browser: /** @type {any} */ (null),
  /** The core in Node (the glue the page loads), for expected values. */
  core: /** @type {any} */ (null),
};

/** Registers the before/after hooks of a test file: server, browser, core. */
export function setup() {
  let server;
  before(async () => {
    assert.ok(
      existsSync(join(root, "dist", "www", "pkg", "gitlab_aws_oidc_bg.wasm")),
      "dist/www/ is not built: run scripts/build.sh first",
    );
    assert.ok(existsSync(singleFile), "dist/gitlab-aws-oidc.html is not built: run scripts/build.sh first");
    env.core = await import(pathToFileURL(join(root, "dist", "www", "pkg", "gitlab_aws_oidc.js")).href);
    env.core.initSync({ module: readFileSync(join(root, "dist", "www", "pkg", "gitlab_aws_oidc_bg.wasm")) });
    ({ server, origin: env.origin } = await serveSite(join(root, "dist", "www")));
    env.browser = await launchChromium();
    mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await env.browser?.close();
    server?.kill();
  });
}

/**
 * Opens the page in a fresh context and records everything that must not
 * happen: requests to other origins, console errors, uncaught errors, CSP
 * violations, dialogs. `target`: "served" (the page from serve.mjs) or "file"
 * (the single file from file://, in a context with the network off).
 * `path`: what to open on the served origin (default "/", e.g. "/#pane=policy").
 * `secrets`: texts that must never reach the URL (finish() checks).
 * `routes`: [glob, handler] pairs for context.route(), set before the page opens (e.g. to hold a module back).
 * `ready`: the selector openPage waits for (default: every step rendered, both modules of the core loaded).
 */
export async function openPage({
  viewport = { width: 1280, height: 900 },
  colorScheme = "light",
  clock,
  target = "served",
  path = "/",
  permissions = [],
  acceptDownloads = false,
  secrets = [],
  routes = [],
  ready = 'html[data-decoder="ready"]',
  // The page's module in two halves: the first on load, the tools once the page is idle (www/core.js).
  expect = [
    "/style.css",
    "/app.js",
    "/pkg/gitlab_aws_oidc_page.js",
    "/pkg/gitlab_aws_oidc_page_bg.wasm",
    "/pkg/gitlab_aws_oidc_page_tools_bg.wasm",
  ],
} = {}) {
  const file = target === "file";
  const context = await env.browser.newContext({
    viewport,
    colorScheme,
    serviceWorkers: "block",
    offline: file,
    acceptDownloads,
  });
  if (permissions.length && !file) await context.grantPermissions(permissions, { origin: env.origin });
  for (const [glob, handler] of routes) await context.route(glob, handler);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const seen = { requests: [], problems: [], dialogs: [] };
  context.on("request", (request) => seen.requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") seen.problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => seen.problems.push(`page error: ${error.message}`));
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  // "install": a clock that runs, paused at iat + 20 min once the page is ready,
  // so relative times do not depend on how long the page took to load.
  const installedAt = ISSUED_AT * 1000 + 20 * 60 * 1000;
  if (clock === "install") await page.clock.install({ time: new Date(installedAt - 15_000) });
  else if (clock) await page.clock.setFixedTime(clock);
  const url = file ? singleFileUrl : `${env.origin}${path}`;
  await page.goto(url);
  await page.waitForSelector(ready, { state: "attached" });
  if (clock === "install") await page.clock.pauseAt(new Date(installedAt));
  return { context, page, seen, target, url, secrets: [...secrets], expect };
}

/** The URL without its fragment. */
const withoutFragment = (url) => url.replace(/#.*$/, "");

/**
 * Asserts that a URL fragment carries none of the secrets: not the token
 * (nor any of its three parts), not the keys, not pasted text.
 */
export function assertNoSecretsIn(url, secrets) {
  const fragment = decodeURIComponent(new URL(url).hash);
  assert.doesNotMatch(fragment, /eyJ[A-Za-z0-9_-]{8,}/, "no JWT-looking text in the fragment");
  for (const secret of secrets) {
    const text = secret.trim();
    if (!text) continue;
    const pieces = text.includes(".") && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(text) ? text.split(".").filter((p) => p.length > 8) : [];
    for (const piece of [text, ...pieces]) {
      assert.ok(!fragment.includes(piece), `the fragment carries a secret: ${piece.slice(0, 40)}…`);
    }
    // Keys and pasted JSON: no long line of them either.
    for (const line of text.split("\n").map((l) => l.trim()).filter((l) => l.length > 24)) {
      assert.ok(!fragment.includes(line), `the fragment carries pasted text: ${line.slice(0, 40)}…`);
    }
  }
}

/** Asserts the page stayed offline, quiet and memoryless, then closes it. */
export async function finish({ context, page, seen, target, url: pageUrl, secrets, expect }) {
  if (target === "file") {
    // The single file needs nothing but itself: not even a file next to it.
    assert.ok(seen.requests.length > 0, "the file itself is recorded");
    for (const url of seen.requests) {
      assert.ok(
        withoutFragment(url) === singleFileUrl || url.startsWith("blob:null/"),
        `a request beyond the file: ${url.slice(0, 120)}`,
      );
    }
  } else {
    for (const url of seen.requests) {
      // blob: URLs are downloads of text already in the page (same origin, no network).
      assert.ok(
        url.startsWith(`${env.origin}/`) || url.startsWith(`blob:${env.origin}/`),
        `request outside the page's origin: ${url.slice(0, 120)}`,
      );
    }
    const paths = seen.requests.filter((u) => u.startsWith("http")).map((url) => new URL(url).pathname);
    for (const path of expect) assert.ok(paths.includes(path), `expected a request for ${path}`);
  }
  assert.deepEqual(seen.problems, [], "no console errors, page errors or CSP violations");
  assert.deepEqual(seen.dialogs, [], "no dialogs");
  const stored = await page.evaluate(() => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
    url: location.href,
  }));
  assert.equal(stored.local, 0, "localStorage is empty");
  assert.equal(stored.session, 0, "sessionStorage is empty");
  assert.equal(stored.cookie, "", "no cookies");
  assert.equal(withoutFragment(stored.url), withoutFragment(pageUrl), "the page never navigated");
  assertNoSecretsIn(stored.url, secrets);
  assert.deepEqual(await context.cookies(), []);
  await context.close();
}

export const byTestId = (page, id) => page.getByTestId(id);

/**
 * Saves a screenshot of the whole page as `name` in tests/e2e/screenshots/. Chromium's full-page capture
 * leaves blank what the page lets it skip while off screen (content-visibility: auto: the claims rows, the
 * header and payload), so the viewport is made as tall as the page for the capture, then restored.
 * @param {import("playwright-core").Page} page
 * @param {string} name
 */
export async function screenshotPage(page, name) {
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport) await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
  if (viewport) await page.setViewportSize(viewport);
}

/** Waits until the element with this data-testid contains `text`. */
export async function waitForText(page, testId, text) {
  await page.waitForFunction(
    ([id, wanted]) => document.querySelector(`[data-testid="${id}"]`)?.textContent.includes(wanted),
    [testId, text],
  );
}

export async function noHorizontalScroll(page, width) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `page is ${scrollWidth}px wide at a ${width}px viewport`);
}

/** Runs axe-core on the page as it is; returns the violations (id, impact, help, targets). */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  // axe schedules work with timers: a paused page clock (clock.install) would stall it, so fail loudly instead.
  let timer;
  const result = await Promise.race([
    page.evaluate(() =>
      // @ts-ignore axe is injected above
      window.axe.run(document, { resultTypes: ["violations"] }),
    ),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("axe-core did not finish in 30 s (is the page clock paused?)")), 30_000);
    }),
  ]).finally(() => clearTimeout(timer));
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n")[1] ?? ""}`),
  }));
}

/** Asserts axe-core finds nothing. */
export async function assertAccessible(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: axe-core violations\n${JSON.stringify(violations, null, 2)}`);
}

/** Shows a step by clicking its tab; waits for its panel. */
export async function showPane(page, pane) {
  await byTestId(page, `step-${pane}`).click();
  await page.waitForSelector(`#pane-${pane}:not([hidden])`);
}

/** The current URL fragment's parameters. */
export async function fragmentOf(page) {
  return new URLSearchParams((await page.evaluate(() => location.hash)).replace(/^#/, ""));
}

/** Waits for the (debounced) fragment to hold `key` (with `value`, when given). */
export async function waitForFragment(page, key, value) {
  await page.waitForFunction(
    ([k, v]) => {
      const params = new URLSearchParams(location.hash.replace(/^#/, ""));
      return v === undefined ? params.has(k) : params.get(k) === v;
    },
    [key, value],
  );
}
