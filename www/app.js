// The page: loads the WebAssembly core, keeps one plain state object, wires the
// inputs and re-renders the panes from state.
//
// Privacy rules, for every pane: the token lives only in this module's memory
// (and the textarea). Never put it in the URL, localStorage/sessionStorage,
// IndexedDB or cookies, never send it anywhere, never log it.

import init, { inspectToken } from "./pkg/gitlab_aws_oidc.js";
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
};

const tokenPane = /** @type {HTMLElement} */ (document.querySelector('[data-pane="token"]'));
const input = /** @type {HTMLTextAreaElement} */ (document.getElementById("token-input"));
let refreshTimer = 0;

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
    state.error = {
      code: typeof e?.code === "string" ? e.code : "page.unexpected",
      message: e instanceof Error ? e.message : String(e),
    };
  }
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
  render();
}

input.addEventListener("input", () => setToken(input.value));

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
  }
});

// Timers are throttled in background tabs: catch up as soon as the page is seen again.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.inspection) {
    inspect();
    render();
  }
});

// A browser may restore the textarea's text on back/forward; decode what is there.
state.token = input.value;
inspect();
render();

try {
  await init();
  state.decoder = "ready";
} catch (e) {
  state.decoder = "failed";
  console.warn("gitlab-aws-oidc: could not load the WebAssembly decoder", e);
}
document.documentElement.dataset.decoder = state.decoder;
setToken(input.value);
