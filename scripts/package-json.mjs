// Prints pkg/package.json for the npm package, from Cargo.toml's metadata.
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const field = (name) => {
  const match = cargo.match(new RegExp(`^${name} = "([^"]*)"`, "m"));
  if (!match) throw new Error(`Cargo.toml has no ${name}`);
  return match[1];
};

const pkg = {
  name: "gitlab-aws-oidc",
  version: field("version"),
  description: field("description"),
  license: field("license"),
  type: "module",
  main: "./gitlab_aws_oidc.js",
  module: "./gitlab_aws_oidc.js",
  types: "./gitlab_aws_oidc.d.ts",
  exports: {
    ".": { types: "./gitlab_aws_oidc.d.ts", default: "./gitlab_aws_oidc.js" },
    "./gitlab_aws_oidc_bg.wasm": "./gitlab_aws_oidc_bg.wasm",
    "./package.json": "./package.json",
  },
  files: [
    "gitlab_aws_oidc.js",
    "gitlab_aws_oidc.d.ts",
    "gitlab_aws_oidc_bg.wasm",
    "gitlab_aws_oidc_bg.wasm.d.ts",
    "snippets/",
    "README.md",
  ],
  sideEffects: ["./gitlab_aws_oidc.js"],
  engines: { node: ">=20" },
  keywords: ["gitlab", "aws", "oidc", "jwt", "iam", "trust-policy", "wasm"],
};
process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
