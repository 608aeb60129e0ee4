// Starts compiling the first half of the page's wasm (see core.js) as soon as the browser runs scripts,
// before app.js: core.js (which app.js imports at the end of the body) would otherwise ask for it only
// once app.js has been compiled and run. Compiling takes a few milliseconds once the bytes are in (index.html preloads them):
// this way it is done when app.js runs, and core.js instantiates the module at once, so app.js decodes a
// token already in the textarea and renders it before the browser lays the page out at the end of parsing.
// A classic async script, not a module: a parser-blocking one held the whole page up for its own
// request, and Chromium runs async scripts after the first paint anyway. If core.js runs first, it fetches
// the wasm itself and this does nothing; if compiling fails here, core.js fetches it too.
"use strict";
if (!("gitlabAwsOidcEarlyWasm" in window)) {
  /** @type {{ module: WebAssembly.Module | null, compiled: Promise<WebAssembly.Module | null> }} */
  const early = { module: null, compiled: Promise.resolve(null) };
  early.compiled = WebAssembly.compileStreaming(fetch("pkg/gitlab_aws_oidc_page_bg.wasm")).then(
    (module) => (early.module = module),
    () => null,
  );
  Object.defineProperty(window, "gitlabAwsOidcEarlyWasm", { value: early });
}
