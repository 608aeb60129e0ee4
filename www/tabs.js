// Tabs (WAI-ARIA "tabs with automatic activation"): one tab stop per tab
// list; Left/Right (and Up/Down) move between tabs, Home/End to the ends,
// and moving selects. Tabs are <button role="tab" data-value="…">.

import { setAttr, setHidden } from "./dom.js";

/**
 * Wires a tab list once: clicks and arrow keys call `onSelect(value)`; the
 * caller updates its state and re-renders, and `syncTabs` marks the selection.
 * Works for lists whose tabs are rebuilt later (it listens on the list).
 * @param {HTMLElement} list the [role=tablist] element
 * @param {(value: string) => void} onSelect
 */
export function wireTabs(list, onSelect) {
  list.addEventListener("click", (event) => {
    const tab = /** @type {HTMLElement} */ (event.target).closest('[role="tab"]');
    if (tab && list.contains(tab)) onSelect(/** @type {HTMLElement} */ (tab).dataset.value ?? "");
  });
  list.addEventListener("keydown", (event) => {
    const tabs = /** @type {HTMLElement[]} */ ([...list.querySelectorAll('[role="tab"]')]).filter((t) => !t.hidden);
    const current = tabs.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (current < 0) return;
    const last = tabs.length - 1;
    const next = {
      ArrowRight: current === last ? 0 : current + 1,
      ArrowDown: current === last ? 0 : current + 1,
      ArrowLeft: current === 0 ? last : current - 1,
      ArrowUp: current === 0 ? last : current - 1,
      Home: 0,
      End: last,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    onSelect(tabs[next].dataset.value ?? "");
    // The caller re-rendered synchronously; focus the (possibly rebuilt) tab.
    const target = list.querySelector(`[role="tab"][data-value="${CSS.escape(tabs[next].dataset.value ?? "")}"]`);
    /** @type {HTMLElement | null} */ (target)?.focus();
  });
}

/**
 * Marks the tab whose data-value is `value` selected: aria-selected, the only
 * tab stop, and its panel (aria-controls) shown, the others hidden.
 * @param {HTMLElement} list
 * @param {string} value
 */
export function syncTabs(list, value) {
  for (const tab of /** @type {NodeListOf<HTMLElement>} */ (list.querySelectorAll('[role="tab"]'))) {
    const selected = tab.dataset.value === value;
    // Change-only writes: this runs on every render (see setHidden).
    setAttr(tab, "aria-selected", String(selected));
    setAttr(tab, "tabindex", selected ? "0" : "-1");
    const panel = tab.getAttribute("aria-controls");
    const el = panel ? document.getElementById(panel) : null;
    if (el && el.getAttribute("role") === "tabpanel" && el.dataset.sharedPanel === undefined) setHidden(el, !selected);
  }
}
