// End-to-end test of the token inspector page in Chromium.
//
// Assumes scripts/build.sh has run: it assembles dist/www/ (www/ plus the wasm
// in dist/www/pkg/); the test runner script runs the build first. By hand:
//   scripts/build.sh && node --test tests/e2e/
// Uses the system Chromium (/usr/bin/chromium) through playwright-core; no
// browser download. Screenshots go to tests/e2e/screenshots/ (git-ignored).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = (...parts) => readFileSync(join(root, "tests", "fixtures", ...parts), "utf8");
const token = (name) => fixture("tokens", `${name}.jwt`);
const malformed = (name) => fixture("malformed", `${name}.txt`);
const screenshots = join(root, "tests", "e2e", "screenshots");

/** iat of the fixture tokens (2025-11-24T16:00:00Z); they expire one hour later. */
const ISSUED_AT = 1764000000;

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

let server;
let origin;
let browser;

before(async () => {
  assert.ok(
    existsSync(join(root, "dist", "www", "pkg", "gitlab_aws_oidc_bg.wasm")),
    "dist/www/ is not built: run scripts/build.sh first",
  );
  server = spawn(process.execPath, ["scripts/serve.mjs", "dist/www", "0"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const firstLine = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.once("line", resolve);
    server.once("exit", (code) => reject(new Error(`serve.mjs exited with ${code} before listening`)));
  });
  const match = /^serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(firstLine);
  assert.ok(match, `unexpected first line from serve.mjs: ${firstLine}`);
  origin = match[1];
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  mkdirSync(screenshots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/**
 * Opens the page in a fresh context and records everything that must not
 * happen: requests to other origins, console errors, uncaught errors, CSP
 * violations, dialogs.
 */
async function openPage({ viewport = { width: 1280, height: 900 }, colorScheme = "light", clock } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, serviceWorkers: "block" });
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
  if (clock === "install") await page.clock.install({ time: new Date(ISSUED_AT * 1000 + 20 * 60 * 1000) });
  else if (clock) await page.clock.setFixedTime(clock);
  await page.goto(`${origin}/`);
  await page.waitForSelector('html[data-decoder="ready"]');
  return { context, page, seen };
}

/** Asserts the page stayed offline, quiet and memoryless, then closes it. */
async function finish({ context, page, seen }) {
  for (const url of seen.requests) {
    assert.ok(url.startsWith(`${origin}/`), `request outside the page's origin: ${url.slice(0, 120)}`);
  }
  const expected = ["/", "/style.css", "/app.js", "/pkg/gitlab_aws_oidc.js", "/pkg/gitlab_aws_oidc_bg.wasm"];
  const paths = seen.requests.map((url) => new URL(url).pathname);
  for (const path of expected) assert.ok(paths.includes(path), `expected a request for ${path}`);
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
  assert.equal(stored.url, `${origin}/`, "the URL carries no token");
  assert.equal(page.url(), `${origin}/`);
  assert.deepEqual(await context.cookies(), []);
  await context.close();
}

const byTestId = (page, id) => page.getByTestId(id);
const row = (page, claim) => page.locator(`[data-testid="claims-table"] tr[data-claim="${claim}"]`);
const cell = (page, claim, column) => row(page, claim).locator(`.col-${column}`);

/** Waits until the element with this data-testid contains `text`. */
async function waitForText(page, testId, text) {
  await page.waitForFunction(
    ([id, wanted]) => document.querySelector(`[data-testid="${id}"]`)?.textContent.includes(wanted),
    [testId, text],
  );
}

async function findingCodes(page) {
  return page.locator('[data-testid="finding"]').evaluateAll((items) => items.map((li) => li.dataset.code));
}

async function noHorizontalScroll(page, width) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `page is ${scrollWidth}px wide at a ${width}px viewport`);
}

describe("token inspector page", () => {
  test("the embedded example is the gitlab-com-main fixture", () => {
    const source = readFileSync(join(root, "www", "example-token.js"), "utf8");
    const embedded = /EXAMPLE_TOKEN =\s*"([^"]+)"/.exec(source)?.[1];
    assert.equal(embedded, token("gitlab-com-main").trim());
  });

  test("empty state: explains what to paste, no error, no results", async () => {
    const session = await openPage();
    const { page } = session;
    const input = byTestId(page, "token-input");
    assert.equal(await input.getAttribute("autocomplete"), "off");
    assert.equal(await input.getAttribute("spellcheck"), "false");
    assert.equal(await page.locator('label[for="token-input"]').count(), 1);
    assert.match(await page.locator('[data-part="empty"]').textContent(), /GITLAB_OIDC_TOKEN/);
    assert.equal(await byTestId(page, "token-error").textContent(), "");
    assert.equal(await byTestId(page, "claims-table").isVisible(), false);
    assert.equal(await page.locator("form").count(), 0);
    await finish(session);
  });

  test("gitlab.com token while valid: claims, AWS keys, times, findings", async () => {
    const session = await openPage({ clock: "install" }); // now = iat + 20 min
    const { page } = session;
    await byTestId(page, "token-input").fill(token("gitlab-com-main"));
    await byTestId(page, "claims-table").waitFor();

    assert.equal((await cell(page, "project_path", "value").textContent()).trim(), "acme/platform/deployer");
    assert.equal((await cell(page, "project_id", "aws").locator("code").textContent()).trim(), "gitlab.com:project_id");
    assert.match(await cell(page, "ref", "aws").textContent(), /cannot match on this claim directly/);
    assert.equal(await cell(page, "ref", "aws").locator("code").count(), 0);
    assert.match(await cell(page, "sub", "aws").textContent(), /gitlab\.com:sub/);
    assert.match(await cell(page, "user_access_level", "meaning").textContent(), /since GitLab 16\.9/);
    assert.match(await cell(page, "exp", "value").textContent(), /2025-11-24T17:00:00Z/);
    assert.equal(await page.locator('[data-testid="claims-table"] tbody tr').count(), 28);

    assert.equal((await byTestId(page, "provider-host").textContent()).trim(), "gitlab.com");
    const subject = await byTestId(page, "subject-components").textContent();
    assert.match(subject, /acme\/platform\/deployer/);
    assert.match(subject, /default form/i);

    const times = await byTestId(page, "token-times").textContent();
    assert.match(times, /2025-11-24T16:00:00Z/);
    assert.match(times, /expires in 40 min/);
    assert.match(times, /AWS accepts until.*2025-11-24T17:05:00Z.*in 45 min/);
    assert.equal(await page.locator('[data-testid="token-times"] [data-validity]').getAttribute("data-validity"), "valid");

    const codes = await findingCodes(page);
    assert.ok(!codes.includes("TOK002"), `no TOK002 while valid, got ${codes}`);
    const notVerified = page.locator('[data-testid="finding"][data-code="TOK017"]');
    assert.equal(await notVerified.getAttribute("data-severity"), "info");
    assert.match(await notVerified.textContent(), /Info/); // severity in words, not colour alone
    assert.match(await byTestId(page, "signature-status").textContent(), /Decoded, not verified/);

    assert.match(await byTestId(page, "token-header").textContent(), /"alg": "RS256"/);
    assert.match(await byTestId(page, "token-payload").textContent(), /"project_path": "acme\/platform\/deployer"/);
    assert.equal(await byTestId(page, "token-error").textContent(), "");

    // Relative times refresh every 30 s without any input.
    await page.clock.fastForward("01:00");
    await waitForText(page, "token-times", "expires in 39 min");

    await page.screenshot({ path: join(screenshots, "token-light-desktop.png"), fullPage: true });
    await finish(session);
  });

  test("gitlab.com token today: expired (TOK002), loaded with the example button", async () => {
    const session = await openPage();
    const { page } = session;
    await page.getByRole("button", { name: /Try an example/ }).first().click();
    await byTestId(page, "claims-table").waitFor();
    assert.equal(await byTestId(page, "token-input").inputValue(), token("gitlab-com-main").trim());
    const expired = page.locator('[data-testid="finding"][data-code="TOK002"]');
    assert.equal(await expired.getAttribute("data-severity"), "error");
    assert.match(await expired.textContent(), /exp/);
    assert.equal((await findingCodes(page))[0], "TOK002", "errors come first");
    assert.match(await byTestId(page, "token-times").textContent(), /Expired/);
    assert.match(await page.locator('[data-part="input-meta"]').textContent(), /test key/);
    await finish(session);
  });

  test("keyboard: tab to the input, then to the example button", async () => {
    const session = await openPage();
    const { page } = session;
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "token-input");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "example-button");
    await page.keyboard.press("Enter");
    await byTestId(page, "claims-table").waitFor();
    await finish(session);
  });

  test("self-managed token: only sub and aud are AWS keys", async () => {
    const session = await openPage();
    const { page } = session;
    await byTestId(page, "token-input").fill(token("self-managed-relative-root"));
    await byTestId(page, "claims-table").waitFor();
    assert.equal((await byTestId(page, "provider-host").textContent()).trim(), "gitlab.example.com/gitlab");
    const projectId = cell(page, "project_id", "aws");
    assert.equal(await projectId.locator("code").count(), 0, "project_id is not a condition key here");
    assert.match(await projectId.textContent(), /only for tokens from gitlab\.com/);
    assert.equal((await cell(page, "sub", "aws").locator("code").textContent()).trim(), "gitlab.example.com/gitlab:sub");
    await finish(session);
  });

  test("unknown claims are shown and marked", async () => {
    const session = await openPage();
    const { page } = session;
    await byTestId(page, "token-input").fill(token("unknown-claims"));
    await byTestId(page, "claims-table").waitFor();
    assert.match(await cell(page, "x_custom", "meaning").textContent(), /not a GitLab claim/);
    assert.match(await cell(page, "x_custom", "value").textContent(), /\{"nested":\[1,2\]\}/);
    await finish(session);
  });

  test("malformed input: a clear error with its code; clearing returns to the empty state", async () => {
    const session = await openPage();
    const { page } = session;
    const input = byTestId(page, "token-input");
    const error = byTestId(page, "token-error");
    assert.equal(await error.getAttribute("role"), "alert");
    const cases = {
      "two-segments": "token.segments",
      "payload-bad-base64": "token.payload.base64",
      "header-not-json": "token.header.json",
      "too-large": "token.too_large",
      "whitespace-inside": "token.whitespace",
    };
    for (const [name, code] of Object.entries(cases)) {
      await input.fill(malformed(name));
      await waitForText(page, "token-error", code);
      assert.ok(await error.isVisible(), `${name}: error visible`);
      assert.equal(await byTestId(page, "claims-table").isVisible(), false, `${name}: no stale results`);
    }
    await input.fill(malformed("two-segments"));
    await waitForText(page, "token-error", "token.segments");
    assert.match(await error.textContent(), /token\.segments — token has 2 segments; expected 3/);
    await page.screenshot({ path: join(screenshots, "token-error.png"), fullPage: true });

    await input.fill(malformed("bearer-prefixed"));
    await byTestId(page, "claims-table").waitFor();
    assert.equal(await error.textContent(), "");
    assert.equal((await cell(page, "project_path", "value").textContent()).trim(), "acme/platform/deployer");

    await input.fill("");
    await page.locator('[data-part="empty"]').waitFor();
    assert.equal(await error.textContent(), "");
    assert.equal(await error.isVisible(), false);
    assert.equal(await byTestId(page, "claims-table").isVisible(), false);
    await finish(session);
  });

  test("claim values are rendered as text, never as HTML", async () => {
    const session = await openPage();
    const { page } = session;
    const evil = "<img src=x onerror=alert(1)>";
    const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const header = { alg: "RS256", typ: "JWT", kid: evil };
    const payload = {
      iss: "https://gitlab.com",
      sub: `project_path:${evil}:ref_type:branch:ref:main`,
      aud: "sts.amazonaws.com",
      project_path: evil,
      ref: "<script>alert(2)</script>",
      [evil]: evil,
      iat: ISSUED_AT,
      exp: ISSUED_AT + 3600,
    };
    await byTestId(page, "token-input").fill(`${b64(header)}.${b64(payload)}.c2ln`);
    await byTestId(page, "claims-table").waitFor();
    assert.equal(await page.locator('[data-testid="claims-table"] img').count(), 0);
    assert.equal(await page.locator("main img, main script").count(), 0);
    assert.equal((await cell(page, "project_path", "value").textContent()).trim(), evil);
    assert.match(await byTestId(page, "claims-table").textContent(), /<script>alert\(2\)<\/script>/);
    assert.match(await byTestId(page, "token-header").textContent(), /<img src=x onerror=alert\(1\)>/);
    assert.ok((await page.locator("[data-testid=finding]").allTextContents()).length > 0);
    await finish(session); // asserts no dialog fired
  });

  test("dark theme, desktop", async () => {
    const session = await openPage({ colorScheme: "dark", clock: ISSUED_AT * 1000 + 20 * 60 * 1000 });
    const { page } = session;
    await byTestId(page, "token-input").fill(token("wrong-types"));
    await byTestId(page, "claims-table").waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(background, "rgb(245, 246, 248)", "dark background");
    await page.screenshot({ path: join(screenshots, "token-dark-desktop.png"), fullPage: true });
    await finish(session);
  });

  test("phone width (360 px): no horizontal scroll in any state", async () => {
    const session = await openPage({ viewport: { width: 360, height: 740 }, clock: ISSUED_AT * 1000 + 20 * 60 * 1000 });
    const { page } = session;
    const input = byTestId(page, "token-input");
    await noHorizontalScroll(page, 360);
    await input.fill(malformed("payload-std-base64"));
    await waitForText(page, "token-error", "token.payload.base64");
    await noHorizontalScroll(page, 360);
    await input.fill(token("unknown-claims"));
    await byTestId(page, "claims-table").waitFor();
    await noHorizontalScroll(page, 360);
    await input.fill(token("gitlab-com-main"));
    await waitForText(page, "token-times", "expires in 40 min");
    await noHorizontalScroll(page, 360);
    await page.screenshot({ path: join(screenshots, "token-phone.png"), fullPage: true });
    await finish(session);
  });
});
