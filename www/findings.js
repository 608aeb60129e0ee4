// Findings, as every pane shows them: severity in words (not colour alone),
// the stable code, which opens the rule's page (rule-docs.js, loaded on the
// first click), the message, and always the core's `why`. Policy findings
// also show the JSON path they point at and, when the core has one, a button
// that applies its fix. Items are described with v() (dom.js): patch() builds
// only what changed, and replace() or renderIfChanged() build them whole.
//
// Contract of the data: src/wasm/types.d.ts (Finding).

import { v } from "./dom.js";

export const SEVERITY = {
  error: { label: "Error", icon: "✕" },
  warning: { label: "Warning", icon: "!" },
  info: { label: "Info", icon: "i" },
};

/**
 * The items of a findings list: one per finding, or a single line saying there are none.
 * @param {import("./pkg/gitlab_aws_oidc.js").Finding[]} findings
 * @param {Parameters<typeof findingItem>[1]} [options] as for findingItem
 * @param {string} [none] the line shown when there are no findings
 */
export function findingItems(findings, options, none = "No findings.") {
  if (findings.length) return findings.map((f) => findingItem(f, options));
  return v("li", { class: "no-findings" }, v("span", { class: "ok-icon", "aria-hidden": "true", text: "✓" }), ` ${none}`);
}

/**
 * One finding as a list item.
 * @param {import("./pkg/gitlab_aws_oidc.js").Finding} f
 * @param {{ onFix?: (f: import("./pkg/gitlab_aws_oidc.js").Finding) => void, testid?: string }} [options]
 *   onFix: when given and the finding has a fix, an "Apply fix" button calls it.
 */
function findingItem(f, { onFix, testid = "finding" } = {}) {
  const sev = SEVERITY[f.severity] ?? { label: f.severity, icon: "?" };
  return v(
    "li",
    { class: `finding sev-${f.severity}`, dataset: { testid, code: f.code, severity: f.severity } },
    v("span", { class: "sev-icon", "aria-hidden": "true", text: sev.icon }),
    v(
      "div",
      { class: "finding-body" },
      v(
        "p",
        { class: "finding-head" },
        v("span", { class: "sev-label", text: sev.label }),
        v("button", {
          type: "button",
          class: "rule-link finding-code",
          dataset: { testid: "rule-link", rule: f.code, ruleName: f.name },
          "aria-haspopup": "dialog",
          "aria-label": `${f.code}: the rule's page`,
          text: f.code,
          on: { click: onRuleLink },
        }),
        v("span", { class: "finding-name", text: f.name }),
        f.claim ? v("span", { class: "finding-claim" }, "claim ", v("code", { text: f.claim })) : null,
      ),
      v("p", { class: "finding-message", text: f.message }),
      f.why ? v("p", { class: "finding-why", text: f.why }) : null,
      f.path ? v("p", { class: "finding-path" }, "at ", v("code", { text: f.path })) : null,
      f.fix && onFix
        ? v(
            "p",
            { class: "finding-actions" },
            v("button", {
              type: "button",
              class: "btn btn-small",
              dataset: { action: "apply-fix", testid: "apply-fix", focusKey: `fix-${f.code}-${f.path ?? ""}` },
              "aria-label": `Apply the fix for ${f.code} (${f.name})`,
              text: "Apply fix",
              on: { click: () => onFix(f) },
            }),
          )
        : null,
    ),
  );
}

/**
 * The click listener of every rule link. The code and name are read from the link, since patch() reuses an
 * element for another finding without replacing its listeners. rule-docs.js is imported on the first click:
 * scripts/bundle-page.mjs keeps it a file of its own, so a first load does not carry it.
 * @param {Event} event
 */
function onRuleLink(event) {
  const link = /** @type {HTMLElement} */ (event.currentTarget);
  import("./rule-docs.js").then(
    ({ openRule }) => openRule(link.dataset.rule ?? "", link.dataset.ruleName ?? "", link),
    (error) => console.warn("gitlab-aws-oidc: could not load the rule pages", error),
  );
}

/** "2 errors · 1 warning · 0 info", or "none". */
export function countBySeverity(findings) {
  if (findings.length === 0) return "none";
  const n = (s) => findings.filter((f) => f.severity === s).length;
  return [plural(n("error"), "error"), plural(n("warning"), "warning"), `${n("info")} info`].join(" · ");
}

/**
 * "1,234": a count with English thousands separators, as
 * n.toLocaleString("en") writes it, without loading the locale data (the
 * first toLocaleString call costs ~20 ms on a cold page load).
 * @param {number} n a non-negative integer
 */
export function groupDigits(n) {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
