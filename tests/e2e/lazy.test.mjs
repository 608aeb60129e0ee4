// The page's module comes in two halves (www/core.js, scripts/split-wasm): the first, with everything
// step 1 calls, which a cold load fetches, and the tools (steps 2–4), which load when a step that needs
// them opens, a link opens one, or the page is idle after its first paint, and which run against the
// first half's memory. These hold one half back (context.route) to check that every path that needs the
// tools waits for them, that step 1 never does, that the tools wait for the first half, and that a
// failure to load them is said where it matters. The expected values come from the package's module
// with every export (env.core), not from the split one.
//
// Run: scripts/build.sh && node --test tests/e2e/   (set-up: harness.mjs)

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { byTestId, env, finish, fixture, openPage, setup, showPane, token, waitForText } from "./harness.mjs";

setup();

const TOOLS_WASM = "**/pkg/gitlab_aws_oidc_page_tools_bg.wasm";
const FIRST_WASM = "**/pkg/gitlab_aws_oidc_page_bg.wasm";

/** A route handler that holds requests until release() is called. */
function holdUntilReleased() {
  let release = () => {};
  const released = new Promise((resolve) => {
    release = resolve;
  });
  /** @param {import("playwright-core").Route} route */
  const handler = async (route) => {
    await released;
    await route.continue();
  };
  return { handler, release };
}

describe("the tools module loads when it is needed", { concurrency: 2 }, () => {
  test("step 1 works while the tools have not loaded; step 2 opened meanwhile catches up when they arrive", async () => {
    const jwt = token("gitlab-com-main").trim();
    const tools = holdUntilReleased();
    const session = await openPage({ routes: [[TOOLS_WASM, tools.handler]], ready: 'html[data-tools="loading"]', secrets: [jwt] });
    const { page } = session;
    await byTestId(page, "token-input").fill(jwt);
    await waitForText(page, "claims-table", "acme/platform/deployer");
    await byTestId(page, "findings-list").waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.tools), "loading", "the tools are still held back");

    await showPane(page, "policy");
    assert.equal(await byTestId(page, "subject-project_path").inputValue(), "", "not filled without the tools");
    tools.release();
    await page.waitForSelector('html[data-tools="ready"]', { state: "attached" });
    await page.waitForFunction(() => document.querySelector('[data-testid="subject-project_path"]')?.value === "acme/platform/deployer");
    assert.match(await byTestId(page, "from-token-status").textContent(), /filled from the pasted token/);
    await byTestId(page, "policy-account").fill("123456789012");
    await byTestId(page, "policy-code").waitFor();
    const expected = env.core.trustPolicyForToken(jwt, { accountId: "123456789012" }).policy;
    assert.equal((await byTestId(page, "policy-code").textContent())?.trimEnd(), expected.trimEnd());
    await page.waitForSelector('html[data-decoder="ready"]', { state: "attached" });
    await finish(session);
  });

  test("a link to step 3 asks for the tools at once; they load once the first half they run in is there", async () => {
    const first = holdUntilReleased();
    const session = await openPage({
      path: "/#pane=check",
      routes: [[FIRST_WASM, first.handler]],
      ready: 'html[data-tools="loading"]',
    });
    const { page, seen } = session;
    await page.waitForSelector("#pane-check:not([hidden])");
    // Asked for before the first half is there (the idle path asks only after it): the link's doing.
    assert.equal(await page.evaluate(() => document.documentElement.dataset.decoder), undefined, "the first half is still held back");
    assert.ok(!seen.requests.some((url) => url.endsWith("/pkg/gitlab_aws_oidc_page_tools_bg.wasm")), "the tools wait for the first half");
    first.release();
    await page.waitForSelector('html[data-tools="ready"]', { state: "attached" });
    const doc = fixture("lint", "gitlab-doc-2023.json");
    await byTestId(page, "check-input").fill(doc);
    await byTestId(page, "check-findings").waitFor();
    const codes = await page
      .locator('[data-testid="check-finding"]')
      .evaluateAll((items) => items.map((li) => /** @type {HTMLElement} */ (li).dataset.code));
    assert.deepEqual(codes, env.core.lintTrustPolicy(doc).map((f) => f.code));
    await page.waitForSelector('html[data-decoder="ready"]', { state: "attached" });
    await finish(session);
  });

  test("a link to step 2 with a token pasted before the tools arrive: the form follows the token", async () => {
    const jwt = token("self-managed-relative-root").trim();
    const tools = holdUntilReleased();
    const session = await openPage({ path: "/#pane=policy", routes: [[TOOLS_WASM, tools.handler]], ready: 'html[data-tools="loading"]', secrets: [jwt] });
    const { page } = session;
    await showPane(page, "token");
    await byTestId(page, "token-input").fill(jwt);
    await waitForText(page, "claims-table", "infra/terraform");
    await showPane(page, "policy");
    tools.release();
    await page.waitForFunction(() => document.querySelector('[data-testid="subject-project_path"]')?.value === "infra/terraform");
    assert.equal(await byTestId(page, "policy-issuer").inputValue(), "https://gitlab.example.com/gitlab");
    await page.waitForSelector('html[data-decoder="ready"]', { state: "attached" });
    await finish(session);
  });

  test("when the tools cannot load, steps 2–4 say so and step 1 still works", async () => {
    const jwt = token("gitlab-com-main").trim();
    const session = await openPage({
      routes: [[TOOLS_WASM, (route) => route.abort()]],
      ready: 'html[data-decoder="ready"]',
      secrets: [jwt],
    });
    const { page, seen } = session;
    assert.equal(await page.evaluate(() => document.documentElement.dataset.tools), "failed");
    await byTestId(page, "token-input").fill(jwt);
    await waitForText(page, "claims-table", "acme/platform/deployer");
    await showPane(page, "policy");
    await waitForText(page, "policy-error", "page.decoder");
    assert.match(await byTestId(page, "policy-error").textContent(), /policy tools \(WebAssembly\) failed to load/);
    await showPane(page, "check");
    await byTestId(page, "check-input").fill(fixture("lint", "gitlab-doc-2023.json"));
    await waitForText(page, "check-error", "page.decoder");
    // The aborted request is the only problem the page reports.
    assert.ok(seen.problems.length > 0 && seen.problems.every((p) => /Failed to load resource|ERR_FAILED/.test(p)), seen.problems.join("\n"));
    seen.problems.length = 0;
    await finish(session);
  });
});
