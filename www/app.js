// The page: loads the WebAssembly core, keeps one plain state object, wires the
// inputs and re-renders the panes from state. One flow, four steps, each
// usable alone: Token → Trust policy → Check a policy → Pipeline; each pane is
// fed by the one before. Troubleshoot reads what the four hold.
//
// Privacy rules, for every pane: the token, the pasted keys, a pasted policy
// and a pasted job live only in this module's memory (and their textareas).
// Never put them in the URL, localStorage/sessionStorage, IndexedDB or
// cookies, never send them anywhere, never log them. Nothing is fetched
// either: the keys are pasted, not looked up. The URL fragment carries only
// the non-secret form values (share.js), written with history.replaceState.

import { checkKeys, inspectToken, verifyToken } from "./pkg/gitlab_aws_oidc_page.js";
import { coreLoaded, coreReadyNow, loadTools } from "./core.js";
import { EXAMPLE_TOKEN } from "./example-token.js";
import { EXAMPLE_POLICY } from "./example-policy.js";
import { renderTokenPane } from "./token-pane.js";
import {
  COMPONENTS,
  PIN_NAMES,
  defaultPolicyForm,
  defaultTokenOptions,
  formFromSpec,
  parseComponents,
  renderPolicyPane,
  tokenFacts,
  specOf as policySpecOf,
  wirePolicyPane,
} from "./policy-pane.js";
import { renderCheckPane, replaceText, wireCheckPane } from "./check-pane.js";
import {
  defaultPipelineForm,
  effective,
  renderPipelinePane,
  specOf as pipelineSpecOf,
  wirePipelinePane,
} from "./pipeline-pane.js";
import { renderTroubleshootPane, wireTroubleshootPane } from "./troubleshoot-pane.js";
import { PANES, decodeFragment, encodeFragment } from "./share.js";
import { syncTabs, wireTabs } from "./tabs.js";
import { announce, copyText } from "./outputs.js";
import { renderPaneIfChanged, setAttr } from "./dom.js";

/** Relative times ("expires in 41 min") are recomputed this often while a token is shown. */
const REFRESH_MS = 30_000;
/** The fragment is rewritten at most this often while inputs change (browsers throttle replaceState). */
const FRAGMENT_DELAY_MS = 150;

const PANE_TITLES = {
  token: "GitLab ID token inspector",
  policy: "Trust policy",
  check: "Check a policy",
  pipeline: "Pipeline job",
  troubleshoot: "Why did STS say no?",
};

const state = {
  /** "loading" until the first half of the wasm core (step 1) is ready, then "ready" (or "failed"). */
  decoder: "loading",
  /**
   * The wasm tools (steps 2–4, core.js): "idle" until asked for (requestTools), "loading",
   * then "ready" (or "failed"). A cold load asks once its first screen is painted.
   */
  tools: "idle",
  /** The step shown: token, policy, check, pipeline or troubleshoot. */
  pane: "token",

  // ---- step 1: the token (see token-pane.js TokenPaneState) ----
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

  /** Step 2 (see policy-pane.js PolicyPaneState). */
  policy: {
    form: defaultPolicyForm(),
    options: defaultTokenOptions(),
    /** Where the token-derived fields came from: blank, token, edited (by hand) or link. */
    origin: "blank",
    tab: "trustPolicy",
    result: null,
    error: null,
    missing: [],
    fromToken: null,
    followsToken: false,
  },

  /** Step 3 (see check-pane.js CheckPaneState). */
  check: {
    text: "",
    findings: null,
    error: null,
    evaluation: null,
    evalError: null,
    applied: null,
    compare: { text: "", comparison: null, error: null },
    witness: null,
  },

  /** Step 4 (see pipeline-pane.js PipelinePaneState). */
  pipeline: {
    form: defaultPipelineForm(),
    follows: { roleArn: true, audience: true },
    existingJob: "",
    against: "generated",
    tab: "yaml",
    result: null,
    error: null,
    missing: [],
  },

  /** The troubleshoot step (see troubleshoot-pane.js TroubleshootPaneState): never in the link. */
  troubleshoot: {
    text: "",
    form: { roleArn: "", clientIds: "", maxSessionDuration: "" },
    diagnosis: null,
    error: null,
    uses: { token: false, policy: null, job: null },
  },
};

const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));
const tokenPane = $("#pane-token");
const policyPane = $("#pane-policy");
const checkPane = $("#pane-check");
const pipelinePane = $("#pane-pipeline");
const troubleshootPane = $("#pane-troubleshoot");
const steps = $('[data-part="steps"]');
const input = /** @type {HTMLTextAreaElement} */ ($("#token-input"));
const keysInput = /** @type {HTMLTextAreaElement} */ ($("#keys-input"));
const checkInput = /** @type {HTMLTextAreaElement} */ ($("#check-input"));
const compareInput = /** @type {HTMLTextAreaElement} */ ($("#compare-input"));
const errorInput = /** @type {HTMLTextAreaElement} */ ($("#error-input"));
/** The tools module's exports (steps 2–4) once loaded: see requestTools. */
let tools = /** @type {typeof import("./pkg/gitlab_aws_oidc_page.js") | null} */ (null);
let refreshTimer = 0;
let fragmentTimer = 0;
/** Numbers signature checks: only the latest one's outcome may reach the state. */
let verifyRun = 0;

function nowSeconds() {
  return Date.now() / 1000;
}

/**
 * { code, message } of anything thrown or rejected, with the core's `field`
 * (the spec field's JSON path) or `line` and `column` when it gave them.
 * @returns {import("./dom.js").PageError}
 */
function errorOf(e) {
  return {
    code: typeof e?.code === "string" ? e.code : "page.unexpected",
    message: e instanceof Error ? e.message : String(e),
    ...(typeof e?.field === "string" ? { field: e.field } : {}),
    ...(typeof e?.line === "number" && typeof e?.column === "number" ? { line: e.line, column: e.column } : {}),
  };
}

// ---- step 1: token ----------------------------------------------------------------

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

/**
 * Checks state.token's signature against state.keys (asynchronous: WebCrypto);
 * without a decoded token, only whether the keys text can be read (synchronous).
 * Call after inspect(). A check started earlier that settles later is ignored,
 * so fast typing or pasting can never leave an older verdict on screen. The
 * verdict only adds to the decoded view, it never replaces it.
 */
function verify() {
  const run = ++verifyRun;
  state.verification = null;
  state.verifyError = null;
  state.verifying = false;
  if (state.keys.trim() === "") return;
  if (!state.inspection) {
    // No token to verify yet (or one that does not decode, whose own error says why): still say at once
    // whether the keys can be used, rather than after a token is pasted.
    if (state.decoder !== "ready") return;
    try {
      checkKeys(state.keys);
    } catch (e) {
      state.verifyError = errorOf(e);
    }
    return;
  }
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

// ---- steps 2–4: the tools module ------------------------------------------------

/**
 * Starts loading the tools module (once); steps 2–4 are derived again and rendered
 * when it is there. Returns a promise that settles then.
 */
function requestTools() {
  if (state.tools === "idle") {
    state.tools = "loading";
    // For automation (tests): where the tools module is.
    document.documentElement.dataset.tools = state.tools;
    toolsSettled = loadTools().then((module) => {
      tools = module;
      state.tools = module ? "ready" : "failed";
      document.documentElement.dataset.tools = state.tools;
      // What was derived without the tools is derived again before it is next shown.
      stepsPending = true;
      if (state.pane !== "token") render();
    });
  }
  return toolsSettled;
}
let toolsSettled = Promise.resolve();

/**
 * Whether a step can call the tools now; when they could not load, says so as the step's error.
 * While they load the step shows its form without a result, and catches up when they arrive.
 * @param {{ error: import("./dom.js").PageError | null }} step
 */
function toolsAvailable(step) {
  if (tools) return true;
  if (state.tools === "failed") {
    step.error = { code: "page.decoder", message: "the policy tools (WebAssembly) failed to load; reload the page" };
  } else {
    requestTools();
  }
  return false;
}

// ---- step 2: trust policy ---------------------------------------------------------

/** The token-derived fields of the policy form, for comparison. */
function tokenFields(form) {
  const components = parseComponents(form.components).filter((c) => COMPONENTS.includes(c));
  return JSON.stringify([
    form.issuer.trim(),
    form.audience.trim(),
    components,
    form.subjects.map((row) => components.map((c) => (row[c] ?? "").trim())),
    PIN_NAMES.map((n) => (form.pins[n] ?? "").trim()),
  ]);
}

/**
 * What the pasted token fills in, and whether the form shows it. A blank form,
 * or one last filled from a token, follows a new token; a form edited by hand
 * or opened from a link is left alone (the pane offers to fill it).
 */
function deriveFromToken() {
  const p = state.policy;
  p.fromToken = null;
  if (state.inspection && tools) {
    // The core decides what the token admits; the page only maps its spec onto the form.
    const { refScope, protectedOnly, pinProjectId, pinNamespaceId } = p.options;
    // The pins are gitlab.com's (the page shows them only there); elsewhere the core would refuse protectedOnly.
    const pins = tokenFacts(state.inspection)?.gitlabCom ? { protectedOnly, pinProjectId, pinNamespaceId } : {};
    try {
      const spec = tools.specForToken(state.token, { refScope, ...pins });
      p.fromToken = formFromSpec(spec, state.inspection, p.form);
    } catch (e) {
      p.fromToken = { error: errorOf(e) };
    }
  }
  if (p.fromToken && "form" in p.fromToken && (p.origin === "blank" || p.origin === "token")) {
    p.form = p.fromToken.form;
    p.origin = "token";
  }
  p.followsToken = Boolean(p.fromToken && "form" in p.fromToken && tokenFields(p.form) === tokenFields(p.fromToken.form));
}

function buildPolicy() {
  const p = state.policy;
  p.result = null;
  p.error = null;
  const { spec, missing } = policySpecOf(p.form);
  p.missing = missing;
  if (!toolsAvailable(p) || missing.length) return;
  try {
    p.result = tools.trustPolicy(spec);
  } catch (e) {
    p.error = errorOf(e);
  }
}

// ---- step 3: check a policy -------------------------------------------------------

function checkPolicy() {
  const c = state.check;
  c.findings = null;
  c.error = null;
  c.evaluation = null;
  c.evalError = null;
  c.compare.comparison = null;
  c.compare.error = null;
  if (c.text.trim() === "" || !toolsAvailable(c)) return;
  const token = state.inspection ? state.token.trim() : null;
  try {
    // A token that decodes (state.inspection) always serves as the lint's context.
    c.findings = tools.lintTrustPolicy(c.text, token ? { token } : undefined);
  } catch (e) {
    c.error = errorOf(e);
  }
  if (c.error) return;
  if (c.compare.text.trim() !== "") {
    try {
      c.compare.comparison = tools.compareTrustPolicies(c.compare.text, c.text);
    } catch (e) {
      c.compare.error = errorOf(e);
    }
  }
  // A witness from the comparison, when one was chosen, stands in for step 1's token.
  const subject = c.witness ? c.witness.claims : token;
  if (!subject) return;
  try {
    c.evaluation = tools.evaluateTrustPolicy(c.text, subject);
  } catch (e) {
    c.evalError = errorOf(e);
  }
}

// ---- step 4: pipeline -------------------------------------------------------------

function buildPipeline() {
  const p = state.pipeline;
  p.result = null;
  p.error = null;
  const iss = state.inspection?.claims.iss;
  const pasted = state.check.text.trim() ? state.check.text : null;
  const { spec, missing } = pipelineSpecOf(p, state.policy.result, typeof iss === "string" ? iss : null, pasted);
  p.missing = missing;
  if (!toolsAvailable(p) || missing.length) return;
  try {
    p.result = tools.ciSnippet(spec);
  } catch (e) {
    p.error = errorOf(e);
  }
}

// ---- troubleshoot ------------------------------------------------------------------

function diagnoseError() {
  const t = state.troubleshoot;
  t.diagnosis = null;
  t.error = null;
  // What the other steps hold: the token as step 1 decodes it, the policy pasted in step 3 (else
  // step 2's), the job pasted in step 4 (else the one it builds).
  const token = state.inspection ? state.token.trim() : null;
  const pastedPolicy = state.check.text.trim() ? state.check.text : null;
  const policy = pastedPolicy ?? state.policy.result?.policy ?? null;
  const pastedJob = state.pipeline.existingJob.trim() ? state.pipeline.existingJob : null;
  const job = pastedJob ?? state.pipeline.result?.yaml ?? null;
  t.uses = {
    token: Boolean(token),
    policy: pastedPolicy ? "pasted" : policy ? "generated" : null,
    job: pastedJob ? "pasted" : job ? "generated" : null,
  };
  if (t.text.trim() === "" || !toolsAvailable(t)) return;
  /** @type {import("./pkg/gitlab_aws_oidc.js").DiagnoseContext} */
  const context = { nowSeconds: state.now || nowSeconds() };
  if (token) context.token = token;
  if (policy) context.policy = policy;
  if (job) context.job = job;
  const { roleArn, clientIds, maxSessionDuration } = t.form;
  if (roleArn.trim()) context.roleArn = roleArn.trim();
  const ids = clientIds.split(",").map((x) => x.trim()).filter(Boolean);
  if (ids.length) context.clientIds = ids;
  if (maxSessionDuration.trim()) {
    const seconds = Number(maxSessionDuration.trim());
    if (!Number.isInteger(seconds) || seconds < 0) {
      t.error = { code: "diagnose.context", field: "maxSessionDuration", message: `the maximum session duration is ${JSON.stringify(maxSessionDuration.trim())}; expected a whole number of seconds, e.g. 3600` };
      return;
    }
    context.maxSessionDuration = seconds;
  }
  try {
    t.diagnosis = tools.diagnose(t.text, context);
  } catch (e) {
    t.error = errorOf(e);
  }
}

// ---- the flow ---------------------------------------------------------------------

/**
 * Set while steps 2–4 are behind the token: on a cold load until the frame after
 * the first token is on screen, and after each token edit made on the token step,
 * which updates only that step (issue 8's keystroke budget). The next render()
 * (opening a step, keys, the refresh) or link derives them first, so a step is
 * never shown, and a link never written, from an older token.
 */
let stepsPending = false;

/** Recomputes steps 2–4 from their inputs (cheap: a few calls into the core). */
function derive() {
  if (!tools) requestTools();
  deriveFromToken();
  buildPolicy();
  checkPolicy();
  buildPipeline();
  diagnoseError();
  // Without the tools yet, derived again once they are there (requestTools).
  stepsPending = !tools && state.tools !== "failed";
}

function render() {
  if (stepsPending) derive();
  renderTokenPane(tokenPane, state);
  // Steps 2 and 4 re-render only when their inputs changed: a token edit
  // that leaves the form as it was costs them nothing (issue 8).
  const token = tokenFacts(state.inspection);
  renderPaneIfChanged(policyPane, JSON.stringify([state.policy, token]), () =>
    renderPolicyPane(policyPane, state.policy, token),
  );
  renderCheckPane(checkPane, state.check, {
    inspection: state.inspection,
    generated: state.policy.result?.policy ?? null,
  });
  const pasted = state.check.text.trim() !== "";
  renderPaneIfChanged(pipelinePane, JSON.stringify([state.pipeline, state.policy.result, pasted]), () =>
    renderPipelinePane(pipelinePane, state.pipeline, state.policy.result, pasted),
  );
  renderTroubleshootPane(troubleshootPane, state.troubleshoot);
  syncTabs(steps, state.pane);
  const title = `${PANE_TITLES[state.pane]} · gitlab-aws-oidc`;
  if (document.title !== title) document.title = title;
  setAttr(document.documentElement, "data-pane", state.pane);
  scheduleRefresh();
  scheduleFragment();
}

/** Re-derives everything and renders: after any input. */
function update() {
  derive();
  render();
}

/** Keeps relative times fresh while a token is shown; idle otherwise. */
function scheduleRefresh() {
  const wanted = Boolean(state.inspection);
  if (wanted && !refreshTimer) {
    refreshTimer = setInterval(() => {
      inspect();
      update();
    }, REFRESH_MS);
  } else if (!wanted && refreshTimer) {
    clearInterval(refreshTimer);
    refreshTimer = 0;
  }
}

/** The fragment for the current state: non-secret inputs only (share.js). */
function fragment() {
  return encodeFragment({
    pane: state.pane,
    policy: { form: state.policy.form, options: state.policy.options },
    pipeline: { form: effectivePipelineForm(), follows: state.pipeline.follows },
  });
}

/** The pipeline form with the role and audience it follows filled in, for the link. */
function effectivePipelineForm() {
  const p = state.pipeline;
  return { ...p.form, ...effective(p, state.policy.result) };
}

/** Writes the link at most every FRAGMENT_DELAY_MS while inputs change (one timer, not one per keystroke). */
function scheduleFragment() {
  if (!fragmentTimer) fragmentTimer = setTimeout(writeFragment, FRAGMENT_DELAY_MS);
}

function writeFragment() {
  clearTimeout(fragmentTimer);
  fragmentTimer = 0;
  // The link carries the policy form, which a token fills in (deriveFromToken).
  if (stepsPending) derive();
  const text = fragment();
  if (location.hash.replace(/^#/, "") === text) return;
  // Same document: no navigation, no request, no new history entry.
  history.replaceState(history.state, "", text ? `#${text}` : `${location.pathname}${location.search}`);
}

/** Applies a link's fragment to the state (on load, or when someone edits the address). */
function restore(hash) {
  const shared = decodeFragment(hash);
  if (!shared) return false;
  state.pane = shared.pane;
  state.policy.form = shared.policy.form;
  state.policy.options = shared.policy.options;
  state.policy.origin = shared.policy.fromLink ? "link" : "blank";
  state.pipeline.form = shared.pipeline.form;
  state.pipeline.follows = shared.pipeline.follows;
  return true;
}

function goTo(pane, { focus = false } = {}) {
  if (!PANES.includes(pane)) return;
  state.pane = pane;
  render();
  if (focus) {
    // A button elsewhere moved us here: land on the step's heading.
    const heading = /** @type {HTMLElement | null} */ (document.querySelector(`#pane-${pane} h1`));
    heading?.focus();
  }
  const nav = $(".steps");
  if (nav.getBoundingClientRect().top < 0) nav.scrollIntoView({ block: "start" });
}

// ---- step 1 inputs ----------------------------------------------------------------

function setToken(text) {
  state.token = text;
  inspect();
  verify();
  if (state.pane !== "token") {
    update();
    return;
  }
  // Steps 2–4 are hidden: they catch up when one is opened (see stepsPending).
  stepsPending = true;
  renderTokenPane(tokenPane, state);
  scheduleRefresh();
  scheduleFragment();
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
  const { action, pane } = /** @type {HTMLButtonElement} */ (button).dataset;
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
  } else if (action === "go" && pane) {
    goTo(pane, { focus: true });
  }
});

// ---- step 2 inputs ----------------------------------------------------------------

/** The token-derived fields: editing one means the form no longer simply follows the token. */
const TOKEN_FIELDS = new Set(["issuer", "audience", "components"]);

wirePolicyPane(policyPane, {
  setField(field, value) {
    const p = state.policy;
    const [head, a, b] = field.split(".");
    if (head === "subjects") {
      const row = p.form.subjects[Number(a)];
      if (!row || row[b] === value) return;
      row[b] = value;
    } else if (head === "pins") {
      if (p.form.pins[a] === value) return;
      p.form.pins[a] = value;
    } else {
      if (!(field in p.form) || p.form[field] === value) return;
      p.form[field] = value;
    }
    if (head === "subjects" || head === "pins" || TOKEN_FIELDS.has(head)) p.origin = "edited";
    update();
  },
  setOption(name, value) {
    const p = state.policy;
    if (!(name in p.options) || p.options[name] === value) return;
    p.options[name] = value;
    // Choosing how the token fills the form is asking for it to be filled.
    p.origin = "token";
    update();
  },
  addSubject() {
    const p = state.policy;
    const last = p.form.subjects[p.form.subjects.length - 1] ?? {};
    // A copy of the last subject: usually only the ref changes.
    p.form.subjects.push({ ...last });
    p.origin = "edited";
    update();
    const n = p.form.subjects.length - 1;
    /** @type {HTMLElement | null} */ (policyPane.querySelector(`[data-field^="subjects.${n}."]`))?.focus();
    announce(`Subject ${n + 1} added`);
  },
  removeSubject(index) {
    const p = state.policy;
    if (p.form.subjects.length < 2) return;
    p.form.subjects.splice(index, 1);
    p.origin = "edited";
    update();
    /** @type {HTMLElement | null} */ (policyPane.querySelector('[data-action="add-subject"]'))?.focus();
    announce(`Subject ${index + 1} removed`);
  },
  fillFromToken() {
    state.policy.origin = "token";
    update();
    announce("The form is filled from the pasted token");
  },
  selectTab(key) {
    state.policy.tab = key;
    render();
  },
  goTo: (pane) => goTo(pane, { focus: true }),
  checkPolicy() {
    if (!state.policy.result) return;
    checkInput.value = state.policy.result.policy;
    state.check.text = checkInput.value;
    state.check.applied = null;
    update();
    goTo("check", { focus: true });
  },
});

// ---- step 3 inputs ----------------------------------------------------------------

wireCheckPane(checkPane, {
  setText(text) {
    state.check.text = text;
    state.check.applied = null;
    state.check.witness = null;
    update();
  },
  useGenerated() {
    if (!state.policy.result) return;
    replaceText(checkInput, state.policy.result.policy);
  },
  loadExample() {
    replaceText(checkInput, EXAMPLE_POLICY);
  },
  clear() {
    checkInput.value = "";
    state.check.text = "";
    state.check.applied = null;
    update();
    checkInput.focus();
  },
  setCompareText(text) {
    state.check.compare.text = text;
    state.check.witness = null;
    update();
  },
  compareWithGenerated() {
    if (!state.policy.result) return;
    replaceText(compareInput, state.policy.result.policy);
  },
  clearCompare() {
    compareInput.value = "";
    state.check.compare.text = "";
    state.check.witness = null;
    update();
    compareInput.focus();
  },
  evaluateWitness(kind, index) {
    const comparison = state.check.compare.comparison;
    const change = (kind === "gone" ? comparison?.noLongerAdmitted : comparison?.newlyAdmitted)?.[index];
    if (!change) return;
    state.check.witness = { kind, index, claims: change.witness };
    update();
    $('[data-part="verdict"]').scrollIntoView({ block: "nearest" });
    announce("Evaluating the comparison's token against the policy.");
  },
  backToToken() {
    state.check.witness = null;
    update();
  },
  applyFix(finding) {
    if (!finding.fix) return;
    replaceText(checkInput, finding.fix); // fires input → setText
    state.check.applied = finding.code;
    render();
    announce(`Applied the fix for ${finding.code}. Press Control+Z in the policy to undo it.`);
  },
  goTo: (pane) => goTo(pane, { focus: true }),
});

// ---- step 4 inputs ----------------------------------------------------------------

wirePipelinePane(pipelinePane, {
  setField(field, value) {
    const p = state.pipeline;
    const [head, a, b] = field.split(".");
    if (head === "roles") {
      const row = p.form.roles[Number(a)];
      if (!row || row[b] === value) return;
      row[b] = value;
    } else if (head === "codebuild") {
      if (p.form.codebuild[a] === value) return;
      p.form.codebuild[a] = value;
    } else if (field === "roleArn" || field === "audience") {
      if (effective(p, state.policy.result)[field] === value) return;
      p.form[field] = value;
      p.follows[field] = false;
    } else {
      if (!(field in p.form) || p.form[field] === value) return;
      p.form[field] = value;
    }
    update();
  },
  setKind(kind) {
    const p = state.pipeline;
    if (p.form.kind === kind) return;
    p.form.kind = kind;
    p.tab = "yaml";
    // A multi-role job starts from the role of step 2.
    const roleArn = effective(p, state.policy.result).roleArn;
    if (kind === "multi-role" && roleArn && p.form.roles.every((r) => !r.roleArn.trim())) {
      p.form.roles[0].roleArn = roleArn;
    }
    update();
  },
  addRole() {
    const p = state.pipeline;
    p.form.roles.push({ profile: "", roleArn: "" });
    update();
    /** @type {HTMLElement | null} */ (pipelinePane.querySelector(`[data-field="roles.${p.form.roles.length - 1}.profile"]`))?.focus();
    announce(`Role ${p.form.roles.length} added`);
  },
  removeRole(index) {
    const p = state.pipeline;
    if (p.form.roles.length < 3) return;
    p.form.roles.splice(index, 1);
    update();
    /** @type {HTMLElement | null} */ (pipelinePane.querySelector('[data-action="add-role"]'))?.focus();
    announce(`Role ${index + 1} removed`);
  },
  follow(field) {
    state.pipeline.follows[field] = true;
    update();
    /** @type {HTMLElement | null} */ (pipelinePane.querySelector(`[data-field="${field}"]`))?.focus();
  },
  checkAgainst(which) {
    if (state.pipeline.against === which) return;
    state.pipeline.against = which;
    update();
    // The button that was pressed is gone; its counterpart takes the focus where there is one.
    const other = which === "pasted" ? "generated" : "pasted";
    /** @type {HTMLElement | null} */ (pipelinePane.querySelector(`[data-action="against"][data-against="${other}"]`) ?? pipelinePane.querySelector("#pipeline-pane-title"))?.focus();
    announce(which === "pasted" ? "The job is checked against the policy pasted in step 3" : "The job is checked against the policy from step 2");
  },
  setExistingJob(text) {
    if (state.pipeline.existingJob === text) return;
    state.pipeline.existingJob = text;
    update();
  },
  selectTab(key) {
    state.pipeline.tab = key;
    render();
  },
  goTo: (pane) => goTo(pane, { focus: true }),
});

// ---- troubleshoot inputs -----------------------------------------------------------

wireTroubleshootPane(troubleshootPane, {
  setText(text) {
    if (state.troubleshoot.text === text) return;
    state.troubleshoot.text = text;
    update();
  },
  setField(field, value) {
    const form = state.troubleshoot.form;
    if (!(field in form) || form[field] === value) return;
    form[field] = value;
    update();
  },
  clear() {
    errorInput.value = "";
    state.troubleshoot.text = "";
    update();
    errorInput.focus();
  },
  openPolicy(policy) {
    goTo("check", { focus: true });
    replaceText(checkInput, policy); // fires input → the check pane's setText
    announce("The fixed policy is in step 3: see its findings and whether the token would now be allowed. Control+Z undoes it.");
  },
  async copy(text, what) {
    const ok = await copyText(text);
    announce(ok ? `${what} is copied` : "Could not copy; select the text instead");
  },
  goTo: (pane) => goTo(pane, { focus: true }),
});

// ---- steps and link ---------------------------------------------------------------

wireTabs(steps, (pane) => goTo(pane));

$('[data-action="copy-link"]').addEventListener("click", async (event) => {
  const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
  // The link carries the policy form a pasted token fills in, which takes the tools.
  await requestTools();
  writeFragment();
  const ok = await copyText(location.href);
  const label = /** @type {HTMLElement} */ (button.querySelector("[data-part='copy-link-label']"));
  label.textContent = ok ? "Link copied ✓" : "Copy the address bar";
  button.dataset.copied = ok ? "yes" : "no";
  announce(ok ? "Link copied: it holds the form values, never the token, keys or pasted text" : "Could not copy; copy the address bar instead");
  setTimeout(() => {
    label.textContent = "Copy link";
    delete button.dataset.copied;
  }, 2500);
});

// Someone edited the fragment in the address bar (same document): apply it.
window.addEventListener("hashchange", () => {
  if (location.hash.replace(/^#/, "") === fragment()) return;
  if (!restore(location.hash)) return;
  update();
});

// Timers are throttled in background tabs: catch up as soon as the page is seen again.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.inspection) {
    inspect();
    update();
  }
});

// A browser may restore the textareas' text on back/forward; use what is there.
state.token = input.value;
state.keys = keysInput.value;
state.check.text = checkInput.value;
state.check.compare.text = compareInput.value;
state.troubleshoot.text = errorInput.value;
restore(location.hash);
inspect();
// On the token step (the usual cold load) only that step is rendered until the
// first token is on screen; steps 2–4, and the tools module they need, follow once
// the browser is idle after that paint. A link that opens another step asks for the
// tools at once (update → derive), so they load right after the first half of the core.
stepsPending = state.pane === "token";
if (stepsPending) renderTokenPane(tokenPane, state);
else update();

// Usually ready already (boot.js compiled the wasm while the page was parsed): then the first token is
// decoded and rendered before the browser lays the page out at the end of parsing, in that one layout.
state.decoder = coreReadyNow ?? (await coreLoaded);
state.token = input.value;
inspect();
verify();
if (stepsPending) {
  // The first screen of the decoded token first, the rest of step 1 in the frame after (token-pane.js).
  renderTokenPane(tokenPane, state, { firstScreen: true });
  await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
  renderTokenPane(tokenPane, state);
  await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
  await new Promise((idle) => (window.requestIdleCallback ? requestIdleCallback(idle, { timeout: 1000 }) : setTimeout(idle, 0)));
} else {
  update();
}
await requestTools();
render();
// For automation (tests, benchmarks): every step is rendered and the core (both modules) answers.
document.documentElement.dataset.decoder = state.decoder;
