// The check pane's "Compare with a previous version" card: the core's verdict on what the
// pasted policy newly admits against an older one, each class of tokens with a witness, and a
// button that puts a witness into the evaluator view below. Everything is computed by the core
// (compareTrustPolicies); this module only renders.
//
// Contract of the data: src/wasm/types.d.ts (Comparison, PolicyChange).

import { h, renderErrorBox, renderIfChanged, setAttr, setHidden, setText, sigBody } from "./dom.js";
import { findingItems } from "./findings.js";

/**
 * What the card renders from (a slice of the check pane's state).
 * @typedef {object} CompareState
 * @property {string} text the previous version's text
 * @property {import("./pkg/gitlab_aws_oidc.js").Comparison | null} comparison the core's answer
 * @property {import("./dom.js").PageError | null} error why the comparison could not run
 */

/** "1 class", "3 classes". */
const classes = (n) => `${n} ${n === 1 ? "class" : "classes"}`;

const LOOKS = {
  "no-new-access": { tone: "ok", icon: "✓", title: "No new access", lead: "every token the pasted policy allows, the previous version allowed too" },
  "new-access": { tone: "error", icon: "!", title: "New access", lead: "the pasted policy lets in tokens the previous version refused" },
  "cannot-decide": { tone: "warning", icon: "?", title: "Cannot decide", lead: "the comparison could not be made exact" },
};

/**
 * Renders the comparison: the input card's error and buttons, and the result card.
 * @param {HTMLElement} root the check pane
 * @param {CompareState} state
 * @param {boolean} hasPolicy whether the pane holds a policy that can be compared
 */
export function renderCompare(root, state, hasPolicy) {
  const part = (name) => /** @type {HTMLElement} */ (root.querySelector(`[data-part="${name}"]`));
  setAttr(root.querySelector('[data-action="compare-clear"]'), "disabled", state.text === "" ? "" : null);
  renderErrorBox(part("compare-error"), state.error, "Cannot compare");
  const result = hasPolicy ? state.comparison : null;
  const card = part("compare-card");
  setHidden(card, !result && !(state.text.trim() && !hasPolicy && !state.error));
  const verdict = part("compare-verdict");
  setHidden(verdict, !result);
  setHidden(part("compare-changes"), !result);
  if (!result) {
    setText(part("compare-status"), state.text.trim() && !hasPolicy ? "Paste the new version in the trust policy box above to compare." : "");
    return;
  }
  const look = LOOKS[result.verdict];
  setAttr(verdict, "class", `verdict sig tone-${look.tone}`);
  setAttr(verdict, "data-state", result.verdict);
  renderIfChanged(verdict, JSON.stringify([result.verdict, result.reason]), () =>
    sigBody({ ...look, reason: result.reason }, { title: "compare-title", reason: "compare-reason" }),
  );
  renderIfChanged(part("compare-changes"), JSON.stringify(result), () => [
    changeList("Newly admitted", "newly", result.newlyAdmitted, result.newlyAdmittedCount, "allowed now", "refused before"),
    changeList("No longer admitted", "gone", result.noLongerAdmitted, result.noLongerAdmittedCount, "allowed before", "refused now"),
    result.findings.length
      ? h(
          "section",
          { class: "compare-list", dataset: { testid: "compare-findings" } },
          h("h3", { class: "compare-list-title", text: `Findings the change brings (${result.findings.length})` }),
          h("ul", { class: "findings" }, findingItems(result.findings, { testid: "compare-finding" })),
        )
      : null,
  ]);
  setText(
    part("compare-status"),
    `${look.title}: ${classes(result.newlyAdmittedCount)} of tokens newly admitted, ${classes(result.noLongerAdmittedCount)} no longer admitted.`,
  );
}

/**
 * One direction's classes, each with its witness and the button that evaluates it.
 * @param {string} title
 * @param {string} kind "newly" or "gone"
 * @param {import("./pkg/gitlab_aws_oidc.js").PolicyChange[]} changes
 * @param {number} count every class, listed or not
 * @param {string} allowedWords
 * @param {string} deniedWords
 */
function changeList(title, kind, changes, count, allowedWords, deniedWords) {
  if (count === 0) return null;
  return h(
    "section",
    { class: "compare-list", dataset: { testid: `compare-${kind}` } },
    h("h3", { class: "compare-list-title", text: `${title} (${count})` }),
    h(
      "ol",
      { class: "compare-items" },
      changes.map((change, index) =>
        h(
          "li",
          { class: "compare-item", dataset: { testid: "compare-change" } },
          h("p", { class: "compare-words", text: change.description }),
          h(
            "p",
            { class: "compare-why" },
            h("strong", { text: allowedWords }),
            ": ",
            change.allowedBecause,
            h("br"),
            h("strong", { text: deniedWords }),
            ": ",
            change.deniedBecause,
          ),
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              dataset: { action: "evaluate-witness", kind, index: String(index), testid: "evaluate-witness" },
              text: "Evaluate this token below",
            },
          ),
        ),
      ),
    ),
    count > changes.length ? h("p", { class: "card-note", text: `…and ${classes(count - changes.length)} more.` }) : null,
  );
}
