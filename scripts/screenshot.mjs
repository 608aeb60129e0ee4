// Refreshes docs/screenshot.png, the README's picture of the page: the built page (dist/www/, from
// scripts/build.sh) served on 127.0.0.1, the fixture token aud-list (a job that asked for two audiences) pasted into step 1, the
// instance's keys pasted so the signature is verified, and the clock set to 20 minutes after the token
// was issued, so the picture is the same on every run. Headless Chromium, as the browser tests run it.
//   node scripts/screenshot.mjs [out.png]   (after scripts/build.sh; out.png defaults to docs/screenshot.png)
// The README shows the file; never edit it by hand. tests/e2e/rules.test.mjs runs this script into a
// temporary file, so it keeps working as the page changes.

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";
import { launchChromium, serveSite } from "./chromium.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const site = join(root, "dist", "www");
const out = process.argv[2] ? resolve(process.argv[2]) : join(root, "docs", "screenshot.png");
const fixture = (...parts) => readFileSync(join(root, "tests", "fixtures", ...parts), "utf8");

if (!existsSync(join(site, "index.html"))) {
  console.error("screenshot: dist/www/ is not built: run scripts/build.sh first");
  process.exit(1);
}

/** iat of the fixture tokens, plus 20 minutes. */
const NOW = (1764000000 + 20 * 60) * 1000;

const { server, origin } = await serveSite(site);
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: "light", deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.clock.setFixedTime(NOW);
  await page.goto(`${origin}/`);
  await page.waitForSelector('html[data-decoder="ready"]', { state: "attached" });
  await page.getByTestId("token-input").fill(fixture("tokens", "aud-list.jwt").trim());
  await page.getByTestId("keys-input").fill(fixture("keys", "jwks.json"));
  await page.getByTestId("claims-table").waitFor();
  // The finding whose code links to its rule's page.
  await page.waitForSelector('[data-testid="finding"][data-code="TOK005"] [data-testid="rule-link"]');
  await page.waitForFunction(() => /Signature verified/.test(document.querySelector('[data-part="status"]')?.textContent ?? ""));
  // The caret and the focus ring are not part of the picture.
  await page.evaluate(() => /** @type {HTMLElement | null} */ (document.activeElement)?.blur());
  await page.screenshot({ path: out, animations: "disabled" });
  console.log(`screenshot: wrote ${out}`);
} finally {
  await browser.close();
  server.kill();
}
