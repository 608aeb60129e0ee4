// The documentation playground (embed.html): how a docs site renders a live
// trust policy with the package. This is the whole integration; a docs site
// imports "gitlab-aws-oidc" instead of the page's copy in ./pkg/.

import init, { trustPolicy } from "./pkg/gitlab_aws_oidc.js";

const field = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const output = /** @type {HTMLElement} */ (document.getElementById("playground-policy"));
const error = /** @type {HTMLElement} */ (document.getElementById("playground-error"));

function render() {
  try {
    const { policy } = trustPolicy({
      accountId: field("playground-account").value.trim(),
      subjects: [{ project_path: field("playground-project").value.trim(), ref_type: "branch", ref: field("playground-branch").value.trim() }],
    });
    output.textContent = policy; // text, never HTML
    error.textContent = "";
  } catch (e) {
    output.textContent = "";
    error.textContent = `${e.code}: ${e.message}`; // e.g. spec.account_id: accountId "12" is not …
  }
}

await init(); // fetches ./pkg/gitlab_aws_oidc_bg.wasm next to the module
document.getElementById("playground")?.addEventListener("input", render);
render();
document.documentElement.dataset.decoder = "ready"; // for tests/e2e: the playground is live
