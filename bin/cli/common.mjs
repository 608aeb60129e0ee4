// What every command shares: the core, reading inputs, writing outputs, colour, errors.
// A shell only: every decision about tokens, policies and pipelines is the core's.
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as glue from "../../gitlab_aws_oidc.js";

let loaded = null;
/** The package's main module (every export), instantiated once, synchronously, from the .wasm next to it. */
export function core() {
  if (!loaded) {
    glue.initSync({ module: readFileSync(new URL("../../gitlab_aws_oidc_bg.wasm", import.meta.url)) });
    loaded = glue;
  }
  return loaded;
}

/** Exit statuses, as every command documents them. */
export const EXIT = { ok: 0, findings: 1, unusable: 2 };

/**
 * An input the command cannot use, or a usage mistake: exit 2, printed with its code. `file` is
 * the path the error is about; `line`, `column` and `field` come from the core's error.
 */
export class CliError extends Error {
  constructor(code, message, { file, line, column, field } = {}) {
    super(message);
    this.name = "CliError";
    this.code = code;
    if (file !== undefined) this.file = file;
    if (line !== undefined) this.line = line;
    if (column !== undefined) this.column = column;
    if (field !== undefined) this.field = field;
  }
}

/** Runs a core call; its coded error becomes a CliError about `file` (when given). */
export function call(fn, file) {
  try {
    return fn();
  } catch (error) {
    throw asCliError(error, file);
  }
}

/** The CliError for anything thrown: the core's coded errors keep their code and position. */
export function asCliError(error, file) {
  if (error instanceof CliError) {
    if (file !== undefined && error.file === undefined) error.file = file;
    return error;
  }
  if (error && typeof error === "object" && error.name === "GitlabAwsOidcError") {
    return new CliError(error.code, error.message, { file, line: error.line, column: error.column, field: error.field });
  }
  return error;
}

// ---------------------------------------------------------------------------
// secrets: nothing the command writes may hold a token it was given
// ---------------------------------------------------------------------------

/** The segments (and whole text) of every token read, longest first. */
const secrets = [];
const MASK = "[token masked]";

/**
 * Remembers a token so that no output can carry it: the whole text and each of its
 * `.`-separated parts (header, payload, signature) of 8 characters or more. The core never
 * prints them; this is the net under that promise, for every line the command writes.
 */
function secret(token) {
  // Each `.`-separated part, and each line of a part (a token wrapped across lines).
  const parts = [token.trim(), ...token.trim().split("."), ...token.trim().split(/[.\s]+/)].filter((part) => part.length >= 8);
  for (const part of parts) if (!secrets.includes(part)) secrets.push(part);
  secrets.sort((a, b) => b.length - a.length);
  return token;
}

/**
 * Remembers every argument that may be a token given where a file, a variable's name or a
 * command belongs, so that it never comes back in a message: one with the shape of a token
 * (the core decides; valid or broken), or longer than any path or name (GitLab's tokens are a
 * kilobyte or more), unless it names an existing file.
 */
export function guardArguments(argv) {
  for (const arg of argv) {
    const value = arg.startsWith("--") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg;
    if (value.length < 24 || existsSync(value)) continue;
    if (value.length > 200 || core().isTokenShaped(value)) secret(value);
  }
}

/** Text with every remembered token part replaced. */
export function scrub(text) {
  let out = text;
  for (const part of secrets) if (out.includes(part)) out = out.split(part).join(MASK);
  return out;
}

// ---------------------------------------------------------------------------
// input
// ---------------------------------------------------------------------------

let stdinText = null;
/** Standard input, read once (a second `-` gets the same text). */
function readStdin() {
  if (stdinText === null) {
    try {
      stdinText = readFileSync(0, "utf8");
    } catch (error) {
      // EAGAIN: a non-blocking terminal with nothing typed; EOF otherwise reads as "".
      if (error.code === "EAGAIN") stdinText = "";
      else throw new CliError("stdin.read", `cannot read standard input: ${error.code ?? error.message}`);
    }
  }
  return stdinText;
}

/** A file's text, or standard input's for `-`. Missing and unreadable files are exit 2. */
export function readText(path, what = "file") {
  if (path === "-") return readStdin();
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") throw new CliError("file.missing", `${what} ${path} does not exist`, { file: path });
    if (error.code === "EISDIR") throw new CliError("file.directory", `${what} ${path} is a directory; expected a file`, { file: path });
    throw new CliError("file.read", `cannot read ${what} ${path}: ${error.code ?? error.message}`, { file: path });
  }
}

/**
 * The token from exactly one source: a TOKEN argument, `-` (standard input) or `--token-env VAR`.
 * The variable is checked by the core first (removed CI_JOB_JWT* variables, empty values).
 * Returns `{ token, source }`; `source` names where it came from, never the token.
 */
export function readToken(positional, tokenEnv, { required = true } = {}) {
  const given = [positional !== undefined && "a TOKEN argument" + (positional === "-" ? " (-)" : ""), tokenEnv !== undefined && "--token-env"].filter(Boolean);
  if (given.length > 1) throw new CliError("usage", `give the token once: ${given.join(" or ")}, not both`);
  if (tokenEnv !== undefined) {
    const value = process.env[tokenEnv];
    call(() => core().checkTokenVariable(tokenEnv, value));
    return { token: secret(value), source: `$${tokenEnv}` };
  }
  if (positional === "-") return { token: secret(readStdin()), source: "standard input" };
  if (positional !== undefined) return { token: secret(positional), source: "the argument" };
  if (!required) return null;
  throw new CliError("usage", "no token: give TOKEN, - to read it from standard input, or --token-env VAR (in a job: --token-env GITLAB_OIDC_TOKEN)");
}

/** A JSON object from a file (`what`: "claims", "spec" or "snippet"), parsed by the core. */
export function readJsonFile(path, what) {
  const text = readText(path, `${what} file`);
  return call(() => core().readJsonFile(text, what), path);
}

/** Parses a comma-separated list option (`--client-ids a,b`); empty items are refused. */
export function list(value, option) {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new CliError("usage", `${option} takes a comma-separated list without empty items; got ${JSON.stringify(value)}`);
  return items;
}

/** Parses a whole number of seconds (`--now`). */
export function seconds(value, option) {
  if (value === undefined) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new CliError("usage", `${option} takes seconds since 1970 (e.g. ${Math.floor(Date.now() / 1000)}); got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Parses a positive whole number option. */
export function integer(value, option) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError("usage", `${option} takes a whole number; got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Checks a value against its allowed choices. */
export function choice(value, choices, option) {
  if (value !== undefined && !choices.includes(value)) {
    throw new CliError("usage", `${option} takes ${choices.join(", ")}; got ${JSON.stringify(value)}`);
  }
  return value;
}

// ---------------------------------------------------------------------------
// output
// ---------------------------------------------------------------------------

/**
 * Writes the result: to `--output FILE` (whole or not at all: a temporary file renamed into
 * place) or to standard output.
 */
export function emit(text, output) {
  text = scrub(text);
  if (output === undefined || output === "-") {
    writeAll(1, text);
    return;
  }
  const temporary = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, "w");
    try {
      writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, output);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new CliError("output.write", `cannot write ${output}: ${error.code ?? error.message}`, { file: output });
  }
}

/** Writes every byte, also to a pipe that takes them in parts. */
function writeAll(fd, text) {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if (error.code === "EAGAIN") continue;
      if (error.code === "EPIPE") return;
      throw error;
    }
  }
}

/** Writes a line to standard error. */
export function note(text) {
  const line = scrub(text);
  writeAll(2, line.endsWith("\n") ? line : `${line}\n`);
}

/** JSON as the command prints it: two-space indent, a final newline. */
export function json(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Colour for a stream: only on a terminal, never with NO_COLOR set to anything non-empty
 * (https://no-color.org) or TERM=dumb.
 */
export function colourFor(stream) {
  const on = Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  const wrap = (open, close) => (text) => (on ? `\u001b[${open}m${text}\u001b[${close}m` : String(text));
  return {
    on,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

// ---------------------------------------------------------------------------
// findings and --fail-on
// ---------------------------------------------------------------------------

export const FAIL_ON = ["error", "warning", "info", "none"];
const RANK = { error: 3, warning: 2, info: 1 };

/** Whether any finding is at or above the threshold (`none`: never). */
export function failsOn(findings, threshold) {
  if (threshold === "none") return false;
  return findings.some((f) => RANK[f.severity] >= RANK[threshold]);
}

/** Findings as text lines, errors first as the core orders them. */
export function findingLines(findings, c, indent = "  ") {
  const paint = { error: c.red, warning: c.yellow, info: c.cyan };
  const lines = [];
  for (const f of findings) {
    const where = [f.claim && `claim ${f.claim}`, f.path].filter(Boolean).join(", ");
    lines.push(`${indent}${paint[f.severity](f.severity)} ${c.bold(f.code)} ${f.message}${where ? c.dim(` (${where})`) : ""}`);
    if (f.why) lines.push(`${indent}  ${c.dim(f.why)}`);
  }
  return lines;
}
