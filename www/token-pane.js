// The token pane: renders everything below and beside the token input from the
// app state. It never reads the DOM for data and never stores anything; every
// piece of token text goes in as a text node (see dom.js).
//
// Contract of the data: src/wasm/types.d.ts (TokenInspection, GitlabAwsOidcError).

import { breakable, h, jsonTree, renderIfChanged, replace } from "./dom.js";

const SEVERITY = {
  error: { label: "Error", icon: "✕" },
  warning: { label: "Warning", icon: "!" },
  info: { label: "Info", icon: "i" },
};

const VALIDITY = {
  valid: { label: "Valid", icon: "✓", tone: "ok" },
  "expired-within-skew": { label: "Expired, AWS still accepts", icon: "!", tone: "warning" },
  expired: { label: "Expired", icon: "✕", tone: "error" },
  "not-yet-valid": { label: "Not yet valid", icon: "!", tone: "warning" },
  "no-expiry": { label: "No expiry", icon: "✕", tone: "error" },
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
 * @property {{ code: string, message: string } | null} error why the text cannot be decoded
 */

/**
 * Renders the token pane.
 * @param {HTMLElement} root the `<section data-pane="token">`
 * @param {TokenPaneState} state
 */
export function renderTokenPane(root, state) {
  const part = (name) => /** @type {HTMLElement} */ (root.querySelector(`[data-part="${name}"]`));
  const { inspection, error } = state;
  const hasInput = state.token.trim() !== "";

  renderInputMeta(part("input-meta"), state);
  /** @type {HTMLButtonElement} */ (root.querySelector('[data-action="clear"]')).disabled = state.token === "";
  renderError(part("error"), error);
  renderStatus(part("status"), state);

  part("empty").hidden = hasInput;
  for (const name of ["results", "times", "provider"]) part(name).hidden = !inspection;
  if (!inspection) return;

  const { times, findings } = inspection;
  renderIfChanged(part("times-body"), JSON.stringify(times), () => timesBox(times));
  renderIfChanged(part("provider-body"), JSON.stringify(inspection.providerHost), () =>
    providerBox(inspection.providerHost),
  );
  renderIfChanged(part("subject-body"), JSON.stringify([inspection.subject, inspection.claims.sub]), () =>
    subjectBox(inspection.subject, inspection.claims.sub),
  );
  renderIfChanged(part("findings"), JSON.stringify(findings), () => findings.map(findingItem));
  replace(part("findings-count"), countBySeverity(findings));

  const findingsByClaim = groupFindings(findings);
  renderIfChanged(
    part("claims"),
    JSON.stringify([inspection.explanations, [...findingsByClaim], times.issuedAt, times.notBefore, times.expiresAt]),
    () => inspection.explanations.map((e) => claimRow(e, findingsByClaim.get(e.claim) ?? [], times)),
  );
  replace(part("claims-count"), plural(inspection.explanations.length, "claim"));
  renderIfChanged(part("header"), JSON.stringify(inspection.header), () => jsonTree(inspection.header));
  renderIfChanged(part("payload"), JSON.stringify(inspection.claims), () => jsonTree(inspection.claims));
}

function renderInputMeta(el, state) {
  const text = state.token.trim();
  if (!text) return replace(el);
  replace(
    el,
    state.example ? h("span", { class: "tag tag-example", text: "example · test key" }) : null,
    `${text.length.toLocaleString("en")} chars`,
  );
}

function renderError(el, error) {
  el.classList.toggle("is-shown", Boolean(error));
  if (!error) return replace(el);
  replace(
    el,
    h("span", { class: "error-icon", "aria-hidden": "true", text: "✕" }),
    h(
      "div",
      { class: "error-body" },
      h("p", { class: "error-title", text: "Cannot decode this as a JWT" }),
      h("p", { class: "error-line" }, h("code", { class: "error-code", text: error.code }), " — ", error.message),
    ),
  );
}

function renderStatus(el, state) {
  let text = "";
  if (state.decoder === "loading") text = "Loading the decoder…";
  else if (state.inspection) {
    const { times, findings } = state.inspection;
    text = `Decoded, not verified. ${times.summary}. ${countBySeverity(findings)}.`;
  }
  if (el.textContent !== text) el.textContent = text;
}

// ---- times ---------------------------------------------------------------

function timesBox(times) {
  const v = VALIDITY[times.validity] ?? { label: times.validity, icon: "?", tone: "info" };
  const row = (label, claim, instant, note) =>
    h(
      "div",
      { class: "time-row" },
      h("dt", null, label, claim ? [" ", h("code", { class: "claim-ref", text: claim })] : null),
      h(
        "dd",
        null,
        instant
          ? [
              instant.utc
                ? h("time", { class: "utc", datetime: instant.utc, text: instant.utc })
                : h("span", { class: "utc", text: `${instant.seconds} s since 1970` }),
              h("span", { class: "rel", text: instant.relative }),
            ]
          : h("span", { class: "muted", text: "not in the token" }),
        note ? h("span", { class: "time-note", text: note }) : null,
      ),
    );
  return [
    h(
      "div",
      { class: `validity tone-${v.tone}`, dataset: { validity: times.validity } },
      h("span", { class: "validity-pill" }, h("span", { "aria-hidden": "true", text: v.icon }), ` ${v.label}`),
      h("span", { class: "validity-summary", text: times.summary }),
    ),
    h(
      "dl",
      { class: "times" },
      row("Issued", "iat", times.issuedAt),
      row("Not before", "nbf", times.notBefore),
      row("Expires", "exp", times.expiresAt),
      row("AWS accepts until", null, times.awsAcceptsUntil, "exp + 5 min of clock skew"),
      times.lifetimeSeconds !== undefined
        ? h(
            "div",
            { class: "time-row" },
            h("dt", null, "Lifetime"),
            h(
              "dd",
              null,
              h("span", { class: "utc", text: duration(times.lifetimeSeconds) }),
              h("span", { class: "rel", text: "exp − iat: the job timeout" }),
            ),
          )
        : null,
    ),
    h(
      "p",
      { class: "now-line" },
      "Now, by this device's clock: ",
      h("span", { class: "mono", text: utcOf(times.now) }),
    ),
  ];
}

// ---- provider and subject --------------------------------------------------

function providerBox(host) {
  if (!host) {
    return [
      h("p", { class: "provider-host is-none", dataset: { testid: "provider-host" }, text: "none" }),
      h("p", {
        class: "card-note",
        text: "iss is missing or not an https:// URL, so AWS cannot use it as an IAM OIDC provider and has no condition keys for this token.",
      }),
    ];
  }
  return [
    h("p", { class: "provider-host", dataset: { testid: "provider-host" } }, h("code", { text: host })),
    h(
      "p",
      { class: "card-note" },
      "Condition keys look like ",
      h("code", { text: `${host}:sub` }),
      " and ",
      h("code", { text: `${host}:aud` }),
      ".",
    ),
  ];
}

function subjectBox(subject, sub) {
  if (!subject) {
    return [
      typeof sub === "string" ? h("p", { class: "mono wrap sub-raw", text: sub }) : null,
      h("p", {
        class: "card-note",
        text: sub === undefined ? "The token has no sub claim." : "This sub is not in a form GitLab emits; see the findings.",
      }),
    ];
  }
  return [
    h(
      "dl",
      { class: "subject" },
      subject.components.map((c) =>
        h(
          "div",
          { class: "subject-row", dataset: { component: c.name } },
          h("dt", null, h("code", { text: c.name })),
          h("dd", { class: "mono wrap", text: c.value }),
        ),
      ),
    ),
    h("p", {
      class: "card-note",
      text: subject.defaultForm
        ? "GitLab's default form: project_path, ref_type, ref."
        : "Customised components (the project's sub claim components setting).",
    }),
  ];
}

// ---- findings --------------------------------------------------------------

function findingItem(f) {
  const sev = SEVERITY[f.severity] ?? { label: f.severity, icon: "?" };
  return h(
    "li",
    { class: `finding sev-${f.severity}`, dataset: { testid: "finding", code: f.code, severity: f.severity } },
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
    ),
  );
}

function groupFindings(findings) {
  const map = new Map();
  for (const f of findings) {
    if (!f.claim) continue;
    if (!map.has(f.claim)) map.set(f.claim, []);
    map.get(f.claim).push(f);
  }
  return map;
}

function countBySeverity(findings) {
  if (findings.length === 0) return "none";
  const n = (s) => findings.filter((f) => f.severity === s).length;
  return [plural(n("error"), "error"), plural(n("warning"), "warning"), `${n("info")} info`].join(" · ");
}

// ---- claims table ------------------------------------------------------------

function claimRow(e, findings, times) {
  const worst = findings[0]?.severity; // findings come errors first
  return h(
    "tr",
    {
      role: "row",
      class: [e.known ? null : "is-unknown", worst ? `has-${worst}` : null].filter(Boolean).join(" ") || null,
      dataset: { claim: e.claim },
    },
    h(
      "th",
      { scope: "row", role: "rowheader", class: "col-claim" },
      h("code", { class: "claim-name" }, breakable(e.claim)),
      findings.length
        ? h(
            "span",
            { class: "claim-flags" },
            findings.map((f) =>
              h(
                "span",
                { class: `claim-flag sev-${f.severity}`, title: f.message },
                h("span", { "aria-hidden": "true", text: SEVERITY[f.severity]?.icon ?? "?" }),
                h("span", { class: "visually-hidden", text: `${SEVERITY[f.severity]?.label ?? f.severity}: ` }),
                ` ${f.code}`,
              ),
            ),
          )
        : null,
    ),
    h("td", { role: "cell", class: "col-value" }, claimValue(e, times)),
    h("td", { role: "cell", class: "col-meaning" }, claimMeaning(e)),
    h("td", { role: "cell", class: "col-aws" }, claimAws(e)),
  );
}

function claimValue(e, times) {
  const v = e.value;
  if (typeof v === "string") {
    return v === ""
      ? h("span", { class: "value empty-value", text: '"" (empty)' })
      : h("span", { class: "value", text: v });
  }
  const type = v === null ? "null" : Array.isArray(v) ? "list" : typeof v;
  const when = TIME_OF_CLAIM[e.claim] && typeof v === "number" ? times[TIME_OF_CLAIM[e.claim]] : undefined;
  return [
    // Lists and objects on one line: the Payload pane shows them indented.
    h("span", { class: "value", text: typeof v === "object" && v !== null ? JSON.stringify(v) : String(v) }),
    " ",
    h("span", { class: "type-tag", text: type === "number" && when ? "numeric date" : type }),
    when?.utc ? h("span", { class: "value-note mono", text: when.utc }) : null,
  ];
}

function claimMeaning(e) {
  if (!e.known) {
    return [
      h("span", { class: "tag tag-unknown", text: "not a GitLab claim" }),
      h("span", { class: "meaning-meta", text: "GitLab does not document this claim." }),
    ];
  }
  const meta = [e.presence, e.since ? `since GitLab ${e.since}` : null].filter(Boolean).join(" · ");
  return [
    e.meaning ? h("span", { class: "meaning", text: e.meaning }) : null,
    meta ? h("span", { class: "meaning-meta", text: meta }) : null,
  ];
}

function claimAws(e) {
  if (e.awsConditionKey) {
    return h(
      "span",
      { class: "aws-yes", title: e.awsNote },
      h("span", { class: "aws-icon", "aria-hidden": "true", text: "✓" }),
      h(
        "span",
        null,
        h("span", { class: "visually-hidden", text: "AWS can match on " }),
        h("code", { class: "aws-key" }, breakable(e.awsConditionKey, ":/")),
      ),
    );
  }
  return h(
    "span",
    { class: "aws-no" },
    h("span", { class: "aws-icon", "aria-hidden": "true", text: "–" }),
    h("span", { text: e.awsNote }),
  );
}

// ---- words -------------------------------------------------------------------

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
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
