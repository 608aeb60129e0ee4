// Tiny DOM helpers. Everything a token contains is attacker-controlled, so text
// only ever reaches the page through textContent / text nodes: no innerHTML,
// no insertAdjacentHTML, no style attributes (the CSP forbids inline styles).

/**
 * Builds an element. `attrs` keys: `class`, `text`, `hidden`, `dataset`
 * (object), `on` (object of event listeners), anything else is set as an
 * attribute (values are strings; `true` sets an empty attribute, false/null
 * skips it). Children may be nodes, strings (become text nodes), arrays, or
 * null/undefined/false (skipped).
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  // for…in, not Object.entries: h() runs for every element of every render.
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = String(value);
    else if (key === "text") el.textContent = String(value);
    else if (key === "hidden") el.hidden = Boolean(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "on") for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else if (key === "style") throw new Error("h(): inline styles are blocked by the page's CSP; use a class");
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/**
 * What v() returns: an element as h() would build it, described rather than built. patch() compares it
 * with the element already on the page and builds only what differs; append() and everything built on
 * it (h(), replace(), renderIfChanged()) build it. (issue 21: the throwaway trees of the patch path.)
 */
class VNode {
  /**
   * @param {string} tag
   * @param {Record<string, unknown> | null} attrs as h() takes them
   * @param {unknown[]} children as h() takes them
   */
  constructor(tag, attrs, children) {
    this.tag = tag;
    this.attrs = attrs;
    this.children = children;
  }
}

/**
 * Describes an element with the arguments h() takes, without building it (see VNode). Use it for
 * content that patch() or patchIfChanged() renders: an edit that changes a few values then builds
 * nothing but the text it rewrites.
 * @param {string} tag lowercase
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...unknown} children
 * @returns {VNode}
 */
export function v(tag, attrs, ...children) {
  return new VNode(tag, attrs ?? null, children);
}

/** Appends children as h() accepts them (nested arrays walked in place, not flattened into new ones). */
export function append(parent, children) {
  if (children === undefined || children === null || children === false) return parent;
  if (Array.isArray(children)) {
    for (const child of children) append(parent, child);
  } else {
    parent.append(nodeOf(children));
  }
  return parent;
}

/** A node for one child as h() accepts it: a node as it is, a VNode built, anything else as text. */
function nodeOf(child) {
  if (child instanceof Node) return child;
  if (child instanceof VNode) return h(child.tag, child.attrs, child.children);
  return document.createTextNode(String(child));
}

/**
 * Text with line-break opportunities (<wbr>) after each of `after`'s
 * characters, so identifiers like gitlab.com:runner_environment wrap at a
 * sensible place in narrow columns instead of mid-word. textContent is unchanged.
 * @param {string} text
 * @param {string} [after] characters to allow a break after
 * @returns {(string | VNode)[]} children for h(), v() or patch()
 */
export function breakable(text, after = ":/_") {
  const out = [];
  let piece = "";
  for (const ch of String(text)) {
    piece += ch;
    if (after.includes(ch)) {
      out.push(piece, v("wbr"));
      piece = "";
    }
  }
  if (piece) out.push(piece);
  return out;
}

/**
 * The inside of a verdict badge (`.sig`, as steps 3 and 5 show a decision): its icon, the title with an
 * optional lead and code, the reason, and any further lines.
 * @param {{ icon: string, title: string, lead?: string, code?: string, reason?: string }} look
 * @param {{ title: string, reason: string }} testids of the title and the reason
 * @param {...unknown} more further children of the body
 */
export function sigBody(look, testids, ...more) {
  return [
    h("span", { class: "sig-icon", "aria-hidden": "true", text: look.icon }),
    h(
      "div",
      { class: "sig-body" },
      h(
        "p",
        { class: "sig-head" },
        h("strong", { class: "sig-title", dataset: { testid: testids.title }, text: look.title }),
        look.lead ? [" — ", look.lead] : null,
        look.code ? [" ", h("code", { class: "sig-code", text: look.code })] : null,
      ),
      look.reason ? h("p", { class: "sig-reason", dataset: { testid: testids.reason }, text: look.reason }) : null,
      ...more,
    ),
  ];
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const lastKeys = new WeakMap();

/**
 * Re-renders `el` only when `key` differs from the key of its last render, so
 * periodic refreshes leave untouched sections (and any text selection in
 * them) alone.
 * @param {HTMLElement} el
 * @param {string} key
 * @param {() => unknown} build returns the new children
 */
export function renderIfChanged(el, key, build) {
  if (lastKeys.get(el) === key) return false;
  lastKeys.set(el, key);
  keepingFocus(el, () => replace(el, build()));
  return true;
}

/**
 * Runs `rebuild` (which replaces children of `el`) and, when focus was on an
 * element inside `el` carrying `data-focus-key`, moves it to the new element
 * with the same key: a keyboard user's place survives a re-render.
 * @param {HTMLElement} el
 * @param {() => void} rebuild
 */
function keepingFocus(el, rebuild) {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && el.contains(active) ? active.dataset.focusKey : undefined;
  rebuild();
  if (key === undefined || el.contains(document.activeElement)) return;
  const next = el.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (next instanceof HTMLElement) next.focus({ preventScroll: true });
}

/**
 * Shows or hides `el`, writing the attribute only when that changes: the
 * browser recomputes style (and layout) even for a rewrite of the same value,
 * and every render sets every pane's `hidden` flags.
 * @param {HTMLElement} el
 * @param {boolean} hidden
 */
export function setHidden(el, hidden) {
  if (el.hidden !== hidden) el.hidden = hidden;
}

/**
 * Sets an attribute only when its value changes (see setHidden); null removes it.
 * @param {Element} el
 * @param {string} name
 * @param {string | null} value
 */
export function setAttr(el, name, value) {
  if (el.getAttribute(name) === value) return;
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}

/** Sets an element's text only when it changes (see setHidden). */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * An error as the page keeps it: the core's code and message, and where it
 * points when the core says (see GitlabAwsOidcError).
 * @typedef {{ code: string, message: string, field?: string, line?: number, column?: number }} PageError
 */

/**
 * The form key (data-field / data-error-for) of the field an error names:
 * the core's `field` path with a list entry shortened to its row
 * (`subjects[1]` → `subjects.1`, `roles[1].roleArn` → `roles.1`), and spec
 * names the form calls otherwise renamed. Null when the error names no field.
 * @param {PageError | null} error
 * @param {Record<string, string>} [renamed] spec name → form key
 * @returns {string | null}
 */
export function formKeyOf(error, renamed = {}) {
  if (!error?.field) return null;
  const key = error.field.replace(/\[(\d+)\].*$/, ".$1");
  return renamed[key] ?? key;
}

/**
 * Shows a pane's error next to its field (the `[data-error-for]` slot whose key
 * is `errorField`) and marks that field's controls, and those under it, invalid.
 * @param {HTMLElement} root the pane
 * @param {{ code: string, message: string } | null} error
 * @param {string | null} errorField where the error belongs, or null for none of the fields
 */
export function renderFieldErrors(root, error, errorField) {
  for (const slot of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-error-for]"))) {
    const mine = Boolean(error) && slot.dataset.errorFor === errorField;
    setText(slot, mine ? `${error?.code} — ${error?.message}` : "");
    setHidden(slot, !mine);
  }
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-field]"))) {
    const field = el.dataset.field ?? "";
    const invalid = errorField !== null && (field === errorField || field.startsWith(`${errorField}.`));
    setAttr(el, "aria-invalid", invalid ? "true" : null);
  }
}

/** Sets a form control's value (or checked state) only when it differs, so typing is never disturbed. */
export function syncControl(el, value) {
  if (!el) return;
  if (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio")) {
    const checked = el.type === "radio" ? el.value === value : Boolean(value);
    if (el.checked !== checked) el.checked = checked;
  } else if (el.value !== value) {
    el.value = value;
  }
}

/**
 * Like renderIfChanged, but brings the existing children up to date instead of
 * replacing them (see patch()): a new token that changes a few values then
 * costs a few text updates, not a rebuilt subtree and its style and layout.
 * Only for content without event listeners: a kept node keeps its old ones.
 * @param {HTMLElement} el
 * @param {string} key
 * @param {() => unknown} build returns the new children
 */
export function patchIfChanged(el, key, build) {
  if (lastKeys.get(el) === key) return false;
  lastKeys.set(el, key);
  patch(el, build());
  return true;
}

/**
 * Makes the children of `el` equal to `children` (as h() accepts them) while
 * keeping every existing node of the same kind at the same place: only text
 * that differs is rewritten and only attributes that differ are set. Nodes
 * stay, so focus and text selection in them stay too. Same listener caveat
 * as patchIfChanged. Children described with v() are compared with the page
 * and built only where they differ; nodes (from h()) are compared the same way.
 * @param {Element} el
 * @param {...unknown} children
 */
export function patch(el, ...children) {
  removeFrom(el, patchFrom(el, children, el.firstChild));
  return el;
}

/**
 * Makes `parent`'s children, from `old` on, those `children` describe (as h() accepts them), pairing
 * them by position: a pair of the same kind is patched, any other new child replaces the old one.
 * Returns the first old child left over (null when none).
 * @param {Node} parent
 * @param {unknown} children
 * @param {ChildNode | null} old
 * @returns {ChildNode | null}
 */
function patchFrom(parent, children, old) {
  if (children === undefined || children === null || children === false) return old;
  if (Array.isArray(children)) {
    for (const child of children) old = patchFrom(parent, child, old);
    return old;
  }
  if (children instanceof DocumentFragment) {
    // Its nodes in order, as append() would move them.
    for (let node = children.firstChild, next; node; node = next) {
      next = node.nextSibling;
      old = patchFrom(parent, node, old);
    }
    return old;
  }
  if (!old) {
    parent.appendChild(nodeOf(children));
    return null;
  }
  const following = old.nextSibling;
  if (!patchOne(old, children)) parent.replaceChild(nodeOf(children), old);
  return following;
}

/** Removes `old` and every sibling after it. */
function removeFrom(parent, old) {
  while (old) {
    const stale = old;
    old = old.nextSibling;
    parent.removeChild(stale);
  }
}

/** Updates `old` in place to what `child` describes; false when it cannot (another kind of node). */
function patchOne(old, child) {
  if (child instanceof VNode) return old.nodeType === Node.ELEMENT_NODE && patchVElement(/** @type {Element} */ (old), child);
  if (child instanceof Node) return patchNode(old, child);
  if (old.nodeType !== Node.TEXT_NODE) return false;
  const text = String(child);
  if (/** @type {Text} */ (old).data !== text) /** @type {Text} */ (old).data = text;
  return true;
}

/** The attribute dataset key `key` stands for, as the DOM maps it (focusKey → data-focus-key). */
const dataAttribute = (key) => `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Brings element `old` up to date with `node`, a VNode of the same tag: the attributes h() would set,
 * then the children. Returns false (and changes nothing) when the tags differ.
 * @param {Element} old
 * @param {VNode} node
 */
function patchVElement(old, node) {
  if (old.localName !== node.tag) return false;
  const { attrs } = node;
  let wanted = 0;
  /** @type {string | undefined} */
  let text;
  const set = (name, value) => {
    wanted++;
    if (old.getAttribute(name) !== value) old.setAttribute(name, value);
  };
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") text = String(value);
    else if (key === "on") continue; // listeners are added when built, never patched (see patchIfChanged)
    else if (key === "style") throw new Error("v(): inline styles are blocked by the page's CSP; use a class");
    else if (key === "dataset") for (const name in value) set(dataAttribute(name), String(value[name]));
    else set(key, key === "hidden" || value === true ? "" : String(value));
  }
  // old now has every wanted attribute: any extra one is stale.
  if (old.attributes.length !== wanted) {
    const keep = new Set();
    for (const key in attrs) {
      const value = attrs[key];
      if (value === undefined || value === null || value === false || key === "text" || key === "on") continue;
      if (key === "dataset") for (const name in value) keep.add(dataAttribute(name));
      else keep.add(key);
    }
    for (const name of old.getAttributeNames()) if (!keep.has(name)) old.removeAttribute(name);
  }
  // h() sets text with textContent: no child at all for "".
  removeFrom(old, patchFrom(old, text === undefined ? node.children : text || null, old.firstChild));
  return true;
}

/**
 * Brings element `old` up to date with the detached element `next` of the
 * same tag: attributes, then children. Returns false (and changes nothing)
 * when the tags differ.
 * @param {Element} old
 * @param {Element} next
 */
function patchElement(old, next) {
  if (old.nodeName !== next.nodeName) return false;
  const wanted = next.attributes;
  for (let i = 0; i < wanted.length; i++) {
    const { name, value } = wanted[i];
    if (old.getAttribute(name) !== value) old.setAttribute(name, value);
  }
  // old now has every wanted attribute: any extra one is stale.
  if (old.attributes.length !== wanted.length) {
    for (const name of old.getAttributeNames()) if (!next.hasAttribute(name)) old.removeAttribute(name);
  }
  patchChildren(old, next);
  return true;
}

/**
 * Makes the children of `parent` those of the detached `next`, pairing them
 * by position: a pair of the same kind is patched, any other new child moves
 * over from `next`.
 * @param {Node} parent
 * @param {Node} next
 */
function patchChildren(parent, next) {
  let old = parent.firstChild;
  let node = next.firstChild;
  while (node) {
    const following = node.nextSibling; // before node may move to parent
    if (!old) {
      parent.appendChild(node);
    } else {
      const oldFollowing = old.nextSibling;
      if (!patchNode(old, node)) parent.replaceChild(node, old);
      old = oldFollowing;
    }
    node = following;
  }
  while (old) {
    const stale = old;
    old = old.nextSibling;
    stale.remove();
  }
}

/** Updates `old` in place from `next`; false when it cannot (another kind of node). */
function patchNode(old, next) {
  if (old.nodeType === Node.TEXT_NODE && next.nodeType === Node.TEXT_NODE) {
    const text = /** @type {Text} */ (next).data;
    if (/** @type {Text} */ (old).data !== text) /** @type {Text} */ (old).data = text;
    return true;
  }
  if (old.nodeType === Node.ELEMENT_NODE && next.nodeType === Node.ELEMENT_NODE) {
    return patchElement(/** @type {Element} */ (old), /** @type {Element} */ (next));
  }
  return false;
}

const lastInputs = new WeakMap();

/**
 * Runs `render` only when `key` (the render's inputs, as a string) differs
 * from the key of the last render of `el`: a pane whose inputs did not change
 * is not walked again. The key must cover everything `render` reads.
 * @param {HTMLElement} el
 * @param {string} key
 * @param {() => void} render
 */
export function renderPaneIfChanged(el, key, render) {
  if (lastInputs.get(el) === key) return;
  lastInputs.set(el, key);
  render();
}

/** Forgets what was rendered into `el` (the next renderIfChanged rebuilds it). */
export function forget(el) {
  lastKeys.delete(el);
}

/**
 * Renders a JSON value as indented, syntax-coloured text nodes inside spans
 * (the same text JSON.stringify(value, null, 2) produces).
 * @param {unknown} value
 * @returns {DocumentFragment}
 */
export function jsonTree(value) {
  return append(document.createDocumentFragment(), jsonPieces(value).map(jsonNode));
}

/** One child node per piece, so renderJsonTree can find a piece's node by its index. */
const jsonNode = ({ text, cls }) => (cls ? h("span", { class: cls }, text) : document.createTextNode(text));

/** The JSON text and pieces each element was last rendered from (see renderJsonTree). */
const lastJson = new WeakMap();
const lastPieces = new WeakMap();

/**
 * Shows `value` as jsonTree() does, in `el`, changing as little as possible:
 * when the value has the same shape as the last one rendered there (same
 * pieces, same colours: typically the same claims with other values), only
 * the text of pieces that differ is rewritten; otherwise the tree is rebuilt.
 * @param {HTMLElement} el
 * @param {unknown} value
 */
export function renderJsonTree(el, value) {
  const text = JSON.stringify(value);
  if (lastJson.get(el) === text) return; // the header, on most edits
  lastJson.set(el, text);
  const pieces = jsonPieces(value);
  const last = lastPieces.get(el);
  lastPieces.set(el, pieces);
  const sameShape =
    last?.length === pieces.length && el.childNodes.length === pieces.length && pieces.every((p, i) => p.cls === last[i].cls);
  if (!sameShape) {
    replace(el, pieces.map(jsonNode));
    return;
  }
  const nodes = el.childNodes;
  pieces.forEach((piece, i) => {
    if (piece.text !== last[i].text) nodes[i].textContent = piece.text;
  });
}

/**
 * The pieces of JSON.stringify(value, null, 2): { text, cls } in order, cls
 * naming the colour (j-key, j-str, …) or "" for whitespace.
 * @param {unknown} value
 * @returns {{ text: string, cls: string }[]}
 */
function jsonPieces(value) {
  /** @type {{ text: string, cls: string }[]} */
  const out = [];
  const put = (text, cls = "") => out.push({ text, cls });
  const walk = (v, indent) => {
    const pad = "  ".repeat(indent + 1);
    if (Array.isArray(v)) {
      if (v.length === 0) return put("[]", "j-punct");
      put("[", "j-punct");
      v.forEach((item, i) => {
        put(`\n${pad}`);
        walk(item, indent + 1);
        if (i < v.length - 1) put(",", "j-punct");
      });
      put(`\n${"  ".repeat(indent)}`);
      return put("]", "j-punct");
    }
    if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      if (entries.length === 0) return put("{}", "j-punct");
      put("{", "j-punct");
      entries.forEach(([k, item], i) => {
        put(`\n${pad}`);
        put(JSON.stringify(k), "j-key");
        put(": ", "j-punct");
        walk(item, indent + 1);
        if (i < entries.length - 1) put(",", "j-punct");
      });
      put(`\n${"  ".repeat(indent)}`);
      return put("}", "j-punct");
    }
    if (typeof v === "string") return put(JSON.stringify(v), "j-str");
    if (typeof v === "number") return put(JSON.stringify(v), "j-num");
    if (typeof v === "boolean") return put(String(v), "j-bool");
    return put("null", "j-null");
  };
  walk(value, 0);
  return out;
}

/**
 * An error area: a title, then the stable code and the core's message; empty
 * and hidden when there is no error.
 * @param {HTMLElement} el
 * @param {{ code: string, message: string } | null | undefined} error
 * @param {string} title
 * @param {(error: { code: string, message: string }) => Node | null} [action] builds a button under the message
 */
export function renderErrorBox(el, error, title, action) {
  el.classList.toggle("is-shown", Boolean(error));
  if (!error) {
    forget(el);
    replace(el);
    return;
  }
  renderIfChanged(el, JSON.stringify([title, error.code, error.message]), () => [
    h("span", { class: "error-icon", "aria-hidden": "true", text: "✕" }),
    h(
      "div",
      { class: "error-body" },
      h("p", { class: "error-title", text: title }),
      h("p", { class: "error-line" }, h("code", { class: "error-code", text: error.code }), " — ", error.message),
      action?.(error) ?? null,
    ),
  ]);
}

/**
 * The "Almost there" card: what is still to fill in, each entry a button that
 * focuses its field; hidden while there is a result or an error.
 * @param {HTMLElement} el
 * @param {{ result: unknown, error: unknown, missing: { field: string, label: string }[] }} pane
 * @param {{ intro: string, inputIdOf: (field: string) => string, note?: Node | null, key?: unknown }} options
 */
export function renderNeedsCard(el, pane, { intro, inputIdOf, note = null, key = null }) {
  const show = !pane.result && !pane.error && pane.missing.length > 0;
  setHidden(el, !show);
  if (!show) return;
  renderIfChanged(el, JSON.stringify([pane.missing, key]), () => [
    h("h2", { class: "card-title", text: "Almost there" }),
    h("p", null, intro),
    h(
      "ul",
      { class: "needs-list" },
      // Buttons, not labels: a second <label> would change the field's accessible name.
      pane.missing.map((m) =>
        h("li", null, h("button", { type: "button", class: "btn btn-link needs-link", dataset: { action: "focus", target: inputIdOf(m.field) }, text: m.label })),
      ),
    ),
    note,
  ]);
}
