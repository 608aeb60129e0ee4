#!/usr/bin/env node
// gitlab-aws-oidc: GitLab CI ID tokens and AWS trust policies, offline, in a terminal or a job.
// Exit status: 0 ok; 1 findings at or above --fail-on, denied, undecided or new access; 2 usage
// or unusable input (the error's code is printed). See `gitlab-aws-oidc --help`.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { CliError, EXIT, asCliError, colourFor, core, guardArguments, json, note, scrub } from "./cli/common.mjs";
import { COMMANDS } from "./cli/commands.mjs";

const NAME = "gitlab-aws-oidc";

function version() {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
}

function mainHelp() {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return `${NAME} ${version()}: GitLab CI ID tokens and AWS trust policies, offline (no network).

Usage: ${NAME} <command> [options]
       ${NAME} <command> --help

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join("\n")}

Exit status: 0 ok; 1 findings at or above --fail-on, denied, undecided or new access;
2 usage or unusable input (the error's code is printed, e.g. error[token.payload.json]).
Output: text with colour on a terminal only (NO_COLOR turns it off); --format json for scripts.
No command ever prints a token given to it, nor any of its three segments.

Example (in a GitLab job with id_tokens: GITLAB_OIDC_TOKEN: aud: sts.amazonaws.com):
  npx --yes ${NAME}@${version()} inspect --token-env GITLAB_OIDC_TOKEN
`;
}

/** `--format json` as written anywhere in argv, so that even a usage error answers in JSON. */
function wantsJson(argv) {
  return argv.some((arg, i) => arg === "--format=json" || (arg === "--format" && argv[i + 1] === "json"));
}

/** Prints an error: text on standard error, or `{ error }` on standard output with --format json. */
function report(error, asJson, command) {
  const known = asCliError(error);
  if (!(known instanceof CliError)) {
    // A bug, not an input: say so without a stack full of paths, and still never the token.
    note(`${NAME}: internal error (a bug in gitlab-aws-oidc, not in your input; please report it): ${known?.message ?? known}`);
    return 70;
  }
  // The tokens the command knows of first (whole, so a wrapped one goes whole), then anything
  // else shaped like a secret, as the diagnosis masks a pasted log.
  const mask = (text) => {
    try {
      return core().maskSecrets(scrub(text));
    } catch {
      return scrub(text); // the core could not load: the message is the command's own
    }
  };
  const message = mask(known.message);
  const file = known.file === undefined ? undefined : mask(known.file);
  if (asJson) {
    const body = { code: known.code, message };
    for (const key of ["field", "line", "column"]) if (known[key] !== undefined) body[key] = known[key];
    if (file !== undefined) body.file = file;
    process.stdout.write(scrub(json({ error: body })));
  } else {
    const c = colourFor(process.stderr);
    const where = file === undefined ? "" : `${file}${known.line !== undefined ? `:${known.line}:${known.column}` : ""}: `;
    const field = known.field !== undefined ? ` (field ${known.field})` : "";
    note(`${NAME}${command ? ` ${command}` : ""}: ${where}${c.red("error")}[${c.bold(known.code)}]: ${message}${field}`);
    if (known.code === "usage") note(`Run '${NAME}${command ? ` ${command}` : ""} --help' for the options and an example.`);
  }
  return EXIT.unusable;
}

function main(argv) {
  const asJson = wantsJson(argv);
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) {
      process.stdout.write(COMMANDS[topic].help);
      return EXIT.ok;
    }
    if (topic !== undefined) return report(new CliError("usage", `unknown command ${JSON.stringify(topic)}; the commands are ${Object.keys(COMMANDS).join(", ")}`), asJson);
    if (name === undefined) {
      process.stderr.write(mainHelp());
      return EXIT.unusable;
    }
    process.stdout.write(mainHelp());
    return EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  // Before anything can be echoed: a token given in the wrong place is never written back.
  try {
    guardArguments(argv);
  } catch (error) {
    return report(error, asJson);
  }
  const command = COMMANDS[name];
  if (!command) {
    return report(new CliError("usage", `unknown command ${JSON.stringify(name)}; the commands are ${Object.keys(COMMANDS).join(", ")}`), asJson);
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.help);
    return EXIT.ok;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    return report(new CliError("usage", error.message.replace(/\. To specify a positional argument.*$/s, "")), asJson, name);
  }
  try {
    return command.run(parsed.values, parsed.positionals);
  } catch (error) {
    return report(error, asJson, name);
  }
}

process.exitCode = main(process.argv.slice(2));
