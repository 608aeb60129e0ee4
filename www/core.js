// Loads the WebAssembly core, as early as possible: fetching and compiling it
// is the longest step of a cold load. app.js imports this module first and
// awaits `coreLoaded` before its first decode; the served page preloads the
// wasm (scripts/bundle-page.mjs), so it downloads while the page is parsed.

import init, { initSync } from "./pkg/gitlab_aws_oidc.js";

/** The element the single-file build carries the wasm in; keep in sync with scripts/single-file.mjs. */
const WASM_ELEMENT_ID = "gitlab-aws-oidc-wasm";

/** Resolves to "ready", or "failed" when the core cannot load; never rejects. */
export const coreLoaded = loadCore();

/** @returns {Promise<"ready" | "failed">} */
async function loadCore() {
  // The single-file build (scripts/single-file.mjs) carries the wasm inline, as
  // base64 in a data block: a page opened from file:// cannot fetch it. There
  // this module runs after the page is parsed, so the block is there to find.
  const inlineWasm = document.getElementById(WASM_ELEMENT_ID);
  try {
    if (inlineWasm) initSync({ module: Uint8Array.from(atob(inlineWasm.textContent.trim()), (c) => c.charCodeAt(0)) });
    // An explicit URL, relative to this module: the same one index.html preloads.
    else await init({ module_or_path: new URL("./pkg/gitlab_aws_oidc_bg.wasm", import.meta.url) });
    return "ready";
  } catch (e) {
    console.warn("gitlab-aws-oidc: could not load the WebAssembly decoder", e);
    return "failed";
  }
}
