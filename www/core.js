// Loads the WebAssembly core: the page's module (the inspector and the tools in one, scripts/build.sh),
// which the served page fetches split in two at the function level (scripts/split-wasm):
// - the first half holds every function the inspector's exports (inspectToken, verifyToken,
//   checkKeys) can reach: all step 1 needs, and all a cold load fetches. It loads as early as
//   possible: fetching and compiling it is the longest step of a cold load, so boot.js starts both
//   from the head while the page is parsed, and this module instantiates what it compiled. app.js
//   imports this module first and awaits `coreLoaded` before its first decode.
// - the second half holds the rest of the tools (trust policies, lint, evaluation, pipeline snippets,
//   the diagnosis of STS errors): steps 2–4 and Troubleshoot, and the texts only they use. It imports
//   the first half's memory and functions, so it is instantiated against it, and writes those texts
//   into that memory as it is. loadTools() fetches it on first call, which app.js
//   makes when one of those steps opens (or a link opens one) or once the page is idle after its
//   first paint. Nothing on the first screen waits for it. Until then the glue's tools exports are
//   there but not callable.

import init, { attachSecondModule, initSync } from "./pkg/gitlab_aws_oidc_page.js";
import * as glue from "./pkg/gitlab_aws_oidc_page.js";

/** The element the single-file build carries the wasm in; keep in sync with scripts/single-file.mjs. */
const WASM_ELEMENT_ID = "gitlab-aws-oidc-wasm";

/**
 * The single-file build (scripts/single-file.mjs) carries the page's module whole (not split), inline as
 * base64 in this data block (a page opened from file:// cannot fetch): initialising it once serves the
 * inspector and the tools. Its script runs after the page is parsed, so the block is there to find.
 */
const inlineWasm = document.getElementById(WASM_ELEMENT_ID);

/**
 * The first half's wasm as boot.js compiles it from index.html's head: `module` once compiled, `compiled`
 * resolving to it, or to null when compiling failed (then init() fetches the wasm from the URL index.html
 * preloads). Absent in the single file, on pages without boot.js and when boot.js has not run yet.
 * @type {{ module: WebAssembly.Module | null, compiled: Promise<WebAssembly.Module | null> } | undefined}
 */
const earlyWasm = /** @type {any} */ (window).gitlabAwsOidcEarlyWasm;
// Too late for boot.js (it did not run yet): it leaves the wasm to loadLater.
if (!earlyWasm) Object.defineProperty(window, "gitlabAwsOidcEarlyWasm", { value: null });

/**
 * "ready" when the inspector was instantiated while this module was evaluated (boot.js had compiled it
 * by then, or the single file carries it), so app.js can decode a token before the page is laid out
 * again; "failed" when that failed; null when it loads later (then see coreLoaded).
 * @type {"ready" | "failed" | null}
 */
export let coreReadyNow = null;

/** Resolves to "ready", or "failed" when the core cannot load; never rejects. */
export const coreLoaded = loadCore();

/** @returns {Promise<"ready" | "failed">} */
function loadCore() {
  const bytes = inlineWasm ? Uint8Array.from(atob(inlineWasm.textContent.trim()), (c) => c.charCodeAt(0)) : null;
  const compiled = earlyWasm?.module;
  if (bytes || compiled) {
    try {
      initSync({ module: bytes ?? compiled });
      coreReadyNow = "ready";
    } catch (e) {
      console.warn("gitlab-aws-oidc: could not load the WebAssembly decoder", e);
      coreReadyNow = "failed";
    }
    return Promise.resolve(coreReadyNow);
  }
  return loadLater();
}

/** @returns {Promise<"ready" | "failed">} */
async function loadLater() {
  try {
    const compiled = await earlyWasm?.compiled;
    if (compiled) initSync({ module: compiled });
    // An explicit URL, relative to this module: the same one index.html preloads.
    else await init({ module_or_path: new URL("./pkg/gitlab_aws_oidc_page_bg.wasm", import.meta.url) });
    return "ready";
  } catch (e) {
    console.warn("gitlab-aws-oidc: could not load the WebAssembly decoder", e);
    return "failed";
  }
}

/** @type {Promise<typeof glue | null> | null} */
let tools = null;

/**
 * Loads the second half once (later calls return the same promise): the glue's exports, the tools
 * callable, or null when they cannot load. Never rejects.
 */
export function loadTools() {
  tools ??= (async () => {
    try {
      // The tools need the first half: they run in its memory.
      if ((await coreLoaded) !== "ready") return null;
      // In the single file, the one module holds them already.
      if (inlineWasm) return glue;
      const response = await fetch(new URL("./pkg/gitlab_aws_oidc_page_tools_bg.wasm", import.meta.url));
      if (!response.ok) throw new Error(`fetching the tools' wasm: ${response.status} ${response.statusText}`);
      attachSecondModule(await WebAssembly.compile(await response.arrayBuffer()));
      return glue;
    } catch (e) {
      console.warn("gitlab-aws-oidc: could not load the WebAssembly policy tools", e);
      return null;
    }
  })();
  return tools;
}
