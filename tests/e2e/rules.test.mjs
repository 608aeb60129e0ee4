// Every finding links to its rule's page (issue 19): its code is a button that opens a dialog with the rule's
// text, which is the generated www/rules/<CODE>.json, the same data as docs/rules/<CODE>.md. The texts are fetched
// only when a code is clicked (never on a first load), and the single file opened from file:// carries them inline.
//
// Run: scripts/build.sh && node --test tests/e2e/   (set-up: harness.mjs)

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertAccessible, byTestId, finish, openPage, root, setup, showPane, token } from "./harness.mjs";

setup();

const ruleJson = (code) => JSON.parse(readFileSync(join(root, "www", "rules", `${code}.json`), "utf8"));

/** The rule pages the page asked the server for so far. */
const ruleRequests = (seen) => seen.requests.filter((url) => /\/rules\/|rule-docs\.js/.test(url)).map((url) => new URL(url).pathname);

/** Clicks the rule link of the finding with this code in `scope`, and waits for its page in the dialog. */
async function openRuleOf(page, code, scope = page) {
  await scope.locator(`[data-testid="rule-link"][data-rule="${code}"]`).first().click();
  const dialog = byTestId(page, "rule-dialog");
  await page.waitForSelector(`[data-testid="rule-dialog"][data-loaded="${code}"]`);
  return dialog;
}

/** Asserts the dialog shows `code`'s page: its title, sections and texts, as generated. */
async function assertShowsRule(dialog, code) {
  const docs = ruleJson(code);
  assert.equal(await dialog.getByRole("heading", { level: 2 }).textContent(), `${code} ${docs.name}`);
  const sections = await dialog.getByRole("heading", { level: 3 }).allTextContents();
  assert.deepEqual(sections, ["What it does", "Why is this bad?", "Example", "Use instead", "Fix"]);
  const text = await dialog.textContent();
  for (const field of ["why", "whatItDoes", "whyIsThisBad", "fix"]) {
    // The page shows `code` spans as <code>: the backticks go, the words stay.
    assert.ok(text.includes(docs[field].replaceAll("`", "")), `${code}: the dialog shows ${field}`);
  }
}

describe("rule pages", () => {
  test("served: a finding's code opens its rule's page, fetched only then; Escape closes it and focus returns", async () => {
    const session = await openPage();
    const { page, seen } = session;
    await byTestId(page, "token-input").fill(token("aud-list"));
    await page.waitForSelector('[data-testid="finding"][data-code="TOK005"]');
    assert.deepEqual(ruleRequests(seen), [], "no rule page is loaded before a code is clicked");
    const link = page.locator('[data-testid="finding"][data-code="TOK005"] [data-testid="rule-link"]');
    assert.equal(await link.textContent(), "TOK005");
    assert.equal(await link.getAttribute("aria-haspopup"), "dialog");

    const dialog = await openRuleOf(page, "TOK005");
    await assertShowsRule(dialog, "TOK005");
    assert.deepEqual(ruleRequests(seen), ["/rule-docs.js", "/rules/TOK005.json"], "the dialog's code and one rule's text");
    // The example is shown as the Markdown page shows it: the token's header and payload, indented.
    assert.match(await dialog.locator("pre").first().textContent(), /^\{\n {2}"header": \{/);
    await assertAccessible(page, "the rule dialog");

    await page.keyboard.press("Escape");
    await page.waitForSelector('[data-testid="rule-dialog"]:not([open])', { state: "attached" });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.rule), "TOK005", "focus goes back to the link");

    // A second code loads its own page; the first is not fetched again.
    await byTestId(page, "token-input").fill(token("no-kid"));
    await page.waitForSelector('[data-testid="finding"][data-code="TOK007"]');
    await assertShowsRule(await openRuleOf(page, "TOK007"), "TOK007");
    await byTestId(page, "rule-close").click();
    assert.deepEqual(ruleRequests(seen), ["/rule-docs.js", "/rules/TOK005.json", "/rules/TOK007.json"]);
    await finish(session);
  });

  test("served: every finding of every step links to a rule page that exists", async () => {
    const session = await openPage();
    const { page } = session;
    await byTestId(page, "token-input").fill(token("gitlab-com-main"));
    await showPane(page, "check");
    await byTestId(page, "check-example").click();
    await page.waitForSelector('[data-testid="check-finding"]');
    const codes = await page.locator('[data-testid="check-finding"]').evaluateAll((items) =>
      items.map((item) => [item.dataset.code, item.querySelector('[data-testid="rule-link"]')?.dataset.rule]),
    );
    assert.ok(codes.length >= 3, `the example policy has findings: ${codes}`);
    for (const [code, linked] of codes) {
      assert.equal(linked, code, `the finding ${code} links to its own rule`);
      assert.ok(existsSync(join(root, "dist", "www", "rules", `${code}.json`)), `${code} has a page`);
    }
    const [first] = codes[0];
    await assertShowsRule(await openRuleOf(page, first, page.locator("#pane-check")), first);
    await finish(session);
  });

  test("single file from file://: the rule pages are inline, nothing is fetched", async () => {
    const session = await openPage({ target: "file" });
    const { page } = session;
    await byTestId(page, "token-input").fill(token("aud-list"));
    await page.waitForSelector('[data-testid="finding"][data-code="TOK005"]');
    await assertShowsRule(await openRuleOf(page, "TOK005"), "TOK005");
    await finish(session); // asserts no request beyond the file itself
  });

  test("the README's screenshot script still pictures the page: a token, its verified signature and a finding", () => {
    const out = join(mkdtempSync(join(tmpdir(), "gao-shot-")), "screenshot.png");
    execFileSync(process.execPath, [join(root, "scripts", "screenshot.mjs"), out], { stdio: "pipe", timeout: 120_000 });
    const png = readFileSync(out);
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
    // The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1280, 860]);
  });
});
