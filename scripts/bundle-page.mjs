// Turns the built page in <dir> (a copy of www/ plus pkg/) into what is served:
// fewer, smaller files and the wasm requested first, so a cold load is not a
// chain of ES module imports followed by a late wasm fetch (issue 8's
// cold-load and transfer budgets).
//   node scripts/bundle-page.mjs <built www dir>     e.g. node scripts/bundle-page.mjs dist/www
// Run after scripts/single-file.mjs, which reads the unbundled modules (and
// keeps its inline script readable).
//
// What it does to <dir>:
// - app.js and the modules it imports become one minified app.js (esbuild, the
//   pinned devDependency single-file.mjs uses), and those modules are deleted;
// - the wasm-bindgen glue of each module stays a module of its own, minified in
//   place (same exports): the page's (pkg/gitlab_aws_oidc_page.js, for the
//   page's module split in two, scripts/build.sh), which app.js imports; and
//   the whole package's (pkg/gitlab_aws_oidc.js), which embed.html imports as
//   a docs site imports the package (pkg/ itself, the npm package, is not
//   touched); their inline-JS snippets (pkg/snippets/, verifyToken's WebCrypto
//   calls) are bundled into them, one request fewer at the end of the module
//   chain; and the rule pages' dialog (rule-docs.js), which app.js imports on
//   the first click on a finding's code, kept out of app.js (rules/<CODE>.json,
//   the texts, are fetched by it and left as they are);
// - style.css and boot.js are minified; index.html loses its comments (notes for readers of www/);
// - index.html preloads the first half's wasm and the glue, so they download
//   alongside the CSS and app.js instead of after app.js has run; boot.js, after
//   the preloads, compiles the wasm from the preloaded response before app.js
//   runs; the second half (the tools) is not preloaded. The CSP already allows both
//   (script-src 'self', connect-src 'self').
// Every rewrite expects its pattern exactly once and fails loudly otherwise.

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const [dirArg] = process.argv.slice(2);
if (!dirArg) {
  console.error("usage: node scripts/bundle-page.mjs <built www dir>");
  process.exit(2);
}
const dir = resolve(dirArg);
const path = (name) => join(dir, name);

/** What a cold load needs first: the first half of the page's module and its glue (www/core.js). */
const WASM = "pkg/gitlab_aws_oidc_page_bg.wasm";
const GLUE = "pkg/gitlab_aws_oidc_page.js";
/**
 * Modules loaded by URL (the page's glue, the whole package by embed.html, the rule pages' dialog when a
 * finding's code is first clicked): never bundled into app.js or deleted; each bundled and minified on its own.
 */
const SHARED = new Set([GLUE, "pkg/gitlab_aws_oidc.js", "rule-docs.js"]);
const KEEP = new Set(["app.js", "embed.js", ...SHARED]);

const common = { bundle: true, minify: true, write: false, charset: "utf8", legalComments: "none", logLevel: "warning", metafile: true };
const js = { ...common, format: "esm", platform: "browser", target: "es2022" };

/** Leaves imports of the shared modules as imports (one copy, cached once for both pages). */
const keepShared = {
  name: "keep-shared-modules",
  setup(build) {
    build.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const file = relative(dir, resolve(args.resolveDir, args.path));
      return SHARED.has(file) ? { path: args.path, external: true } : undefined;
    });
  },
};

const app = await build({ ...js, entryPoints: [path("app.js")], plugins: [keepShared] });
const glues = await Promise.all([...SHARED].map((file) => build({ ...js, entryPoints: [path(file)] })));
// No target: minified as written, nothing lowered or dropped.
const style = await build({ ...common, entryPoints: [path("style.css")] });
// A classic script (www/boot.js): minified, not bundled (it imports nothing).
const bootScript = await build({ ...common, entryPoints: [path("boot.js")], bundle: false });

// The bundled sources, relative to dir (esbuild reports them relative to the working directory).
const bundled = Object.keys(app.metafile.inputs).map((input) => relative(dir, resolve(input)));
writeFileSync(path("app.js"), app.outputFiles[0].contents);
[...SHARED].forEach((file, i) => writeFileSync(path(file), glues[i].outputFiles[0].contents));
writeFileSync(path("style.css"), style.outputFiles[0].contents);
writeFileSync(path("boot.js"), bootScript.outputFiles[0].contents);
for (const file of bundled) if (!KEEP.has(file)) rmSync(path(file));
rmSync(path("pkg/snippets"), { recursive: true, force: true });

let html = readFileSync(path("index.html"), "utf8");
// Before boot.js, whose fetch of the wasm then takes the preloaded response instead of a second request.
const boot = /<script src="boot\.js" async><\/script>/g;
const found = html.match(boot)?.length ?? 0;
if (found !== 1) throw new Error(`bundle-page: expected exactly one boot.js script in index.html, found ${found}`);
const early = [
  // crossorigin: fetch() requests in cors mode, and a preload is only reused by a request of the same mode.
  `<link rel="preload" href="${WASM}" as="fetch" type="application/wasm" crossorigin>`,
  `<link rel="modulepreload" href="${GLUE}">`,
];
html = html.replace(boot, (script) => [...early, script].join("\n  ")).replace(/<!--[\s\S]*?-->/g, "");
writeFileSync(path("index.html"), html);

const gz = (file) => gzipSync(readFileSync(path(file)), { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `bundle-page: app.js ${kib(gz("app.js"))} gzipped (${bundled.length} modules), style.css ${kib(gz("style.css"))}; ` +
    `index.html preloads ${WASM} and ${GLUE}`,
);
