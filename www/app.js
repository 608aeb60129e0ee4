// The page: loads the WebAssembly core, keeps one plain state object, wires the
// inputs and re-renders the panes from state.
//
// Privacy rules, for every pane: the token and the pasted keys live only in
// this module's memory (and their textareas). Never put them in the URL,
// localStorage/sessionStorage, IndexedDB or cookies, never send them anywhere,
// never log them. Nothing is fetched either: the keys are pasted, not looked up.

import init, { initSync, inspectToken, verifyToken } from "./pkg/gitlab_aws_oidc.js";
import { EXAMPLE_TOKEN } from "./example-token.js";
import { renderTokenPane } from "./token-pane.js";

/** Relative times ("expires in 41 min") are recomputed this often while a token is shown. */
const REFRESH_MS = 30_000;

/** @type {import("./token-pane.js").TokenPaneState} */
const state = {
  /** "loading" until the wasm core is ready, then "ready" (or "failed"). */
  decoder: "loading",
  /** The textarea's text, exactly as typed or pasted. */
  token: "",
  /** Whether the text is the built-in example token. */
  example: false,
  /** Seconds since 1970 the inspection was computed for. */
  now: 0,
  /** TokenInspection (src/wasm/types.d.ts), or null. */
  inspection: null,
  /** { code, message } when the text cannot be decoded, or null. */
  error: null,
  /** The keys textarea's text: a JWKS, one JWK or a PEM public key. */
  keys: "",
  /** Whether a signature check of the current token and keys is in flight. */
  verifying: false,
  /** Verification (src/wasm/types.d.ts) of the current token against the current keys, or null. */
  verification: null,
  /** { code, message } when the check could not run (keys.* for unusable keys text), or null. */
  verifyError: null,
};

const tokenPane = /** @type {HTMLElement} */ (document.querySelector('[data-pane="token"]'));
const input = /** @type {HTMLTextAreaElement} */ (document.getElementById("token-input"));
const keysInput = /** @type {HTMLTextAreaElement} */ (document.getElementById("keys-input"));
let refreshTimer = 0;
/** Numbers signature checks: only the latest one's outcome may reach the state. */
let verifyRun = 0;

function nowSeconds() {
  return Date.now() / 1000;
}

/** Recomputes the derived parts of state from state.token and the clock. */
function inspect() {
  state.now = nowSeconds();
  state.example = state.token.trim() === EXAMPLE_TOKEN;
  state.inspection = null;
  state.error = null;
  if (state.token.trim() === "") return;
  if (state.decoder === "failed") {
    state.error = { code: "page.decoder", message: "the decoder (WebAssembly) failed to load; reload the page" };
    return;
  }
  if (state.decoder !== "ready") return;
  try {
    state.inspection = inspectToken(state.token, state.now);
  } catch (e) {
    state.error = errorOf(e);
  }
}

/** { code, message } of anything thrown or rejected. */
function errorOf(e) {
  return {
    code: typeof e?.code === "string" ? e.code : "page.unexpected",
    message: e instanceof Error ? e.message : String(e),
  };
}

/**
 * Checks state.token's signature against state.keys (asynchronous: WebCrypto).
 * Call after inspect(). A check started earlier that settles later is ignored,
 * so fast typing or pasting can never leave an older verdict on screen. The
 * verdict only adds to the decoded view, it never replaces it.
 */
function verify() {
  const run = ++verifyRun;
  state.verification = null;
  state.verifyError = null;
  state.verifying = false;
  // Keys are only checked against a token that decodes: the decoder's error says the rest.
  if (!state.inspection || state.keys.trim() === "") return;
  state.verifying = true;
  const settle = (apply) => (value) => {
    if (run !== verifyRun) return;
    state.verifying = false;
    apply(value);
    render();
  };
  // async wrapper: a synchronous throw becomes a rejection too.
  (async () => verifyToken(state.token, state.keys))().then(
    settle((result) => {
      state.verification = result;
    }),
    settle((e) => {
      state.verifyError = errorOf(e);
    }),
  );
}

function render() {
  renderTokenPane(tokenPane, state);
  scheduleRefresh();
}

/** Keeps relative times fresh while a token is shown; idle otherwise. */
function scheduleRefresh() {
  const wanted = Boolean(state.inspection);
  if (wanted && !refreshTimer) {
    refreshTimer = setInterval(() => {
      inspect();
      render();
    }, REFRESH_MS);
  } else if (!wanted && refreshTimer) {
    clearInterval(refreshTimer);
    refreshTimer = 0;
  }
}

function setToken(text) {
  state.token = text;
  inspect();
  verify();
  render();
}

function setKeys(text) {
  state.keys = text;
  verify();
  render();
}

input.addEventListener("input", () => setToken(input.value));
keysInput.addEventListener("input", () => setKeys(keysInput.value));

tokenPane.addEventListener("click", (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest("button[data-action]");
  if (!button) return;
  const action = /** @type {HTMLButtonElement} */ (button).dataset.action;
  if (action === "example") {
    input.value = EXAMPLE_TOKEN;
    input.scrollTop = 0;
    setToken(input.value);
  } else if (action === "clear") {
    input.value = "";
    setToken("");
    input.focus();
  } else if (action === "clear-keys") {
    keysInput.value = "";
    setKeys("");
    keysInput.focus();
  }
});

// Timers are throttled in background tabs: catch up as soon as the page is seen again.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.inspection) {
    inspect();
    render();
  }
});

// A browser may restore the textareas' text on back/forward; decode what is there.
state.token = input.value;
state.keys = keysInput.value;
inspect();
render();

// The single-file build (scripts/single-file.mjs) carries the wasm inline, as
// base64 in a data block: a page opened from file:// cannot fetch it.
const inlineWasm = document.getElementById("gitlab-aws-oidc-wasm");
try {
  if (inlineWasm) initSync({ module: Uint8Array.from(atob(inlineWasm.textContent.trim()), (c) => c.charCodeAt(0)) });
  else await init();
  state.decoder = "ready";
} catch (e) {
  state.decoder = "failed";
  console.warn("gitlab-aws-oidc: could not load the WebAssembly decoder", e);
}
document.documentElement.dataset.decoder = state.decoder;
setToken(input.value);
