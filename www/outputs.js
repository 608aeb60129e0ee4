// Generated files, as the policy and pipeline panes show them: a tab per file,
// each with Copy and Download. Nothing leaves the page: Copy writes to the
// clipboard, Download hands the browser a blob: URL of text already in
// memory (same origin, no request; the CSP needs no change for it).

import { h, jsonTree, renderIfChanged } from "./dom.js";
import { syncTabs, wireTabs } from "./tabs.js";

/**
 * @typedef {object} OutputFile
 * @property {string} key stable id (tab value)
 * @property {string} name what the tab and the file bar show, e.g. "policy.json"
 * @property {string} filename the file's name, shown in the file bar
 * @property {string} [download] the download's file name when it must differ (browsers drop a leading dot)
 * @property {string} text the exact text copied and downloaded
 * @property {string} [mime] default text/plain
 * @property {string} [note] one line under the file bar: what the file is for
 */

/** Says `text` to screen readers through the page's polite live region. */
export function announce(text) {
  const el = document.getElementById("announcer");
  if (!el) return;
  // Clear first so the same words twice are announced twice.
  el.textContent = "";
  setTimeout(() => {
    el.textContent = text;
  }, 30);
}

/**
 * Copies `text` to the clipboard: the async Clipboard API where the browser
 * allows it, else a hidden textarea and execCommand("copy").
 * @returns {Promise<boolean>} whether the text was copied
 */
export async function copyText(text) {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied or not focused: try the old way.
  }
  const area = h("textarea", { class: "copy-buffer", readonly: true, "aria-hidden": "true", tabindex: "-1" });
  area.value = text;
  const active = document.activeElement;
  document.body.append(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand("copy");
  } catch {
    done = false;
  }
  area.remove();
  if (active instanceof HTMLElement) active.focus({ preventScroll: true });
  return done;
}

/**
 * Saves `text` as a file named `filename` through a same-origin blob: URL and
 * an <a download>: no network request, nothing stored by the page.
 */
function downloadText(filename, text, mime = "text/plain") {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const link = h("a", { href: url, download: filename, class: "visually-hidden", tabindex: "-1" });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has read the blob once the click's download started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const wired = new WeakSet();
const selectHandlers = new WeakMap();

/**
 * Renders files as tabs with a Copy and a Download button.
 * @param {HTMLElement} root container (its content is owned by this function)
 * @param {{ id: string, label: string, files: OutputFile[], selected: string, onSelect: (key: string) => void }} options
 *   id: prefix for element ids and test ids; label: the tab list's accessible name
 */
export function renderFiles(root, { id, label, files, selected, onSelect }) {
  selectHandlers.set(root, onSelect);
  if (!wired.has(root)) {
    wired.add(root);
    // On the stable root: the tab list inside is rebuilt when the files change.
    wireTabs(root, (value) => selectHandlers.get(root)?.(value));
  }
  const current = files.find((f) => f.key === selected) ?? files[0];
  renderIfChanged(root, JSON.stringify([id, files, current?.key]), () => {
    if (!current) return null;
    const panelId = `${id}-panel`;
    return [
      h(
        "div",
        { class: "file-tabs", role: "tablist", "aria-label": label },
        files.map((f) =>
          h("button", {
            type: "button",
            role: "tab",
            id: `${id}-tab-${f.key}`,
            class: "file-tab",
            "aria-controls": panelId,
            dataset: { value: f.key, focusKey: `tab-${f.key}`, testid: `${id}-tab` },
            text: f.name,
          }),
        ),
      ),
      h(
        "div",
        {
          class: "file-panel",
          role: "tabpanel",
          id: panelId,
          "aria-labelledby": `${id}-tab-${current.key}`,
          dataset: { sharedPanel: "", testid: `${id}-panel`, file: current.key },
        },
        h(
          "div",
          { class: "file-bar" },
          h("span", { class: "file-name" }, h("code", { text: current.filename })),
          h(
            "span",
            { class: "file-actions" },
            copyButton(current, id),
            h("button", {
              type: "button",
              class: "btn btn-small",
              dataset: { testid: `${id}-download`, focusKey: "download" },
              "aria-label": `Download ${current.download ?? current.filename}`,
              text: "Download",
              on: {
                click: () => {
                  downloadText(current.download ?? current.filename, current.text, current.mime);
                  announce(`Downloading ${current.download ?? current.filename}`);
                },
              },
            }),
          ),
        ),
        current.note ? h("p", { class: "file-note", text: current.note }) : null,
        // Lines are kept (YAML and shell depend on indentation): long ones scroll
        // sideways inside the box, which keyboard users can focus to scroll.
        h(
          "pre",
          { class: "code", tabindex: "0", role: "region", "aria-label": `${current.filename}, text`, dataset: { testid: `${id}-code` } },
          codeOf(current),
        ),
      ),
    ];
  });
  const list = root.querySelector('[role="tablist"]');
  if (list && current) syncTabs(/** @type {HTMLElement} */ (list), current.key);
}

function copyButton(file, id) {
  const button = h("button", {
    type: "button",
    class: "btn btn-small btn-copy",
    dataset: { testid: `${id}-copy`, focusKey: "copy" },
    "aria-label": `Copy ${file.filename}`,
  });
  const label = h("span", { text: "Copy" });
  button.append(label);
  let timer = 0;
  button.addEventListener("click", async () => {
    const ok = await copyText(file.text);
    clearTimeout(timer);
    button.classList.toggle("is-done", ok);
    button.classList.toggle("is-failed", !ok);
    label.textContent = ok ? "Copied ✓" : "Copy failed: select the text";
    button.dataset.copied = ok ? "yes" : "no";
    announce(ok ? `Copied ${file.filename} to the clipboard` : `Could not copy ${file.filename}; select the text and copy it`);
    timer = setTimeout(() => {
      label.textContent = "Copy";
      button.classList.remove("is-done", "is-failed");
      delete button.dataset.copied;
    }, 2500);
  });
  return button;
}

/** The file's text; JSON in the page's JSON colours when it is exactly the indented form. */
function codeOf(file) {
  if (file.filename.endsWith(".json")) {
    try {
      const value = JSON.parse(file.text);
      const pretty = JSON.stringify(value, null, 2);
      if (file.text === pretty || file.text === `${pretty}\n`) return h("code", null, jsonTree(value));
    } catch {
      // not JSON after all: plain text
    }
  }
  return h("code", { text: file.text });
}
