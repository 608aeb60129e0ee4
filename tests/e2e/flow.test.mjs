// End-to-end test of the whole flow in Chromium: Token → Trust policy →
// Check a policy → Pipeline, each step fed by the one before, and each step
// alone without a token. Expected texts come from the same core, run here in
// Node: the page must show exactly what the core produces.
//
// Run: scripts/build.sh && node --test tests/e2e/   (set-up: harness.mjs)

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertNoSecretsIn,
  byTestId,
  env,
  finish,
  fixture,
  fragmentOf,
  keyFile,
  openPage,
  root,
  screenshotPage,
  showPane,
  setup,
  token,
  waitForFragment,
  waitForText,
} from "./harness.mjs";

setup();

const ACCOUNT = "123456789012";
const codesOf = (page, testid) =>
  page.locator(`[data-testid="${testid}"]`).evaluateAll((items) => items.map((li) => li.dataset.code));

/** Clicks a download button; returns { name, text } of the file the browser saved. */
async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent("download"), byTestId(page, testid).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
}

/** Waits for the policy pane's output, then returns the shown text of the selected format. */
async function shownPolicy(page) {
  await byTestId(page, "policy-code").waitFor();
  return byTestId(page, "policy-code").textContent();
}

/** Every form control of a pane, by data-field (and the checked radio/checkboxes), for comparisons. */
function formValues(page, pane) {
  return page.evaluate((id) => {
    const out = {};
    for (const el of document.querySelectorAll(`#pane-${id} [data-field]`)) {
      out[el.dataset.field] = el.value;
    }
    return out;
  }, pane);
}

// Independent sessions: two at a time keep the browser busy while this process waits.
describe("the flow", { concurrency: 2 }, () => {
  test("the embedded risky policy is the blog-recipe fixture", () => {
    const source = readFileSync(join(root, "www", "example-policy.js"), "utf8");
    const embedded = /EXAMPLE_POLICY = `([^`]*)`/.exec(source)?.[1];
    assert.equal(embedded, fixture("lint", "blog-recipe.json"));
  });

  test("gitlab.com token → policy prefilled → allowed → pipeline job with its role and audience", async () => {
    const jwt = token("gitlab-com-main").trim();
    const jwks = keyFile("jwks.json");
    const blog = fixture("lint", "blog-recipe.json");
    const session = await openPage({
      permissions: ["clipboard-read", "clipboard-write"],
      acceptDownloads: true,
      secrets: [jwt, jwks, blog],
    });
    const { page } = session;

    // Step 1: the token and its keys.
    await byTestId(page, "token-input").fill(jwt);
    await byTestId(page, "keys-input").fill(jwks);
    await page.waitForSelector('[data-testid="signature-badge"][data-state="verified"]');
    await byTestId(page, "token-to-policy").click();
    await page.waitForSelector("#pane-policy:not([hidden])");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "policy-pane-title", "focus lands on the step");
    assert.equal(await byTestId(page, "step-policy").getAttribute("aria-selected"), "true");
    assert.equal(await page.locator("#pane-token").isVisible(), false);

    // Step 2: prefilled from the token, least privilege; only the account is missing.
    assert.match(await byTestId(page, "from-token-status").textContent(), /filled from the pasted token/);
    assert.equal(await byTestId(page, "subject-project_path").inputValue(), "acme/platform/deployer");
    assert.equal(await byTestId(page, "subject-ref").inputValue(), "main");
    assert.equal(await byTestId(page, "pin-project_id").inputValue(), "46573356");
    assert.equal(await byTestId(page, "pin-namespace_id").inputValue(), "68413579");
    assert.equal(await byTestId(page, "pin-ref_protected").inputValue(), "true");
    assert.ok(await byTestId(page, "scope-this-ref").isChecked(), "this ref only, by default");
    await waitForText(page, "policy-needs", "the AWS account ID");
    await byTestId(page, "policy-account").fill(ACCOUNT);
    const expected = env.core.trustPolicyForToken(jwt, { accountId: ACCOUNT });
    const shown = await shownPolicy(page);
    assert.match(shown, /"gitlab\.com:sub": "project_path:acme\/platform\/deployer:ref_type:branch:ref:main"/);
    assert.match(shown, /"gitlab\.com:project_id": "46573356"/);
    assert.equal(shown, expected.policy.trimEnd(), "the page shows the core's policy for the token");
    assert.equal((await byTestId(page, "policy-role-arn").textContent()).trim(), expected.roleArn);
    assert.match(await byTestId(page, "policy-findings").textContent(), /No findings/);

    // Copy: the clipboard holds the exact text, and the button says so.
    await byTestId(page, "policy-copy").click();
    await page.waitForSelector('[data-testid="policy-copy"][data-copied="yes"]');
    assert.match(await byTestId(page, "policy-copy").textContent(), /Copied/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected.policy);

    // Download: every format, named for what it is, exactly the core's text.
    const formats = [
      ["policy.json", "trustPolicy", "policy.json"],
      ["role.json", "roleJson", "role.json"],
      ["AWS CLI", "awsCli", "aws-cli.sh"],
      ["Terraform", "terraform", "main.tf"],
      ["CloudFormation", "cloudFormation", "template.yaml"],
    ];
    for (const [tab, key, filename] of formats) {
      await page.locator("#pane-policy").getByRole("tab", { name: tab, exact: true }).click();
      await page.waitForSelector(`[data-testid="policy-panel"][data-file="${key}"]`);
      assert.equal((await byTestId(page, "policy-code").textContent()).trimEnd(), expected.formats[key].trimEnd());
      const file = await download(page, "policy-download");
      assert.equal(file.name, filename);
      assert.equal(file.text, expected.formats[key], `${filename} is the core's text`);
    }
    await page.locator("#pane-policy").getByRole("tab", { name: "policy.json" }).click();

    // Step 3: the generated policy admits the token.
    await byTestId(page, "check-this-policy").click();
    await page.waitForSelector('[data-testid="verdict"][data-state="allowed"]');
    assert.equal(await byTestId(page, "check-input").inputValue(), expected.policy);
    const allowed = env.core.evaluateTrustPolicy(expected.policy, jwt);
    assert.equal(await byTestId(page, "verdict-reason").textContent(), allowed.reason);
    assert.match(await byTestId(page, "verdict").textContent(), /Allowed/);
    const rows = await page
      .locator('[data-testid="conditions"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.dataset.key, tr.dataset.matched]));
    assert.deepEqual(
      rows,
      allowed.statements[0].conditions.map((c) => [c.key, "true"]),
      "every condition listed, every one matched",
    );
    assert.deepEqual(await codesOf(page, "check-finding"), []);

    // A risky policy: findings with their why, denied with the core's reason, and a one-click fix.
    await byTestId(page, "check-example").click();
    await page.waitForSelector('[data-testid="verdict"][data-state="denied"]');
    assert.equal(await byTestId(page, "check-input").inputValue(), blog);
    const lint = env.core.lintTrustPolicy(blog, { token: jwt });
    const codes = await codesOf(page, "check-finding");
    assert.deepEqual(codes, lint.map((f) => f.code));
    assert.ok(codes.includes("POL003") && codes.includes("POL019"), `${codes}`);
    for (const f of lint) {
      const item = page.locator(`[data-testid="check-finding"][data-code="${f.code}"]`).first();
      const text = await item.textContent();
      assert.ok(text.includes(f.why), `${f.code} shows its why`);
      if (f.path) assert.ok(text.includes(f.path), `${f.code} shows its path`);
      assert.equal(await item.getByRole("button", { name: /Apply the fix/ }).count(), f.fix ? 1 : 0);
    }
    const denied = env.core.evaluateTrustPolicy(blog, jwt);
    assert.equal(await byTestId(page, "verdict-reason").textContent(), denied.reason);
    const pol003 = lint.find((f) => f.code === "POL003");
    await page.locator('[data-testid="check-finding"][data-code="POL003"]').getByRole("button", { name: /Apply the fix/ }).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="check-finding"][data-code="POL003"]'));
    assert.equal(await byTestId(page, "check-input").inputValue(), pol003.fix);
    assert.deepEqual(
      await codesOf(page, "check-finding"),
      env.core.lintTrustPolicy(pol003.fix, { token: jwt }).map((f) => f.code),
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), "check-input", "focus goes to the fixed policy");
    // The fix is an edit: undo brings the old policy back.
    await page.keyboard.press("Control+z");
    await page.waitForSelector('[data-testid="check-finding"][data-code="POL003"]');
    assert.equal(await byTestId(page, "check-input").inputValue(), blog);

    // A Deny on what the STS request carries (the caller's IP): neither allowed nor denied, and the page says so.
    const guarded = JSON.parse(expected.policy);
    guarded.Statement.push({
      Effect: "Deny",
      Principal: guarded.Statement[0].Principal,
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
    });
    const guardedText = JSON.stringify(guarded, null, 2);
    await byTestId(page, "check-input").fill(guardedText);
    await page.waitForSelector('[data-testid="verdict"][data-state="undecided"]');
    const undecided = env.core.evaluateTrustPolicy(guardedText, jwt);
    assert.deepEqual([undecided.allowed, undecided.undecided], [false, [1]]);
    assert.equal(await byTestId(page, "verdict-reason").textContent(), undecided.reason);
    assert.match(await byTestId(page, "verdict").textContent(), /Undecided/);
    assert.equal(await page.locator('[data-testid="conditions"] tr[data-undecided="true"]').count(), 1);
    await byTestId(page, "check-example").click();
    await page.waitForSelector('[data-testid="verdict"][data-state="denied"]');

    // Step 4: the job assumes the policy's role with the policy's audience.
    await showPane(page, "pipeline");
    assert.equal(await byTestId(page, "pipeline-role-arn").inputValue(), expected.roleArn);
    assert.equal(await byTestId(page, "pipeline-audience").inputValue(), "sts.amazonaws.com");
    await byTestId(page, "pipeline-code").waitFor();
    const job = env.core.ciSnippet({
      kind: "assume-role",
      roleArn: expected.roleArn,
      audience: expected.audience,
      issuer: "https://gitlab.com",
      policy: { audience: expected.audience, providerArn: expected.providerArn, subjects: expected.subjects },
    });
    const yaml = await byTestId(page, "pipeline-code").textContent();
    assert.equal(yaml, job.yaml);
    assert.ok(yaml.includes(`value: "${expected.roleArn}"`), "the role ARN is in the job");
    assert.ok(yaml.includes('aud: "sts.amazonaws.com"'), "the audience is in the job");
    assert.match(await byTestId(page, "pipeline-policy-link").textContent(), /Checked against the trust policy from step 2/);
    // Step 3 holds the blog recipe: the job can be checked against that instead, and back.
    await byTestId(page, "pipeline-against-pasted").click();
    await waitForText(page, "pipeline-policy-link", "Checked against the policy pasted in step 3");
    const againstBlog = env.core.ciSnippet({
      kind: "assume-role",
      roleArn: expected.roleArn,
      audience: expected.audience,
      issuer: "https://gitlab.com",
      policy: blog,
    });
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="pipeline-finding"]').length === n,
      againstBlog.findings.length,
    );
    assert.deepEqual(await codesOf(page, "pipeline-finding"), againstBlog.findings.map((f) => f.code));
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "pipeline-against-generated");
    await byTestId(page, "pipeline-against-generated").click();
    await waitForText(page, "pipeline-policy-link", "Checked against the trust policy from step 2");
    const ci = await download(page, "pipeline-download");
    assert.equal(ci.text, job.yaml);
    assert.equal(ci.name, "gitlab-ci.yml", "browsers drop the leading dot; the page says so");

    // A job asking for another audience than the policy's: the mismatch is a finding, until it follows again.
    await byTestId(page, "pipeline-audience").fill("https://gitlab.com");
    await page.waitForSelector('[data-testid="pipeline-finding"][data-code="CI002"]');
    assert.match(await page.locator('[data-testid="pipeline-finding"][data-code="CI002"]').textContent(), /trust policy expects "sts\.amazonaws\.com"/);
    await page.getByRole("button", { name: "Use the audience from step 2" }).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="pipeline-finding"][data-code="CI002"]'));
    assert.equal(await byTestId(page, "pipeline-audience").inputValue(), "sts.amazonaws.com");

    // The link: form values only. Never the token, the keys or the pasted policy.
    await waitForFragment(page, "pane", "pipeline");
    const params = await fragmentOf(page);
    assert.equal(params.get("acct"), ACCOUNT);
    assert.equal(params.get("sub"), "project_path:acme/platform/deployer:ref_type:branch:ref:main");
    assert.equal(params.get("pin.project_id"), "46573356");
    assertNoSecretsIn(page.url(), [jwt, jwks, blog, pol003.fix]);
    assert.doesNotMatch(decodeURIComponent(page.url()), /Statement|BEGIN|"kty"/);
    await finish(session);
  });

  test("token edits on step 1 update only that step; the other steps and the link catch up with the last token", async () => {
    const first = token("gitlab-com-main").trim();
    const last = token("self-managed-relative-root").trim();
    const session = await openPage({ path: "/", secrets: [first, last] });
    const { page } = session;
    await byTestId(page, "token-input").fill(first);
    await waitForText(page, "claims-table", "acme/platform/deployer");
    await byTestId(page, "token-input").fill(last);
    await waitForText(page, "claims-table", "infra/terraform");
    // The link (written shortly after the edits) follows the last token without step 2 being opened.
    await waitForFragment(page, "iss", "https://gitlab.example.com/gitlab");
    assert.equal((await fragmentOf(page)).get("sub"), "project_path:infra/terraform:ref_type:branch:ref:main");
    // Opening a step shows it derived from the last token.
    await showPane(page, "policy");
    assert.equal(await byTestId(page, "subject-project_path").inputValue(), "infra/terraform");
    assert.equal(await byTestId(page, "policy-issuer").inputValue(), "https://gitlab.example.com/gitlab");
    assert.match(await byTestId(page, "from-token-status").textContent(), /filled from the pasted token/);
    await finish(session);
  });

  test("a choice the token cannot support is refused where it was made, and can be undone there", async () => {
    // A project whose sub has no ref_type: "any tag" cannot be told apart from "any branch" (no ref_type key in AWS).
    const [header, payload, signature] = token("gitlab-com-main").trim().split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    claims.sub = "project_path:acme/platform/deployer:ref:main";
    const jwt = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    const session = await openPage({ path: "/", secrets: [jwt] });
    const { page } = session;
    await byTestId(page, "token-input").fill(jwt);
    await showPane(page, "policy");
    await byTestId(page, "policy-account").fill(ACCOUNT);
    await byTestId(page, "policy-code").waitFor();
    await byTestId(page, "scope-any-tag").check();
    await byTestId(page, "from-token-error").waitFor();
    assert.match(await byTestId(page, "from-token-error").textContent(), /^options\.invalid — options\.refScope "any-tag" cannot be enforced/);
    // The options stay, so the choice can be taken back; the form filled from the token comes back with it.
    await byTestId(page, "scope-this-ref").check();
    await waitForText(page, "from-token-status", "filled from the pasted token");
    assert.equal(
      await shownPolicy(page),
      env.core.trustPolicyForToken(jwt, { accountId: ACCOUNT }).policy.trimEnd(),
    );
    await finish(session);
  });

  test("how a token fills the form: the same policy as the core's trustPolicyForToken, for every choice", async () => {
    const session = await openPage();
    const { page } = session;
    await showPane(page, "policy");
    await byTestId(page, "policy-account").fill(ACCOUNT);
    const cases = [
      ["gitlab-com-main", {}],
      ["gitlab-com-main", { refScope: "any-branch" }],
      ["gitlab-com-main", { refScope: "any-tag", protectedOnly: false }],
      ["gitlab-com-main", { pinProjectId: false, pinNamespaceId: false }],
      ["gitlab-com-tag", {}],
      ["custom-sub-protected", { refScope: "any-branch" }],
      ["project-id-sub", {}],
      ["self-managed-relative-root", { refScope: "any-tag" }],
    ];
    const tokenInput = page.locator("#token-input");
    for (const [name, options] of cases) {
      const jwt = token(name).trim();
      // Paste in step 1 (hidden): fill() works on the hidden textarea through its value and input event.
      await tokenInput.evaluate((el, text) => {
        el.value = text;
        el.dispatchEvent(new Event("input", { bubbles: true }));
      }, jwt);
      await byTestId(page, "from-token-status").waitFor();
      // Start from the defaults, then make each choice as a person would.
      if (!(await byTestId(page, "scope-this-ref").isChecked())) await byTestId(page, "scope-this-ref").check();
      const inspection = env.core.inspectToken(jwt, Date.now() / 1000);
      const gitlabCom = inspection.providerHost === "gitlab.com";
      if (gitlabCom) {
        const defaults = { "opt-project-id": true, "opt-namespace-id": true, "opt-protected": inspection.claims.ref_protected === "true" };
        for (const [id, on] of Object.entries(defaults)) await byTestId(page, id).setChecked(on);
      }
      if (options.refScope) await byTestId(page, `scope-${options.refScope}`).check();
      if (options.protectedOnly !== undefined) await byTestId(page, "opt-protected").setChecked(options.protectedOnly);
      if (options.pinProjectId !== undefined) await byTestId(page, "opt-project-id").setChecked(options.pinProjectId);
      if (options.pinNamespaceId !== undefined) await byTestId(page, "opt-namespace-id").setChecked(options.pinNamespaceId);
      assert.equal(await byTestId(page, "opt-project-id").isVisible(), gitlabCom, `${name}: pins offered only for gitlab.com`);
      const expected = env.core.trustPolicyForToken(jwt, { accountId: ACCOUNT, ...options });
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid="policy-code"]')?.textContent === text,
        expected.policy.trimEnd(),
      ).catch(() => {});
      assert.equal(await shownPolicy(page), expected.policy.trimEnd(), `${name} ${JSON.stringify(options)}`);
    }
    await finish(session);
  });

  test("the link reproduces the form for a colleague, and carries nothing secret", async () => {
    const session = await openPage({ path: "/", permissions: ["clipboard-read", "clipboard-write"] });
    const { page } = session;
    await showPane(page, "policy");
    await byTestId(page, "policy-account").fill(ACCOUNT);
    await page.locator("#policy-partition").selectOption("aws-eusc");
    await page.locator("#policy-session").selectOption("7200");
    await byTestId(page, "policy-role").fill("deployer");
    await byTestId(page, "subject-project_path").fill("acme/app");
    await byTestId(page, "subject-ref_type").fill("branch");
    await byTestId(page, "subject-ref").fill("main");
    await byTestId(page, "add-subject").click();
    // The new subject copies the last one; focus is in it.
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.field), "subjects.1.project_path");
    await page.locator('[data-field="subjects.1.ref_type"]').fill("tag");
    await page.locator('[data-field="subjects.1.ref"]').fill("v*");
    await byTestId(page, "pin-project_id").fill("42");
    await page.locator("#policy-pin-runner").selectOption("gitlab-hosted");
    const policy = await shownPolicy(page);
    assert.match(policy, /"Federated": "arn:aws-eusc:iam::123456789012:oidc-provider\/gitlab\.com"/);
    assert.match(policy, /"gitlab\.com:project_id": "42"/);

    await showPane(page, "pipeline");
    await byTestId(page, "kind-codebuild-publish").click();
    await byTestId(page, "cb-project").fill("acme-app-image");
    await byTestId(page, "cb-bucket").fill("acme-ci-sources");
    await byTestId(page, "cb-ecr").fill("acme/app");
    await byTestId(page, "pipeline-region").fill("eu-west-1");
    await byTestId(page, "pipeline-environment").fill("production");
    await byTestId(page, "pipeline-code").waitFor();
    // Pasted text stays out of the link.
    const pastedJob = "deploy:\n  script:\n    - echo $CI_JOB_JWT_V2 secret-job-text\n";
    await page.locator("details.existing summary").click();
    await byTestId(page, "pipeline-existing").fill(pastedJob);
    await page.waitForSelector('[data-testid="pipeline-finding"][data-code="CI006"]');
    await showPane(page, "check");
    await byTestId(page, "check-input").fill(fixture("lint", "wide-open.json"));
    await showPane(page, "pipeline");
    await waitForFragment(page, "ci.env", "production");

    const url = page.url();
    const fragment = new URL(url).hash;
    assert.match(fragment, /acct=123456789012/, "readable");
    assert.match(fragment, /sub=project_path:acme\/app:ref_type:branch:ref:main&sub=project_path:acme\/app:ref_type:tag:ref:v\*/);
    assertNoSecretsIn(url, [pastedJob, fixture("lint", "wide-open.json")]);
    assert.doesNotMatch(decodeURIComponent(fragment), /secret-job-text|Statement/);
    const before = {
      policy: await formValues(page, "policy"),
      pipeline: await formValues(page, "pipeline"),
      yaml: await byTestId(page, "pipeline-code").textContent(),
    };
    await showPane(page, "policy");
    const policyText = await shownPolicy(page);
    await showPane(page, "pipeline");
    await waitForFragment(page, "pane", "pipeline");
    const link = page.url();
    await byTestId(page, "copy-link").click();
    await page.waitForSelector('[data-testid="copy-link"][data-copied="yes"]');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, "Copy link copies this address");

    // A colleague opens the link in a fresh browser.
    const other = await openPage({ path: new URL(link).pathname + new URL(link).hash });
    const p2 = other.page;
    await p2.waitForSelector("#pane-pipeline:not([hidden])");
    assert.equal(await byTestId(p2, "kind-codebuild-publish").getAttribute("aria-selected"), "true");
    await byTestId(p2, "pipeline-code").waitFor();
    assert.deepEqual(await formValues(p2, "pipeline"), before.pipeline);
    assert.equal(await byTestId(p2, "pipeline-code").textContent(), before.yaml);
    assert.equal(await byTestId(p2, "pipeline-existing").inputValue(), "", "the pasted job is not in the link");
    await showPane(p2, "policy");
    assert.deepEqual(await formValues(p2, "policy"), before.policy);
    assert.equal(await shownPolicy(p2), policyText);
    assert.equal(await byTestId(p2, "check-input").inputValue(), "", "the pasted policy is not in the link");
    await finish(other);

    // Editing the fragment in the address bar (same document) applies it too.
    await page.evaluate(() => {
      location.hash = location.hash.replace("acct=123456789012", "acct=210987654321");
    });
    await showPane(page, "policy");
    await page.waitForFunction(() => document.querySelector("#policy-account")?.value === "210987654321");
    assert.match(await shownPolicy(page), /210987654321/);
    await finish(session);
  });

  test("hostile values stay text in every step: the form, a link, a pasted policy and job", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    const session = await openPage({ path: `/#pane=policy&acct=${encodeURIComponent(evil)}&role=${encodeURIComponent("<script>alert(2)</script>")}` });
    const { page } = session;
    await page.waitForSelector("#pane-policy:not([hidden])");
    assert.equal(await byTestId(page, "policy-account").inputValue(), evil, "a link's value is a value");
    await byTestId(page, "subject-project_path").fill(evil);
    await byTestId(page, "subject-ref_type").fill("branch");
    await byTestId(page, "subject-ref").fill("<b>main</b>");
    await byTestId(page, "policy-error").waitFor();
    assert.match(await byTestId(page, "policy-error").textContent(), /<img src=x onerror=alert\(1\)>/);
    await showPane(page, "check");
    const policy = fixture("lint", "blog-recipe.json").replace("project_path:acme/*", `project_path:${evil}`);
    await byTestId(page, "check-input").fill(policy);
    await byTestId(page, "check-findings").waitFor();
    assert.ok((await byTestId(page, "check-findings").textContent()).includes(evil));
    await showPane(page, "pipeline");
    await byTestId(page, "pipeline-role-arn").fill(`arn:aws:iam::123456789012:role/${evil}`);
    await page.locator("details.existing summary").click();
    await byTestId(page, "pipeline-existing").fill(`${evil}:\n  script: [echo]\n`);
    await byTestId(page, "pipeline-error").waitFor();
    assert.equal(await page.locator("main img, main script, main b").count(), 0, "nothing became markup");
    await finish(session); // asserts no dialog fired
  });

  test("trust policy alone: errors next to the field they name; pins only for gitlab.com", async () => {
    const session = await openPage({ path: "/#pane=policy" });
    const { page } = session;
    await page.waitForSelector("#pane-policy:not([hidden])");
    assert.equal(await byTestId(page, "from-token-status").isVisible(), false, "no token, no token card");
    await waitForText(page, "policy-needs", "the AWS account ID");
    assert.match(await byTestId(page, "policy-needs").textContent(), /project_path of subject 1/);
    await byTestId(page, "policy-account").fill("12");
    await byTestId(page, "subject-project_path").fill("acme/app");
    await byTestId(page, "subject-ref_type").fill("branch");
    await byTestId(page, "subject-ref").fill("main");
    const accountError = page.locator("#policy-account-error");
    await accountError.waitFor();
    assert.match(await accountError.textContent(), /^spec\.account_id — accountId "12" is not an AWS account id/);
    assert.equal(await byTestId(page, "policy-account").getAttribute("aria-invalid"), "true");
    assert.match(await byTestId(page, "policy-error").textContent(), /spec\.account_id/);
    assert.equal(await byTestId(page, "policy-code").count(), 0, "no stale policy");

    await byTestId(page, "policy-account").fill(ACCOUNT);
    await shownPolicy(page);
    assert.equal(await byTestId(page, "policy-account").getAttribute("aria-invalid"), null);
    assert.equal(await accountError.isVisible(), false);

    await byTestId(page, "policy-issuer").fill("http://gitlab.example.com");
    await page.locator("#policy-issuer-error").waitFor();
    assert.match(await page.locator("#policy-issuer-error").textContent(), /^spec\.issuer — .*https:\/\//);

    await byTestId(page, "policy-issuer").fill("https://gitlab.example.com");
    const policy = await shownPolicy(page);
    assert.equal(await page.locator('[data-part="pins"]').isVisible(), false, "no pins off gitlab.com");
    assert.ok(await page.locator('[data-part="pins-off"]').isVisible());
    assert.match(policy, /"gitlab\.example\.com:sub": "project_path:acme\/app:ref_type:branch:ref:main"/);

    // A ref git forbids: the error sits with the subject.
    await byTestId(page, "subject-ref").fill("ma..in");
    await page.locator('[data-error-for="subjects.0"]').waitFor();
    assert.match(await page.locator('[data-error-for="subjects.0"]').textContent(), /^spec\.subjects — subjects\[0\]/);
    assert.equal(await byTestId(page, "subject-ref").getAttribute("aria-invalid"), "true");
    await byTestId(page, "subject-ref").fill("main");

    // Fewer components: fewer inputs per subject.
    await byTestId(page, "policy-components").fill("project_path, ref");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="subject-row"] input').length === 2);
    assert.match(await shownPolicy(page), /"project_path:acme\/app:ref:main"/);
    // A wide subject: the core's findings, each with its why.
    await byTestId(page, "subject-ref").fill("*");
    await page.waitForSelector('[data-testid="policy-finding"][data-code="POL007"]');
    const spec = { issuer: "https://gitlab.example.com", accountId: ACCOUNT, subClaimComponents: ["project_path", "ref"], subjects: [{ project_path: "acme/app", ref: "*" }] };
    for (const f of env.core.trustPolicy(spec).findings) {
      assert.ok((await page.locator(`[data-testid="policy-finding"][data-code="${f.code}"]`).textContent()).includes(f.why));
    }
    await finish(session);
  });

  test("check a policy alone: JSON errors with line and column; lint without a token", async () => {
    const session = await openPage({ path: "/#pane=check" });
    const { page } = session;
    await page.waitForSelector("#pane-check:not([hidden])");
    assert.match(await byTestId(page, "check-token").textContent(), /No token yet/);
    assert.equal(await byTestId(page, "use-generated").textContent(), "Build one in step 2 →", "no policy built in step 2");
    const broken = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow" \n';
    await byTestId(page, "check-input").fill(broken);
    let expected;
    try {
      env.core.lintTrustPolicy(broken);
    } catch (e) {
      expected = e;
    }
    assert.equal(expected.code, "policy.json");
    await waitForText(page, "check-error", "policy.json");
    assert.ok((await byTestId(page, "check-error").textContent()).includes(expected.message));
    const [, line, column] = /line (\d+), column (\d+)/.exec(expected.message);
    await byTestId(page, "go-to-position").click();
    const caret = await byTestId(page, "check-input").evaluate((el) => el.selectionStart);
    const lines = broken.split("\n");
    const offset = lines.slice(0, Number(line) - 1).reduce((n, l) => n + l.length + 1, 0) + Math.max(Number(column) - 1, 0);
    assert.equal(caret, Math.min(offset, broken.length));

    const doc = fixture("lint", "gitlab-doc-2023.json");
    await byTestId(page, "check-input").fill(doc);
    await byTestId(page, "check-findings").waitFor();
    assert.deepEqual(await codesOf(page, "check-finding"), env.core.lintTrustPolicy(doc).map((f) => f.code));
    assert.equal(await byTestId(page, "check-error").textContent(), "");
    assert.equal(await page.locator('[data-testid="verdict"]').getAttribute("data-state"), "no-token");
    assert.match(await byTestId(page, "verdict").textContent(), /Not evaluated/);
    await finish(session);
  });

  test("compare with a previous version: the core's verdict, each class with its witness, which the evaluator then shows (issue 18)", async () => {
    const session = await openPage({ path: "/#pane=check" });
    const { page } = session;
    await page.waitForSelector("#pane-check:not([hidden])");
    const before = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:main" } },
      }],
    }, null, 2);
    const after = before.replace('"StringEquals"', '"StringLike"').replace(":ref:main", ":ref:*");
    // The previous version alone: nothing to compare yet, and it says what to do.
    await byTestId(page, "compare-input").fill(before);
    await waitForText(page, "compare-card", "Paste the new version");
    await byTestId(page, "check-input").fill(after);
    const expected = env.core.compareTrustPolicies(before, after);
    assert.equal(expected.verdict, "new-access");
    await waitForText(page, "compare-title", "New access");
    assert.equal(await byTestId(page, "compare-verdict").getAttribute("data-state"), "new-access");
    assert.equal(await byTestId(page, "compare-reason").textContent(), expected.reason);
    const shown = await page.locator('[data-testid="compare-newly"] [data-testid="compare-change"]').count();
    assert.equal(shown, expected.newlyAdmitted.length);
    const words = await page.locator('[data-testid="compare-newly"] .compare-words').first().textContent();
    assert.equal(words, expected.newlyAdmitted[0].description);
    // The change brings POL007 (any branch): listed with the comparison.
    assert.deepEqual(await codesOf(page, "compare-finding"), expected.findings.map((f) => f.code));
    // A witness into the evaluator: allowed by the new version, as the core says.
    await page.locator('[data-testid="compare-newly"] [data-testid="evaluate-witness"]').first().click();
    await waitForText(page, "check-token", "a token from the comparison");
    assert.ok((await byTestId(page, "check-token").textContent()).includes(expected.newlyAdmitted[0].witness.sub));
    assert.equal(await byTestId(page, "verdict").getAttribute("data-state"), "allowed");
    await byTestId(page, "back-to-token").click();
    await waitForText(page, "check-token", "No token yet");
    // The reverse: no new access, and the branches lost are listed.
    await byTestId(page, "compare-input").fill(after);
    await byTestId(page, "check-input").fill(before);
    await waitForText(page, "compare-title", "No new access");
    assert.ok(await page.locator('[data-testid="compare-gone"] [data-testid="compare-change"]').count() > 0);
    await screenshotPage(page, "check-compare.png");
    // A previous version that is not a policy: the error names it.
    await byTestId(page, "compare-input").fill("{");
    await waitForText(page, "compare-error", "policy.json");
    assert.match(await byTestId(page, "compare-error").textContent(), /before:/);
    assert.ok(!(await page.evaluate(() => location.hash)).includes("Statement"), "no policy text is in the link");
    await finish(session);
  });

  test("pipeline against the policy pasted in step 3: the recipe's policy and job (issue 20)", async () => {
    const recipe = JSON.parse(fixture("ci", "recipe.spec.json"));
    const policy = JSON.stringify(recipe.policy, null, 2);
    const session = await openPage({ acceptDownloads: false, secrets: [policy, recipe.existingJob] });
    const { page } = session;

    // Step 3 holds the recipe's trust policy; step 4 the role it is for and the job to migrate.
    await showPane(page, "check");
    await byTestId(page, "check-input").fill(policy);
    await page.waitForSelector('[data-testid="check-finding"]');
    await showPane(page, "pipeline");
    await byTestId(page, "pipeline-role-arn").fill(recipe.roleArn);
    await page.locator("details.existing summary").click();
    await byTestId(page, "pipeline-existing").fill(recipe.existingJob);
    await page.waitForSelector('[data-testid="pipeline-finding"][data-code="CI006"]');
    assert.match(await byTestId(page, "pipeline-policy-link").textContent(), /^Not checked against a trust policy/);
    assert.equal(await page.locator('[data-testid="pipeline-finding"][data-code="CI004"]').count(), 0);

    // Offered, not imposed: the job is checked against the pasted text once asked, by the core.
    await byTestId(page, "pipeline-policy-link").screenshot({ path: join(root, "tests", "e2e", "screenshots", "pipeline-pasted-policy-offer.png") });
    await byTestId(page, "pipeline-against-pasted").click();
    await page.waitForSelector('[data-testid="pipeline-finding"][data-code="CI004"]');
    assert.match(await byTestId(page, "pipeline-policy-link").textContent(), /^Checked against the policy pasted in step 3\./);
    const expected = env.core.ciSnippet({ kind: "assume-role", roleArn: recipe.roleArn, existingJob: recipe.existingJob, policy }).findings;
    assert.deepEqual(expected.map((f) => f.code), ["CI004", "CI006", "CI010", "CI007"]);
    assert.deepEqual(await codesOf(page, "pipeline-finding"), expected.map((f) => f.code));
    for (const f of expected) {
      const text = await page.locator(`[data-testid="pipeline-finding"][data-code="${f.code}"]`).textContent();
      assert.ok(text.includes(f.message), `${f.code} shows its message`);
      if (f.path) assert.ok(text.includes(f.path), `${f.code} shows its statement's path`);
    }
    await screenshotPage(page, "pipeline-pasted-policy.png");

    // The pasted text is read as it stands: text that is not a policy is refused, and the page says where to fix it.
    await showPane(page, "check");
    await byTestId(page, "check-input").fill('{"Role": {"RoleName": "dev-web-console-identity"}}');
    await showPane(page, "pipeline");
    await waitForText(page, "pipeline-error", "snippet.policy");
    assert.match(await byTestId(page, "pipeline-error").textContent(), /policy\.Role\.AssumeRolePolicyDocument: found nothing/);
    await page.getByRole("button", { name: "Open the pasted policy in step 3" }).click();
    await page.waitForSelector("#pane-check:not([hidden])");
    // As aws iam get-role prints it, the document URL-encoded as IAM's API returns it: the same findings.
    const role = { Role: { RoleName: "dev-web-console-identity", Arn: recipe.roleArn, AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(recipe.policy)) } };
    await byTestId(page, "check-input").fill(JSON.stringify(role, null, 2));
    await showPane(page, "pipeline");
    await page.waitForSelector('[data-testid="pipeline-finding"][data-code="CI004"]');
    assert.deepEqual(await codesOf(page, "pipeline-finding"), expected.map((f) => f.code));

    // Without pasted text the job is checked against nothing again.
    await showPane(page, "check");
    await byTestId(page, "check-input").fill("");
    await showPane(page, "pipeline");
    await page.waitForFunction(() => !document.querySelector('[data-testid="pipeline-finding"][data-code="CI004"]'));
    assert.equal(await byTestId(page, "pipeline-against-pasted").count(), 0);
    await finish(session);
  });

  test("pipeline alone: a tab per kind, role rows, CodeBuild files, migration findings", async () => {
    const session = await openPage({ path: "/#pane=pipeline", acceptDownloads: true });
    const { page } = session;
    await page.waitForSelector("#pane-pipeline:not([hidden])");
    await waitForText(page, "pipeline-needs", "the role ARN");
    const roleArn = "arn:aws:iam::123456789012:role/gitlab-ci-acme-app";
    await byTestId(page, "pipeline-role-arn").fill(roleArn);
    await byTestId(page, "pipeline-region").fill("eu-west-1");
    await byTestId(page, "pipeline-code").waitFor();
    assert.equal(
      await byTestId(page, "pipeline-code").textContent(),
      env.core.ciSnippet({ kind: "assume-role", roleArn, region: "eu-west-1" }).yaml,
    );

    // Kinds are tabs: arrow keys move between them.
    await byTestId(page, "kind-assume-role").focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(await byTestId(page, "kind-multi-role").getAttribute("aria-selected"), "true");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "kind-multi-role");
    // Multi-role starts from the role typed above; a second role is needed.
    assert.equal(await page.locator('[data-field="roles.0.roleArn"]').inputValue(), roleArn);
    await waitForText(page, "pipeline-needs", "the profile name of role 1");
    await page.locator('[data-field="roles.0.profile"]').fill("build");
    await page.locator('[data-field="roles.1.profile"]').fill("deploy-prod");
    await page.locator('[data-field="roles.1.roleArn"]').fill("arn:aws:iam::210987654321:role/gitlab-ci-deploy");
    await waitForText(page, "pipeline-code", "--profile deploy-prod");
    // A bad entry: the error shows in that role's row, and only its fields are marked.
    await page.locator('[data-field="roles.1.roleArn"]').fill("arn:aws:iam::210987654321:user/deploy");
    await page.locator("#pipeline-role-1-error").waitFor();
    assert.match(await page.locator("#pipeline-role-1-error").textContent(), /^snippet\.role_arn — roles\[1\]\.roleArn "arn:aws:iam::210987654321:user\/deploy"/);
    assert.equal(await page.locator('[data-field="roles.1.roleArn"]').getAttribute("aria-invalid"), "true");
    assert.equal(await page.locator('[data-field="roles.0.roleArn"]').getAttribute("aria-invalid"), null);
    assert.equal(await page.locator("#pipeline-role-0-error").isHidden(), true);
    await page.locator('[data-field="roles.1.roleArn"]').fill("arn:aws:iam::210987654321:role/gitlab-ci-deploy");
    await waitForText(page, "pipeline-code", "--profile deploy-prod");
    assert.equal(await page.locator('[data-field="roles.1.roleArn"]').getAttribute("aria-invalid"), null);
    await byTestId(page, "add-role").click();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.field), "roles.2.profile");
    await page.getByRole("button", { name: "Remove role 3" }).click();
    assert.equal(await page.locator('[data-testid="role-row"]').count(), 2);

    // CodeBuild: companion files, each its own tab with its own download.
    await byTestId(page, "kind-codebuild-publish").click();
    await byTestId(page, "cb-project").fill("acme-app-image");
    await byTestId(page, "cb-ecr").fill("acme/app");
    await byTestId(page, "cb-bucket").fill("B");
    await page.locator("#pipeline-cb-bucket-error").waitFor();
    assert.match(await page.locator("#pipeline-cb-bucket-error").textContent(), /^snippet\.codebuild — codebuild: bucket "B"/);
    await byTestId(page, "cb-bucket").fill("acme-ci-sources");
    await byTestId(page, "pipeline-code").waitFor();
    const tabs = await page.locator('[data-testid="pipeline-tab"]').allTextContents();
    assert.deepEqual(tabs, [".gitlab-ci.yml", "buildspec.yml", "codebuild-service-role-policy.json", "job-role-policy.json"]);
    const expected = env.core.ciSnippet({
      kind: "codebuild-publish",
      roleArn,
      region: "eu-west-1",
      codebuild: { project: "acme-app-image", bucket: "acme-ci-sources", ecrRepository: "acme/app" },
    });
    await page.locator("#pane-pipeline").getByRole("tab", { name: "buildspec.yml" }).click();
    const buildspec = await download(page, "pipeline-download");
    assert.equal(buildspec.name, "buildspec.yml");
    assert.equal(buildspec.text, expected.files["buildspec.yml"]);

    // Component: the template is a file under templates/.
    await byTestId(page, "kind-component").click();
    await byTestId(page, "pipeline-component").fill("gitlab.com/acme/ci/assume-role@1.2.0");
    await waitForText(page, "pipeline-code", "component: \"gitlab.com/acme/ci/assume-role@1.2.0\"");
    assert.ok((await page.locator('[data-testid="pipeline-tab"]').allTextContents()).includes("templates/assume-role.yml"));

    // A bad value: the error names the field, next to it.
    await byTestId(page, "kind-assume-role").click();
    await byTestId(page, "pipeline-region").fill("nowhere");
    await page.locator("#pipeline-region-error").waitFor();
    assert.match(await page.locator("#pipeline-region-error").textContent(), /^snippet\.region — region "nowhere"/);
    await byTestId(page, "pipeline-region").fill("");

    // Migration: a pasted legacy job, findings with their why.
    await page.locator("details.existing summary").click();
    const legacy = JSON.parse(fixture("ci", "policy-mismatch.spec.json")).existingJob;
    await byTestId(page, "pipeline-existing").fill(legacy);
    await page.waitForSelector('[data-testid="pipeline-finding"][data-code="CI006"]');
    const findings = env.core.ciSnippet({ kind: "assume-role", roleArn, existingJob: legacy }).findings;
    assert.deepEqual(await codesOf(page, "pipeline-finding"), findings.map((f) => f.code));
    for (const f of findings) {
      assert.ok((await page.locator(`[data-testid="pipeline-finding"][data-code="${f.code}"]`).textContent()).includes(f.why));
    }
    await finish(session);
  });
});
