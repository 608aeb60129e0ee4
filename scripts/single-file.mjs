// Writes the page as ONE self-contained HTML file that works opened from disk
// (file://): no server, no network. Usage:
//   node scripts/single-file.mjs <built www dir> <out.html> [<glue of the module to inline>]
//   e.g. node scripts/single-file.mjs dist/www dist/gitlab-aws-oidc.html target/page-module/gitlab_aws_oidc_page.js
//
// What it does to <dir>/index.html:
// - style.css goes inline in a <style>;
// - app.js and everything it imports, the wasm-bindgen glue included, are
//   bundled into one inline <script type="module"> (a file:// page cannot load
//   ES modules or fetch anything);
// - the wasm goes inline as base64 in a <script type="application/octet-stream"
//   id="gitlab-aws-oidc-wasm"> data block, which core.js finds and hands to
//   initSync() instead of fetching (so the inline script is not async: it
//   must run after the data block is parsed). The page's module whole, not
//   split in two as the served page fetches it (scripts/build.sh builds it
//   with the features `inspector,tools` into target/page-module/; without the
//   third argument, the package's module with every export,
//   pkg/gitlab_aws_oidc.js), to which core.js's glue import is pointed, since
//   a file carries all its bytes anyway and one module is smaller than two;
// - the rule pages (rules/<CODE>.json, which the served page fetches when a
//   finding's rule link is used) go inline as one JSON data block, <script
//   type="application/json" id="gitlab-aws-oidc-rules">, which rule-docs.js
//   reads instead of fetching;
// - icon.svg becomes a data: URI;
// - the CSP allows exactly that inline script and style, by hash, and nothing
//   to connect to.
// Every rewrite expects its pattern exactly once and fails loudly otherwise,
// so a change to index.html cannot silently leave a reference to a file.
//
// Bundler: esbuild (pinned devDependency), not a hand-written concatenation.
// The graph is small, but the wasm-bindgen glue is generated code whose
// top-level names (wasm, cachedUint8ArrayMemory0, …) and import/export shapes
// change between versions; esbuild scope-hoists modules with proper renaming,
// so the bundle stays correct without regex surgery on import statements.
// Not minified: a reviewer auditing the offline file can read it.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const [dirArg, outArg, glueArg] = process.argv.slice(2);
if (!dirArg || !outArg) {
  console.error("usage: node scripts/single-file.mjs <built www dir> <out.html> [<glue of the module to inline>]");
  process.exit(2);
}
const dir = resolve(dirArg);
const out = resolve(outArg);
const read = (name) => readFileSync(join(dir, name));

/** The element id core.js looks for; keep in sync with www/core.js. */
const WASM_ELEMENT_ID = "gitlab-aws-oidc-wasm";
/** The element id rule-docs.js looks for; keep in sync with www/rule-docs.js. */
const RULES_ELEMENT_ID = "gitlab-aws-oidc-rules";

/** The glue module the page imports, pointed at the glue of the module to inline. */
const WHOLE = glueArg ? resolve(glueArg) : join(dir, "pkg/gitlab_aws_oidc.js");
const PARTS = new Set(["gitlab_aws_oidc_page.js"].map((name) => join(dir, "pkg", name)));
const oneModule = {
  name: "one-module",
  setup(build) {
    build.onResolve({ filter: /gitlab_aws_oidc_\w+\.js$/ }, (args) =>
      PARTS.has(resolve(args.resolveDir, args.path)) ? { path: WHOLE } : undefined,
    );
  },
};

const bundled = await build({
  entryPoints: [join(dir, "app.js")],
  plugins: [oneModule],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  write: false,
  charset: "utf8",
  legalComments: "none",
  logLevel: "warning",
});
const script = bundled.outputFiles[0].text;
const style = read("style.css").toString("utf8");
const wasmBase64 = readFileSync(WHOLE.replace(/\.js$/, "_bg.wasm")).toString("base64");
const iconUri = `data:image/svg+xml;base64,${read("icon.svg").toString("base64")}`;
// Every rule page, by code. "<" escaped, so no text in them can end the data block.
const ruleFiles = readdirSync(join(dir, "rules")).filter((name) => /^[A-Z]{2,3}[0-9]{3}\.json$/.test(name)).sort();
if (ruleFiles.length === 0) throw new Error("single-file: no rule pages in rules/ (tests/docs.rs generates them)");
const rules = Object.fromEntries(ruleFiles.map((name) => [name.slice(0, -".json".length), JSON.parse(read(join("rules", name)).toString("utf8"))]));
const rulesJson = JSON.stringify(rules).replace(/</g, "\\u003c");

// Inline text must not end its element early or open an HTML comment.
for (const [name, text, closer] of [
  ["script", script, "</script"],
  ["style", style, "</style"],
]) {
  const lower = text.toLowerCase();
  if (lower.includes(closer) || lower.includes("<!--")) {
    throw new Error(`single-file: the inline ${name} contains "${closer}" or "<!--"; cannot inline it`);
  }
}

// Browsers hash the element's text exactly as it is, as UTF-8.
const sha256 = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
const csp = [
  "default-src 'none'",
  `script-src ${sha256(script)} 'wasm-unsafe-eval'`,
  `style-src ${sha256(style)}`,
  "img-src data:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

let html = read("index.html").toString("utf8");
/** Replaces the one occurrence of `pattern` (a RegExp without the g flag) with `text`. */
function replaceOnce(pattern, text, what) {
  const found = html.match(new RegExp(pattern.source, `g${pattern.flags}`))?.length ?? 0;
  if (found !== 1) throw new Error(`single-file: expected exactly one ${what} in index.html, found ${found}`);
  html = html.replace(pattern, () => text); // a function: "$" in the text stays literal
}

// The CSP meta, and the comment before it (it describes the served page's policy).
replaceOnce(
  /(?:<!--(?:(?!-->)[\s\S])*-->\s*)?<meta http-equiv="Content-Security-Policy" content="[^"]*">/,
  "<!-- Single file: only its own inline script and style (by hash) run; it may connect nowhere. -->\n  " +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
  "CSP meta",
);
replaceOnce(/<link rel="icon" href="icon\.svg" type="image\/svg\+xml">/, `<link rel="icon" href="${iconUri}" type="image/svg+xml">`, "icon link");
replaceOnce(/<link rel="stylesheet" href="style\.css">/, `<style>${style}</style>`, "stylesheet link");
// No early compile (boot.js): the file's one module is inline, and core.js compiles it from there.
replaceOnce(/\s*<!--(?:(?!-->)[\s\S])*-->\s*<script src="boot\.js" async><\/script>/, "", "boot.js script");
replaceOnce(/<script type="module" src="app\.js"><\/script>/, `<script type="module">${script}</script>`, "app.js script");
replaceOnce(
  /<\/body>/,
  `<script type="application/json" id="${RULES_ELEMENT_ID}">${rulesJson}</script>\n` +
    `<script type="application/octet-stream" id="${WASM_ELEMENT_ID}">${wasmBase64}</script>\n</body>`,
  "</body>",
);

// Nothing may still point at a file next to the page.
const leftover = /\b(?:src|href)="(?!data:|#)[^"]*"/.exec(html);
if (leftover) throw new Error(`single-file: a reference to a file is left: ${leftover[0]}`);

writeFileSync(out, html);
const bytes = Buffer.byteLength(html);
const gzipped = gzipSync(html, { level: 9 }).length;
const kib = (n) => (n / 1024).toFixed(1);
console.log(
  `single-file: ${outArg} is ${bytes} bytes (${kib(bytes)} KiB), ${gzipped} bytes gzipped (${kib(gzipped)} KiB)`,
);
