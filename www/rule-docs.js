// A finding's rule page, in the page: what the rule does, why it matters, an example, what to use instead and
// the fix, shown in a dialog when the finding's code is clicked (findings.js imports this module then). The texts are generated from the rules' data in
// src/ (tests/docs.rs, the same data as docs/rules/<CODE>.md) into rules/<CODE>.json, one small file per rule,
// fetched only when its link is used: nothing of them is on a first load. The single file carries them all
// inline (scripts/single-file.mjs), as it must: opened from file:// it fetches nothing.
//
// Texts reach the page only as text (textContent); `code` spans become <code> elements.

import { h } from "./dom.js";

/** The data block the single file carries every rule in; keep in sync with scripts/single-file.mjs. */
const INLINE_ID = "gitlab-aws-oidc-rules";

/** @typedef {[label: string, text?: string, lang?: string]} Block */
/**
 * @typedef {{ code: string, name: string, severity: string, area: string, why: string, whatItDoes: string,
 *   whyIsThisBad: string, example: Block[], useInstead: Block[], fix: string }} RuleDocs
 */

/** @type {Map<string, Promise<RuleDocs>>} */
const loaded = new Map();
/** @type {Record<string, RuleDocs> | undefined} */
let inline;

/**
 * A rule's texts: from the single file's data block, else fetched once from rules/<CODE>.json.
 * @param {string} code
 * @returns {Promise<RuleDocs>}
 */
function ruleDocs(code) {
  let docs = loaded.get(code);
  if (!docs) {
    docs = (async () => {
      if (!/^[A-Z]{2,3}[0-9]{3}$/.test(code)) throw new Error(`${code} is not a finding code`);
      const block = document.getElementById(INLINE_ID);
      if (block) {
        inline ??= JSON.parse(block.textContent ?? "{}");
        const found = inline?.[code];
        if (!found) throw new Error(`the page has no text for ${code}`);
        return found;
      }
      const response = await fetch(new URL(`rules/${code}.json`, document.baseURI));
      if (!response.ok) throw new Error(`rules/${code}.json: HTTP ${response.status}`);
      return /** @type {Promise<RuleDocs>} */ (response.json());
    })();
    // A failed load is tried again on the next click.
    docs.catch(() => loaded.delete(code));
    loaded.set(code, docs);
  }
  return docs;
}

/** Text with its `code` spans as <code> elements. */
function prose(text) {
  return String(text)
    .split("`")
    .map((piece, i) => (i % 2 ? h("code", { text: piece }) : piece));
}

/** JSON as the Markdown pages show it (the files carry it compact). */
function indented(text, lang) {
  if (lang !== "json") return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** @param {Block[]} blocks */
function blocks(blocks) {
  return blocks.map(([label, text, lang]) => [
    h("p", { class: "rule-block-label" }, prose(label)),
    text ? h("pre", { class: "rule-block", tabindex: "0", "aria-label": lang ? `${lang} example` : "example" }, indented(text, lang)) : null,
  ]);
}

/** @param {RuleDocs} docs */
function page(docs) {
  const section = (title, ...content) => h("section", null, h("h3", { text: title }), ...content);
  return [
    h("p", { class: "rule-why" }, docs.why),
    section("What it does", h("p", null, prose(docs.whatItDoes))),
    section("Why is this bad?", h("p", null, prose(docs.whyIsThisBad))),
    section("Example", blocks(docs.example)),
    section("Use instead", blocks(docs.useInstead)),
    section("Fix", h("p", null, prose(docs.fix))),
    h("p", { class: "rule-source" }, "The same page is ", h("code", { text: `docs/rules/${docs.code}.md` }), " in the repository."),
  ];
}

/** @type {HTMLDialogElement | undefined} */
let dialog;
/** The link that opened the dialog, focused again when it closes. */
let opener = /** @type {HTMLElement | null} */ (null);

function theDialog() {
  if (dialog) return dialog;
  const close = h("button", { type: "button", class: "btn btn-small rule-close", dataset: { testid: "rule-close" }, text: "Close" });
  dialog = /** @type {HTMLDialogElement} */ (
    h(
      "dialog",
      { class: "rule-dialog", "aria-labelledby": "rule-title", dataset: { testid: "rule-dialog" } },
      h("div", { class: "rule-top" }, h("h2", { id: "rule-title" }), close),
      h("p", { class: "rule-meta" }),
      h("div", { class: "rule-body", "aria-live": "polite" }),
    )
  );
  close.addEventListener("click", () => dialog?.close());
  // A click on the backdrop (the dialog element itself, outside its box) closes it too.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", () => {
    if (opener?.isConnected) opener.focus();
    opener = null;
  });
  document.body.append(dialog);
  return dialog;
}

/**
 * Opens the rule page of `code` (a finding's code) in the dialog; the texts arrive when loaded.
 * @param {string} code
 * @param {string} name the rule's name, shown while the texts load
 * @param {HTMLElement | null} [from] the element to focus again when the dialog closes
 */
export function openRule(code, name, from = null) {
  const d = theDialog();
  const [title, meta, body] = /** @type {HTMLElement[]} */ ([...d.querySelectorAll("#rule-title, .rule-meta, .rule-body")]);
  title.replaceChildren(h("span", { class: "rule-code", text: code }), " ", h("span", { class: "rule-name", text: name }));
  meta.replaceChildren();
  body.replaceChildren(h("p", { class: "rule-loading", text: "Loading the rule's page…" }));
  d.dataset.rule = code;
  delete d.dataset.loaded;
  opener = from;
  if (!d.open) d.showModal();
  ruleDocs(code).then(
    (docs) => {
      if (d.dataset.rule !== code) return; // another link was used meanwhile
      meta.replaceChildren(`${docs.severity[0].toUpperCase()}${docs.severity.slice(1)} · ${docs.area}`);
      body.replaceChildren(...page(docs));
      d.dataset.loaded = code;
    },
    (error) => {
      if (d.dataset.rule !== code) return;
      body.replaceChildren(h("p", { class: "rule-loading", text: `The rule's page could not be loaded: ${error.message}` }));
    },
  );
}
