// The trust policy pane: a form (prefilled from the pasted token, or filled
// in by hand) that app.js turns into a spec for the core's trustPolicy(); the
// policy in every format, with Copy and Download; the findings beside it.
//
// The form lives in app.js's state as plain strings, exactly as typed; this
// module reads inputs into it (through the handlers app.js passes) and renders
// from it. Spec errors are shown next to the field they name.
//
// Contract of the data: src/wasm/types.d.ts (TrustPolicySpec, TrustPolicyResult).

import { formKeyOf, h, patch, renderErrorBox, renderFieldErrors, renderNeedsCard, renderIfChanged, setHidden, setText, syncControl } from "./dom.js";
import { countBySeverity, findingItems } from "./findings.js";
import { renderFiles } from "./outputs.js";

/**
 * Every sub component GitLab can put in `sub`: the six that may come first, then the rest.
 * The core's list (`Component::ALL` in src/subject.rs) is the source; a Rust test holds this
 * copy to it, which the page needs before the module has loaded.
 */
export const COMPONENTS = [
  "project_path",
  "project_id",
  "job_project_path",
  "job_project_id",
  "source_project_path",
  "source_project_id",
  "ref_type",
  "ref",
  "ref_protected",
  "environment_protected",
  "deployment_tier",
];

export const DEFAULT_ISSUER = "https://gitlab.com";
export const DEFAULT_AUDIENCE = "sts.amazonaws.com";
export const DEFAULT_COMPONENTS = "project_path, ref_type, ref";

/** The pins a gitlab.com policy can add, in the order the form shows them. */
export const PIN_NAMES = ["project_id", "namespace_id", "ref_protected", "pipeline_source", "runner_environment"];

/** Pins that take several values, comma-separated in the form. */
const LIST_PINS = new Set(["project_id", "namespace_id", "pipeline_source"]);

const PLACEHOLDER = {
  project_path: "group/project",
  project_id: "digits, e.g. 46573356",
  job_project_path: "group/project",
  job_project_id: "digits, e.g. 46573356",
  source_project_path: "group/project",
  source_project_id: "digits, e.g. 46573356",
  ref_type: "branch, tag or *",
  ref: "main, release/*, v*",
  ref_protected: "true or false",
  environment_protected: "true or false",
  deployment_tier: "production, staging, …",
};

/**
 * The policy form: every value a string, as typed.
 * @typedef {object} PolicyForm
 * @property {string} issuer
 * @property {string} accountId
 * @property {string} partition
 * @property {string} audience
 * @property {string} components comma-separated sub components
 * @property {Record<string, string>[]} subjects one object per subject, keyed by component
 * @property {Record<string, string>} pins keyed by PIN_NAMES
 * @property {string} roleName
 * @property {string} maxSessionDuration seconds
 */

/** @returns {PolicyForm} */
export function defaultPolicyForm() {
  return {
    issuer: DEFAULT_ISSUER,
    accountId: "",
    partition: "aws",
    audience: DEFAULT_AUDIENCE,
    components: DEFAULT_COMPONENTS,
    subjects: [{}],
    pins: Object.fromEntries(PIN_NAMES.map((name) => [name, ""])),
    roleName: "",
    maxSessionDuration: "3600",
  };
}

/**
 * How a token fills the form; the same choices as the core's
 * trustPolicyForToken options, and the same least-privilege defaults.
 * @typedef {object} TokenOptions
 * @property {"this-ref" | "any-branch" | "any-tag"} refScope
 * @property {boolean | null} protectedOnly null: as the token's ref (pinned when it is protected)
 * @property {boolean} pinProjectId
 * @property {boolean} pinNamespaceId
 */

/** @returns {TokenOptions} */
export function defaultTokenOptions() {
  return { refScope: "this-ref", protectedOnly: null, pinProjectId: true, pinNamespaceId: true };
}

/** Component names in the text, in order (unknown names kept: the core names them in its error). */
export function parseComponents(text) {
  return String(text)
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Whether an issuer URL is gitlab.com's (the only issuer AWS evaluates pins for). */
function isGitlabCom(issuer) {
  const text = (issuer || DEFAULT_ISSUER).trim();
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.host === "gitlab.com" && (url.pathname === "/" || url.pathname === "");
  } catch {
    return false;
  }
}

/**
 * The token-derived part of the form, from the core's `specForToken` (the spec
 * `trustPolicyForToken` builds for these options), so the form shows, and lets
 * people edit, exactly the policy the token satisfies. Only the mapping from
 * spec to form fields lives here.
 * @param {import("./pkg/gitlab_aws_oidc.js").TrustPolicySpec} spec
 * @param {import("./pkg/gitlab_aws_oidc.js").TokenInspection} inspection
 * @param {PolicyForm} form the current form (kept: account, partition, role, session)
 * @returns {{ form: PolicyForm, note: string | null }}
 */
export function formFromSpec(spec, inspection, form) {
  const text = (v) => (Array.isArray(v) ? v.join(", ") : typeof v === "string" ? v : "");
  const pins = Object.fromEntries(PIN_NAMES.map((name) => [name, text(spec.pins?.[name])]));
  const aud = inspection.claims.aud;
  const note =
    Array.isArray(aud) && aud.length > 1
      ? `The token lists several audiences (${aud.join(", ")}); the form uses ${spec.audience}. Change it if AWS's is another.`
      : null;
  return {
    form: {
      ...form,
      issuer: spec.issuer ?? form.issuer,
      audience: spec.audience ?? form.audience,
      components: (spec.subClaimComponents ?? []).join(", "),
      subjects: spec.subjects.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, text(v)]))),
      pins,
    },
    note,
  };
}

/** Whether the token says its ref is protected. */
function tokenRefProtected(inspection) {
  const v = inspection.claims.ref_protected;
  return v === "true" || v === true;
}

/**
 * The core's spec for the form, and what is still to fill in (the core is
 * not asked until nothing is: an empty form is not an error).
 * @param {PolicyForm} form
 * @returns {{ spec: import("./pkg/gitlab_aws_oidc.js").TrustPolicySpec, missing: { field: string, label: string }[] }}
 */
export function specOf(form) {
  const components = parseComponents(form.components);
  // Each once: a component listed twice has one value (the core says what it thinks of the repeat).
  const known = [...new Set(components.filter((c) => COMPONENTS.includes(c)))];
  const missing = [];
  if (!form.accountId.trim()) missing.push({ field: "accountId", label: "the AWS account ID" });
  form.subjects.forEach((row, i) => {
    for (const c of known) {
      if (!(row[c] ?? "").trim()) missing.push({ field: `subjects.${i}.${c}`, label: `${c} of subject ${i + 1}` });
    }
  });
  const gitlabCom = isGitlabCom(form.issuer);
  const pins = {};
  if (gitlabCom) {
    for (const name of PIN_NAMES) {
      const text = (form.pins[name] ?? "").trim();
      if (!text) continue;
      const list = LIST_PINS.has(name) ? text.split(",").map((s) => s.trim()).filter(Boolean) : [text];
      pins[name] = list.length === 1 ? list[0] : list;
    }
  }
  const spec = {
    issuer: form.issuer.trim() || undefined,
    accountId: form.accountId.trim(),
    partition: form.partition || undefined,
    audience: form.audience.trim() || undefined,
    subClaimComponents: components.length ? components : undefined,
    subjects: form.subjects.map((row) =>
      Object.fromEntries(known.map((c) => [c, (row[c] ?? "").trim()])),
    ),
    pins: Object.keys(pins).length ? pins : undefined,
    roleName: form.roleName.trim() || undefined,
    maxSessionDuration: form.maxSessionDuration ? Number(form.maxSessionDuration) : undefined,
  };
  return { spec, missing };
}

/**
 * What the policy pane renders from (a slice of app.js's state).
 * @typedef {object} PolicyPaneState
 * @property {PolicyForm} form
 * @property {TokenOptions} options
 * @property {"blank" | "token" | "edited" | "link"} origin where the token-derived fields came from
 * @property {string} tab the selected output format
 * @property {import("./pkg/gitlab_aws_oidc.js").TrustPolicyResult | null} result
 * @property {import("./dom.js").PageError | null} error
 * @property {{ field: string, label: string }[]} missing
 * @property {{ form: PolicyForm, note: string | null } | { error: import("./dom.js").PageError } | null} fromToken
 *   what the pasted token would fill in (null without a decodable token)
 * @property {boolean} followsToken whether the form shows exactly what the token fills in
 */

/** The output formats, in tab order. */
const FORMATS = [
  { key: "trustPolicy", name: "policy.json", filename: "policy.json", mime: "application/json", note: "The role's trust policy, as IAM shows it (Trust relationships)." },
  { key: "roleJson", name: "role.json", filename: "role.json", mime: "application/json", note: "For aws iam create-role --cli-input-json file://role.json" },
  { key: "awsCli", name: "AWS CLI", filename: "aws-cli.sh", mime: "text/x-shellscript", note: "Creates the provider (once per account) and the role with the AWS CLI v2." },
  { key: "terraform", name: "Terraform", filename: "main.tf", mime: "text/plain", note: "The provider and the role for Terraform's AWS provider." },
  { key: "cloudFormation", name: "CloudFormation", filename: "template.yaml", mime: "application/yaml", note: "A CloudFormation template with the provider and the role." },
];

/**
 * Wires the pane's inputs once. Every change goes through `handlers`, which
 * update app.js's state and re-render.
 * @param {HTMLElement} root
 * @param {{
 *   setField: (field: string, value: string) => void,
 *   setOption: (name: string, value: string | boolean) => void,
 *   addSubject: () => void,
 *   removeSubject: (index: number) => void,
 *   fillFromToken: () => void,
 *   selectTab: (key: string) => void,
 *   goTo: (pane: string) => void,
 *   checkPolicy: () => void,
 * }} handlers
 */
export function wirePolicyPane(root, handlers) {
  const onInput = (event) => {
    const el = /** @type {HTMLInputElement} */ (event.target);
    if (el.dataset.field) handlers.setField(el.dataset.field, el.value);
    else if (el.dataset.option) handlers.setOption(el.dataset.option, el.type === "checkbox" ? el.checked : el.value);
  };
  root.addEventListener("input", onInput);
  // Radios and selects report through change too; handlers ignore no-op updates.
  root.addEventListener("change", onInput);
  root.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button[data-action]");
    if (!button) return;
    const { action, index, pane } = /** @type {HTMLButtonElement} */ (button).dataset;
    if (action === "add-subject") handlers.addSubject();
    else if (action === "remove-subject") handlers.removeSubject(Number(index));
    else if (action === "fill-from-token") handlers.fillFromToken();
    else if (action === "check-policy") handlers.checkPolicy();
    else if (action === "go" && pane) handlers.goTo(pane);
    else if (action === "focus") document.getElementById(/** @type {HTMLElement} */ (button).dataset.target ?? "")?.focus();
  });
  handlersOf.set(root, handlers);
}

const handlersOf = new WeakMap();

/**
 * What the pane shows of the pasted token: everything renderPolicyPane reads
 * of the inspection, small enough for app.js to compare between renders.
 * @typedef {object} TokenFacts
 * @property {boolean} gitlabCom whether the provider is gitlab.com
 * @property {string} sub the sub claim, "" when it is not a string
 * @property {string | undefined} refType the sub's ref_type component
 * @property {string | undefined} ref the sub's ref component
 * @property {boolean} refProtected see tokenRefProtected
 * @property {unknown} projectId the project_id claim, as the token has it
 * @property {unknown} namespaceId the namespace_id claim
 */

/**
 * @param {import("./pkg/gitlab_aws_oidc.js").TokenInspection | null} inspection
 * @returns {TokenFacts | null} null without a decoded token
 */
export function tokenFacts(inspection) {
  if (!inspection) return null;
  const component = (name) => inspection.subject?.components.find((c) => c.name === name)?.value;
  return {
    gitlabCom: inspection.providerHost === "gitlab.com",
    sub: typeof inspection.claims.sub === "string" ? inspection.claims.sub : "",
    refType: component("ref_type"),
    ref: component("ref"),
    refProtected: tokenRefProtected(inspection),
    projectId: inspection.claims.project_id,
    namespaceId: inspection.claims.namespace_id,
  };
}

/**
 * Renders the pane from state.
 * @param {HTMLElement} root the `<section data-pane="policy">`
 * @param {PolicyPaneState} p
 * @param {TokenFacts | null} token tokenFacts() of the pasted token
 */
export function renderPolicyPane(root, p, token) {
  const part = (name) => /** @type {HTMLElement} */ (root.querySelector(`[data-part="${name}"]`));
  const { form } = p;

  renderFromToken(part("from-token"), p, token);

  // Simple fields.
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (root.querySelectorAll("[data-field]"))) {
    const field = el.dataset.field ?? "";
    if (field.startsWith("subjects.")) continue;
    const value = field.startsWith("pins.") ? form.pins[field.slice(5)] ?? "" : String(form[field] ?? "");
    if (field === "maxSessionDuration") ensureOption(/** @type {any} */ (el), value, `${value} seconds`);
    syncControl(el, value);
  }

  // Subject rows: rebuilt when their shape changes, values synced always.
  const components = [...new Set(parseComponents(form.components).filter((c) => COMPONENTS.includes(c)))];
  const rows = part("subjects");
  renderIfChanged(rows, JSON.stringify([components, form.subjects.length]), () =>
    form.subjects.map((_, i) => subjectRow(i, components, form.subjects.length)),
  );
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (rows.querySelectorAll("[data-field]"))) {
    const [, i, c] = (el.dataset.field ?? "").split(".");
    syncControl(el, form.subjects[Number(i)]?.[c] ?? "");
  }

  const gitlabCom = isGitlabCom(form.issuer);
  setHidden(part("pins"), !gitlabCom);
  setHidden(part("pins-off"), gitlabCom);

  // Errors next to their fields, and the pane-wide state.
  renderFieldErrors(root, p.error, formKeyOf(p.error, { subClaimComponents: "components" }));

  renderNeeds(part("policy-needs-card"), p);
  renderErrorBox(part("policy-error"), p.error, "Cannot build the policy");
  setHidden(part("policy-results"), !p.result);
  const status = part("policy-status");
  const statusText = p.result
    ? `Trust policy ready for ${p.result.roleArn}. Findings: ${countBySeverity(p.result.findings)}.`
    : p.error
      ? `Cannot build the policy: ${p.error.code}.`
      : "";
  setText(status, statusText);
  if (!p.result) return;

  const r = p.result;
  renderIfChanged(part("policy-summary"), JSON.stringify([r.roleArn, r.providerArn, r.audience, r.subjects, r.issuer]), () =>
    summary(r),
  );
  renderIfChanged(part("policy-findings-list"), JSON.stringify(r.findings), () =>
    findingItems(r.findings, { testid: "policy-finding" }, "No findings: the policy admits only what the form says."),
  );
  patch(part("policy-findings-count"), countBySeverity(r.findings));
  renderFiles(part("policy-files"), {
    id: "policy",
    label: "Policy formats",
    files: FORMATS.map((f) => ({ ...f, text: r.formats[f.key] })),
    selected: p.tab,
    onSelect: (key) => handlersOf.get(root)?.selectTab(key),
  });
}

/**
 * @param {HTMLElement} card
 * @param {PolicyPaneState} p
 * @param {TokenFacts | null} token
 */
function renderFromToken(card, p, token) {
  setHidden(card, !token);
  if (!token) return;
  const part = (name) => /** @type {HTMLElement} */ (card.querySelector(`[data-part="${name}"]`));
  const from = p.fromToken;
  const usable = from && "form" in from;
  const { gitlabCom, sub, refType, ref } = token;

  const status = () => {
    if (!from) return [];
    if ("error" in from) return [h("span", { class: "field-error", dataset: { testid: "from-token-error" } }, h("code", { text: from.error.code }), " — ", from.error.message)];
    if (p.followsToken) return ["The form is filled from the pasted token, for ", h("code", { class: "wrap", text: sub }), "."];
    return [
      h("strong", { text: "The form differs from the pasted token" }),
      p.origin === "link" ? " (it came with the link)." : " (you edited it).",
      " Fill it from the token to start over.",
    ];
  };
  const error = from && "error" in from ? from.error : null;
  renderIfChanged(part("from-token-status"), JSON.stringify([Boolean(from), error, p.followsToken, p.origin, sub]), status);
  const note = usable ? from.note : null;
  patch(part("from-token-note"), note ?? "");
  setHidden(part("from-token-note"), !note);

  // Also when the core refused one of them (refScope without ref_type in sub): the way back is here.
  setHidden(part("token-options"), !usable && !error?.field);
  const thisRef = part("this-ref-label");
  const label = refType && ref ? `Only this ${refType === "tag" ? "tag" : refType === "branch" ? "branch" : "ref"}: ${ref}` : "Only this ref";
  setText(thisRef, label);
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (card.querySelectorAll("[data-option]"))) {
    const name = el.dataset.option ?? "";
    if (name === "refScope") syncControl(el, p.options.refScope);
    else if (name === "protectedOnly") syncControl(el, p.options.protectedOnly ?? token.refProtected);
    else syncControl(el, p.options[name]);
  }
  setHidden(part("token-pins"), !gitlabCom);
  const idNote = (name, value) => {
    const el = part(name);
    const text = typeof value === "string" || typeof value === "number" ? `(${value})` : "(not in the token)";
    setText(el, text);
  };
  idNote("project-id-note", token.projectId);
  idNote("namespace-id-note", token.namespaceId);
  // Offered only when it would change something.
  setHidden(part("fill-actions"), !usable || p.followsToken);
}

function subjectRow(i, components, count) {
  const n = i + 1;
  const id = (c) => `policy-sub-${i}-${c}`;
  return h(
    "fieldset",
    { class: "subject-card", dataset: { testid: "subject-row", index: String(i) } },
    h("legend", { class: "subject-legend", text: `Subject ${n}` }),
    h(
      "div",
      { class: "subject-fields" },
      components.map((c) =>
        h(
          "div",
          { class: "field field-compact" },
          h("label", { for: id(c) }, h("code", { text: c })),
          h("input", {
            id: id(c),
            type: "text",
            class: "input",
            autocomplete: "off",
            autocapitalize: "off",
            spellcheck: "false",
            required: true,
            placeholder: PLACEHOLDER[c] ?? "",
            "aria-describedby": `policy-sub-${i}-error`,
            dataset: { field: `subjects.${i}.${c}`, focusKey: `sub-${i}-${c}`, testid: `subject-${c}` },
          }),
        ),
      ),
    ),
    h("p", { class: "field-error", id: `policy-sub-${i}-error`, hidden: true, dataset: { errorFor: `subjects.${i}` } }),
    count > 1
      ? h(
          "div",
          { class: "row-actions" },
          h("button", {
            type: "button",
            class: "btn btn-quiet btn-small",
            dataset: { action: "remove-subject", index: String(i), focusKey: `remove-${i}` },
            "aria-label": `Remove subject ${n}`,
            text: "Remove",
          }),
        )
      : null,
  );
}

function renderNeeds(el, p) {
  renderNeedsCard(el, p, {
    intro: "To build the policy, fill in:",
    inputIdOf,
    key: Boolean(p.fromToken),
    note: p.fromToken
      ? null
      : h("p", {
          class: "card-note",
          text: "Paste a token in step 1 and the subject, issuer, audience and gitlab.com pins fill themselves in; only the account ID is yours to add.",
        }),
  });
}

/** The id of the input for a field key (labels in the "fill in" list point at it). */
function inputIdOf(field) {
  if (field.startsWith("subjects.")) {
    const [, i, c] = field.split(".");
    return `policy-sub-${i}-${c}`;
  }
  return "policy-account"; // the only other field specOf can find missing: accountId
}


function summary(r) {
  const item = (label, value, testid) =>
    h("div", { class: "kv-row" }, h("dt", { text: label }), h("dd", null, h("code", { class: "wrap", dataset: { testid }, text: value })));
  return [
    h(
      "dl",
      { class: "kv" },
      item("Role ARN", r.roleArn, "policy-role-arn"),
      item("Provider", r.providerArn, "policy-provider-arn"),
      item("Audience", r.audience, "policy-audience"),
      h(
        "div",
        { class: "kv-row" },
        h("dt", { text: r.subjects.length === 1 ? "Subject" : "Subjects" }),
        h("dd", null, h("ul", { class: "plain-list" }, r.subjects.map((s) => h("li", null, h("code", { class: "wrap", text: s }))))),
      ),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "btn", dataset: { action: "check-policy", testid: "check-this-policy" }, text: "Check this policy →" }),
      h("button", { type: "button", class: "btn", dataset: { action: "go", pane: "pipeline", testid: "to-pipeline" }, text: "Pipeline job →" }),
    ),
  ];
}

/** Adds `value` to a <select> when no option has it (e.g. a duration from a link). */
function ensureOption(select, value, label) {
  if (!(select instanceof HTMLSelectElement) || !value) return;
  if ([...select.options].some((o) => o.value === value)) return;
  select.append(h("option", { value, text: label }));
}
