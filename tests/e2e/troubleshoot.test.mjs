// The Troubleshoot step (issue 17): a pasted STS error diagnosed against the token, policy and job
// the other steps hold; the core's verdicts shown with their evidence; a policy fix that flows into
// step 3; the error text (and any token in it) kept out of the link and off the screen.
//
// Expected values come from the core in Node (env.core.diagnose), so the page is checked against
// what the package answers, not against strings copied here.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  assertAccessible,
  byTestId,
  env,
  finish,
  openPage,
  screenshotPage,
  setup,
  showPane,
  token,
  waitForText,
  ISSUED_AT,
} from "./harness.mjs";

setup();

const ACCOUNT = "123456789012";
/** What the AWS CLI prints when the trust policy refuses the job (sts-errors.md, E9). */
const ACCESS_DENIED =
  "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity";
/** Admits only the default branch of the project whose feature-branch token is pasted. */
const MAIN_ONLY = JSON.stringify(
  {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "gitlab.com:aud": "sts.amazonaws.com",
            "gitlab.com:sub": "project_path:acme/platform/deployer:ref_type:branch:ref:main",
          },
        },
      },
    ],
  },
  null,
  2,
);

const causesOf = (page, scope = '[data-testid="causes"]') =>
  page.locator(`${scope} > [data-testid="cause"]`).evaluateAll((items) =>
    items.map((li) => ({ id: /** @type {HTMLElement} */ (li).dataset.id, verdict: /** @type {HTMLElement} */ (li).dataset.verdict })),
  );

describe("troubleshoot", { concurrency: 2 }, () => {
  test("AccessDenied with a token and a policy: the failing condition confirmed, and its fix checked in step 3", async () => {
    const jwt = token("gitlab-com-feature-branch").trim();
    const session = await openPage({ clock: new Date((ISSUED_AT + 20 * 60) * 1000), secrets: [jwt, ACCESS_DENIED, MAIN_ONLY] });
    const { page } = session;
    await byTestId(page, "token-input").fill(jwt);
    await showPane(page, "check");
    await byTestId(page, "check-input").fill(MAIN_ONLY);
    await showPane(page, "troubleshoot");
    await waitForText(page, "troubleshoot-context", "the token");
    await byTestId(page, "error-input").fill(ACCESS_DENIED);

    const now = await page.evaluate(() => Math.floor(Date.now() / 1000));
    assert.ok(now > ISSUED_AT && now < ISSUED_AT + 3600, "the page clock is within the token's lifetime");
    const expected = env.core.diagnose(ACCESS_DENIED, { token: jwt, policy: MAIN_ONLY, nowSeconds: now });
    assert.equal(expected.error.code, "AccessDenied");
    const denies = expected.causes.find((c) => c.id === "trust-policy-denies");
    assert.equal(denies?.verdict, "confirmed", "the core confirms the trust policy refuses this token");

    await waitForText(page, "recognized-code", "AccessDenied");
    assert.equal(await byTestId(page, "recognized-summary").textContent(), expected.error.summary);
    assert.deepEqual(await causesOf(page), expected.causes.map((c) => ({ id: c.id, verdict: c.verdict })));
    const first = page.locator('[data-testid="causes"] > [data-testid="cause"]').first();
    assert.equal(await first.getAttribute("data-id"), "trust-policy-denies");
    assert.equal(await first.getByTestId("cause-evidence").textContent(), denies.evidence);
    // The failing check shows the token's sub against what the statement expects.
    const failed = await first.getByTestId("cause-failed").textContent();
    assert.ok(failed.includes("ref:feature/login-x"), failed);
    assert.ok(failed.includes("ref:main"), failed);
    await assertAccessible(page, "the troubleshoot step with a diagnosis");
    await screenshotPage(page, "troubleshoot-access-denied.png");

    // The policy fix, when the core has one, goes to step 3, which then evaluates the token against it.
    if (denies.fix?.policy) {
      await first.getByTestId("open-policy").click();
      await page.waitForSelector("#pane-check:not([hidden])");
      assert.equal(await byTestId(page, "check-input").inputValue(), denies.fix.policy);
      const evaluation = env.core.evaluateTrustPolicy(denies.fix.policy, jwt);
      await page.waitForFunction(
        (state) => document.querySelector('[data-testid="verdict"]')?.getAttribute("data-state") === state,
        evaluation.allowed ? "allowed" : evaluation.undecided.length ? "undecided" : "denied",
      );
    }
    await finish(session);
  });

  test("a log around the error, a token inside it, no context: recognised, masked, every check still runs", async () => {
    const jwt = token("gitlab-com-main").trim();
    const [, , signature] = jwt.split(".");
    const log = [
      "$ echo $GITLAB_OIDC_TOKEN > /tmp/token",
      `debug: token=${jwt}`,
      "$ aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name gitlab-1 --web-identity-token file:///tmp/token",
      "",
      "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience",
      "Cleaning up project directory and file based variables",
      "ERROR: Job failed: exit code 254",
    ].join("\n");
    const session = await openPage({ path: "/#pane=troubleshoot", secrets: [jwt, log] });
    const { page } = session;
    await page.waitForSelector("#pane-troubleshoot:not([hidden])");
    await waitForText(page, "troubleshoot-context", "none");
    await byTestId(page, "error-input").fill(log);
    const expected = env.core.diagnose(log, { nowSeconds: await page.evaluate(() => Math.floor(Date.now() / 1000)) });
    assert.equal(expected.error.code, "InvalidIdentityToken");
    await waitForText(page, "recognized-code", "InvalidIdentityToken");
    assert.deepEqual(await causesOf(page), expected.causes.map((c) => ({ id: c.id, verdict: c.verdict })));
    // The token's signature (and so the token) appears nowhere on the page outside the textarea.
    const shown = await page.locator("#pane-troubleshoot .col-main").textContent();
    assert.ok(!shown.includes(signature), "no token signature is shown");
    // The account facts are read: client IDs that do not hold the token's audience confirm that cause.
    await byTestId(page, "troubleshoot-client-ids").fill("something-else");
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="cause"][data-id="audience-not-client-id"]')?.getAttribute("data-verdict") !== null,
    );
    // A duration that is not a number is refused, naming the field.
    await byTestId(page, "troubleshoot-max-session").fill("an hour");
    await waitForText(page, "troubleshoot-error", "maximum session duration");
    await byTestId(page, "troubleshoot-max-session").fill("");
    await byTestId(page, "error-clear").click();
    await page.waitForSelector('[data-part="troubleshoot-empty"]:not([hidden])');
    await finish(session);
  });
});
