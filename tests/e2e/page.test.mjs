// End-to-end test of the token inspector page in Chromium.
//
// Assumes scripts/build.sh has run: it assembles dist/www/ (www/ plus the wasm
// in dist/www/pkg/) and the single file dist/gitlab-aws-oidc.html; the test
// runner script runs the build first. By hand:
//   scripts/build.sh && node --test tests/e2e/
// Uses the system Chromium (/usr/bin/chromium) through playwright-core; no
// browser download. Screenshots go to tests/e2e/screenshots/ (git-ignored).
// Shared set-up and the end-of-session checks: harness.mjs. The other steps
// (trust policy, check, pipeline) are in flow.test.mjs and quality.test.mjs.
//
// Signature verification runs twice: on the served page and on the single
// file opened from file:// (offline context). Expected verdicts come from the
// same core, run here in Node, so the page must show the core's reason verbatim.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ISSUED_AT,
  byTestId,
  env,
  finish,
  keyFile,
  malformed,
  noHorizontalScroll,
  openPage,
  root,
  screenshotPage,
  setup,
  singleFile,
  token,
  waitForText,
} from "./harness.mjs";

setup();

const row = (page, claim) => page.locator(`[data-testid="claims-table"] tr[data-claim="${claim}"]`);
const cell = (page, claim, column) => row(page, claim).locator(`.col-${column}`);

async function findingCodes(page) {
  return page.locator('[data-testid="finding"]').evaluateAll((items) => items.map((li) => li.dataset.code));
}

/**
 * The token with one character in the middle of its payload flipped (case),
 * the first such flip from the middle on that still decodes to the same claim
 * names: a changed value, as an attacker would make it.
 */
function tampered(jwt) {
  const [header, payload, signature] = jwt.trim().split(".");
  const original = Buffer.from(payload, "base64url").toString("utf8");
  const names = JSON.stringify(Object.keys(JSON.parse(original)));
  for (let i = Math.floor(payload.length / 2); i < payload.length - 4; i++) {
    const ch = payload[i];
    const flipped = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
    if (flipped === ch) continue;
    const candidate = payload.slice(0, i) + flipped + payload.slice(i + 1);
    const text = Buffer.from(candidate, "base64url").toString("utf8");
    try {
      const claims = JSON.parse(text);
      if (text !== original && !text.includes("\uFFFD") && JSON.stringify(Object.keys(claims)) === names) {
        return `${header}.${candidate}.${signature}`;
      }
    } catch {
      // this flip broke the JSON; try the next character
    }
  }
  throw new Error("no character in the payload's middle can be flipped and still decode");
}

/** Waits for the signature badge to settle in `state`; returns its text. */
async function badgeIn(page, state) {
  await page.waitForSelector(`[data-testid="signature-badge"][data-state="${state}"]`);
  return byTestId(page, "signature-badge").textContent();
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

    const keys = byTestId(page, "keys-input");
    assert.equal(await keys.getAttribute("autocomplete"), "off");
    assert.equal(await keys.getAttribute("spellcheck"), "false");
    assert.equal(await page.locator('label[for="keys-input"]').count(), 1);
    const hint = await page.locator("#keys-input-hint").textContent();
    assert.match(hint, /https:\/\/<your GitLab>\/oauth\/discovery\/keys/);
    assert.match(hint, /https:\/\/gitlab\.com\/oauth\/discovery\/keys/);
    assert.equal(await page.locator("a[href]").count(), 0, "the keys address is text, not a link");
    assert.equal(await byTestId(page, "keys-error").textContent(), "");
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
    const badge = await badgeIn(page, "not-checked");
    assert.match(badge, /Not checked — paste the instance's keys to verify the signature/);
    assert.match(badge, /Nothing on this page is verified/);

    assert.match(await byTestId(page, "token-header").textContent(), /"alg": "RS256"/);
    assert.match(await byTestId(page, "token-payload").textContent(), /"project_path": "acme\/platform\/deployer"/);
    assert.equal(await byTestId(page, "token-error").textContent(), "");

    // Relative times refresh every 30 s without any input.
    await page.clock.fastForward("01:00");
    await waitForText(page, "token-times", "expires in 39 min");

    await screenshotPage(page, "token-light-desktop.png");
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

  test("keyboard: tab to the link button, the steps, the input, then the example button", async () => {
    const session = await openPage();
    const { page } = session;
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "copy-link");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "step-token");
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
    await screenshotPage(page, "token-error.png");

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
    await screenshotPage(page, "token-dark-desktop.png");
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
    await screenshotPage(page, "token-phone.png");
    await finish(session);
  });
});

describe("single file", () => {
  test("is one file: its own CSP, every asset inline, nothing to fetch", () => {
    const html = readFileSync(singleFile, "utf8");
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.ok(csp, "a CSP meta");
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/]+=*' 'wasm-unsafe-eval';/);
    assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/]+=*';/);
    assert.match(csp, /connect-src 'none'/);
    assert.doesNotMatch(csp, /'self'|'unsafe-inline'|https?:/);
    assert.doesNotMatch(html, /\b(?:src|href)="(?!data:)/, "no reference to another file or URL");
    assert.equal((html.match(/<script type="module">/g) ?? []).length, 1, "one inline module script");
    assert.match(html, /<script type="application\/octet-stream" id="gitlab-aws-oidc-wasm">[A-Za-z0-9+/]+=*<\/script>/);
  });
});

for (const target of ["served", "file"]) {
  const where = target === "file" ? "single file from file://" : "served page";
  const open = (options = {}) => openPage({ ...options, target });

  describe(`signature verification: ${where}`, () => {
    /** Opens the page, pastes `jwt` then `keys` (skipped when undefined). */
    async function pasted(jwt, keys) {
      const session = await open();
      await byTestId(session.page, "token-input").fill(jwt);
      await byTestId(session.page, "claims-table").waitFor();
      if (keys !== undefined) await byTestId(session.page, "keys-input").fill(keys);
      return session;
    }

    test("token + its JWKS: verified; the not-verified finding goes away, and comes back without keys", async () => {
      const jwks = keyFile("jwks.json");
      const expected = await env.core.verifyToken(token("gitlab-com-main"), jwks);
      assert.equal(expected.code, "verified");
      const session = await pasted(token("gitlab-com-main"), jwks);
      const { page } = session;
      const badge = await badgeIn(page, "verified");
      assert.match(badge, /Signature verified — key cHTriNnC…/);
      assert.ok(badge.includes(expected.reason), `the core's reason verbatim: ${badge}`);
      assert.equal(await page.locator(".sig-kid").getAttribute("title"), expected.kid);
      assert.ok(!(await findingCodes(page)).includes("TOK017"), "TOK017 contradicts a verified badge");
      assert.equal(await byTestId(page, "keys-error").textContent(), "");
      assert.match(await page.locator('[data-part="status"]').textContent(), /Signature verified/);
      await screenshotPage(page, target === "file" ? "single-file.png" : "verify-verified.png");

      await page.getByRole("button", { name: "Clear keys" }).click();
      await badgeIn(page, "not-checked");
      assert.ok((await findingCodes(page)).includes("TOK017"), "TOK017 is back once nothing is verified");
      await finish(session);
    });

    test("tampered payload + JWKS: INVALID with the core's reason; the token is still fully shown", async () => {
      const jwt = tampered(token("gitlab-com-main"));
      const jwks = keyFile("jwks.json");
      const expected = await env.core.verifyToken(jwt, jwks);
      assert.equal(expected.code, "signature-invalid");
      const session = await pasted(jwt, jwks);
      const { page } = session;
      const badge = await badgeIn(page, "invalid");
      assert.match(badge, /Signature INVALID/);
      assert.ok(badge.includes(expected.reason), `the core's reason verbatim: ${badge}`);
      assert.match(badge, /signature-invalid/);
      assert.match(badge, /Do not trust these claims/);
      // Verification never takes the decoded view away.
      assert.equal(await page.locator('[data-testid="claims-table"] tbody tr').count(), 28);
      assert.match(await byTestId(page, "token-payload").textContent(), /"iss": "https:\/\/gitlab\.com"/);
      assert.ok((await findingCodes(page)).includes("TOK017"));
      if (target === "served") await screenshotPage(page, "verify-invalid.png");
      await finish(session);
    });

    test("another instance's JWKS: no matching key, naming the kid", async () => {
      const other = keyFile("jwks-other.json");
      const expected = await env.core.verifyToken(token("gitlab-com-main"), other);
      assert.equal(expected.code, "no-matching-kid");
      const session = await pasted(token("gitlab-com-main"), other);
      const badge = await badgeIn(session.page, "no-key");
      assert.match(badge, /No matching key — no key has kid "cHTriNnC/);
      assert.ok(badge.includes(expected.reason), `the core's reason verbatim: ${badge}`);
      assert.match(badge, /Nothing on this page is verified/);
      await finish(session);
    });

    test("no keys: not checked, and the page says nothing is verified", async () => {
      const session = await pasted(token("gitlab-com-main"));
      const { page } = session;
      const badge = await badgeIn(page, "not-checked");
      assert.match(badge, /Not checked — paste the instance's keys to verify the signature/);
      assert.match(badge, /Nothing on this page is verified/);
      assert.ok((await findingCodes(page)).includes("TOK017"));
      await byTestId(page, "keys-input").fill("  \n ");
      await badgeIn(page, "not-checked");
      assert.equal(await byTestId(page, "keys-error").textContent(), "", "blank keys are no error");
      await finish(session);
    });

    test("HS256 token + JWKS: refused (key confusion), not checked against any key", async () => {
      const jwks = keyFile("jwks.json");
      const expected = await env.core.verifyToken(token("hs256"), jwks);
      assert.equal(expected.code, "alg-symmetric");
      const session = await pasted(token("hs256"), jwks);
      const badge = await badgeIn(session.page, "refused");
      assert.ok(badge.includes(expected.reason), `the core's reason verbatim: ${badge}`);
      assert.match(badge, /alg-symmetric/);
      await finish(session);
    });

    test("keys text that is not keys: an error with its code, nothing verified", async () => {
      const session = await pasted(token("gitlab-com-main"), "not keys");
      const { page } = session;
      const badge = await badgeIn(page, "error");
      assert.match(badge, /Not checked — the keys text cannot be used/);
      assert.match(badge, /keys\.not_recognized/);
      const error = byTestId(page, "keys-error");
      assert.ok(await error.isVisible());
      assert.match(await error.textContent(), /keys\.not_recognized — keys are not JSON, a JWK or a PEM public key/);
      assert.equal(await byTestId(page, "token-error").textContent(), "", "the token itself is fine");
      assert.equal(await byTestId(page, "claims-table").isVisible(), true);
      await finish(session);
    });

    test("PEM public key: verified; a private key is refused as keys.private_key", async () => {
      const pem = keyFile("test-rsa-2048.pub.pem");
      const expected = await env.core.verifyToken(token("gitlab-com-main"), pem);
      assert.equal(expected.code, "verified");
      const session = await pasted(token("gitlab-com-main"), pem);
      const { page } = session;
      const badge = await badgeIn(page, "verified");
      assert.ok(badge.includes(expected.reason), `the core's reason verbatim: ${badge}`);
      await byTestId(page, "keys-input").fill(keyFile("test-rsa-2048.pem"));
      await badgeIn(page, "error");
      assert.match(await byTestId(page, "keys-error").textContent(), /keys\.private_key/);
      await byTestId(page, "keys-input").fill(keyFile("test-rsa-1024.pub.pem"));
      assert.match(await badgeIn(page, "no-key"), /No usable key — .*1024-bit RSA/);
      await finish(session);
    });

    test("only the latest check counts: a slow verdict never overwrites a newer one", async () => {
      const session = await pasted(token("gitlab-com-main"), keyFile("jwks.json"));
      const { page } = session;
      await badgeIn(page, "verified");
      // Three inputs in one task: a check that needs WebCrypto (slow), then
      // one that is rejected at once. The slow "verified" settles last and
      // must be dropped.
      const typeKeys = (texts) =>
        page.evaluate((list) => {
          const keys = /** @type {HTMLTextAreaElement} */ (document.getElementById("keys-input"));
          for (const text of list) {
            keys.value = text;
            keys.dispatchEvent(new Event("input", { bubbles: true }));
          }
        }, texts);
      await typeKeys([`${keyFile("jwks.json")}\n`, keyFile("jwks.json"), "not keys"]);
      await badgeIn(page, "error");
      await page.waitForTimeout(300);
      assert.equal(await byTestId(page, "signature-badge").getAttribute("data-state"), "error");
      assert.ok((await findingCodes(page)).includes("TOK017"), "no stale verdict hides TOK017");
      // The same with a verdict that needs no crypto (decided at once) after the slow one.
      await typeKeys([keyFile("jwks.json"), keyFile("jwks-other.json")]);
      await badgeIn(page, "no-key");
      await page.waitForTimeout(300);
      assert.equal(await byTestId(page, "signature-badge").getAttribute("data-state"), "no-key");
      assert.ok((await findingCodes(page)).includes("TOK017"));
      // A new token re-runs the check against the same keys.
      await byTestId(page, "keys-input").fill(keyFile("jwks.json"));
      await badgeIn(page, "verified");
      await byTestId(page, "token-input").fill(tampered(token("gitlab-com-main")));
      await badgeIn(page, "invalid");
      await byTestId(page, "token-input").fill(token("gitlab-com-main"));
      await badgeIn(page, "verified");
      // Clearing the token hides the badge with the results; the keys stay.
      await byTestId(page, "clear-button").click();
      await page.locator('[data-part="empty"]').waitFor();
      assert.equal(await byTestId(page, "signature-badge").isVisible(), false);
      assert.match(await byTestId(page, "keys-input").inputValue(), /"keys"/);
      await finish(session);
    });
  });
}
