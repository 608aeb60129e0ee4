// Findings, as every pane shows them: severity in words (not colour alone),
// the stable code, the message, and always the core's `why`. Policy findings
// also show the JSON path they point at and, when the core has one, a button
// that applies its fix.
//
// Contract of the data: src/wasm/types.d.ts (Finding).

import { h } from "./dom.js";

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
  return h("li", { class: "no-findings" }, h("span", { class: "ok-icon", "aria-hidden": "true", text: "✓" }), ` ${none}`);
}

/**
 * One finding as a list item.
 * @param {import("./pkg/gitlab_aws_oidc.js").Finding} f
 * @param {{ onFix?: (f: import("./pkg/gitlab_aws_oidc.js").Finding) => void, testid?: string }} [options]
 *   onFix: when given and the finding has a fix, an "Apply fix" button calls it.
 */
function findingItem(f, { onFix, testid = "finding" } = {}) {
  const sev = SEVERITY[f.severity] ?? { label: f.severity, icon: "?" };
  return h(
    "li",
    { class: `finding sev-${f.severity}`, dataset: { testid, code: f.code, severity: f.severity } },
    h("span", { class: "sev-icon", "aria-hidden": "true", text: sev.icon }),
    h(
      "div",
      { class: "finding-body" },
      h(
        "p",
        { class: "finding-head" },
        h("span", { class: "sev-label", text: sev.label }),
        h("code", { class: "finding-code", text: f.code }),
        h("span", { class: "finding-name", text: f.name }),
        f.claim ? h("span", { class: "finding-claim" }, "claim ", h("code", { text: f.claim })) : null,
      ),
      h("p", { class: "finding-message", text: f.message }),
      f.why ? h("p", { class: "finding-why", text: f.why }) : null,
      f.path ? h("p", { class: "finding-path" }, "at ", h("code", { text: f.path })) : null,
      f.fix && onFix
        ? h(
            "p",
            { class: "finding-actions" },
            h("button", {
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
