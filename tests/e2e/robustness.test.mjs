// Hostile pastes in Chromium: 1 MiB of garbage, a 64 KiB token, and JSON nested
// 10 000 deep, in the token, keys and policy inputs. Each must end in a clear
// error (the core's code and message, shown verbatim, computed here in Node by
// the same core) while the page stays responsive: it answers page.evaluate, and
// the next normal paste renders. No uncaught error, console error or dialog
// (finish() checks).
//
// Timings are printed as test diagnostics, not asserted tightly: the only bound,
// HANG_MS, says "did not hang", generously, for slow CI machines.
//
// Assumes scripts/build.sh has run (see page.test.mjs). Shared set-up: harness.mjs.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ISSUED_AT, byTestId, env, finish, fixture, keyFile, openPage, setup, showPane, token } from "./harness.mjs";

setup();

/** "Did not hang": far above anything seen (hundreds of milliseconds), low enough to catch a freeze. */
const HANG_MS = 5_000;

/** 1 MiB of printable ASCII from a fixed-seed generator: the same garbage every run. */
function garbage(length = 1 << 20) {
  let seed = 1;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = 32 + ((seed >> 16) % 95);
  }
  return bytes.toString("latin1");
}
const GARBAGE = garbage();

/** `depth` nested JSON arrays: [[[…]]]. */
const nested = (depth = 10_000) => "[".repeat(depth) + "]".repeat(depth);

/**
 * gitlab-com-main with a `padding` claim sized so the whole token is exactly
 * `length` characters: a well-formed JWT (its signature no longer matches).
 */
function paddedToken(length) {
  const [header, payload, signature] = token("gitlab-com-main").trim().split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  const make = (n) =>
    `${header}.${Buffer.from(JSON.stringify({ ...claims, padding: "x".repeat(n) })).toString("base64url")}.${signature}`;
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (make(mid).length < length) lo = mid + 1;
    else hi = mid;
  }
  // base64url grows in steps of 4 characters per 3 bytes: one of the next few lengths hits it exactly.
  for (let n = lo; n < lo + 4; n++) {
    if (make(n).length === length) return make(n);
  }
  throw new Error(`no padding makes a ${length}-character token`);
}

/** A token whose payload is the given JSON text (header and signature of gitlab-com-main). */
function tokenWithPayload(json) {
  const [header, , signature] = token("gitlab-com-main").trim().split(".");
  return `${header}.${Buffer.from(json).toString("base64url")}.${signature}`;
}

/** What the core in Node throws for this input: { code, message }. */
async function coreError(call) {
  try {
    await call();
  } catch (error) {
    assert.equal(error.name, "GitlabAwsOidcError", `a coded error, not ${error}`);
    return { code: error.code, message: error.message };
  }
  assert.fail("the core accepted the input");
}

/**
 * Pastes `text` into the input `inputId` and waits for `testId` to show the
 * error `code`; reports how long that took. Returns the error area's text.
 */
async function pasteExpectingError(t, page, inputId, text, testId, code) {
  const started = performance.now();
  await byTestId(page, inputId).fill(text);
  await page.waitForFunction(
    ([id, wanted]) => document.querySelector(`[data-testid="${id}"]`)?.textContent.includes(wanted),
    [testId, code],
    { timeout: HANG_MS },
  );
  const took = performance.now() - started;
  t.diagnostic(`${inputId}: ${text.length.toLocaleString("en")} characters to "${code}" shown in ${took.toFixed(0)} ms`);
  assert.ok(took < HANG_MS, `the error took ${took.toFixed(0)} ms`);
  return (await byTestId(page, testId).textContent()) ?? "";
}

/** The page answers a script promptly. */
async function assertResponsive(t, page) {
  const started = performance.now();
  await page.evaluate(() => document.readyState);
  const took = performance.now() - started;
  t.diagnostic(`page.evaluate answered in ${took.toFixed(0)} ms`);
  assert.ok(took < HANG_MS, `page.evaluate took ${took.toFixed(0)} ms`);
}

/** Pastes the gitlab-com-main fixture: its claims render, and the token error is gone. */
async function assertNormalTokenRenders(t, page) {
  const started = performance.now();
  await byTestId(page, "token-input").fill(token("gitlab-com-main"));
  await page.locator('[data-testid="claims-table"] tr[data-claim="project_path"]').waitFor({ timeout: HANG_MS });
  t.diagnostic(`a normal token rendered ${(performance.now() - started).toFixed(0)} ms after the paste`);
  assert.equal(await byTestId(page, "token-error").textContent(), "");
}

describe("hostile pastes keep the page responsive with a clear error", () => {
  const now = ISSUED_AT + 600;

  test("1 MiB of garbage as the token: token.too_large, with the size and the limit", async (t) => {
    const expected = await coreError(() => env.core.inspectToken(GARBAGE, now));
    assert.equal(expected.code, "token.too_large");
    const session = await openPage();
    const { page } = session;
    const shown = await pasteExpectingError(t, page, "token-input", GARBAGE, "token-error", expected.code);
    assert.match(shown, /Cannot decode this as a JWT/);
    assert.ok(shown.includes(expected.message), `the core's message verbatim: ${shown.slice(0, 300)}`);
    assert.match(shown, /1048576 bytes; expected at most 65536/);
    assert.equal(await byTestId(page, "claims-table").isVisible(), false, "no claims from garbage");
    await assertResponsive(t, page);
    await assertNormalTokenRenders(t, page);
    await finish(session);
  });

  test("a 64 KiB token decodes; one character more is refused as too large", async (t) => {
    const largest = paddedToken(64 * 1024);
    const tooLarge = paddedToken(64 * 1024 + 1);
    const session = await openPage();
    const { page } = session;

    const started = performance.now();
    await byTestId(page, "token-input").fill(largest);
    await page.locator('[data-testid="claims-table"] tr[data-claim="padding"]').waitFor({ timeout: HANG_MS });
    t.diagnostic(`token-input: a ${largest.length}-character token rendered in ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(await byTestId(page, "token-error").textContent(), "");
    assert.equal(
      (await page.locator('[data-testid="claims-table"] tr[data-claim="project_path"] .col-value').textContent()).trim(),
      "acme/platform/deployer",
    );
    assert.match(await page.locator('[data-part="input-meta"]').textContent(), /65,536 chars/);
    await assertResponsive(t, page);

    const expected = await coreError(() => env.core.inspectToken(tooLarge, now));
    assert.equal(expected.code, "token.too_large");
    const shown = await pasteExpectingError(t, page, "token-input", tooLarge, "token-error", expected.code);
    assert.ok(shown.includes(expected.message), `the core's message verbatim: ${shown}`);
    assert.match(shown, /65537 bytes; expected at most 65536/);
    assert.equal(await byTestId(page, "claims-table").isVisible(), false, "the previous token's claims are gone");
    await assertNormalTokenRenders(t, page);
    await finish(session);
  });

  test("a token whose payload is 10 000 nested arrays (or an object around them): token.payload.json", async (t) => {
    const session = await openPage();
    const { page } = session;
    for (const payload of [nested(), `{"sub":${nested()}}`]) {
      const jwt = tokenWithPayload(payload);
      const expected = await coreError(() => env.core.inspectToken(jwt, now));
      assert.equal(expected.code, "token.payload.json");
      const shown = await pasteExpectingError(t, page, "token-input", jwt, "token-error", expected.code);
      assert.ok(shown.includes(expected.message), `the core's message verbatim: ${shown}`);
      assert.match(shown, /token payload is not JSON: recursion limit exceeded/);
      await assertResponsive(t, page);
    }
    await assertNormalTokenRenders(t, page);
    await finish(session);
  });

  test("keys without a token: garbage gets its keys error at once, and still after a token is pasted", async (t) => {
    const session = await openPage();
    const { page } = session;
    for (const [keys, code] of [
      [GARBAGE, "keys.too_large"],
      [nested(), "keys.not_recognized"],
      [`{"keys":${nested()}}`, "keys.json"],
    ]) {
      const expected = await coreError(() => env.core.checkKeys(keys));
      assert.equal(expected.code, code);
      const shown = await pasteExpectingError(t, page, "keys-input", keys, "keys-error", code);
      assert.match(shown, /Cannot use these keys/);
      assert.ok(shown.includes(expected.message), `the core's message verbatim: ${shown}`);
      assert.equal(await byTestId(page, "token-error").textContent(), "", "no token error without a token");
      await assertResponsive(t, page);
    }
    // Usable keys clear the error before any token is pasted...
    await byTestId(page, "keys-input").fill(keyFile("jwks.json"));
    await page.waitForFunction(() => document.querySelector('[data-testid="keys-error"]')?.textContent === "", null, {
      timeout: HANG_MS,
    });
    // ...and refused ones (JSON nested 10 000 deep) stay refused once a token arrives.
    await pasteExpectingError(t, page, "keys-input", `{"keys":${nested()}}`, "keys-error", "keys.json");
    await byTestId(page, "token-input").fill(token("gitlab-com-main"));
    await page.waitForSelector('[data-testid="signature-badge"][data-state="error"]', { timeout: HANG_MS });
    assert.match(await byTestId(page, "keys-error").textContent(), /keys\.json/);
    // Usable keys clear the error.
    await byTestId(page, "keys-input").fill(keyFile("jwks.json"));
    await page.waitForSelector('[data-testid="signature-badge"][data-state="verified"]', { timeout: HANG_MS });
    assert.equal(await byTestId(page, "keys-error").textContent(), "");
    await finish(session);
  });

  test("keys: 1 MiB of garbage and JSON nested 10 000 deep each get a keys error; real keys then verify", async (t) => {
    const jwt = token("gitlab-com-main");
    const session = await openPage();
    const { page } = session;
    await byTestId(page, "token-input").fill(jwt);
    await byTestId(page, "claims-table").waitFor();
    const cases = [
      [GARBAGE, "keys.too_large", /1048576 bytes; expected at most 262144/],
      [nested(), "keys.not_recognized", /keys are not JSON, a JWK or a PEM public key/],
      [`{"keys":${nested()}}`, "keys.json", /recursion limit exceeded/],
      [`{"kty":"RSA","n":${nested()}}`, "keys.json", /recursion limit exceeded/],
    ];
    for (const [keys, code, detail] of cases) {
      const expected = await coreError(() => env.core.verifyToken(jwt, keys));
      assert.equal(expected.code, code);
      const shown = await pasteExpectingError(t, page, "keys-input", keys, "keys-error", code);
      assert.match(shown, /Cannot use these keys/);
      assert.ok(shown.includes(expected.message), `the core's message verbatim: ${shown}`);
      assert.match(shown, detail);
      assert.equal(await byTestId(page, "signature-badge").getAttribute("data-state"), "error", "not verified, not pending");
      await assertResponsive(t, page);
    }
    // Still working: the fixture's own keys verify it.
    const started = performance.now();
    await byTestId(page, "keys-input").fill(keyFile("jwks.json"));
    await page.waitForSelector('[data-testid="signature-badge"][data-state="verified"]', { timeout: HANG_MS });
    t.diagnostic(`the real JWKS verified the token ${(performance.now() - started).toFixed(0)} ms after the paste`);
    assert.equal(await byTestId(page, "keys-error").textContent(), "");
    await finish(session);
  });

  test("check a policy: 1 MiB of garbage and a Statement nested 10 000 deep get policy.json; a real policy is then checked", async (t) => {
    const session = await openPage();
    const { page } = session;
    await showPane(page, "check");
    const cases = [
      [GARBAGE, /policy is not JSON: .+ at line 1, column \d+/],
      [nested(), /policy is not JSON: recursion limit exceeded/],
      [`{"Version":"2012-10-17","Statement":${nested()}}`, /policy is not JSON: recursion limit exceeded/],
    ];
    for (const [policy, detail] of cases) {
      const expected = await coreError(() => env.core.lintTrustPolicy(policy, undefined));
      assert.equal(expected.code, "policy.json");
      const shown = await pasteExpectingError(t, page, "check-input", policy, "check-error", expected.code);
      assert.match(shown, /Cannot check this policy/);
      assert.ok(shown.includes(expected.message), `the core's message verbatim: ${shown}`);
      assert.match(shown, detail);
      assert.equal(await page.locator('[data-testid="check-finding"]').count(), 0, "no findings for text that is not a policy");
      await assertResponsive(t, page);
    }
    const started = performance.now();
    await byTestId(page, "check-input").fill(fixture("lint", "wide-open.json"));
    await page.locator('[data-testid="check-finding"]').first().waitFor({ timeout: HANG_MS });
    t.diagnostic(`a real policy was checked ${(performance.now() - started).toFixed(0)} ms after the paste`);
    assert.equal(await byTestId(page, "check-error").textContent(), "");
    await finish(session);
  });

  /** The pipeline pane with a role, and the existing-job box open. */
  async function pipelineWithExistingJob() {
    const session = await openPage({ path: "/#pane=pipeline" });
    await byTestId(session.page, "pipeline-role-arn").fill("arn:aws:iam::123456789012:role/deployer");
    await byTestId(session.page, "pipeline-code").waitFor();
    await session.page.locator("details.existing summary").click();
    return session;
  }

  test("1 MiB of garbage as the existing job: the core's size error, and the page stays responsive", async (t) => {
    const session = await pipelineWithExistingJob();
    const { page } = session;
    const expected = await coreError(async () =>
      env.core.ciSnippet({ roleArn: "arn:aws:iam::123456789012:role/deployer", existingJob: GARBAGE }),
    );
    assert.equal(expected.code, "snippet.existing_job");
    const started = performance.now();
    await byTestId(page, "pipeline-existing").fill(GARBAGE);
    await page.waitForFunction(
      (message) => document.querySelector('[data-testid="pipeline-error"]')?.textContent.includes(message),
      expected.message,
      { timeout: HANG_MS },
    );
    t.diagnostic(`pipeline-existing: 1 MiB refused in ${(performance.now() - started).toFixed(0)} ms: ${expected.message}`);
    await assertResponsive(t, page);
    // Still reads a real job afterwards, and the error is gone.
    await byTestId(page, "pipeline-existing").fill("deploy:\n  script:\n    - echo $CI_JOB_JWT_V2\n");
    await page.waitForSelector('[data-testid="pipeline-finding"][data-code="CI006"]', { timeout: HANG_MS });
    assert.equal(await byTestId(page, "pipeline-error").textContent(), "");
    await finish(session);
  });

  test("JSON nested 10 000 deep as the existing job is reported as not a job", async () => {
    const session = await pipelineWithExistingJob();
    const { page } = session;
    await byTestId(page, "pipeline-existing").fill(nested());
    const finding = page.locator('[data-testid="pipeline-finding"][data-code="CI009"]');
    await finding.waitFor({ timeout: HANG_MS });
    assert.match(await finding.textContent(), /not a GitLab CI job/);
    assert.equal(await byTestId(page, "pipeline-error").textContent(), "", "the generated job itself is fine");
    assert.match(await byTestId(page, "pipeline-code").textContent(), /assume-role-with-web-identity/);
    await finish(session);
  });
});
