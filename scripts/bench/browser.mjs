// Headless-Chromium figures for scripts/bench.sh: cold load of the built page to
// the first decoded token on screen, against the floor (the least page that loads the
// same core and paints one decoded line) in the same run with the same probe, and
// keystroke → the page updated (the token step; the hidden steps catch up when opened,
// which is timed too) over a few hundred edits of a realistic token, against the same
// edits in the page's textarea with no app. Prints figures only; asserts nothing about time.
//
// Usage: node scripts/bench/browser.mjs [--loads N] [--edits N] [--requests-out FILE] [--site DIR] [--quick]
//   --loads N           cold loads of each page (default 15), alternating the page and its references
//                       (blank, one line of text, the page's HTML and CSS with an empty script, the
//                       floor: the least page that loads the core the page loads first (the first
//                       half of the page's module) and shows a decoded token, and that floor with the module of every export)
//
// An edit on step 1 updates that step only: steps 2–4 are derived when one is opened, which is
// timed too (opening step 2 after an edit that changes the branch).
// References printed beside the budgets, for what the browser alone costs here: the one-line text page's first
// paint (a paint, as the page's end point is), and the page's own textarea taking the same edits with no app.
//   --edits N           measured edits (default 240; at least 200 for the budget), after 20 warm-up edits
//   --requests-out FILE writes the files the page requested (paths under dist/www/) as JSON:
//                       { first: [...] requested before the first decoded token was on screen,
//                         all: [...] requested in a session that opens every step }
//   --site DIR          measures another build of the page instead of dist/www/ (for experiments)
//
// Serves a temporary copy of the site (plus blank.html and text.html) with scripts/serve.mjs; never
// writes to www/. BENCH_DUMP_PROFILE=FILE / BENCH_DUMP_TRACE=FILE keep the keystroke pass's CPU
// profile (.cpuprofile, opens in Chrome DevTools) and trace (opens in Perfetto) for a closer look.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, serveSite } from "../chromium.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const quick = process.argv.includes("--quick");
const LOADS = Number(option("--loads", quick ? 4 : 15));
const EDITS = Number(option("--edits", quick ? 40 : 240));
const WARMUP_EDITS = 20;
/** Edits each followed by opening step 2 (the hidden steps catch up then). */
const OPENINGS = quick ? 10 : 40;
/** Edits run under the profilers, after the measured ones. */
const PROFILE_EDITS = quick ? 20 : 60;
const requestsOut = option("--requests-out", "");
const siteDir = resolve(option("--site", join(root, "dist/www")));

/** Budgets (issue 21): ratios within one run, since machines here differ by 2× in absolute times. */
/** The first decoded token on screen, against the floor page's. */
const COLD_LOAD_FLOOR_BUDGET = 1.5;
/** Keystroke p95, against the p95 of the same edits in the page's textarea with no app running. */
const KEYSTROKE_TEXTAREA_BUDGET = 2;


const BLANK_HTML = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body></body></html>\n';
/** A reference, not a budget: the blank page plus one line of text (the first text pays font setup). */
const TEXT_HTML = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>text</title></head><body><p>One line of text.</p></body></html>\n';

/**
 * A reference, not a budget: the page's own index.html with its scripts replaced by one empty module,
 * loaded the way app.js is (deferred, so the first layout waits for the stylesheet as the page's does),
 * and without its preloads: what parsing, styling and painting the page's HTML and CSS costs alone.
 */
const EMPTY_MODULE = "bench-empty-module.js";
function staticCopyOf(html) {
  let modules = 0;
  const stripped = html
    // The page's module (app.js) becomes the empty one; any other script (boot.js) goes.
    .replace(/<script\b([^>]*)\bsrc="[^"]*"([^>]*)><\/script>/g, (script, before, after) =>
      /type="module"/.test(script) && !modules++ ? `<script${before}src="${EMPTY_MODULE}"${after}></script>` : "",
    )
    .replace(/<link rel="(?:preload|modulepreload)"[^>]*>/g, "");
  if (modules === 0) throw new Error("bench: index.html has no module script to replace");
  return stripped;
}

/**
 * The reference of the cold-load budget: the floor on this machine. The smallest page that does what the
 * budget times: it loads the wasm core the page loads for its first token (the first half of the page's module) the same
 * way the page does (glue module, wasm preloaded, streamed into init()), decodes the same token with
 * inspectToken and puts one line of it on screen. No stylesheet, no other markup, no app. Whatever the page
 * costs above this is the page's own. `module` names the glue (pkg/<module>.js, pkg/<module>_bg.wasm): the
 * same floor with the module of every export (the one the page loaded before issue 21) is printed beside it.
 */
const floorHtml = (module, script) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title>
<link rel="preload" href="pkg/${module}_bg.wasm" as="fetch" type="application/wasm" crossorigin>
<link rel="modulepreload" href="pkg/${module}.js">
<script type="module" src="${script}"></script></head>
<body><p id="decoded" elementtiming="bench-first-finding"></p></body></html>
`;
const floorModule = (module, token) => `import init, { inspectToken } from "./pkg/${module}.js";
await init({ module_or_path: new URL("./pkg/${module}_bg.wasm", import.meta.url) });
const inspection = inspectToken(${JSON.stringify(token)}, Math.floor(Date.now() / 1000));
document.getElementById("decoded").textContent = \`sub: \${inspection.claims.sub}\`;
`;
const FLOORS = {
  floor: { module: "gitlab_aws_oidc_page", html: "floor.html", script: "bench-floor.js" },
  floorWhole: { module: "gitlab_aws_oidc", html: "floor-whole.html", script: "bench-floor-whole.js" },
};

const exampleToken = readFileSync(join(root, "tests/fixtures/tokens/gitlab-com-main.jwt"), "utf8").trim();

// ---- helpers ----------------------------------------------------------------------------------------

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  // Nearest rank: the smallest value with at least q of the sample at or below it.
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const median = (xs) => quantile(xs, 0.5);
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const verdict = (ok) => (ok ? "PASS" : "MISS");

const b64url = {
  decode: (s) => Buffer.from(s, "base64url").toString("utf8"),
  encode: (s) => Buffer.from(s, "utf8").toString("base64url"),
};

/**
 * Realistic edits of the example token: each one changes claims the way a
 * different job's token would (pipeline and job IDs always; every third one the
 * branch, hence sub, ref_path and the findings; every fifth one the times), and
 * keeps header and signature (no keys are pasted, so nothing is verified).
 * Returns [{ token, marker }] where marker is the edit's unique pipeline_id.
 */
function edits(n) {
  const [header, payload, signature] = exampleToken.split(".");
  const base = JSON.parse(b64url.decode(payload));
  const out = [];
  for (let i = 0; i < n; i++) {
    const claims = { ...base };
    claims.pipeline_id = String(Number(base.pipeline_id) + 1 + i);
    claims.job_id = String(Number(base.job_id) + 7 * (i + 1));
    if (i % 3 === 1) {
      const ref = `feature/bench-${i}`;
      claims.ref = ref;
      claims.ref_path = `refs/heads/${ref}`;
      claims.ref_protected = "false";
      claims.sub = `project_path:${base.project_path}:ref_type:branch:ref:${ref}`;
    }
    if (i % 5 === 2) {
      claims.iat = base.iat + 60 * i;
      claims.nbf = base.nbf + 60 * i;
      claims.exp = base.exp + 60 * i;
    }
    out.push({ token: `${header}.${b64url.encode(JSON.stringify(claims))}.${signature}`, marker: claims.pipeline_id });
  }
  return out;
}

// ---- in-page instrumentation (runs before any page script) ------------------------------------------

/**
 * Fills the token textarea the moment the parser creates it (as if pasted before
 * the page finished loading) and records when the claims table first has rows,
 * when the frame after that starts, and when that frame was painted (Element
 * Timing), so the style, layout and paint of the first decoded token are part of
 * the cold load. app.js decodes whatever the textarea holds once the wasm core is
 * ready; if it ever stops doing so, an input event is sent when the decoder
 * reports ready.
 */
function coldLoadProbe(token) {
  const mark = { filled: 0, rows: 0, frame: 0, rendered: 0, afterFrame: 0, decoderReady: 0, wasmStart: 0, wasmDone: 0 };
  Object.defineProperty(window, "__bench", { value: mark });
  // When the first decoded content was painted: Element Timing on the first finding's message (text), which renders with the
  // claims and sits in the viewport. A task queued from the frame's callback would run only after the page's
  // own tasks queued there too (app.js renders the hidden steps 2–4 then, after the token is on screen).
  new PerformanceObserver((entries) => {
    for (const entry of entries.getEntries()) {
      if (entry.identifier === "bench-first-finding") mark.rendered ||= entry.renderTime || entry.loadTime;
    }
  }).observe({ type: "element", buffered: true });
  // When the page asks for the wasm core (init() fetches it) and when it is instantiated.
  const fetchOriginal = window.fetch;
  window.fetch = function (...args) {
    if (String(args[0]?.url ?? args[0]).endsWith(".wasm")) mark.wasmStart ||= performance.now();
    return fetchOriginal.apply(this, args);
  };
  // boot.js compiles the first half with compileStreaming and core.js instantiates it synchronously (www/core.js).
  for (const name of ["instantiateStreaming", "instantiate", "compileStreaming", "compile"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      mark.wasmStart ||= performance.now();
      const result = original.apply(this, args);
      result.then(() => {
        mark.wasmDone ||= performance.now();
      }, () => {});
      return result;
    };
  }
  const check = () => {
    const input = document.getElementById("token-input");
    if (input && !mark.filled) {
      input.value = token;
      mark.filled = performance.now();
    }
    if (!mark.decoderReady && document.documentElement?.dataset.decoder === "ready") {
      mark.decoderReady = performance.now();
      queueMicrotask(() => {
        if (!mark.rows) input?.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
    const rows = document.querySelector('[data-testid="claims-table"] tbody')?.rows.length ?? 0;
    if (rows > 0 && !mark.rows) {
      mark.rows = performance.now();
      // Set before the element's first paint: this callback runs in the task that rendered it.
      document.querySelector('[data-part="findings"] .finding-message')?.setAttribute("elementtiming", "bench-first-finding");
      requestAnimationFrame(() => {
        mark.frame = performance.now();
        setTimeout(() => {
          mark.afterFrame = performance.now();
        }, 0);
      });
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
}

/** Runs the edits in the page; returns per-edit timings (ms) and how many edits showed up everywhere. */
async function runEdits({ list, warmup, reflow = true }) {
  const input = document.getElementById("token-input");
  const table = document.querySelector('[data-testid="claims-table"]');
  const payload = document.querySelector('[data-testid="token-payload"]');
  const main = document.querySelector("main") ?? document.body;
  let lastMutation = 0;
  let mutations = 0;
  let counting = false;
  /** Elements created per part of the page (nearest data-part, else data-pane), over the measured edits. */
  const added = {};
  const observer = new MutationObserver((records) => {
    lastMutation = performance.now();
    mutations += records.length;
    if (!counting) return;
    for (const r of records) {
      if (r.type !== "childList") continue;
      const target = /** @type {Element} */ (r.target.nodeType === 1 ? r.target : r.target.parentElement);
      const where = target?.closest("[data-part]");
      const pane = target?.closest("section[data-pane]")?.dataset.pane ?? "page";
      const key = `${pane}: ${where?.dataset.part ?? "(pane)"}`;
      for (const node of r.addedNodes) {
        if (node.nodeType === 1) added[key] = (added[key] ?? 0) + 1 + node.getElementsByTagName("*").length;
      }
    }
  });
  observer.observe(main, { childList: true, subtree: true, characterData: true, attributes: true });
  const nextFrame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const results = [];
  let verified = 0;
  for (let i = 0; i < list.length; i++) {
    const { token, marker } = list[i];
    await nextFrame();
    lastMutation = 0;
    mutations = 0;
    counting = i >= warmup;
    const t0 = performance.now();
    input.value = token;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const t1 = performance.now(); // the input handler has returned: synchronous DOM updates done
    if (reflow) void document.body.offsetHeight; // force style recalculation and layout of what changed
    const t2 = performance.now();
    await nextFrame(); // anything a pane updates asynchronously lands before this
    const settled = Math.max(t2, lastMutation);
    const shown = table.textContent.includes(marker) && (!payload || payload.textContent.includes(marker));
    if (i >= warmup) {
      if (shown) verified++;
      results.push({ handler: t1 - t0, layout: t2 - t0, settled: settled - t0, late: lastMutation > t2 + 0.5, mutations });
    }
  }
  observer.disconnect();
  const panes = [...document.querySelectorAll("section[data-pane]")].map(
    (p) => `${p.dataset.pane}${p.hidden ? " (hidden)" : ""}`,
  );
  const elements = document.getElementsByTagName("*").length;
  return { results, verified, panes, elements, added };
}

/**
 * What the token step's edits leave for later: steps 2–4 are derived and rendered
 * when one is opened (app.js, stepsPending). Per edit: the edit on step 1, then
 * opening step 2 (Trust policy) timed to its layout, then back to step 1.
 */
async function runStepOpenings({ list }) {
  const input = document.getElementById("token-input");
  const tab = (pane) => /** @type {HTMLElement} */ (document.querySelector(`[data-testid="step-${pane}"]`));
  const nextFrame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const times = [];
  let shown = 0;
  for (const { token, ref } of list) {
    input.value = token;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await nextFrame();
    const t0 = performance.now();
    tab("policy").click();
    void document.body.offsetHeight;
    times.push(performance.now() - t0);
    const field = /** @type {HTMLInputElement | null} */ (document.querySelector('#pane-policy [data-testid="subject-ref"]'));
    if (field?.value === ref) shown++;
    await nextFrame();
    tab("token").click();
    await nextFrame();
  }
  return { times, shown };
}

/**
 * The browser's own share of an edit: the same edits put into the page's token textarea
 * on the static copy (the page's HTML and CSS, no app), each followed by a forced layout.
 */
async function runTextareaEdits({ list, warmup }) {
  const input = document.getElementById("token-input");
  const nextFrame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const times = [];
  for (let i = 0; i < list.length; i++) {
    await nextFrame();
    const t0 = performance.now();
    input.value = list[i].token;
    void document.body.offsetHeight;
    if (i >= warmup) times.push(performance.now() - t0);
  }
  return times;
}

/**
 * Prints, per edit, JS and wasm self time by file (V8 CPU profile) and the
 * renderer's style, layout and paint time (trace events on the page's main thread).
 */
function breakdown(profile, trace, edits) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const { url, functionName } = byId.get(id).callFrame;
    let key;
    if (url.endsWith(".wasm") || url.startsWith("wasm://")) key = "wasm: the core";
    else if (url) key = `js: ${url.replace(/^.*\//, "")}`;
    else if (functionName === "runEdits") key = "(bench harness)";
    else if (/^\(.*\)$/.test(functionName)) key = functionName;
    else key = "DOM and web APIs (native)";
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  // (program) is native time outside JS (the renderer's own work: style, layout, paint, tasks).
  for (const key of ["(idle)", "(root)", "(program)", "(bench harness)"]) self.delete(key);
  const events = trace.traceEvents ?? trace;
  // The page's renderer main thread: where the trace's FunctionCall/Layout events are.
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const onMain = (e) => !main || (e.pid === main.pid && e.tid === main.tid);
  const sum = (...names) =>
    events.filter((e) => e.ph === "X" && names.includes(e.name) && onMain(e)).reduce((t, e) => t + (e.dur ?? 0), 0) / 1000;
  const rendering = [
    ["style (UpdateLayoutTree)", sum("UpdateLayoutTree")],
    ["layout (Layout)", sum("Layout")],
    ["pre-paint, paint, layerize", sum("PrePaint", "Paint", "Layerize", "UpdateLayer", "PaintImage")],
  ];
  const js = [...self.entries()].map(([k, us]) => [k, us / 1000]).sort((a, b) => b[1] - a[1]);
  const total = js.reduce((t, [, v]) => t + v, 0);
  console.log(`\nwhere an edit's time goes (separate profiled pass of ${edits} edits; per edit, profiler overhead included)`);
  for (const [label, t] of rendering) console.log(`  ${pad(label, 44)}${lpad(ms(t / edits), 10)}`);
  console.log(`  ${pad("JS, wasm, DOM calls: self time (CPU profile)", 44)}${lpad(ms(total / edits), 10)}`);
  for (const [label, t] of js.slice(0, 10)) {
    console.log(`    ${pad(label, 42)}${lpad(ms(t / edits), 10)}${lpad(`${((100 * t) / total).toFixed(0)}%`, 6)}`);
  }
}

// ---- main ------------------------------------------------------------------------------------------

const site = mkdtempSync(join(tmpdir(), "gitlab-aws-oidc-bench-"));
cpSync(siteDir, site, { recursive: true });
writeFileSync(join(site, "blank.html"), BLANK_HTML);
writeFileSync(join(site, "text.html"), TEXT_HTML);
writeFileSync(join(site, "static.html"), staticCopyOf(readFileSync(join(site, "index.html"), "utf8")));
writeFileSync(join(site, EMPTY_MODULE), "");
for (const { module, html, script } of Object.values(FLOORS)) {
  writeFileSync(join(site, html), floorHtml(module, script));
  writeFileSync(join(site, script), floorModule(module, exampleToken));
}
const { server, origin } = await serveSite(site);
const browser = await launchChromium();

try {
  console.log(`chromium ${browser.version()} headless, served by scripts/serve.mjs on ${origin} (a copy of ${siteDir})`);

  // -- cold loads: a fresh context (empty cache) per load, page and references alternating --
  const blank = [];
  const text = [];
  const textPaint = [];
  const staticPaint = [];
  const floorPaint = [];
  const floorWholePaint = [];
  const page = { rows: [], frame: [], rendered: [], afterFrame: [], load: [], dcl: [], html: [], css: [], modules: [], wasm: [], wasmStart: [], wasmDone: [] };
  /** Files requested before the first decoded token was on screen, and in a session that opens every step. */
  let requested = { first: [], all: [] };
  const pathOf = (url) => {
    const p = new URL(url).pathname;
    return (p.endsWith("/") ? `${p}index.html` : p).replace(/^\//, "");
  };
  for (let i = 0; i < LOADS; i++) {
    const kinds = ["blank", "text", "static", "floor", "floorWhole", "page"];
    for (const kind of i % 2 ? kinds.reverse() : kinds) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      if (kind === "static") {
        await tab.goto(`${origin}/static.html`, { waitUntil: "load" });
        const paint = await tab.waitForFunction(
          () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime || 0,
        );
        staticPaint.push(await paint.jsonValue());
      } else if (kind in FLOORS) {
        // The page's own probe, so both pay the same instrumentation: its Element Timing id is on the line.
        await tab.addInitScript(coldLoadProbe, exampleToken);
        await tab.goto(`${origin}/${FLOORS[kind].html}`, { waitUntil: "load" });
        const paint = await tab
          .waitForFunction(() => window.__bench?.rendered || 0, null, { timeout: 30_000 })
          .catch((e) => {
            throw new Error(`the floor page (${FLOORS[kind].html}) never painted its decoded line: ${e.message}`);
          });
        (kind === "floor" ? floorPaint : floorWholePaint).push(await paint.jsonValue());
      } else if (kind !== "page") {
        await tab.goto(`${origin}/${kind}.html`, { waitUntil: "load" });
        const end = await tab.waitForFunction(() => performance.getEntriesByType("navigation")[0]?.loadEventEnd || 0);
        (kind === "blank" ? blank : text).push(await end.jsonValue());
        if (kind === "text") {
          const paint = await tab.waitForFunction(
            () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime || 0,
          );
          textPaint.push(await paint.jsonValue());
        }
      } else {
        const seen = new Set();
        tab.on("request", (request) => {
          const url = new URL(request.url());
          if (url.origin === origin) seen.add(request.url());
        });
        await tab.addInitScript(coldLoadProbe, exampleToken);
        await tab.goto(`${origin}/`, { waitUntil: "commit" });
        await tab
          .waitForFunction(() => window.__bench?.rendered > 0 && window.__bench.afterFrame > 0, null, { timeout: 30_000 })
          .catch((e) => {
            throw new Error(`no Element Timing entry for the first finding (is it still in the viewport?): ${e.message}`);
          });
        await tab.waitForLoadState("load");
        const mark = await tab.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const resources = performance.getEntriesByType("resource").map((r) => ({
            path: new URL(r.name).pathname,
            url: r.name,
            start: r.startTime,
            end: r.responseEnd,
          }));
          return { ...window.__bench, load: nav.loadEventEnd, dcl: nav.domContentLoadedEventEnd, html: nav.responseEnd, resources };
        });
        const ends = (test) => Math.max(0, ...mark.resources.filter((r) => test(r.path)).map((r) => r.end));
        page.html.push(mark.html);
        page.css.push(ends((p) => p.endsWith(".css")));
        page.modules.push(ends((p) => p.endsWith(".js")));
        page.wasm.push(ends((p) => p.endsWith(".wasm")));
        page.wasmStart.push(mark.wasmStart);
        page.wasmDone.push(mark.wasmDone);
        page.rows.push(mark.rows);
        page.frame.push(mark.frame);
        page.rendered.push(mark.rendered);
        page.afterFrame.push(mark.afterFrame);
        page.load.push(mark.load);
        page.dcl.push(mark.dcl);
        if (requested.all.length === 0) {
          // Before the first decoded token: the document and what was asked for before that frame was painted.
          requested.first = [pathOf(`${origin}/`), ...mark.resources.filter((r) => r.start < mark.rendered).map((r) => pathOf(r.url))];
          // Everything a session can load: wait for both modules, open every step, then let the network settle.
          await tab.waitForFunction(() => document.documentElement.dataset.decoder === "ready", null, { timeout: 30_000 });
          for (const step of ["policy", "check", "pipeline", "token"]) await tab.click(`[data-testid="step-${step}"]`);
          await tab.waitForLoadState("networkidle");
          requested.all = [...seen].map(pathOf);
          requested = { first: [...new Set(requested.first)].sort(), all: [...new Set(requested.all)].sort() };
        }
      }
      await context.close();
    }
  }
  if (requestsOut) writeFileSync(requestsOut, `${JSON.stringify(requested, null, 2)}\n`);

  const blankMs = median(blank);
  const rowsMs = median(page.rows);
  const frameMs = median(page.frame);
  const renderedMs = median(page.rendered);
  const ratio = renderedMs / blankMs;
  console.log(`\ncold load, fresh context each time, median of ${LOADS} loads each (from navigation start)`);
  console.log(`${pad("", 46)}${lpad("median", 10)}${lpad("min", 10)}${lpad("max", 10)}`);
  const line = (label, xs) =>
    console.log(`${pad(label, 46)}${lpad(ms(median(xs)), 10)}${lpad(ms(Math.min(...xs)), 10)}${lpad(ms(Math.max(...xs)), 10)}`);
  line("blank page: load event end", blank);
  line("one-line text page: load event end (reference)", text);
  line("one-line text page: first paint (reference)", textPaint);
  line("static page (HTML and CSS only): first paint", staticPaint);
  line("floor: least page decoding the token, painted", floorPaint);
  line("… the same with the module of every export", floorWholePaint);
  line("page: index.html received", page.html);
  line("page: style.css received", page.css);
  line("page: last JS module received", page.modules);
  line("page: DOMContentLoaded end", page.dcl);
  line("page: wasm fetch started (init() called)", page.wasmStart);
  line("page: .wasm received", page.wasm);
  line("page: load event end", page.load);
  line("page: wasm compiled (and instantiated)", page.wasmDone);
  line("page: claims table has rows (token decoded)", page.rows);
  line("page: next frame after that starts", page.frame);
  line("page: that frame painted (token on screen)", page.rendered);
  line("page: a task after that frame (steps 2–4 done)", page.afterFrame);
  console.log(`page requested before the first decoded token was on screen: ${requested.first.join(", ")}`);
  console.log(`page requested in a session opening every step: ${requested.all.join(", ")}`);
  const floorMs = median(floorPaint);
  const floorWholeMs = median(floorWholePaint);
  const floorRatio = renderedMs / floorMs;
  console.log(
    `${verdict(floorRatio <= COLD_LOAD_FLOOR_BUDGET)} cold load → first decoded token on screen ${ms(renderedMs)} = ${floorRatio.toFixed(
      2,
    )}× the floor's ${ms(floorMs)}, ${ms(renderedMs - floorMs)} more (budget ≤ ${COLD_LOAD_FLOOR_BUDGET}× the floor page: the least ` +
      `page that loads the core the page loads first, decodes the token and paints one line, same run, same probe)`,
  );
  console.log(
    `  references: the page is decoded in the DOM at ${ms(rowsMs)}, its frame starting at ${ms(frameMs)}; the floor is ` +
      `${(floorMs / blankMs).toFixed(2)}× the blank page's load (${ms(blankMs)}); with the module of every export it paints at ` +
      `${ms(floorWholeMs)} (${(floorWholeMs / floorMs).toFixed(2)}× the floor); the page's HTML and CSS alone first paint at ` +
      `${ms(median(staticPaint))} = ${(median(staticPaint) / floorMs).toFixed(2)}× the floor; the page against the blank page: ` +
      `${ratio.toFixed(2)}×; against the one-line text page's first paint (${ms(median(textPaint))}): ${(renderedMs / median(textPaint)).toFixed(2)}×`,
  );

  // -- keystrokes: one warm page, the example token, then edits that change claims --
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.addInitScript(coldLoadProbe, exampleToken);
  await tab.goto(`${origin}/`, { waitUntil: "load" });
  // Every module loaded and every step rendered: the steady state a person typing meets.
  await tab.waitForFunction(() => window.__bench?.frame > 0 && document.documentElement.dataset.decoder === "ready", null, {
    timeout: 30_000,
  });
  const list = edits(WARMUP_EDITS + EDITS);
  const { results, verified, panes, elements, added } = await tab.evaluate(runEdits, { list, warmup: WARMUP_EDITS });

  // Where the time goes: a separate pass (profilers distort timings) under the V8 CPU
  // profiler (JS and wasm self time by file) and a devtools.timeline trace (style, layout, paint).
  const profiled = edits(PROFILE_EDITS).map((e, i) => ({ ...e, marker: `${e.marker}-${i}` }));
  const cdp = await context.newCDPSession(tab);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await browser.startTracing(tab, { categories: ["devtools.timeline"] });
  await cdp.send("Profiler.start");
  await tab.evaluate(runEdits, { list: profiled, warmup: 0, reflow: false });
  const { profile } = await cdp.send("Profiler.stop");
  if (process.env.BENCH_DUMP_PROFILE) writeFileSync(process.env.BENCH_DUMP_PROFILE, JSON.stringify(profile));
  const trace = JSON.parse((await browser.stopTracing()).toString("utf8"));
  if (process.env.BENCH_DUMP_TRACE) writeFileSync(process.env.BENCH_DUMP_TRACE, JSON.stringify(trace));
  await context.close();

  // Opening step 2 after an edit: where the hidden steps' share of an edit went.
  const openings = await (async () => {
    const openContext = await browser.newContext();
    const openTab = await openContext.newPage();
    await openTab.addInitScript(coldLoadProbe, exampleToken);
    await openTab.goto(`${origin}/`, { waitUntil: "load" });
    await openTab.waitForFunction(
      () => window.__bench?.frame > 0 && document.documentElement.dataset.decoder === "ready",
      null,
      { timeout: 30_000 },
    );
    // The edits that change the branch: step 2's subject must show the new ref.
    const branchEdits = edits(OPENINGS * 3)
      .map((e, i) => ({ token: e.token, ref: `feature/bench-${i}` }))
      .filter((_, i) => i % 3 === 1);
    const result = await openTab.evaluate(runStepOpenings, { list: branchEdits });
    await openContext.close();
    return result;
  })();

  const staticContext = await browser.newContext();
  const staticTab = await staticContext.newPage();
  await staticTab.goto(`${origin}/static.html`, { waitUntil: "load" });
  const textareaOnly = await staticTab.evaluate(runTextareaEdits, { list, warmup: WARMUP_EDITS });
  await staticContext.close();

  const handler = results.map((r) => r.handler);
  const layout = results.map((r) => r.layout);
  const settled = results.map((r) => r.settled);
  const late = results.filter((r) => r.late).length;
  console.log(
    `\nkeystroke → page updated (the token step; steps 2–4 when opened): ${results.length} edits of the example token (after ${WARMUP_EDITS} warm-up), each changing claims`,
  );
  console.log(`panes on the page: ${panes.join(", ")}; edits shown in the claims table and payload: ${verified}/${results.length}`);
  console.log(`${pad("", 46)}${lpad("p50", 10)}${lpad("p95", 10)}${lpad("max", 10)}`);
  const qline = (label, xs) =>
    console.log(`${pad(label, 46)}${lpad(ms(quantile(xs, 0.5)), 10)}${lpad(ms(quantile(xs, 0.95)), 10)}${lpad(ms(Math.max(...xs)), 10)}`);
  qline("input event → handler returned (DOM updated)", handler);
  qline("… + style and layout (forced reflow)", layout);
  qline("… or the last DOM mutation, if later", settled);
  qline("reference: the textarea alone (static page)", textareaOnly);
  qline(`opening step 2 after an edit (${openings.times.length} edits)`, openings.times);
  console.log(
    `steps 2–4 are brought up to date when one is opened, not on each edit of step 1; step 2 showed the edit's ref after ${openings.shown}/${openings.times.length} of those openings`,
  );
  console.log(`edits with DOM mutations after the handler (asynchronous pane updates): ${late}/${results.length}`);
  const rebuilt = Object.entries(added).sort((a, b) => b[1] - a[1]);
  const perEdit = (n) => (n / results.length).toFixed(0);
  console.log(
    `DOM: ${elements} elements; created per edit: ${perEdit(rebuilt.reduce((t, [, n]) => t + n, 0))}, by part: ${rebuilt
      .slice(0, 8)
      .map(([k, n]) => `${k} ${perEdit(n)}`)
      .join(", ")}`,
  );
  breakdown(profile, trace, PROFILE_EDITS);
  const p95 = quantile(settled, 0.95);
  const textareaP95 = quantile(textareaOnly, 0.95);
  const keystrokeRatio = p95 / textareaP95;
  const enough = results.length >= 200;
  console.log(
    `${verdict(keystrokeRatio <= KEYSTROKE_TEXTAREA_BUDGET && enough && verified === results.length)} keystroke → page updated p95 ${ms(
      p95,
    )} = ${keystrokeRatio.toFixed(2)}× the same edits in the page's textarea with no app running (p95 ${ms(textareaP95)}) over ${
      results.length
    } edits (budget ≤ ${KEYSTROKE_TEXTAREA_BUDGET}×${enough ? "" : "; fewer than 200 edits measured"}${
      verified === results.length ? "" : `; only ${verified} edits reached the panes`
    }; p50 ${ms(quantile(settled, 0.5))} against ${ms(quantile(textareaOnly, 0.5))})`,
  );
} finally {
  await browser.close();
  server.kill();
  rmSync(site, { recursive: true, force: true });
}
