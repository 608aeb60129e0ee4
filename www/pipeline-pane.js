// The pipeline pane: the .gitlab-ci.yml job (and its companion files) for
// the role and audience of the trust policy pane, a tab per kind of job, each
// file with Copy and Download; findings from the core's ciSnippet(), which
// checks the job against the trust policy (step 2's, or the text pasted in
// step 3, handed over as it is: the core reads it) and, when one is pasted, an
// existing job to migrate from.
//
// Contract of the data: src/wasm/types.d.ts (CiSnippetSpec, CiSnippet).

import { formKeyOf, h, patch, renderErrorBox, renderFieldErrors, renderNeedsCard, renderIfChanged, setAttr, setHidden, setText, syncControl } from "./dom.js";
import { countBySeverity, findingItems } from "./findings.js";
import { renderFiles } from "./outputs.js";
import { syncTabs, wireTabs } from "./tabs.js";

export const KINDS = ["assume-role", "multi-role", "web-identity-file", "codebuild-publish", "component"];

/**
 * The pipeline form: every value a string, as typed; empty means the core's default.
 * @typedef {object} PipelineForm
 * @property {string} kind one of KINDS
 * @property {string} roleArn used when it does not follow the policy pane
 * @property {string} audience used when it does not follow the policy pane
 * @property {string} region
 * @property {string} durationSeconds
 * @property {string} tokenVariable
 * @property {string} stage
 * @property {string} environment
 * @property {string} when "", protected, default-branch, tags or always
 * @property {string} branch
 * @property {{ project: string, bucket: string, ecrRepository: string }} codebuild
 * @property {{ profile: string, roleArn: string }[]} roles
 * @property {string} component
 */

/** @returns {PipelineForm} */
export function defaultPipelineForm() {
  return {
    kind: "assume-role",
    roleArn: "",
    audience: "",
    region: "",
    durationSeconds: "",
    tokenVariable: "",
    stage: "",
    environment: "",
    when: "",
    branch: "",
    codebuild: { project: "", bucket: "", ecrRepository: "" },
    roles: [
      { profile: "", roleArn: "" },
      { profile: "", roleArn: "" },
    ],
    component: "",
  };
}

/**
 * What the pipeline pane renders from (a slice of app.js's state).
 * @typedef {object} PipelinePaneState
 * @property {PipelineForm} form
 * @property {{ roleArn: boolean, audience: boolean }} follows whether role ARN / audience come from the policy pane
 * @property {string} existingJob pasted legacy job (never in the URL)
 * @property {"generated" | "pasted"} against the policy the job is checked against: step 2's, or the text
 *   pasted in step 3 while there is one (never in the URL)
 * @property {string} tab the selected output file
 * @property {import("./pkg/gitlab_aws_oidc.js").CiSnippet | null} result
 * @property {import("./dom.js").PageError | null} error
 * @property {{ field: string, label: string }[]} missing
 */

/**
 * The role ARN and audience the job uses: the policy pane's while they follow it.
 * @param {PipelinePaneState} p
 * @param {import("./pkg/gitlab_aws_oidc.js").TrustPolicyResult | null} policy
 */
export function effective(p, policy) {
  return {
    roleArn: p.follows.roleArn ? (policy?.roleArn ?? "") : p.form.roleArn,
    audience: p.follows.audience ? (policy?.audience ?? "") : p.form.audience,
  };
}

/**
 * The core's spec for the form, and what is still to fill in.
 * @param {PipelinePaneState} p
 * @param {import("./pkg/gitlab_aws_oidc.js").TrustPolicyResult | null} policy the policy pane's result
 * @param {string | null} jobIssuer the pasted token's iss (the instance the job runs on), if any
 * @param {string | null} pasted the policy text pasted in step 3, if any
 */
export function specOf(p, policy, jobIssuer, pasted = null) {
  const { form } = p;
  const { roleArn, audience } = effective(p, policy);
  const t = (s) => (s ?? "").trim();
  const opt = (s) => t(s) || undefined;
  const missing = [];
  /** @type {import("./pkg/gitlab_aws_oidc.js").CiSnippetSpec} */
  const spec = {
    kind: /** @type {any} */ (form.kind),
    audience: opt(audience),
    region: opt(form.region),
    durationSeconds: t(form.durationSeconds) ? Number(t(form.durationSeconds)) : undefined,
    tokenVariable: opt(form.tokenVariable),
    stage: opt(form.stage),
    environment: opt(form.environment),
    when: /** @type {any} */ (opt(form.when)),
    branch: opt(form.branch),
  };
  if (form.kind === "multi-role") {
    spec.roles = form.roles.map((r) => ({ profile: t(r.profile), roleArn: t(r.roleArn) }));
    form.roles.forEach((r, i) => {
      if (!t(r.profile)) missing.push({ field: `roles.${i}.profile`, label: `the profile name of role ${i + 1}` });
      if (!t(r.roleArn)) missing.push({ field: `roles.${i}.roleArn`, label: `the ARN of role ${i + 1}` });
    });
  } else {
    spec.roleArn = t(roleArn);
    if (!spec.roleArn) missing.push({ field: "roleArn", label: "the role ARN (or build the policy in step 2)" });
  }
  if (form.kind === "codebuild-publish") {
    const cb = form.codebuild;
    spec.codebuild = { project: t(cb.project), bucket: t(cb.bucket), ecrRepository: t(cb.ecrRepository) };
    if (!t(cb.project)) missing.push({ field: "codebuild.project", label: "the CodeBuild project" });
    if (!t(cb.bucket)) missing.push({ field: "codebuild.bucket", label: "the S3 bucket for the sources" });
    if (!t(cb.ecrRepository)) missing.push({ field: "codebuild.ecrRepository", label: "the ECR repository" });
  }
  if (form.kind === "component") spec.component = opt(form.component);
  if (jobIssuer || policy) spec.issuer = jobIssuer ?? policy?.issuer;
  // The pasted text goes to the core as it is: a document, a role or get-role output, the core decides.
  if (p.against === "pasted" && pasted) spec.policy = pasted;
  else if (policy) spec.policy = { audience: policy.audience, providerArn: policy.providerArn, subjects: policy.subjects };
  if (t(p.existingJob)) spec.existingJob = p.existingJob;
  return { spec, missing };
}

const FILE_NOTES = {
  "buildspec.yml": "The CodeBuild project's buildspec: builds the image and pushes it to ECR.",
  "job-role-policy.json": "The permissions policy of the job's role: start and follow this build, upload its sources.",
  "codebuild-service-role-policy.json": "The permissions policy of the CodeBuild project's own service role.",
};

/**
 * Wires the pane's inputs once.
 * @param {HTMLElement} root
 * @param {{
 *   setField: (field: string, value: string) => void,
 *   setKind: (kind: string) => void,
 *   addRole: () => void,
 *   removeRole: (index: number) => void,
 *   follow: (field: "roleArn" | "audience") => void,
 *   checkAgainst: (which: "generated" | "pasted") => void,
 *   setExistingJob: (text: string) => void,
 *   selectTab: (key: string) => void,
 *   goTo: (pane: string) => void,
 * }} handlers
 */
export function wirePipelinePane(root, handlers) {
  const onInput = (event) => {
    const el = /** @type {HTMLInputElement} */ (event.target);
    if (el.dataset.field) handlers.setField(el.dataset.field, el.value);
    else if (el.id === "pipeline-existing") handlers.setExistingJob(el.value);
  };
  root.addEventListener("input", onInput);
  root.addEventListener("change", onInput);
  root.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button[data-action]");
    if (!button) return;
    const { action, index, field, pane } = /** @type {HTMLButtonElement} */ (button).dataset;
    if (action === "add-role") handlers.addRole();
    else if (action === "remove-role") handlers.removeRole(Number(index));
    else if (action === "follow" && (field === "roleArn" || field === "audience")) handlers.follow(field);
    else if (action === "against") handlers.checkAgainst(/** @type {HTMLButtonElement} */ (button).dataset.against === "pasted" ? "pasted" : "generated");
    else if (action === "go" && pane) handlers.goTo(pane);
    else if (action === "focus") document.getElementById(/** @type {HTMLElement} */ (button).dataset.target ?? "")?.focus();
  });
  wireTabs(/** @type {HTMLElement} */ (root.querySelector('[data-part="kinds"]')), handlers.setKind);
  handlersOf.set(root, handlers);
}

const handlersOf = new WeakMap();

/**
 * Renders the pane.
 * @param {HTMLElement} root the `<section data-pane="pipeline">`
 * @param {PipelinePaneState} p
 * @param {import("./pkg/gitlab_aws_oidc.js").TrustPolicyResult | null} policy the policy pane's result
 * @param {boolean} pasted whether step 3 holds a pasted policy
 */
export function renderPipelinePane(root, p, policy, pasted) {
  const part = (name) => /** @type {HTMLElement} */ (root.querySelector(`[data-part="${name}"]`));
  const { form } = p;
  const kinds = part("kinds");
  syncTabs(kinds, form.kind);
  const body = part("pipeline-body");
  setAttr(body, "aria-labelledby", `kind-tab-${form.kind}`);
  setAttr(body, "data-kind", form.kind);
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-kinds]"))) {
    setHidden(el, !(el.dataset.kinds ?? "").split(" ").includes(form.kind));
  }
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-not-kinds]"))) {
    setHidden(el, (el.dataset.notKinds ?? "").split(" ").includes(form.kind));
  }

  const eff = effective(p, policy);
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (root.querySelectorAll("[data-field]"))) {
    const field = el.dataset.field ?? "";
    if (field.startsWith("roles.")) continue;
    let value;
    if (field === "roleArn") value = eff.roleArn;
    else if (field === "audience") value = eff.audience;
    else if (field.startsWith("codebuild.")) value = form.codebuild[field.slice(10)] ?? "";
    else value = String(form[field] ?? "");
    syncControl(el, value);
  }
  syncControl(/** @type {HTMLTextAreaElement} */ (root.querySelector("#pipeline-existing")), p.existingJob);
  renderSource(part("role-source"), "roleArn", p.follows.roleArn, policy?.roleArn);
  renderSource(part("audience-source"), "audience", p.follows.audience, policy?.audience);

  const rows = part("roles");
  renderIfChanged(rows, String(form.roles.length), () => form.roles.map((_, i) => roleRow(i, form.roles.length)));
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (rows.querySelectorAll("[data-field]"))) {
    const [, i, key] = (el.dataset.field ?? "").split(".");
    syncControl(el, form.roles[Number(i)]?.[key] ?? "");
  }

  renderFieldErrors(root, p.error, formKeyOf(p.error));

  const policyNote = part("policy-link");
  const againstPasted = pasted && p.against === "pasted";
  renderIfChanged(policyNote, JSON.stringify([policy?.roleArn ?? null, pasted, againstPasted]), () =>
    policyNoteBody(policy, pasted, againstPasted),
  );

  renderNeeds(part("pipeline-needs"), p);
  renderErrorBox(part("pipeline-error"), p.error, "Cannot generate the job", (error) =>
    error.code === "snippet.policy"
      ? h("button", { type: "button", class: "btn btn-small", dataset: { action: "go", pane: "check" }, text: "Open the pasted policy in step 3" })
      : null,
  );
  setHidden(part("pipeline-results"), !p.result);
  const status = part("pipeline-status");
  const statusText = p.result
    ? `Job ready. Findings: ${countBySeverity(p.result.findings)}.`
    : p.error
      ? `Cannot generate the job: ${p.error.code}.`
      : "";
  setText(status, statusText);
  if (!p.result) return;
  const r = p.result;
  renderIfChanged(part("pipeline-findings"), JSON.stringify(r.findings), () =>
    findingItems(r.findings, { testid: "pipeline-finding" }),
  );
  patch(part("pipeline-findings-count"), countBySeverity(r.findings));
  const files = [
    {
      key: "yaml",
      name: ".gitlab-ci.yml",
      filename: ".gitlab-ci.yml",
      // Browsers save ".gitlab-ci.yml" as "gitlab-ci.yml" anyway; say so instead of surprising people.
      download: "gitlab-ci.yml",
      mime: "application/yaml",
      text: r.yaml,
      note: `${form.kind === "component" ? "Include the component from your project's .gitlab-ci.yml." : "Add this job to your project's .gitlab-ci.yml."} Download saves it as gitlab-ci.yml: browsers drop the leading dot.`,
    },
    ...Object.entries(r.files).map(([name, text]) => ({
      key: name,
      name,
      filename: name.split("/").pop() ?? name,
      mime: name.endsWith(".json") ? "application/json" : "application/yaml",
      text,
      note: FILE_NOTES[name] ?? (name.startsWith("templates/") ? `The component's template: ${name} in your component project.` : undefined),
    })),
  ];
  renderFiles(part("pipeline-files"), {
    id: "pipeline",
    label: "Pipeline files",
    files,
    selected: p.tab,
    onSelect: (key) => handlersOf.get(root)?.selectTab(key),
  });
}

/** Which trust policy the job is checked against, with a button to check it against the other one. */
function policyNoteBody(policy, pasted, againstPasted) {
  const against = (which, text) =>
    h("button", {
      type: "button",
      class: "btn btn-inline btn-link",
      dataset: { action: "against", against: which, focusKey: `against-${which}`, testid: `pipeline-against-${which}` },
      text,
    });
  const toStep2 = h("button", { type: "button", class: "btn btn-inline btn-link", dataset: { action: "go", pane: "policy" }, text: "build one in step 2" });
  if (againstPasted) {
    return [
      "Checked against the policy pasted in step 3.",
      ...(policy ? [" ", against("generated", "Check it against the policy from step 2 instead"), "."] : []),
    ];
  }
  if (policy) {
    return [
      "Checked against the trust policy from step 2 (",
      h("code", { class: "wrap", text: policy.roleArn }),
      ").",
      ...(pasted ? [" ", against("pasted", "Check it against the policy pasted in step 3 instead"), "."] : []),
    ];
  }
  if (pasted) {
    return ["Not checked against a trust policy yet: ", against("pasted", "check the job against the policy pasted in step 3"), ", or ", toStep2, "."];
  }
  return ["Not checked against a trust policy: ", toStep2, " and the job is checked against its audience, provider and subjects."];
}

function renderSource(el, field, follows, fromPolicy) {
  renderIfChanged(el, JSON.stringify([follows, fromPolicy ?? null]), () => {
    if (follows) return fromPolicy ? "From the trust policy in step 2." : "Filled in from step 2 once its policy is built; or type it.";
    return fromPolicy
      ? [
          "Edited. ",
          h("button", {
            type: "button",
            class: "btn btn-inline btn-link",
            dataset: { action: "follow", field, focusKey: `follow-${field}` },
            text: field === "roleArn" ? "Use the role from step 2" : "Use the audience from step 2",
          }),
        ]
      : "Typed here.";
  });
}

function roleRow(i, count) {
  const n = i + 1;
  const field = (key, label, placeholder) =>
    h(
      "div",
      { class: "field field-compact" },
      h("label", { for: `pipeline-role-${i}-${key}`, text: label }),
      h("input", {
        id: `pipeline-role-${i}-${key}`,
        type: "text",
        class: "input",
        autocomplete: "off",
        autocapitalize: "off",
        spellcheck: "false",
        placeholder,
        "aria-describedby": `pipeline-role-${i}-error`,
        dataset: { field: `roles.${i}.${key}`, focusKey: `role-${i}-${key}`, testid: `role-${key}` },
      }),
    );
  return h(
    "fieldset",
    { class: "subject-card", dataset: { testid: "role-row" } },
    h("legend", { class: "subject-legend", text: `Role ${n}` }),
    h(
      "div",
      { class: "role-fields" },
      field("profile", "AWS CLI profile", n === 1 ? "build" : "deploy-prod"),
      field("roleArn", "Role ARN", "arn:aws:iam::123456789012:role/…"),
    ),
    h("p", { class: "field-error", id: `pipeline-role-${i}-error`, hidden: true, dataset: { errorFor: `roles.${i}` } }),
    count > 2
      ? h(
          "div",
          { class: "row-actions" },
          h("button", {
            type: "button",
            class: "btn btn-quiet btn-small",
            dataset: { action: "remove-role", index: String(i), focusKey: `remove-role-${i}` },
            "aria-label": `Remove role ${n}`,
            text: "Remove",
          }),
        )
      : null,
  );
}

function renderNeeds(el, p) {
  renderNeedsCard(el, p, { intro: "To generate the job, fill in:", inputIdOf });
}

function inputIdOf(field) {
  if (field.startsWith("roles.")) {
    const [, i, key] = field.split(".");
    return `pipeline-role-${i}-${key}`;
  }
  return {
    roleArn: "pipeline-role-arn",
    "codebuild.project": "pipeline-cb-project",
    "codebuild.bucket": "pipeline-cb-bucket",
    "codebuild.ecrRepository": "pipeline-cb-ecr",
  }[field] ?? "pipeline-role-arn";
}

