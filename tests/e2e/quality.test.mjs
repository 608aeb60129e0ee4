// Product quality of every step, in Chromium: axe-core finds nothing on any
// pane in light and dark; phones (360 px) never scroll sideways; the flow
// works from the keyboard alone; screenshots of each pane in light and dark,
// desktop (1280) and phone (360) go to tests/e2e/screenshots/pane-*.png. Also
// the documentation playground (embed.html) and the offline single file.
//
// Run: scripts/build.sh && node --test tests/e2e/   (set-up: harness.mjs)

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  ISSUED_AT,
  assertAccessible,
  byTestId,
  env,
  finish,
  keyFile,
  noHorizontalScroll,
  openPage,
  screenshotPage,
  showPane,
  setup,
  token,
  waitForText,
} from "./harness.mjs";

setup();

const PANES = ["token", "policy", "check", "pipeline", "troubleshoot"];
const ACCOUNT = "123456789012";

/** Fills every step: a valid gitlab.com token and its keys, the account, a risky policy, the job. */
async function fillTheFlow(page) {
  await byTestId(page, "token-input").fill(token("gitlab-com-main"));
  await byTestId(page, "keys-input").fill(keyFile("jwks.json"));
  await page.waitForSelector('[data-testid="signature-badge"][data-state="verified"]');
  await showPane(page, "policy");
  await byTestId(page, "policy-account").fill(ACCOUNT);
  await byTestId(page, "policy-code").waitFor();
  await showPane(page, "check");
  await byTestId(page, "check-example").click();
  await page.waitForSelector('[data-testid="verdict"][data-state="denied"]');
  await showPane(page, "pipeline");
  await byTestId(page, "pipeline-code").waitFor();
  await showPane(page, "troubleshoot");
  await byTestId(page, "error-input").fill(
    "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity",
  );
  await byTestId(page, "cause").first().waitFor();
}

const variants = [
  { scheme: "light", device: "desktop", viewport: { width: 1280, height: 900 } },
  { scheme: "dark", device: "desktop", viewport: { width: 1280, height: 900 } },
  { scheme: "light", device: "phone", viewport: { width: 360, height: 740 } },
  { scheme: "dark", device: "phone", viewport: { width: 360, height: 740 } },
];

// Independent sessions: two at a time keep the browser busy while this process waits.
describe("every pane: accessible, responsive, in both themes", { concurrency: 2 }, () => {
  for (const { scheme, device, viewport } of variants) {
    const what = device === "desktop" ? "axe-core finds nothing on any pane" : "no pane scrolls sideways";
    test(`${scheme}, ${device} (${viewport.width} px): ${what}; screenshots`, async () => {
      // A fixed clock (timers run, as axe needs): the token is 20 min old, valid.
      const session = await openPage({ viewport, colorScheme: scheme, clock: (ISSUED_AT + 20 * 60) * 1000 });
      const { page } = session;
      if (scheme === "dark") {
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.notEqual(background, "rgb(245, 246, 248)", "dark background");
      }
      // axe-core (about a second a run) on the desktop layout: every pane filled, in both
      // themes, and empty in light. Phones have the same DOM and colours; they check overflow.
      const audit = device === "desktop" ? (what) => assertAccessible(page, `${what}, ${scheme} ${device}`) : async () => {};
      const auditEmpty = device === "desktop" && scheme === "light" ? audit : async () => {};
      // Each step empty, as it first appears.
      for (const pane of PANES) {
        await showPane(page, pane);
        if (device === "phone") await noHorizontalScroll(page, viewport.width);
        await auditEmpty(`${pane} pane, empty`);
      }
      // And filled, through the flow.
      await showPane(page, "token");
      await fillTheFlow(page);
      for (const pane of PANES) {
        await showPane(page, pane);
        if (device === "phone") await noHorizontalScroll(page, viewport.width);
        await audit(`${pane} pane, filled`);
        await screenshotPage(page, `pane-${pane}-${scheme}-${device}.png`);
      }
      // The other output tabs and kinds too (wide content: long lines, tables).
      await showPane(page, "policy");
      await page.locator("#pane-policy").getByRole("tab", { name: "AWS CLI" }).click();
      if (device === "phone") await noHorizontalScroll(page, viewport.width);
      await showPane(page, "pipeline");
      await byTestId(page, "kind-codebuild-publish").click();
      await byTestId(page, "cb-project").fill("acme-app-image");
      await byTestId(page, "cb-bucket").fill("acme-ci-sources");
      await byTestId(page, "cb-ecr").fill("acme/app");
      await page.locator("#pane-pipeline").getByRole("tab", { name: "job-role-policy.json" }).click();
      if (device === "phone") await noHorizontalScroll(page, viewport.width);
      await audit("pipeline pane, CodeBuild");
      await finish(session);
    });
  }

  test("keyboard only: steps, the policy form, an output tab, Copy, and on to the check", async () => {
    const session = await openPage({ permissions: ["clipboard-read", "clipboard-write"] });
    const { page } = session;
    const focused = () => page.evaluate(() => {
      const el = /** @type {HTMLElement} */ (document.activeElement);
      return { testid: el?.dataset.testid, field: el?.dataset.field, id: el?.id, role: el?.getAttribute("role") };
    });
    /** Presses Tab until `match` holds for the focused element (at most `max` times). */
    async function tabTo(match, max = 60, key = "Tab") {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press(key);
        if (match(await focused())) return;
      }
      assert.fail(`never reached the wanted element with ${key}; at ${JSON.stringify(await focused())}`);
    }
    await page.keyboard.press("Tab");
    assert.equal((await focused()).testid, "copy-link");
    await page.keyboard.press("Tab");
    assert.equal((await focused()).testid, "step-token");
    await page.keyboard.press("ArrowRight");
    assert.equal((await focused()).testid, "step-policy");
    assert.ok(await page.locator("#pane-policy").isVisible(), "arrow keys switch steps");
    await page.keyboard.press("End");
    assert.equal((await focused()).testid, "step-troubleshoot");
    await page.keyboard.press("Home");
    await page.keyboard.press("ArrowRight");
    assert.equal((await focused()).testid, "step-policy");

    await tabTo((f) => f.field === "accountId");
    await page.keyboard.type(ACCOUNT);
    await tabTo((f) => f.field === "subjects.0.project_path");
    await page.keyboard.type("acme/app");
    await page.keyboard.press("Tab");
    await page.keyboard.type("branch");
    await page.keyboard.press("Tab");
    await page.keyboard.type("main");
    await byTestId(page, "policy-code").waitFor();

    // Into the output: the format tabs take arrow keys; focus survives the re-render.
    await tabTo((f) => f.role === "tab" && f.testid === "policy-tab");
    await page.keyboard.press("ArrowRight");
    assert.equal((await focused()).id, "policy-tab-roleJson");
    assert.equal(await page.locator("#policy-tab-roleJson").getAttribute("aria-selected"), "true");
    await tabTo((f) => f.testid === "policy-copy", 3);
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="policy-copy"][data-copied="yes"]');
    const expected = env.core.trustPolicy({ accountId: ACCOUNT, subjects: [{ project_path: "acme/app", ref_type: "branch", ref: "main" }] });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected.formats.roleJson);
    assert.equal((await focused()).testid, "policy-copy", "focus stays on the button");

    // Back up to "Check this policy", and on: focus lands on the next step's heading.
    await tabTo((f) => f.testid === "check-this-policy", 40, "Shift+Tab");
    await page.keyboard.press("Enter");
    assert.equal((await focused()).id, "check-pane-title");
    await page.waitForSelector('[data-testid="check-findings"]');
    assert.equal(await byTestId(page, "check-input").inputValue(), expected.policy);
    await finish(session);
  });
});

describe("documentation playground (embed.html)", () => {
  test("renders a live trust policy from a small form; accessible in light and dark", async () => {
    for (const colorScheme of ["light", "dark"]) {
      const session = await openPage({
        path: "/embed.html",
        colorScheme,
        expect: ["/style.css", "/embed.js", "/pkg/gitlab_aws_oidc.js", "/pkg/gitlab_aws_oidc_bg.wasm"],
      });
      const { page } = session;
      const policy = byTestId(page, "playground-policy");
      const spec = (project, branch) => ({ accountId: ACCOUNT, subjects: [{ project_path: project, ref_type: "branch", ref: branch }] });
      assert.equal(await policy.textContent(), env.core.trustPolicy(spec("acme/app", "main")).policy);
      await byTestId(page, "playground-project").fill("acme/docs");
      await byTestId(page, "playground-branch").fill("release/*");
      await waitForText(page, "playground-policy", "acme/docs");
      assert.equal(await policy.textContent(), env.core.trustPolicy(spec("acme/docs", "release/*")).policy);
      assert.match(await byTestId(page, "embed-snippet").textContent(), /import init, \{ trustPolicy \} from "gitlab-aws-oidc";/);
      await assertAccessible(page, `embed.html, ${colorScheme}`);
      await screenshotPage(page, `embed-${colorScheme}.png`);
      await byTestId(page, "playground-account").fill("12");
      await waitForText(page, "playground-error", "spec.account_id");
      assert.equal(await policy.textContent(), "");
      await assertAccessible(page, `embed.html with an error, ${colorScheme}`);
      await finish(session);
    }
  });
});

describe("single file from file://", () => {
  test("every step works offline: a policy from the form, a check, a job, a download", async () => {
    const session = await openPage({ target: "file", acceptDownloads: true });
    const { page } = session;
    await showPane(page, "policy");
    await byTestId(page, "policy-account").fill(ACCOUNT);
    await byTestId(page, "subject-project_path").fill("acme/app");
    await byTestId(page, "subject-ref_type").fill("branch");
    await byTestId(page, "subject-ref").fill("main");
    const expected = env.core.trustPolicy({ accountId: ACCOUNT, subjects: [{ project_path: "acme/app", ref_type: "branch", ref: "main" }] });
    await byTestId(page, "policy-code").waitFor();
    assert.equal(await byTestId(page, "policy-code").textContent(), expected.policy.trimEnd());
    const [file] = await Promise.all([page.waitForEvent("download"), byTestId(page, "policy-download").click()]);
    assert.equal(file.suggestedFilename(), "policy.json");
    assert.equal(readFileSync(await file.path(), "utf8"), expected.policy);
    await screenshotPage(page, "single-file-policy.png");

    await byTestId(page, "check-this-policy").click();
    await page.waitForSelector('[data-testid="check-findings"]');
    await showPane(page, "pipeline");
    await waitForText(page, "pipeline-code", expected.roleArn);
    await finish(session);
  });
});
