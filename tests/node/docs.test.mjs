// The documentation, checked offline: every link in README.md, CHANGELOG.md, docs/ and the package's README
// resolves (files and anchors), and every code block marked as a shell command or a JS example runs:
//   ```sh              bash -euo pipefail from the repository's root; exits 0
//   ```sh no-run: why  not run, the reason on the fence (keep these few: see docs/development.md)
//   ```js              an ES module run by Node in a fresh project where the packed package is installed by
//                      name, with a fixture token as process.argv[2]; exits 0
//   ```js browser      a module of a page in headless Chromium next to the installed package, with an import
//                      map resolving the package's name and subpaths from its exports; finishes without error
// Run after scripts/build.sh (scripts/test.sh does both): the JS blocks use pkg/.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../../scripts/chromium.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The documentation: the README, the changelog, docs/ (recursively) and the package's own README. */
function documents() {
  const walk = (dir) =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith(".md") ? [path] : [];
    });
  return ["README.md", "CHANGELOG.md", "npm/README.md", ...walk("docs")].sort();
}

/**
 * A Markdown file split into fenced code blocks and the text between them.
 * @param {string} text
 * @returns {{ prose: string, blocks: { info: string, code: string, line: number }[] }}
 */
function parse(text) {
  const blocks = [];
  const prose = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) {
      prose.push(lines[i]);
      continue;
    }
    const fence = open[1];
    const start = i;
    const body = [];
    for (i++; i < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ info: open[2].trim(), code: body.join("\n"), line: start + 1 });
    prose.push("");
  }
  return { prose: prose.join("\n"), blocks };
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(text) {
  const anchors = new Set();
  const seen = new Map();
  for (const line of parse(text).prose.split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const words = heading[1]
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/`/g, "")
        .replace(/<[^>]+>/g, "")
        .toLowerCase();
      const base = words.replace(/[^\p{L}\p{N}\p{M} _-]/gu, "").replace(/ /g, "-");
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n ? `${base}-${n}` : base);
    }
    for (const [, id] of line.matchAll(/\bid="([^"]+)"/g)) anchors.add(id);
  }
  return anchors;
}

/** Every link and image target in the prose (outside code blocks and code spans), with its line. */
function linksOf(text) {
  const links = [];
  parse(text)
    .prose.split("\n")
    .forEach((line, i) => {
      const outsideCode = line.replace(/`[^`]*`/g, (span) => " ".repeat(span.length));
      for (const match of outsideCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ target: match[1], line: i + 1 });
      for (const match of outsideCode.matchAll(/\bhref="([^"]+)"/g)) links.push({ target: match[1], line: i + 1 });
    });
  return links;
}

describe("links", () => {
  for (const doc of documents()) {
    test(`every link in ${doc} resolves, files and anchors`, () => {
      const text = readFileSync(join(root, doc), "utf8");
      const broken = [];
      for (const { target, line } of linksOf(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // another site: not followed, offline
        const [path, anchor] = target.split("#");
        const file = path ? resolve(root, dirname(doc), decodeURIComponent(path)) : join(root, doc);
        if (!file.startsWith(root)) {
          broken.push(`${doc}:${line}: ${target} leaves the repository`);
          continue;
        }
        if (!existsSync(file)) {
          broken.push(`${doc}:${line}: ${target}: no ${relative(root, file)}`);
          continue;
        }
        if (anchor === undefined) continue;
        if (statSync(file).isDirectory() || extname(file) !== ".md") {
          broken.push(`${doc}:${line}: ${target}: an anchor into a file that has no headings`);
          continue;
        }
        if (!anchorsOf(readFileSync(file, "utf8")).has(anchor)) broken.push(`${doc}:${line}: ${target}: no heading #${anchor} in ${relative(root, file)}`);
      }
      assert.deepEqual(broken, []);
    });
  }

  test("the link checker reads anchors as GitHub writes them", () => {
    const anchors = anchorsOf("# Rules\n## Token inspector (TOK…)\n### 2026-11-26: `inspectToken` faster, and more\n## Rules\n```sh\n# not a heading\n```\n");
    assert.deepEqual([...anchors], ["rules", "token-inspector-tok", "2026-11-26-inspecttoken-faster-and-more", "rules-1"]);
    assert.deepEqual(
      linksOf("[a](x.md#y) `[b](not-a-link.md)` ![c](d.png)\n```js\n[e](inside-code.md)\n```\n").map((l) => l.target),
      ["x.md#y", "d.png"],
    );
  });
});

describe("the API reference", () => {
  const api = readFileSync(join(root, "docs/api.md"), "utf8");
  const types = readFileSync(join(root, "src/wasm/types.d.ts"), "utf8");
  /** The functions the package's main module exports (its generated .d.ts), init and initSync aside. */
  const exported = () =>
    [...readFileSync(join(pkg, "gitlab_aws_oidc.d.ts"), "utf8").matchAll(/^export function (\w+)\(/gm)]
      .map((m) => m[1])
      .filter((name) => name !== "initSync")
      .sort();

  test("docs/api.md has a section for every export, and the package README lists each", () => {
    assert.ok(existsSync(join(pkg, "gitlab_aws_oidc.d.ts")), "pkg/ is not built: run scripts/build.sh first");
    const names = exported();
    assert.ok(names.length >= 11, names.join(", "));
    const sections = anchorsOf(api);
    const packageReadme = readFileSync(join(root, "npm/README.md"), "utf8");
    for (const name of names) {
      assert.ok(sections.has(name.toLowerCase()), `docs/api.md has no "## ${name}" section`);
      assert.ok(api.includes(`\`${name}(`), `docs/api.md gives ${name}'s signature`);
      assert.ok(packageReadme.includes(`| \`${name}(`), `npm/README.md's exports table lists ${name}`);
    }
  });

  test("docs/api.md names every error code the types list", () => {
    const union = /export type ErrorCode =([^;]*);/.exec(types)?.[1] ?? "";
    const codes = [...union.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    assert.ok(codes.length > 50, `ErrorCode lists ${codes.length} codes`);
    const missing = codes.filter((code) => !api.includes(`\`${code}\``));
    assert.deepEqual(missing, [], "error codes docs/api.md does not mention");
  });
});

/** Every runnable block of the documentation, by kind. */
function runnableBlocks() {
  const blocks = { sh: [], js: [], browser: [], skipped: [] };
  for (const doc of documents()) {
    for (const block of parse(readFileSync(join(root, doc), "utf8")).blocks) {
      const [lang, ...rest] = block.info.split(/\s+/);
      const where = `${doc}:${block.line}`;
      const tail = rest.join(" ");
      if (["bash", "shell", "console", "javascript", "mjs", "ts", "typescript"].includes(lang)) {
        throw new Error(`${where}: mark shell blocks sh and JavaScript blocks js, so that the tests run them`);
      }
      if (lang === "sh" && tail.startsWith("no-run:") && tail.length > "no-run:".length + 10) blocks.skipped.push({ where, why: tail, code: block.code });
      else if (lang === "sh" && tail === "") blocks.sh.push({ where, code: block.code });
      else if (lang === "js" && tail === "") blocks.js.push({ where, code: block.code });
      else if (lang === "js" && tail === "browser") blocks.browser.push({ where, code: block.code });
      else if (lang === "sh" || lang === "js") throw new Error(`${where}: unknown marks on a ${lang} block: "${tail}" (see docs/development.md)`);
    }
  }
  return blocks;
}

const blocks = runnableBlocks();
const pkg = join(root, "pkg");
const token = readFileSync(join(root, "tests/fixtures/tokens/gitlab-com-main.jwt"), "utf8").trim();

describe("code blocks", () => {
  /** A project with the packed package installed by name, as a user has it. */
  let app = "";
  before(() => {
    assert.ok(existsSync(join(pkg, "package.json")), "pkg/ is not built: run scripts/build.sh first");
    const work = mkdtempSync(join(tmpdir(), "gao-docs-"));
    const [packed] = JSON.parse(execFileSync("npm", ["pack", pkg, "--json", "--pack-destination", work], { encoding: "utf8" }));
    app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "docs-examples", private: true, type: "module" }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(work, packed.filename)], { cwd: app, stdio: "pipe" });
  });

  test("the blocks not run are few, each with its reason", () => {
    assert.ok(blocks.js.length >= 4 && blocks.browser.length >= 3, "the quick starts are among the blocks run");
    // Only the README's two commands are not run: add a reason to docs/development.md before adding another.
    assert.deepEqual(
      blocks.skipped.map((b) => [b.where.replace(/:\d+$/, ""), b.code]),
      [["README.md", "scripts/start.sh   # builds and serves the page on http://127.0.0.1:8000/ (PORT=… to change)\nscripts/test.sh    # runs every test"]],
    );
  });

  for (const { where, code } of blocks.sh) {
    test(`${where}: the shell block runs`, () => {
      const run = spawnSync("bash", ["-euo", "pipefail", "-c", code], { cwd: root, encoding: "utf8", timeout: 300_000 });
      assert.equal(run.status, 0, `${where} exited ${run.status}\n${run.stdout}\n${run.stderr}`);
    });
  }

  for (const [index, { where, code }] of blocks.js.entries()) {
    test(`${where}: the JS example runs in Node against the installed package`, () => {
      const file = join(app, `example-${index}.mjs`);
      writeFileSync(file, code);
      const run = spawnSync(process.execPath, [file, token], { cwd: app, encoding: "utf8", timeout: 60_000 });
      assert.equal(run.status, 0, `${where} exited ${run.status}\n${run.stdout}\n${run.stderr}`);
    });
  }

  describe("in headless Chromium", () => {
    let server;
    let origin = "";
    let browser;
    before(async () => {
      ({ server, origin } = await serve(app));
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      server?.close();
    });

    for (const [index, { where, code }] of blocks.browser.entries()) {
      test(`${where}: the JS example runs in a browser against the installed package`, async () => {
        writeFileSync(join(app, `browser-${index}.mjs`), code);
        writeFileSync(join(app, `browser-${index}.html`), pageFor(`browser-${index}.mjs`));
        const context = await browser.newContext();
        const page = await context.newPage();
        const problems = [];
        page.on("pageerror", (error) => problems.push(error.message));
        page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
        await page.goto(`${origin}/browser-${index}.html`);
        const outcome = await page.waitForFunction(() => document.documentElement.dataset.outcome, null, { timeout: 30_000 });
        assert.equal(await outcome.jsonValue(), "ok", `${where}: ${problems.join("; ")}`);
        assert.deepEqual(problems, [], where);
        await context.close();
      });
    }
  });
});

/** A page that runs one module, with the package's name and subpaths mapped to its files as its exports say. */
function pageFor(module) {
  const base = "/node_modules/gitlab-aws-oidc";
  const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  const imports = Object.fromEntries(
    Object.entries(manifest.exports).map(([key, value]) => [
      `gitlab-aws-oidc${key.slice(1)}`,
      `${base}/${(typeof value === "string" ? value : value.default).replace(/^\.\//, "")}`,
    ]),
  );
  const runner = `import("./${module}").then(() => { document.documentElement.dataset.outcome = "ok"; }, (error) => { console.error(String(error?.stack ?? error)); document.documentElement.dataset.outcome = "error"; });`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>example</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports })}</script></head><body>
<script type="module">${runner}</script></body></html>`;
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

/** Serves `dir` on a free port of 127.0.0.1: the example's project, as a static site. */
function serve(dir) {
  const server = createServer((request, response) => {
    const path = resolve(dir, `.${decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)}`);
    if (!path.startsWith(dir) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}
