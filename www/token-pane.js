// The token pane: renders everything below and beside the token input from the
// app state. It never reads the DOM for data and never stores anything; every
// piece of token text goes in as a text node (see dom.js).
//
// Contract of the data: src/wasm/types.d.ts (TokenInspection, GitlabAwsOidcError).

import { breakable, h, patch, patchIfChanged, renderErrorBox, renderJsonTree, setAttr, setHidden, setText, v } from "./dom.js";
import { SEVERITY, countBySeverity, findingItems, groupDigits, plural } from "./findings.js";

const VALIDITY = {
  valid: { label: "Valid", icon: "✓", tone: "ok" },
  "expired-within-skew": { label: "Expired, AWS still accepts", icon: "!", tone: "warning" },
  expired: { label: "Expired", icon: "✕", tone: "error" },
  "not-yet-valid": { label: "Not yet valid", icon: "!", tone: "warning" },
  "no-expiry": { label: "No expiry", icon: "✕", tone: "error" },
};

/**
 * The signature badge per verdict code (Verification.code): its data-state,
 * tone and headline. The explanation is always the core's `reason`, verbatim.
 */
const VERDICT = {
  verified: { state: "verified", tone: "ok", icon: "✓", title: "Signature verified" },
  "signature-invalid": { state: "invalid", tone: "error", icon: "✕", title: "Signature INVALID" },
  "signature-missing": { state: "invalid", tone: "error", icon: "✕", title: "Signature INVALID" },
  "signature-length": { state: "invalid", tone: "error", icon: "✕", title: "Signature INVALID" },
  "alg-none": { state: "refused", tone: "error", icon: "✕", title: "Not verifiable" },
  "alg-symmetric": { state: "refused", tone: "error", icon: "✕", title: "Not verifiable" },
  "alg-unsupported": { state: "refused", tone: "error", icon: "✕", title: "Not verifiable" },
  "no-matching-kid": { state: "no-key", tone: "warning", icon: "?", title: "No matching key" },
  "key-not-rsa": { state: "no-key", tone: "warning", icon: "?", title: "No usable key" },
  "key-wrong-use": { state: "no-key", tone: "warning", icon: "?", title: "No usable key" },
  "key-wrong-alg": { state: "no-key", tone: "warning", icon: "?", title: "No usable key" },
  "key-too-small": { state: "no-key", tone: "warning", icon: "?", title: "No usable key" },
  "key-rejected": { state: "no-key", tone: "warning", icon: "?", title: "No usable key" },
  "no-usable-key": { state: "no-key", tone: "warning", icon: "?", title: "No usable key" },
};

const NOTHING_VERIFIED =
  "Nothing on this page is verified: these are the claims the token states, not proof that GitLab issued it.";

/** What the badge adds below the reason, per state: what the verdict means for the claims. */
const VERDICT_NOTE = {
  verified: "The claims below are signed by that key. They are GitLab's only if the keys are the issuing instance's own, fetched by you from its /oauth/discovery/keys.",
  invalid: "Do not trust these claims: the token is not what the key signed. It is still decoded below, for inspection.",
  refused: NOTHING_VERIFIED,
  "no-key": NOTHING_VERIFIED,
};

/** Short labels for where AWS evaluates a claim (ClaimExplanation.awsKeyScope). */
const AWS_SCOPE = {
  "every-instance": { label: "any GitLab", title: "AWS evaluates this claim for tokens from every GitLab instance" },
  "gitlab-com-only": { label: "gitlab.com only", title: "AWS evaluates this claim only for tokens from gitlab.com" },
};

/** Which Instant of `times` explains a numeric-date claim. */
const TIME_OF_CLAIM = { iat: "issuedAt", nbf: "notBefore", exp: "expiresAt" };

/**
 * What the token pane renders from (app.js holds it).
 * @typedef {object} TokenPaneState
 * @property {"loading" | "ready" | "failed"} decoder whether the wasm core is ready
 * @property {string} token the textarea's text
 * @property {boolean} example whether the text is the built-in example token
 * @property {number} now seconds since 1970 the inspection was computed for
 * @property {import("./pkg/gitlab_aws_oidc.js").TokenInspection | null} inspection
 * @property {import("./dom.js").PageError | null} error why the text cannot be decoded
 * @property {string} keys the keys textarea's text
 * @property {boolean} verifying whether a signature check of this token and these keys is in flight
 * @property {import("./pkg/gitlab_aws_oidc.js").Verification | null} verification its verdict
 * @property {{ code: string, message: string } | null} verifyError why the check could not run
 */

/** Each pane's parts by name, looked up once: they are in index.html, never created or replaced. */
const parts = new WeakMap();

/** The element of `root` with data-part="name". */
function partOf(root, name) {
  let byName = parts.get(root);
  if (!byName) parts.set(root, (byName = new Map()));
  let el = byName.get(name);
  if (!el) {
    el = /** @type {HTMLElement} */ (root.querySelector(`[data-part="${name}"]`));
    byName.set(name, el);
  }
  return el;
}

/**
 * Claim rows rendered in a cold load's first frame (see renderTokenPane's firstScreen): more than the first
 * screen of a tall desktop window shows.
 */
const FIRST_SCREEN_ROWS = 8;

/**
 * Renders the token pane.
 * @param {HTMLElement} root the `<section data-pane="token">`
 * @param {TokenPaneState} state
 * @param {{ firstScreen?: boolean }} [options] firstScreen: render only what the first screen shows (the
 *   signature, the findings and the first claim rows), for a cold load's first frame; the next full render
 *   adds the rest (the other rows, the times, provider and subject cards, the header and payload), which
 *   would otherwise double that frame's work (issue 21).
 */
export function renderTokenPane(root, state, { firstScreen = false } = {}) {
  const part = (name) => partOf(root, name);
  const { inspection, error } = state;
  const hasInput = state.token.trim() !== "";

  const signature = signatureOf(state);
  // TOK017 ("not-verified") is the core's reminder that inspectToken decodes
  // without checking the signature; it cannot know about the pasted keys. Once
  // the signature of exactly this token has verified against them, the finding
  // contradicts the badge, so it is not shown (verification is reset to null
  // whenever the token or the keys change, so this never outlives its check).
  const findings = inspection
    ? inspection.findings.filter((f) => !(state.verification?.verified === true && f.code === "TOK017"))
    : [];

  renderInputMeta(part("input-meta"), state);
  setAttr(root.querySelector('[data-action="clear"]'), "disabled", state.token === "" ? "" : null);
  setAttr(root.querySelector('[data-action="clear-keys"]'), "disabled", state.keys === "" ? "" : null);
  renderKeysMeta(part("keys-meta"), state);
  renderErrorBox(part("keys-error"), state.verifyError?.code.startsWith("keys.") ? state.verifyError : null, "Cannot use these keys");
  renderErrorBox(part("error"), error, "Cannot decode this as a JWT");
  renderStatus(part("status"), state, signature, findings);

  setHidden(part("empty"), hasInput);
  setHidden(part("results"), !inspection);
  for (const name of ["times", "provider", "next"]) setHidden(part(name), !inspection || firstScreen);
  if (!inspection) return;

  const badge = part("signature");
  setAttr(badge, "data-state", signature.state);
  setAttr(badge, "class", `sig tone-${signature.tone}`);
  // Patched, not rebuilt: one edit of a token changes a few values, and only
  // those should cost DOM work, style and layout (issue 8's keystroke budget).
  // None of these parts has event listeners (see patchIfChanged).
  patchIfChanged(badge, JSON.stringify(signature), () => signatureBadge(signature));
  const { times } = inspection;
  patchIfChanged(part("findings"), JSON.stringify(findings), () => findingItems(findings));
  patch(part("findings-count"), countBySeverity(findings));
  renderClaimRows(part("claims"), inspection.explanations, groupFindings(findings), times, firstScreen ? FIRST_SCREEN_ROWS : Infinity);
  patch(part("claims-count"), plural(inspection.explanations.length, "claim"));
  if (firstScreen) return;

  patchIfChanged(part("times-body"), JSON.stringify(times), () => timesBox(times));
  patchIfChanged(part("provider-body"), JSON.stringify(inspection.providerHost), () =>
    providerBox(inspection.providerHost),
  );
  patchIfChanged(part("subject-body"), JSON.stringify([inspection.subject, inspection.claims.sub]), () =>
    subjectBox(inspection.subject, inspection.claims.sub),
  );
  renderJsonTree(part("header"), inspection.header);
  renderJsonTree(part("payload"), inspection.claims);
}

function renderInputMeta(el, state) {
  const text = state.token.trim();
  if (!text) return patch(el);
  patch(
    el,
    state.example ? v("span", { class: "tag tag-example", text: "example · test key" }) : null,
    `${groupDigits(text.length)} chars`,
  );
}

function renderKeysMeta(el, state) {
  const text = state.keys.trim();
  patch(el, text ? `${groupDigits(text.length)} chars` : null);
}



function renderStatus(el, state, signature, findings) {
  let text = "";
  if (state.decoder === "loading") text = "Loading the decoder…";
  else if (state.inspection) {
    const { times } = state.inspection;
    text = `Decoded. ${signature.title}. ${times.summary}. ${countBySeverity(findings)}.`;
  }
  setText(el, text);
}

// ---- signature ---------------------------------------------------------------

/**
 * What the signature badge shows: a plain object (compared as JSON to skip
 * needless re-renders).
 * @param {TokenPaneState} state
 */
function signatureOf(state) {
  if (state.keys.trim() === "") {
    return {
      state: "not-checked",
      tone: "warning",
      icon: "?",
      title: "Not checked",
      detail: "paste the instance's keys to verify the signature",
      note: NOTHING_VERIFIED,
    };
  }
  if (state.verifying) {
    return { state: "checking", tone: "neutral", icon: "…", title: "Checking the signature…" };
  }
  if (state.verifyError) {
    const { code, message } = state.verifyError;
    const keys = code.startsWith("keys.");
    return {
      state: "error",
      tone: "warning",
      icon: "!",
      title: "Not checked",
      detail: keys ? "the keys text cannot be used" : "the check could not run",
      code,
      // The keys error (code and message) is shown under the keys field; repeat only other errors here.
      reason: keys ? null : message,
      note: NOTHING_VERIFIED,
    };
  }
  const verdict = state.verification;
  if (!verdict) return { state: "checking", tone: "neutral", icon: "…", title: "Checking the signature…" };
  const look = VERDICT[verdict.code] ?? { state: verdict.verified ? "verified" : "invalid", tone: "error", icon: "?", title: verdict.code };
  // "Signature verified — key cHTr…" over the reason; otherwise "<title> — <reason>".
  return verdict.verified
    ? { ...look, code: verdict.code, kid: verdict.kid ?? "", reason: verdict.reason, note: VERDICT_NOTE[look.state] }
    : { ...look, code: verdict.code, detail: verdict.reason, note: VERDICT_NOTE[look.state] };
}

function signatureBadge(s) {
  return [
    v("span", { class: "sig-icon", "aria-hidden": "true", text: s.icon }),
    v(
      "div",
      { class: "sig-body" },
      v(
        "p",
        { class: "sig-head" },
        v("strong", { class: "sig-title", text: s.title }),
        s.kid === undefined
          ? null
          : [" — ", s.kid ? ["key ", v("code", { class: "sig-kid", title: s.kid, text: shorten(s.kid, 8) })] : "the pasted key"],
        s.detail ? [" — ", s.detail] : null,
        s.code ? [" ", v("code", { class: "sig-code", text: s.code })] : null,
      ),
      s.reason ? v("p", { class: "sig-reason", text: s.reason }) : null,
      s.note ? v("p", { class: "sig-note", text: s.note }) : null,
    ),
  ];
}

// ---- times ---------------------------------------------------------------

function timesBox(times) {
  const validity = VALIDITY[times.validity] ?? { label: times.validity, icon: "?", tone: "info" };
  const row = (label, claim, instant, note) =>
    v(
      "div",
      { class: "time-row" },
      v("dt", null, label, claim ? [" ", v("code", { class: "claim-ref", text: claim })] : null),
      v(
        "dd",
        null,
        instant
          ? [
              instant.utc
                ? v("time", { class: "utc", datetime: instant.utc, text: instant.utc })
                : v("span", { class: "utc", text: `${instant.seconds} s since 1970` }),
              v("span", { class: "rel", text: instant.relative }),
            ]
          : v("span", { class: "muted", text: "not in the token" }),
        note ? v("span", { class: "time-note", text: note }) : null,
      ),
    );
  return [
    v(
      "div",
      { class: `validity tone-${validity.tone}`, dataset: { validity: times.validity } },
      v("span", { class: "validity-pill" }, v("span", { "aria-hidden": "true", text: validity.icon }), ` ${validity.label}`),
      v("span", { class: "validity-summary", text: times.summary }),
    ),
    v(
      "dl",
      { class: "times" },
      row("Issued", "iat", times.issuedAt),
      row("Not before", "nbf", times.notBefore),
      row("Expires", "exp", times.expiresAt),
      row("AWS accepts until", null, times.awsAcceptsUntil, "exp + 5 min of clock skew"),
      times.lifetimeSeconds !== undefined
        ? v(
            "div",
            { class: "time-row" },
            v("dt", null, "Lifetime"),
            v(
              "dd",
              null,
              v("span", { class: "utc", text: duration(times.lifetimeSeconds) }),
              v("span", { class: "rel", text: "exp − iat: the job timeout" }),
            ),
          )
        : null,
    ),
    v(
      "p",
      { class: "now-line" },
      "Now, by this device's clock: ",
      v("span", { class: "mono", text: utcOf(times.now) }),
    ),
  ];
}

// ---- provider and subject --------------------------------------------------

function providerBox(host) {
  if (!host) {
    return [
      v("p", { class: "provider-host is-none", dataset: { testid: "provider-host" }, text: "none" }),
      v("p", {
        class: "card-note",
        text: "iss is missing or not an https:// URL, so AWS cannot use it as an IAM OIDC provider and has no condition keys for this token.",
      }),
    ];
  }
  return [
    v("p", { class: "provider-host", dataset: { testid: "provider-host" } }, v("code", { text: host })),
    v(
      "p",
      { class: "card-note" },
      "Condition keys look like ",
      v("code", { text: `${host}:sub` }),
      " and ",
      v("code", { text: `${host}:aud` }),
      ".",
    ),
  ];
}

function subjectBox(subject, sub) {
  if (!subject) {
    return [
      typeof sub === "string" ? v("p", { class: "mono wrap sub-raw", text: sub }) : null,
      v("p", {
        class: "card-note",
        text: sub === undefined ? "The token has no sub claim." : "This sub is not in a form GitLab emits; see the findings.",
      }),
    ];
  }
  return [
    v(
      "dl",
      { class: "subject" },
      subject.components.map((c) =>
        v(
          "div",
          { class: "subject-row", dataset: { component: c.name } },
          v("dt", null, v("code", { text: c.name })),
          v("dd", { class: "mono wrap", text: c.value }),
        ),
      ),
    ),
    v("p", {
      class: "card-note",
      text: subject.defaultForm
        ? "GitLab's default form: project_path, ref_type, ref."
        : "Customised components (the project's sub claim components setting).",
    }),
  ];
}

// ---- findings --------------------------------------------------------------

function groupFindings(findings) {
  const map = new Map();
  for (const f of findings) {
    if (!f.claim) continue;
    if (!map.has(f.claim)) map.set(f.claim, []);
    map.get(f.claim).push(f);
  }
  return map;
}

// ---- claims table ------------------------------------------------------------

/**
 * What each claim row was last rendered from (see renderClaimRows): the
 * explanation, its value as JSON when it is not a primitive, the findings as
 * JSON and the time shown.
 * @type {WeakMap<HTMLTableRowElement, { e: import("./pkg/gitlab_aws_oidc.js").ClaimExplanation, value: unknown, findings: string, utc: string | null }>}
 */
const rowInputs = new WeakMap();

/** A value compared by identity when primitive, else by its JSON. */
const comparable = (value) => (value !== null && typeof value === "object" ? JSON.stringify(value) : value);

/**
 * Whether a row shows exactly these inputs already. Field by field rather than
 * one JSON key: each explanation carries paragraphs of text, and serializing
 * every row on every keystroke cost more than the rest of the table.
 */
function rowIsCurrent(last, e, value, findings, utc) {
  if (!last || last.findings !== findings || last.utc !== utc || last.value !== value) return false;
  const before = /** @type {Record<string, unknown>} */ (last.e);
  const now = /** @type {Record<string, unknown>} */ (e);
  let fields = 0;
  for (const key in now) {
    fields++;
    if (key !== "value" && before[key] !== now[key]) return false;
  }
  return fields === Object.keys(before).length;
}

/**
 * Renders one row per claim, keyed by claim name: a row whose claim, value and
 * findings did not change is left alone and a changed one is updated cell by
 * cell, so an edit that changes two values rewrites two value cells, not the
 * whole table (issue 8's keystroke budget).
 * @param {HTMLTableSectionElement} tbody
 * @param {import("./pkg/gitlab_aws_oidc.js").ClaimExplanation[]} explanations
 * @param {Map<string, import("./pkg/gitlab_aws_oidc.js").Finding[]>} findingsByClaim
 * @param {import("./pkg/gitlab_aws_oidc.js").TokenInspection["times"]} times
 * @param {number} limit render only the first `limit` rows (and leave any after them alone)
 */
function renderClaimRows(tbody, explanations, findingsByClaim, times, limit) {
  const unused = new Map([...tbody.rows].map((row) => [row.dataset.claim, row]));
  explanations.forEach((e, i) => {
    if (i >= limit) return;
    const findings = findingsByClaim.get(e.claim) ?? [];
    let row = unused.get(e.claim);
    unused.delete(e.claim); // a duplicated claim name gets a row of its own
    row ??= claimRow(e.claim);
    const inputs = {
      e,
      value: comparable(e.value),
      findings: findings.length ? JSON.stringify(findings) : "",
      utc: timeOfClaim(e, times)?.utc ?? null,
    };
    if (!rowIsCurrent(rowInputs.get(row), e, inputs.value, inputs.findings, inputs.utc)) {
      rowInputs.set(row, inputs);
      renderClaimRow(row, e, findings, times);
    }
    if (tbody.rows[i] !== row) tbody.insertBefore(row, tbody.rows[i] ?? null);
  });
  // Rows 0..n-1 are now this token's; whatever follows is left from an earlier one.
  if (limit < explanations.length) return;
  while (tbody.rows.length > explanations.length) tbody.rows[explanations.length].remove();
}

/** The Instant of `times` that explains a numeric-date claim, if `e` is one. */
function timeOfClaim(e, times) {
  return TIME_OF_CLAIM[e.claim] && typeof e.value === "number" ? times[TIME_OF_CLAIM[e.claim]] : undefined;
}

/** An empty row for a claim: renderClaimRow fills it. */
function claimRow(claim) {
  return h(
    "tr",
    { role: "row", dataset: { claim } },
    h("th", { scope: "row", role: "rowheader", class: "col-claim" }),
    h("td", { role: "cell", class: "col-value" }),
    h("td", { role: "cell", class: "col-meaning" }),
    h("td", { role: "cell", class: "col-aws" }),
  );
}

/** Brings a claim's row up to date; each cell is rebuilt only when what it shows changed. */
function renderClaimRow(row, e, findings, times) {
  const worst = findings[0]?.severity; // findings come errors first
  const className = [e.known ? null : "is-unknown", worst ? `has-${worst}` : null].filter(Boolean).join(" ");
  if (row.className !== className) {
    if (className) row.className = className;
    else row.removeAttribute("class");
  }
  const [head, value, meaning, aws] = row.cells;
  // Everything the claim says but its value: it fixes the meaning and AWS cells.
  const about = JSON.stringify({ ...e, value: null });
  patchIfChanged(head, JSON.stringify([e.claim, findings]), () => claimHead(e, findings));
  patchIfChanged(value, JSON.stringify([e.claim, e.value, timeOfClaim(e, times)?.utc ?? null]), () => claimValue(e, times));
  patchIfChanged(meaning, about, () => claimMeaning(e));
  patchIfChanged(aws, about, () => claimAws(e));
}

function claimHead(e, findings) {
  return [
    v("code", { class: "claim-name" }, breakable(e.claim)),
    findings.length
      ? v(
          "span",
          { class: "claim-flags" },
          findings.map((f) =>
            v(
              "span",
              { class: `claim-flag sev-${f.severity}`, title: f.message },
              v("span", { "aria-hidden": "true", text: SEVERITY[f.severity]?.icon ?? "?" }),
              v("span", { class: "visually-hidden", text: `${SEVERITY[f.severity]?.label ?? f.severity}: ` }),
              ` ${f.code}`,
            ),
          ),
        )
      : null,
  ];
}

function claimValue(e, times) {
  const value = e.value;
  if (typeof value === "string") {
    return value === ""
      ? v("span", { class: "value empty-value", text: '"" (empty)' })
      : v("span", { class: "value", text: value });
  }
  const type = value === null ? "null" : Array.isArray(value) ? "list" : typeof value;
  const when = timeOfClaim(e, times);
  return [
    // Lists and objects on one line: the Payload pane shows them indented.
    v("span", { class: "value", text: typeof value === "object" && value !== null ? JSON.stringify(value) : String(value) }),
    " ",
    v("span", { class: "type-tag", text: type === "number" && when ? "numeric date" : type }),
    when?.utc ? v("span", { class: "value-note mono", text: when.utc }) : null,
  ];
}

function claimMeaning(e) {
  if (!e.known) {
    return [
      v("span", { class: "tag tag-unknown", text: "not a GitLab claim" }),
      v("span", { class: "meaning-meta", text: "GitLab does not document this claim." }),
    ];
  }
  const meta = [e.presence, e.since ? `since GitLab ${e.since}` : null].filter(Boolean).join(" · ");
  return [
    e.meaning ? v("span", { class: "meaning", text: e.meaning }) : null,
    meta ? v("span", { class: "meaning-meta", text: meta }) : null,
  ];
}

function claimAws(e) {
  const scope = AWS_SCOPE[e.awsKeyScope];
  const scopeTag = (only) =>
    scope && (!only || e.awsKeyScope === only)
      ? v("span", { class: `tag tag-scope scope-${e.awsKeyScope}`, title: scope.title, text: scope.label })
      : null;
  if (e.awsConditionKey) {
    return v(
      "span",
      { class: "aws-yes", title: e.awsNote },
      v("span", { class: "aws-icon", "aria-hidden": "true", text: "✓" }),
      v(
        "span",
        { class: "aws-text" },
        v(
          "span",
          null,
          v("span", { class: "visually-hidden", text: "AWS can match on " }),
          v("code", { class: "aws-key" }, breakable(e.awsConditionKey, ":/")),
        ),
        scopeTag(),
      ),
    );
  }
  return v(
    "span",
    { class: "aws-no" },
    v("span", { class: "aws-icon", "aria-hidden": "true", text: "–" }),
    // No condition key here: only "gitlab.com only" says why ("any GitLab" would contradict the note).
    v("span", { class: "aws-text" }, scopeTag("gitlab-com-only"), v("span", { text: e.awsNote })),
  );
}

// ---- words -------------------------------------------------------------------

/** The first `n` characters of `text` and an ellipsis, when it is longer. */
function shorten(text, n) {
  const chars = [...text];
  return chars.length > n + 1 ? `${chars.slice(0, n).join("")}…` : text;
}

function utcOf(seconds) {
  const d = new Date(Math.floor(seconds) * 1000);
  return Number.isNaN(d.getTime()) ? `${seconds}` : d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function duration(seconds) {
  if (seconds < 0) return `${seconds} s`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = seconds % 60;
  const parts = [];
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (secs || parts.length === 0) parts.push(`${secs} s`);
  return parts.join(" ");
}
