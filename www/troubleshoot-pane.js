// The "Troubleshoot" step: a pasted STS error (or a whole job log) diagnosed by
// the core against what the other steps hold: the token of step 1, the trust
// policy of step 3 (or step 2's) and the job of step 4. The core recognises the
// error whatever client wrapped it and checks each cause; this pane shows the
// verdicts with their evidence, and each fix: a policy fix opens in step 3, a
// job edit or a command is copied.
//
// The error text is like the token: it stays in memory and its textarea, never
// in the URL or storage. So do the role ARN, client IDs and duration typed here.
//
// Contract of the data: src/wasm/types.d.ts (Diagnosis, Cause).

import { h, renderErrorBox, renderIfChanged, setAttr, setHidden, setText, sigBody } from "./dom.js";
import { countBySeverity, findingItems, groupDigits, plural } from "./findings.js";

/**
 * What the pane renders from (a slice of app.js's state).
 * @typedef {object} TroubleshootPaneState
 * @property {string} text the error textarea's text
 * @property {{ roleArn: string, clientIds: string, maxSessionDuration: string }} form the optional account facts
 * @property {import("./pkg/gitlab_aws_oidc.js").Diagnosis | null} diagnosis the core's answer, or null
 * @property {import("./dom.js").PageError | null} error why the diagnosis could not run (a form field the core refused)
 * @property {{ token: boolean, policy: "pasted" | "generated" | null, job: "pasted" | "generated" | null }} uses
 *   which of the other steps' inputs the diagnosis read
 */

/** How each verdict reads, in words first (never colour or a symbol alone). */
const VERDICTS = {
  confirmed: { label: "Confirmed", count: "confirmed", icon: "✕", tone: "error" },
  possible: { label: "Possible", count: "possible", icon: "!", tone: "warning" },
  "cannot-tell-offline": { label: "Check in AWS", count: "to check in AWS", icon: "?", tone: "neutral" },
  "ruled-out": { label: "Ruled out", count: "ruled out", icon: "✓", tone: "ok" },
};

/**
 * Wires the pane's inputs once.
 * @param {HTMLElement} root
 * @param {{
 *   setText: (text: string) => void,
 *   setField: (field: string, value: string) => void,
 *   clear: () => void,
 *   openPolicy: (policy: string) => void,
 *   copy: (text: string, what: string) => void,
 *   goTo: (pane: string) => void,
 * }} handlers
 */
export function wireTroubleshootPane(root, handlers) {
  const input = /** @type {HTMLTextAreaElement} */ (root.querySelector("#error-input"));
  input.addEventListener("input", () => handlers.setText(input.value));
  for (const field of /** @type {NodeListOf<HTMLInputElement>} */ (root.querySelectorAll("input[data-field]"))) {
    field.addEventListener("input", () => handlers.setField(String(field.dataset.field), field.value));
  }
  root.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button[data-action]");
    if (!button) return;
    const { action, pane, index, which } = /** @type {HTMLButtonElement} */ (button).dataset;
    const cause = causeAt(String(which), Number(index));
    if (action === "error-clear") handlers.clear();
    else if (action === "go" && pane) handlers.goTo(pane);
    else if (action === "open-policy" && cause?.fix?.policy) handlers.openPolicy(cause.fix.policy);
    else if (action === "copy-fix" && cause?.fix?.code) handlers.copy(cause.fix.code, "The fix");
    else if (action === "copy-confirm" && cause?.confirm) handlers.copy(cause.confirm, "The command");
  });
  /** The cause a button belongs to, from the diagnosis last rendered. */
  const causeAt = (which, index) => {
    const d = shown.get(root);
    if (!d) return null;
    if (which === "main") return d.causes[index] ?? null;
    const [other, i] = which.split(".").map(Number);
    return d.others[other]?.causes[i] ?? null;
  };
}

/** The diagnosis each pane last rendered, for its buttons. */
const shown = new WeakMap();

/**
 * Renders the pane.
 * @param {HTMLElement} root the `<section data-pane="troubleshoot">`
 * @param {TroubleshootPaneState} t
 */
export function renderTroubleshootPane(root, t) {
  const part = (name) => /** @type {HTMLElement} */ (root.querySelector(`[data-part="${name}"]`));
  const hasText = t.text.trim() !== "";
  setText(part("error-meta"), hasText ? `${groupDigits(t.text.length)} chars` : "");
  setAttr(root.querySelector('[data-action="error-clear"]'), "disabled", t.text === "" ? "" : null);
  renderIfChanged(part("troubleshoot-context"), JSON.stringify(t.uses), () => contextLine(t.uses));
  renderErrorBox(part("troubleshoot-error"), t.error, "Cannot diagnose");

  const d = hasText ? t.diagnosis : null;
  shown.set(root, d);
  setHidden(part("troubleshoot-empty"), hasText);
  const recognized = part("troubleshoot-error-card");
  setHidden(recognized, !d);
  setHidden(part("causes-card"), !d);
  setHidden(part("others-card"), !d || d.others.length === 0);
  setHidden(part("troubleshoot-findings-card"), !d || d.findings.length === 0);
  if (d) {
    const look = errorLook(d);
    setAttr(recognized, "class", `verdict sig tone-${look.tone}`);
    renderIfChanged(recognized, JSON.stringify(d.error), () => errorBody(d.error, look));
    renderIfChanged(part("causes"), JSON.stringify(d.causes), () => d.causes.map((c, i) => causeItem(c, `main`, i)));
    setText(part("causes-count"), causeCount(d.causes));
    renderIfChanged(part("others"), JSON.stringify(d.others), () =>
      d.others.map((other, n) =>
        h(
          "section",
          { class: "other-error", dataset: { testid: "other-error" } },
          h("h3", { class: "other-title" }, h("code", { text: other.error.code }), " — ", other.error.summary),
          h("ol", { class: "causes" }, other.causes.map((c, i) => causeItem(c, `${n}.${i}`, i))),
        ),
      ),
    );
    renderIfChanged(part("troubleshoot-findings"), JSON.stringify(d.findings), () =>
      findingItems(d.findings, { testid: "troubleshoot-finding" }),
    );
    setText(part("troubleshoot-findings-count"), countBySeverity(d.findings));
  }
  let status = "";
  if (t.error) status = `The error cannot be diagnosed: ${t.error.code}.`;
  else if (d) {
    const confirmed = d.causes.filter((c) => c.verdict === "confirmed").length;
    status = `${d.error.code === "unknown" ? "No known error found" : `Recognised ${d.error.code}`}; ${causeCount(d.causes)}${confirmed ? "" : " (none confirmed)"}.`;
  }
  setText(part("troubleshoot-status"), status);
}

/** "2 confirmed · 1 possible · 3 to check in AWS · 4 ruled out", leaving out the zeros. */
function causeCount(causes) {
  const parts = Object.entries(VERDICTS)
    .map(([verdict, look]) => [causes.filter((c) => c.verdict === verdict).length, look.count])
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${n} ${label}`);
  return parts.length ? parts.join(" · ") : plural(0, "cause");
}

/** Which inputs of the other steps the diagnosis used, with a way to each step that is empty. */
function contextLine(uses) {
  const go = (pane, text) => h("button", { type: "button", class: "btn btn-inline btn-link", dataset: { action: "go", pane }, text });
  const item = (used, what, where, pane) => (used ? [h("strong", { text: what }), ` (${where})`] : [what, " (none: ", go(pane, `add one in step ${pane === "token" ? 1 : pane === "check" ? 3 : 4}`), ")"]);
  return [
    "Checked against ",
    item(uses.token, "the token", "step 1", "token"),
    ", ",
    item(Boolean(uses.policy), "the trust policy", uses.policy === "pasted" ? "pasted in step 3" : "built in step 2", "check"),
    " and ",
    item(Boolean(uses.job), "the job", uses.job === "pasted" ? "pasted in step 4" : "built in step 4", "pipeline"),
    ".",
  ];
}

/** @param {import("./pkg/gitlab_aws_oidc.js").Diagnosis} d */
function errorLook(d) {
  if (d.error.code === "unknown") return { tone: "neutral", icon: "?", title: "No known error found", lead: "every check the context allows ran anyway" };
  const confirmed = d.causes.find((c) => c.verdict === "confirmed");
  return {
    tone: confirmed ? "error" : "warning",
    icon: "✕",
    title: d.error.code,
    lead: confirmed ? `most likely: ${confirmed.title}` : "no cause confirmed offline; see the checks below",
  };
}

function errorBody(error, look) {
  const client = error.client === "unknown" ? null : error.client;
  return sigBody(
    { ...look, reason: error.summary },
    { title: "recognized-code", reason: "recognized-summary" },
    error.message ? h("p", { class: "sig-reason" }, h("code", { class: "wrap", text: error.message })) : null,
    h(
      "p",
      { class: "sig-meta" },
      [error.operation ? `Operation ${error.operation}` : null, client ? `printed by ${client}` : null, error.status ? `HTTP ${error.status}` : null]
        .filter(Boolean)
        .join(" · "),
    ),
  );
}

/**
 * One cause as a list item: verdict in words, title, evidence, the failing check, the fix and the confirming command.
 * @param {import("./pkg/gitlab_aws_oidc.js").Cause} c
 * @param {string} which `main`, or `<other>.<cause>` for a cause of another error
 * @param {number} index the cause's index in its list
 */
function causeItem(c, which, index) {
  const look = VERDICTS[c.verdict] ?? { label: c.verdict, icon: "?", tone: "neutral" };
  const ids = { which, index: String(index) };
  return h(
    "li",
    { class: `cause verdict-${c.verdict} tone-${look.tone}`, dataset: { testid: "cause", id: c.id, verdict: c.verdict } },
    h(
      "p",
      { class: "cause-head" },
      h("span", { class: "cause-verdict", dataset: { testid: "cause-verdict" } }, h("span", { "aria-hidden": "true", text: `${look.icon} ` }), look.label),
      h("strong", { class: "cause-title", text: c.title }),
    ),
    h("p", { class: "cause-evidence", dataset: { testid: "cause-evidence" } }, quoted(c.evidence)),
    c.failed ? failedCheck(c.failed) : null,
    c.fix
      ? h(
          "div",
          { class: "cause-fix", dataset: { testid: "cause-fix", kind: c.fix.kind } },
          h("p", null, h("strong", { text: "Fix: " }), quoted(c.fix.description)),
          c.fix.code ? h("pre", { class: "snippet" }, h("code", { text: c.fix.code })) : null,
          h(
            "p",
            { class: "finding-actions" },
            c.fix.policy
              ? h("button", { type: "button", class: "btn btn-small", dataset: { action: "open-policy", testid: "open-policy", ...ids }, text: "Check the fixed policy in step 3" })
              : null,
            c.fix.code ? h("button", { type: "button", class: "btn btn-small", dataset: { action: "copy-fix", testid: "copy-fix", ...ids }, text: "Copy" }) : null,
          ),
        )
      : null,
    c.confirm
      ? h(
          "div",
          { class: "cause-confirm" },
          h("p", null, h("strong", { text: "To confirm: " })),
          h("pre", { class: "snippet" }, h("code", { text: c.confirm })),
          h("p", { class: "finding-actions" }, h("button", { type: "button", class: "btn btn-small", dataset: { action: "copy-confirm", testid: "copy-confirm", ...ids }, text: "Copy the command" })),
        )
      : null,
  );
}

/**
 * The core's sentences quote values in backticks: shown as code, so a value's own spaces and
 * punctuation read as part of it. The text stays the same text (textContent is unchanged).
 * @param {string} text
 */
function quoted(text) {
  const parts = text.split("`");
  // An odd number of backticks: a stray one, shown as it is.
  if (parts.length % 2 === 0) return text;
  return parts.map((part, i) => (i % 2 ? [h("span", { class: "tick", "aria-hidden": "true", text: "`" }), h("code", { class: "wrap", text: part }), h("span", { class: "tick", "aria-hidden": "true", text: "`" })] : part));
}

/** The condition (or element) of the closest statement that fails, with the token's values against the expected. */
function failedCheck(f) {
  const list = (values) => (values.length ? values.map((x, i) => [i ? ", " : "", h("code", { class: "wrap", text: x })]) : "none");
  return h(
    "p",
    { class: "cause-failed", dataset: { testid: "cause-failed" } },
    `Statement ${f.statement}, ${f.element}`,
    f.operator || f.key ? [": ", f.operator ? h("code", { text: f.operator }) : null, " ", f.key ? h("code", { text: f.key }) : null] : null,
    h("br"),
    "The token has ",
    list(f.actual),
    h("br"),
    "The statement expects ",
    list(f.expected),
  );
}
