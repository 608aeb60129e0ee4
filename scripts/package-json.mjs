// Prints pkg/package.json for the npm package, from Cargo.toml's metadata.
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const optional = (name) => cargo.match(new RegExp(`^${name} = "([^"]*)"`, "m"))?.[1];
const field = (name) => {
  const value = optional(name);
  if (value === undefined) throw new Error(`Cargo.toml has no ${name}`);
  return value;
};

/**
 * repository, homepage and bugs, only where Cargo.toml says where the project lives (its `repository` and
 * `homepage`): none is guessed. bugs is the repository's issue tracker on GitHub and GitLab hosts.
 */
function whereItLives() {
  const repository = optional("repository")?.replace(/\.git$/, "").replace(/\/$/, "");
  const homepage = optional("homepage");
  const out = {};
  if (repository) {
    out.repository = { type: "git", url: `git+${repository}.git` };
    const host = new URL(repository).hostname;
    if (host === "github.com") out.bugs = { url: `${repository}/issues` };
    else if (host === "gitlab.com" || host.startsWith("gitlab.")) out.bugs = { url: `${repository}/-/issues` };
  }
  if (homepage) out.homepage = homepage;
  else if (repository) out.homepage = `${repository}#readme`;
  return out;
}

/** The modules scripts/build.sh writes: every export, then the inspector and the tools. */
const MODULES = ["gitlab_aws_oidc", "gitlab_aws_oidc_inspector", "gitlab_aws_oidc_tools"];

const pkg = {
  name: "gitlab-aws-oidc",
  version: field("version"),
  description: field("description"),
  license: field("license"),
  ...whereItLives(),
  type: "module",
  main: "./gitlab_aws_oidc.js",
  module: "./gitlab_aws_oidc.js",
  types: "./gitlab_aws_oidc.d.ts",
  // "." has every export in one module. "./inspector" (inspectToken, verifyToken, checkKeys) and
  // "./tools" (the rest) are the same core in two smaller modules, for code that needs only one part
  // (the page loads the inspector first and the tools later); each has its own init().
  exports: {
    ".": { types: "./gitlab_aws_oidc.d.ts", default: "./gitlab_aws_oidc.js" },
    ...Object.fromEntries(
      MODULES.slice(1).map((name) => [`./${name.replace("gitlab_aws_oidc_", "")}`, { types: `./${name}.d.ts`, default: `./${name}.js` }]),
    ),
    ...Object.fromEntries(MODULES.map((name) => [`./${name}_bg.wasm`, `./${name}_bg.wasm`])),
    "./package.json": "./package.json",
  },
  // The command: bin/gitlab-aws-oidc.mjs and the modules beside it (copied from the repo's bin/).
  bin: { "gitlab-aws-oidc": "./bin/gitlab-aws-oidc.mjs" },
  files: [...MODULES.flatMap((name) => [`${name}.js`, `${name}.d.ts`, `${name}_bg.wasm`, `${name}_bg.wasm.d.ts`]), "snippets/", "bin/", "README.md", "LICENSE-MIT", "LICENSE-APACHE"],
  sideEffects: MODULES.map((name) => `./${name}.js`),
  engines: { node: ">=20" },
  keywords: ["gitlab", "aws", "oidc", "jwt", "iam", "trust-policy", "wasm"],
};
process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
