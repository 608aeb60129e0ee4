// Loads the WebAssembly core, which comes in two modules (scripts/build.sh):
// - the inspector (inspectToken, verifyToken, checkKeys): all step 1 needs, and
//   all a cold load fetches. It loads as early as possible: fetching and
//   compiling it is the longest step of a cold load. app.js imports this module
//   first and awaits `coreLoaded` before its first decode; the served page
//   preloads the wasm (scripts/bundle-page.mjs), so it downloads while the page
//   is parsed.
// - the tools (trust policies, lint, evaluation, pipeline snippets): steps 2–4.
//   loadTools() fetches and compiles it on first call, which app.js makes when
//   one of those steps opens (or a link opens one) or once the page is idle
//   after its first paint. Nothing on the first screen waits for it.

import init, { initSync } from "./pkg/gitlab_aws_oidc_inspector.js";

/** The element the single-file build carries the wasm in; keep in sync with scripts/single-file.mjs. */
const WASM_ELEMENT_ID = "gitlab-aws-oidc-wasm";

/**
 * The single-file build (scripts/single-file.mjs) carries one module with every export, inline as base64
 * in this data block (a page opened from file:// cannot fetch), and points both glue imports at that
 * module's glue: initialising it once serves the inspector and the tools. Its script runs after the page
 * is parsed, so the block is there to find.
 */
const inlineWasm = document.getElementById(WASM_ELEMENT_ID);

/** Resolves to "ready", or "failed" when the core cannot load; never rejects. */
export const coreLoaded = loadCore();

/** @returns {Promise<"ready" | "failed">} */
async function loadCore() {
  try {
    if (inlineWasm) initSync({ module: Uint8Array.from(atob(inlineWasm.textContent.trim()), (c) => c.charCodeAt(0)) });
    // An explicit URL, relative to this module: the same one index.html preloads.
    else await init({ module_or_path: new URL("./pkg/gitlab_aws_oidc_inspector_bg.wasm", import.meta.url) });
    return "ready";
  } catch (e) {
    console.warn("gitlab-aws-oidc: could not load the WebAssembly decoder", e);
    return "failed";
  }
}

/** @type {Promise<typeof import("./pkg/gitlab_aws_oidc_tools.js") | null> | null} */
let tools = null;

/**
 * Loads the tools module once (later calls return the same promise): its exports, ready to call, or
 * null when it cannot load. Never rejects.
 */
export function loadTools() {
  tools ??= (async () => {
    try {
      const module = await import("./pkg/gitlab_aws_oidc_tools.js");
      // In the single file this is the module coreLoaded initialises.
      if (inlineWasm) return (await coreLoaded) === "ready" ? module : null;
      await module.default({ module_or_path: new URL("./pkg/gitlab_aws_oidc_tools_bg.wasm", import.meta.url) });
      return module;
    } catch (e) {
      console.warn("gitlab-aws-oidc: could not load the WebAssembly policy tools", e);
      return null;
    }
  })();
  return tools;
}
