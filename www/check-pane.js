// The "check a policy" pane: a pasted trust policy linted by the core
// (findings with their why, the JSON path, and a one-click fix where the core
// has one), and, when a token is pasted in the token pane, whether STS would
// let that job assume the role: the verdict in plain words and every
// statement and condition as IAM evaluates it.
//
// The pasted policy is like the token: it stays in memory and its textarea,
// never in the URL or storage.
//
// Contract of the data: src/wasm/types.d.ts (Finding, Evaluation).

import { h, patch, renderErrorBox, renderIfChanged, setAttr, setHidden, setText, sigBody } from "./dom.js";
import { countBySeverity, findingItems, groupDigits } from "./findings.js";
import { renderCompare } from "./compare.js";

/**
 * What the check pane renders from (a slice of app.js's state).
 * @typedef {object} CheckPaneState
 * @property {string} text the textarea's text
 * @property {import("./pkg/gitlab_aws_oidc.js").Finding[] | null} findings lint findings, or null
 * @property {import("./dom.js").PageError | null} error why the text cannot be linted
 * @property {import("./pkg/gitlab_aws_oidc.js").Evaluation | null} evaluation against the pasted token
 * @property {{ code: string, message: string } | null} evalError why the evaluation could not run
 * @property {string | null} applied the code of the fix applied last, for the status line
 * @property {import("./compare.js").CompareState} compare the previous version and the comparison with it
 * @property {{ kind: string, index: number, claims: Record<string, string> } | null} witness
 *   a comparison's witness the evaluation runs on instead of step 1's token, or null
 */

/**
 * Wires the pane's inputs once.
 * @param {HTMLElement} root
 * @param {{
 *   setText: (text: string) => void,
 *   useGenerated: () => void,
 *   loadExample: () => void,
 *   clear: () => void,
 *   applyFix: (finding: import("./pkg/gitlab_aws_oidc.js").Finding) => void,
 *   goTo: (pane: string) => void,
 *   setCompareText: (text: string) => void,
 *   compareWithGenerated: () => void,
 *   clearCompare: () => void,
 *   evaluateWitness: (kind: string, index: number) => void,
 *   backToToken: () => void,
 * }} handlers
 */
export function wireCheckPane(root, handlers) {
  const input = /** @type {HTMLTextAreaElement} */ (root.querySelector("#check-input"));
  input.addEventListener("input", () => handlers.setText(input.value));
  const previous = /** @type {HTMLTextAreaElement} */ (root.querySelector("#compare-input"));
  previous.addEventListener("input", () => handlers.setCompareText(previous.value));
  root.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button[data-action]");
    if (!button) return;
    const { action, pane, line, column } = /** @type {HTMLButtonElement} */ (button).dataset;
    if (action === "use-generated") {
      if (/** @type {HTMLButtonElement} */ (button).dataset.ready === "yes") handlers.useGenerated();
      else handlers.goTo("policy");
    }
    else if (action === "check-example") handlers.loadExample();
    else if (action === "check-clear") handlers.clear();
    else if (action === "go" && pane) handlers.goTo(pane);
    else if (action === "go-to-position") selectPosition(input, Number(line), Number(column));
    else if (action === "compare-generated") handlers.compareWithGenerated();
    else if (action === "compare-clear") handlers.clearCompare();
    else if (action === "evaluate-witness") {
      const { kind, index } = /** @type {HTMLButtonElement} */ (button).dataset;
      handlers.evaluateWitness(String(kind), Number(index));
    } else if (action === "back-to-token") handlers.backToToken();
  });
  handlersOf.set(root, handlers);
}

const handlersOf = new WeakMap();

/**
 * Replaces the textarea's text as an edit (so Ctrl+Z brings the old text
 * back), falling back to setting the value. Fires "input" either way.
 * @param {HTMLTextAreaElement} input
 * @param {string} text
 */
export function replaceText(input, text) {
  input.focus();
  input.select();
  let done = false;
  try {
    done = document.execCommand("insertText", false, text);
  } catch {
    done = false;
  }
  if (!done || input.value !== text) {
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  input.setSelectionRange(0, 0);
  input.scrollTop = 0;
}

/** Puts the caret at a 1-based line and column of the textarea. */
function selectPosition(input, line, column) {
  const lines = input.value.split("\n");
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  offset = Math.min(offset + Math.max(column - 1, 0), input.value.length);
  input.focus();
  input.setSelectionRange(offset, offset);
}

/**
 * Renders the pane.
 * @param {HTMLElement} root the `<section data-pane="check">`
 * @param {CheckPaneState} c
 * @param {{ inspection: import("./pkg/gitlab_aws_oidc.js").TokenInspection | null, generated: string | null }} context
 *   the token pane's inspection, and the policy pane's policy text
 */
export function renderCheckPane(root, c, { inspection, generated }) {
  const part = (name) => /** @type {HTMLElement} */ (root.querySelector(`[data-part="${name}"]`));
  const hasText = c.text.trim() !== "";

  const meta = part("check-meta");
  const metaText = hasText ? `${groupDigits(c.text.trim().length)} chars` : "";
  setText(meta, metaText);
  // Without a policy in step 2 the button leads there instead of doing nothing.
  const use = /** @type {HTMLButtonElement} */ (root.querySelector('[data-action="use-generated"]'));
  const useLabel = generated ? "Use the policy from step 2" : "Build one in step 2 →";
  setText(use, useLabel);
  setAttr(use, "data-ready", generated ? "yes" : "no");
  setAttr(root.querySelector('[data-action="check-clear"]'), "disabled", c.text === "" ? "" : null);

  renderErrorBox(part("check-error"), c.error, "Cannot check this policy", goToPosition);
  setAttr(root.querySelector('[data-action="compare-generated"]'), "disabled", generated ? null : "");
  renderTokenCard(part("check-token"), inspection, c.witness);
  renderCompare(root, c.compare, hasText && !c.error);

  setHidden(part("check-empty"), hasText);
  const findingsCard = part("check-findings-card");
  setHidden(findingsCard, !c.findings);
  if (c.findings) {
    const handlers = handlersOf.get(root);
    const findings = c.findings;
    renderIfChanged(part("check-findings"), JSON.stringify(findings), () =>
      findingItems(findings, { testid: "check-finding", onFix: (x) => handlers?.applyFix(x) }),
    );
    patch(part("check-findings-count"), countBySeverity(findings));
  }

  const verdict = part("verdict");
  const evaluationCard = part("evaluation");
  const evaluation = hasText && !c.error ? c.evaluation : null;
  setHidden(verdict, !hasText || Boolean(c.error));
  if (!verdict.hidden) {
    const look = verdictLook(evaluation, c.evalError, inspection || c.witness, c.witness ? "the comparison's token" : "the pasted token's job");
    setAttr(verdict, "class", `verdict sig tone-${look.tone}`);
    setAttr(verdict, "data-state", look.state);
    renderIfChanged(verdict, JSON.stringify(look), () => sigBody(look, { title: "verdict-title", reason: "verdict-reason" }));
  }
  setHidden(evaluationCard, !evaluation);
  if (evaluation) {
    renderIfChanged(part("statements"), JSON.stringify(evaluation), () => evaluationBody(evaluation));
  }

  const status = part("check-status");
  let text = "";
  if (c.error) text = `The policy cannot be checked: ${c.error.code}.`;
  else if (c.findings) {
    text = `${c.applied ? `Applied the fix for ${c.applied}. ` : ""}Findings: ${countBySeverity(c.findings)}.`;
    if (evaluation) {
      const who = c.witness ? "the comparison's token" : "the pasted token";
      text += evaluation.allowed
        ? ` ${who[0].toUpperCase()}${who.slice(1)} would be allowed.`
        : evaluation.undecided.length
          ? ` Whether ${who} would be allowed depends on conditions it does not carry.`
          : ` ${who[0].toUpperCase()}${who.slice(1)} would be denied.`;
    }
  }
  setText(status, text);
}

/**
 * The "Go to line …" button for an error that has a position (a policy that is not JSON).
 * @param {import("./dom.js").PageError} error
 */
function goToPosition(error) {
  const { line, column } = error;
  if (line === undefined || column === undefined) return null;
  return h("button", {
    type: "button",
    class: "btn btn-small error-action",
    dataset: { action: "go-to-position", line: String(line), column: String(column), testid: "go-to-position" },
    text: `Go to line ${line}, column ${column}`,
  });
}

function renderTokenCard(el, inspection, witness) {
  const sub = inspection && typeof inspection.claims.sub === "string" ? inspection.claims.sub : null;
  if (witness) {
    renderIfChanged(el, JSON.stringify(["witness", witness]), () => [
      "Evaluated against a token from the comparison",
      witness.claims.sub ? [": ", h("code", { class: "wrap", text: witness.claims.sub })] : null,
      witness.claims.iss && witness.claims.iss !== "https://gitlab.com" ? [" from ", h("code", { text: witness.claims.iss })] : null,
      ". ",
      h("button", {
        type: "button",
        class: "btn btn-inline btn-link",
        dataset: { action: "back-to-token", testid: "back-to-token" },
        text: inspection ? "Back to the token from step 1" : "Stop evaluating it",
      }),
    ]);
    return;
  }
  renderIfChanged(el, JSON.stringify([Boolean(inspection), sub]), () =>
    inspection
      ? [
          "Evaluated against the token from step 1",
          sub ? [": ", h("code", { class: "wrap", text: sub })] : null,
          ". Its claims are matched as STS matches them; its signature and expiry are checked in step 1.",
        ]
      : [
          "No token yet: the policy is linted on its own. Paste a job's ID token in ",
          h("button", { type: "button", class: "btn btn-inline btn-link", dataset: { action: "go", pane: "token" }, text: "step 1" }),
          " to see whether that job would be allowed, and why.",
        ],
  );
}

function verdictLook(evaluation, evalError, inspection, who) {
  if (!inspection) {
    return { state: "no-token", tone: "neutral", icon: "?", title: "Not evaluated", reason: "Paste a token in step 1 to see whether its job would be allowed." };
  }
  if (evalError) {
    return { state: "error", tone: "warning", icon: "!", title: "Not evaluated", code: evalError.code, reason: evalError.message };
  }
  if (!evaluation) return { state: "no-token", tone: "neutral", icon: "…", title: "Evaluating…", reason: "" };
  if (evaluation.allowed) {
    return { state: "allowed", tone: "ok", icon: "✓", title: "Allowed", reason: evaluation.reason, lead: `STS would let ${who} assume this role` };
  }
  if (evaluation.undecided.length) {
    // Conditions on what the STS request carries (aws:SourceIp, …) decide it: neither verdict would be true.
    return { state: "undecided", tone: "warning", icon: "?", title: "Undecided", reason: evaluation.reason, lead: "it depends on conditions the token does not carry" };
  }
  return { state: "denied", tone: "error", icon: "✕", title: "Denied", reason: evaluation.reason, lead: `STS would refuse ${who}` };
}

/** ✓ / ✗ with the words, so the result never rests on colour or a symbol alone. */
function mark(matched, yes = "match", no = "no match") {
  return h(
    "span",
    { class: `mark ${matched ? "is-ok" : "is-bad"}` },
    h("span", { class: "mark-icon", "aria-hidden": "true", text: matched ? "✓" : "✗" }),
    ` ${matched ? yes : no}`,
  );
}

function evaluationBody(evaluation) {
  return [
    evaluation.audience
      ? h("p", { class: "stmt-check" }, mark(evaluation.audience.matched), " ", h("strong", { text: "Audience" }), " — ", evaluation.audience.reason)
      : null,
    evaluation.statements.map((s) =>
      h(
        "section",
        { class: "stmt", dataset: { testid: "statement", matched: String(s.matched) }, "aria-labelledby": `stmt-${s.index}-title` },
        h(
          "h3",
          { class: "stmt-title", id: `stmt-${s.index}-title` },
          `Statement ${s.index} · ${s.effect} · `,
          s.undecided ? undecidedMark("may apply") : mark(s.matched, "applies", "does not apply"),
        ),
        h(
          "ul",
          { class: "stmt-checks" },
          h("li", null, mark(s.principal.matched), " ", h("strong", { text: "Principal" }), " — ", s.principal.reason),
          h("li", null, mark(s.action.matched), " ", h("strong", { text: "Action" }), " — ", s.action.reason),
        ),
        s.conditions.length
          ? h(
              "table",
              { class: "conds", role: "table", "aria-labelledby": `stmt-${s.index}-title`, dataset: { testid: "conditions" } },
              h(
                "thead",
                { role: "rowgroup" },
                h(
                  "tr",
                  { role: "row" },
                  ["Condition key", "Operator", "Expected", "Token's value", "Result"].map((t) =>
                    h("th", { scope: "col", role: "columnheader", text: t }),
                  ),
                ),
              ),
              h(
                "tbody",
                { role: "rowgroup" },
                s.conditions.map((c) =>
                  h(
                    "tr",
                    {
                      role: "row",
                      class: c.undecided ? "is-open" : c.matched ? "is-ok" : "is-bad",
                      dataset: { key: c.key, matched: String(c.matched), undecided: String(c.undecided) },
                    },
                    h("th", { scope: "row", role: "rowheader", class: "cond-key" }, h("code", { text: c.key })),
                    h("td", { role: "cell", class: "cond-op" }, h("span", { class: "cell-label", "aria-hidden": "true", text: "Operator " }), h("code", { text: c.operator })),
                    h("td", { role: "cell", class: "cond-expected" }, h("span", { class: "cell-label", "aria-hidden": "true", text: "Expected " }), values(c.expected)),
                    h(
                      "td",
                      { role: "cell", class: "cond-actual" },
                      h("span", { class: "cell-label", "aria-hidden": "true", text: "Token " }),
                      c.actual.length ? values(c.actual) : h("span", { class: "muted", text: "missing" }),
                    ),
                    h(
                      "td",
                      { role: "cell", class: "cond-result" },
                      c.undecided ? undecidedMark("not known") : mark(c.matched),
                      c.reason ? h("span", { class: "cond-reason", text: c.reason }) : null,
                    ),
                  ),
                ),
              ),
            )
          : h("p", { class: "card-note", text: "No conditions: every token from the provider matches." }),
      ),
    ),
  ];
}

/** "?" with the words: a condition or statement this tool cannot decide (see Evaluation.undecided). */
function undecidedMark(words) {
  return h(
    "span",
    { class: "mark is-open" },
    h("span", { class: "mark-icon", "aria-hidden": "true", text: "?" }),
    ` ${words}`,
  );
}

function values(list) {
  return h("span", { class: "values" }, list.map((v) => h("code", { class: "value-chip", text: v })));
}
