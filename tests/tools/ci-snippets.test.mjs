// Every pipeline file ciSnippet generates, checked by independent tools:
// - the YAML strictly parsed as YAML 1.2 and as YAML 1.1 (what GitLab's Ruby parser
//   implements), every user value read back literally;
// - GitLab's CI schema (check-jsonschema --builtin-schema vendor.gitlab-ci, offline);
// - each job's before_script + script as GitLab Runner's bash runs them (errexit,
//   pipefail, one shell), with shellcheck;
// - the assume-role, multi-role, web-identity-file, component and codebuild-publish jobs
//   run for real in bash against a local fake AWS (moto on 127.0.0.1, made strict in
//   fake_aws.py), the pip AWS CLI pointed at it, fake CI variables and a minted ID token:
//   each ends in a successful `aws sts get-caller-identity` or a finished build, and a
//   failing STS call fails the job.
// Needs scripts/setup-tools.sh and scripts/build.sh first; fails (never skips) without them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import {
  ROOT,
  FIXTURE_TOKEN,
  buildContext,
  checkGitlabSchema,
  cleanup,
  documents,
  freePort,
  interpolate,
  jobEnvironment,
  jobsOf,
  jobVariables,
  loadGenerator,
  mintToken,
  outcome,
  parseYaml,
  requireTools,
  run,
  runnerScript,
  shellcheck,
  startFakeAws,
  tempDir,
  writeFiles,
} from "./lib.mjs";

requireTools();
const ciSnippet = await loadGenerator();

// Characters that mean something to YAML or a shell, in every field that allows them.
// (aud allows anything but whitespace, control characters and $; the name fields allow
// letters, digits, _ - . / and spaces; environment also $ { }.)
const HOSTILE_AUD = `sts'"\`#;|&<>(id)\\{}[]*?!~:,%@=+-x`;
const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const DEFAULT_STAGES = [".pre", "build", "test", "deploy", ".post"];
const DEFAULT_JOB = {
  "assume-role": "assume-role",
  component: "assume-role",
  "multi-role": "assume-roles",
  "web-identity-file": "aws-web-identity",
  "codebuild-publish": "publish-image",
};

const fixtureDir = join(ROOT, "tests/fixtures/ci");
const CASES = [
  ...readdirSync(fixtureDir)
    .filter((f) => f.endsWith(".spec.json"))
    .sort()
    .map((f) => ({ name: f.replace(/\.spec\.json$/, ""), fixture: true, spec: JSON.parse(readFileSync(join(fixtureDir, f), "utf8")) })),
  {
    name: "hostile-assume-role",
    spec: {
      kind: "assume-role",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/deploy/gitlab-ci+x=y,z.w@q_-`,
      audience: HOSTILE_AUD,
      region: "eu-west-3",
      durationSeconds: 900,
      tokenVariable: "MY_ID_TOKEN_1",
      stage: "deploy to / prod",
      jobName: "deploy to aws",
      tags: ["aws runner", "x.y"],
      environment: "review/${CI_COMMIT_REF_SLUG} {x}",
      when: "always",
    },
  },
  {
    name: "hostile-web-identity-file",
    spec: {
      kind: "web-identity-file",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/ci/terraform`,
      audience: HOSTILE_AUD,
      stage: "a.b-c_d",
      environment: "prod $X",
      branch: "release/1.0+build@x,y=z",
    },
  },
  {
    name: "hostile-multi-role",
    spec: {
      kind: "multi-role",
      roles: [
        { profile: "ci-Build_1", roleArn: `arn:aws:iam::${ACCOUNT}:role/gitlab-ci-build` },
        { profile: "deploy-prod", roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/ops/gitlab-ci-deploy-ops` },
      ],
      audience: HOSTILE_AUD,
      stage: "deploy / all",
      when: "default-branch",
    },
  },
  {
    name: "hostile-codebuild-publish",
    spec: {
      kind: "codebuild-publish",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/gitlab-ci-publish`,
      audience: HOSTILE_AUD,
      region: "eu-west-2",
      stage: "build",
      jobName: "publish image",
      codebuild: {
        project: "acme_app-image-2",
        bucket: "acme.ci-sources.eu",
        prefix: "ci/builds.v2/",
        ecrRepository: "acme/app_x-y.z",
        logGroup: "/aws/codebuild/custom#group",
        timeoutMinutes: 5,
      },
    },
  },
  {
    name: "hostile-component",
    spec: {
      kind: "component",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/gitlab-ci-acme-app`,
      audience: HOSTILE_AUD,
      component: "$CI_SERVER_FQDN/acme/ci-components/assume-role@1.2.0",
      stage: "deploy to / prod",
      tokenVariable: "ID_TOKEN",
      durationSeconds: 1800,
    },
  },
];
const kindOf = (spec) => spec.kind ?? "assume-role";
const byName = (name) => CASES.find((c) => c.name === name);

const workRoot = tempDir("tools");
after(() => {
  cleanup(workRoot);
  // The generated CodeBuild job writes a fixed /tmp/context.zip; leave nothing behind.
  rmSync("/tmp/context.zip", { force: true });
});

/**
 * Generates a case into its own directory and reads it back as GitLab would: the jobs of
 * .gitlab-ci.yml and, for a component, the template's jobs with the inputs interpolated.
 */
function generate(testCase) {
  const dir = join(workRoot, "generated", testCase.name);
  const out = ciSnippet(testCase.spec);
  writeFiles(dir, { ".gitlab-ci.yml": out.yaml, ...out.files });
  const main = parseYaml(out.yaml).v11;
  const jobs = jobsOf(main).map(([name, job]) => ({ name, job, source: ".gitlab-ci.yml" }));
  const schemaFiles = [join(dir, ".gitlab-ci.yml")];
  for (const file of Object.keys(out.files).filter((f) => f.startsWith("templates/"))) {
    // A component template is two YAML documents: the spec: header, then the jobs.
    // check-jsonschema reads one document per file, so each is checked on its own, and
    // the jobs once more with the inputs interpolated as GitLab does (into parsed values).
    const parts = documents(out.files[file]);
    assert.equal(parts.length, 2, `${file}: expected a spec: header and one document of jobs`);
    const [header, body] = parts;
    const headerFile = join(dir, `${file}.header.yml`);
    const bodyFile = join(dir, `${file}.jobs.yml`);
    const interpolatedFile = join(dir, `${file}.interpolated.yml`);
    writeFileSync(headerFile, header);
    writeFileSync(bodyFile, body);
    const { inputs: declared } = parseYaml(header).v11.spec;
    const inputs = Object.fromEntries(
      Object.entries(declared)
        .filter(([, v]) => v.default !== undefined)
        .map(([k, v]) => [k, v.default]),
    );
    Object.assign(inputs, main.include?.[0]?.inputs ?? {});
    const interpolated = interpolate(parseYaml(body).v11, inputs);
    writeFileSync(interpolatedFile, JSON.stringify(interpolated, null, 2));
    schemaFiles.push(headerFile, bodyFile, interpolatedFile);
    for (const [name, job] of jobsOf(interpolated)) jobs.push({ name, job, source: file, component: true });
  }
  return { dir, out, main, jobs, schemaFiles };
}

const GENERATED = new Map();
for (const testCase of CASES) {
  try {
    GENERATED.set(testCase.name, generate(testCase));
  } catch (error) {
    GENERATED.set(testCase.name, error);
  }
}
/** The generated case, or the generator's error thrown in the test that needs it. */
function generated(name) {
  const value = GENERATED.get(name);
  if (value instanceof Error) throw value;
  return value;
}

// ---------------------------------------------------------------------------
// static checks: YAML, GitLab's schema, shellcheck, buildspec
// ---------------------------------------------------------------------------

let schemaRun;
/** One check-jsonschema run over every case's GitLab files. */
function schemaProblems() {
  schemaRun ??= checkGitlabSchema([...GENERATED.values()].filter((g) => !(g instanceof Error)).flatMap((g) => g.schemaFiles));
  return schemaRun;
}

for (const testCase of CASES) {
  const { spec } = testCase;
  const kind = kindOf(spec);
  describe(`${testCase.name}: static checks`, { concurrency: true }, () => {
    test("YAML 1.2 and 1.1 (GitLab's parser) read every value literally", () => {
      const g = generated(testCase.name);
      const texts = { ".gitlab-ci.yml": g.out.yaml };
      for (const [file, text] of Object.entries(g.out.files)) if (/\.ya?ml$/.test(file)) texts[file] = text;
      for (const [file, text] of Object.entries(texts)) {
        for (const doc of documents(text)) {
          const { v12, v11 } = parseYaml(doc);
          assert.deepEqual(v11, v12, `${file}: YAML 1.1 and 1.2 read it differently`);
        }
      }
      const jobName = spec.jobName ?? DEFAULT_JOB[kind];
      const entry = kind === "component" ? g.jobs.find((j) => j.component) : g.jobs.find((j) => j.name === jobName);
      assert.ok(entry, `no job ${JSON.stringify(jobName)} among ${JSON.stringify(g.jobs.map((j) => j.name))}`);
      assert.equal(entry.name, jobName);
      const { job } = entry;
      const token = spec.tokenVariable ?? "GITLAB_OIDC_TOKEN";
      assert.deepEqual(Object.keys(job.id_tokens), [token]);
      assert.equal(job.id_tokens[token].aud, spec.audience ?? "sts.amazonaws.com");
      if (spec.stage) assert.equal(job.stage, spec.stage);
      else assert.equal(typeof job.stage, "string");
      assert.equal(job.image.name, spec.image ?? "amazon/aws-cli:latest");
      assert.deepEqual(job.image.entrypoint, [""]);
      if (spec.tags) assert.deepEqual(job.tags, spec.tags);
      if (spec.environment) assert.equal(job.environment?.name, spec.environment);
      if (spec.branch) assert.deepEqual(job.rules, [{ if: `$CI_COMMIT_BRANCH == "${spec.branch}"` }]);
      const variables = jobVariables(job);
      if (kind === "multi-role") {
        for (const { profile, roleArn } of spec.roles) {
          assert.equal(variables[`ROLE_ARN_${profile.toUpperCase().replaceAll("-", "_")}`], roleArn, profile);
        }
      } else if (kind === "web-identity-file") {
        assert.equal(variables.AWS_ROLE_ARN, spec.roleArn);
      } else {
        assert.equal(variables.ROLE_ARN, spec.roleArn);
        assert.equal(variables.ROLE_DURATION_SECONDS, String(spec.durationSeconds ?? 3600));
      }
      assert.equal(variables.AWS_DEFAULT_REGION, spec.region ?? "us-east-1");
      if (kind !== "component") {
        for (const [name, value] of Object.entries(job.variables ?? {})) {
          assert.equal(value?.expand, false, `${name}: GitLab must not expand $ in the value`);
        }
      } else {
        assert.equal(g.main.include[0].component, spec.component);
        assert.equal(g.main.include[0].inputs["role-arn"], spec.roleArn);
      }
      if (kind === "codebuild-publish") {
        assert.equal(variables.CODEBUILD_PROJECT, spec.codebuild.project);
        assert.equal(variables.SOURCE_BUCKET, spec.codebuild.bucket);
        assert.equal(variables.SOURCE_PREFIX, spec.codebuild.prefix ?? "gitlab-ci/");
        assert.equal(variables.BUILD_TIMEOUT_SECONDS, String((spec.codebuild.timeoutMinutes ?? 60) * 60));
      }
    });

    test("GitLab's CI schema (check-jsonschema --builtin-schema vendor.gitlab-ci)", async () => {
      const g = generated(testCase.name);
      const problems = await schemaProblems();
      const mine = Object.fromEntries(g.schemaFiles.map((f) => [f.slice(g.dir.length + 1), problems.get(f)]).filter(([, p]) => p.length > 0));
      assert.deepEqual(mine, {});
    });

    test("shellcheck: before_script + script as GitLab Runner's bash runs them", async () => {
      const g = generated(testCase.name);
      assert.ok(g.jobs.length > 0, "no jobs");
      const findings = [];
      for (const { name, job, source } of g.jobs) {
        const file = join(g.dir, `${source}.${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.sh`);
        writeFileSync(file, `#!/usr/bin/env bash\n${runnerScript(job)}`);
        const result = await shellcheck(file);
        if (result.status !== 0) findings.push(`${source}: job ${name}:\n${result.stdout}${result.stderr}`);
      }
      assert.deepEqual(findings, [], "shellcheck findings in generated scripts (generator bugs)");
    });

    if (kind === "codebuild-publish") {
      test("buildspec.yml and the policies are well-formed and literal", async () => {
        const g = generated(testCase.name);
        const buildspec = parseYaml(g.out.files["buildspec.yml"]).v11;
        assert.equal(buildspec.version, 0.2);
        assert.equal(buildspec.env.variables.ECR_REPOSITORY, spec.codebuild.ecrRepository);
        const phases = ["pre_build", "build", "post_build"];
        assert.deepEqual(Object.keys(buildspec.phases), phases);
        const commands = [];
        for (const phase of phases) {
          assert.ok(Array.isArray(buildspec.phases[phase].commands), phase);
          for (const command of buildspec.phases[phase].commands) {
            assert.equal(typeof command, "string", `${phase}: ${JSON.stringify(command)}`);
            commands.push(command);
          }
        }
        // CodeBuild runs all the commands of a build in one /bin/sh instance.
        const file = join(g.dir, "buildspec.commands.sh");
        writeFileSync(file, `#!/bin/sh\n${commands.join("\n")}\n`);
        const result = await shellcheck(file, "sh");
        assert.equal(result.status, 0, outcome(result));
        for (const name of ["job-role-policy.json", "codebuild-service-role-policy.json"]) {
          const policy = JSON.parse(g.out.files[name]);
          assert.equal(policy.Version, "2012-10-17");
          assert.ok(policy.Statement.length > 0);
          for (const statement of policy.Statement) {
            assert.equal(statement.Effect, "Allow");
            assert.ok(statement.Action && statement.Resource, JSON.stringify(statement));
          }
        }
        const upload = JSON.parse(g.out.files["job-role-policy.json"]).Statement.find((s) => s.Action === "s3:PutObject");
        assert.equal(upload.Resource, `arn:aws:s3:::${spec.codebuild.bucket}/${spec.codebuild.prefix ?? "gitlab-ci/"}*`);
      });
    }

    if (!spec.stage && kind !== "component") {
      test("the default stage exists in a pipeline without a stages: list", () => {
        const g = generated(testCase.name);
        const stages = g.main.stages ?? DEFAULT_STAGES;
        for (const { name, job } of g.jobs) {
          assert.ok(
            stages.includes(job.stage),
            `generator bug: job ${name}: stage ${JSON.stringify(job.stage)} is not among ${JSON.stringify(stages)}, so GitLab rejects the pipeline ("chosen stage does not exist")`,
          );
        }
      });
    }
  });
}

test("the GitLab schema check really rejects a bad job (the checker is alive)", async () => {
  const dir = join(workRoot, "schema-control");
  writeFiles(dir, { "bad.yml": "job:\n  scirpt: [true]\n" });
  const problems = await checkGitlabSchema([join(dir, "bad.yml")]);
  assert.match(problems.get(join(dir, "bad.yml")).join("\n"), /'scirpt' was unexpected/);
});

// ---------------------------------------------------------------------------
// values the generator must quote or refuse
// ---------------------------------------------------------------------------

/** The document as YAML 1.1 reads it, or null when it does not parse. */
function yaml11(text) {
  try {
    return parseYaml(text).v11;
  } catch {
    return null;
  }
}

/** The keys as written at an indentation (under a parent key, when given). */
function rawKeys(text, indent, parent) {
  const lines = text.split("\n");
  const start = parent ? lines.findIndex((l) => l.trim() === `${parent}:`) + 1 : 0;
  const keys = [];
  for (const line of lines.slice(start)) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const lead = line.length - line.trimStart().length;
    if (parent && lead < indent) break;
    if (lead === indent && /:\s*$/.test(line)) keys.push(line.trim().replace(/:\s*$/, ""));
  }
  return keys;
}

/** What a YAML 1.1 parser such as Ruby's Psych makes of a plain scalar key. */
function psychKey(key) {
  if (/^- /.test(key)) return "a list item";
  const value = YAML.parseDocument(`${key}: 1`, { version: "1.1" }).contents?.items?.[0]?.key?.value;
  return typeof value === "string" ? value : value === null ? "null" : `${typeof value} ${String(value)}`;
}

describe("values YAML or bash could misread", () => {
  const base = { kind: "assume-role", roleArn: `arn:aws:iam::${ACCOUNT}:role/x` };

  test("line breaks, quotes, $(…), backticks and # are refused where they are not allowed", () => {
    const refused = [
      [{ audience: "a\nb" }, "snippet.audience"],
      [{ audience: "a b" }, "snippet.audience"],
      [{ audience: "$(id)" }, "snippet.audience"],
      [{ stage: "a\nb" }, "snippet.stage"],
      [{ stage: "a'b" }, "snippet.stage"],
      [{ stage: "a#b" }, "snippet.stage"],
      [{ stage: "`id`" }, "snippet.stage"],
      [{ environment: "a\nb" }, "snippet.environment"],
      [{ environment: "$(id)" }, "snippet.environment"],
      [{ environment: 'a"b' }, "snippet.environment"],
      [{ environment: "`id`" }, "snippet.environment"],
      [{ environment: "a #b" }, "snippet.environment"],
      [{ jobName: "a\nb" }, "snippet.job_name"],
      [{ jobName: "a: b" }, "snippet.job_name"],
      [{ jobName: "a #b" }, "snippet.job_name"],
      [{ tags: ['a"b'] }, "snippet.tags"],
      [{ branch: 'a"b' }, "snippet.branch"],
      [{ branch: "$(id)" }, "snippet.branch"],
      [{ tokenVariable: "A-B" }, "snippet.token_variable"],
      [{ tokenVariable: "CI_JOB_JWT" }, "snippet.token_variable"],
      [{ region: "us-east-1;id" }, "snippet.region"],
      [{ image: "x y" }, "snippet.image"],
    ];
    for (const [extra, code] of refused) {
      assert.throws(() => ciSnippet({ ...base, ...extra }), (e) => e.code === code, JSON.stringify(extra));
    }
  });

  test("job names and token variables that YAML 1.1 reads as other types stay strings", () => {
    // GitLab parses .gitlab-ci.yml with Ruby's Psych (YAML 1.1): `on:` is the key true,
    // `null:` is null, `1.0:` a float and `- x:` starts a list. Quote them or refuse them.
    const problems = [];
    for (const [field, value] of [
      ["jobName", "on"],
      ["jobName", "null"],
      ["jobName", "1.0"],
      ["jobName", "- x"],
      ["tokenVariable", "yes"],
      ["tokenVariable", "null"],
    ]) {
      let out;
      try {
        out = ciSnippet({ ...base, [field]: value });
      } catch (error) {
        if (error.code?.startsWith("snippet.")) continue; // refused: fine
        throw error;
      }
      const doc = yaml11(out.yaml);
      const keys = field === "jobName" ? Object.keys(doc ?? {}) : Object.keys(Object.values(doc ?? {})[0]?.id_tokens ?? {});
      const raw = field === "jobName" ? rawKeys(out.yaml, 0) : rawKeys(out.yaml, 4, "id_tokens");
      if (!Array.isArray(doc) && keys.includes(value) && raw.every((k) => psychKey(k) === value)) continue;
      const read = Array.isArray(doc) ? "a list, not a map of jobs" : JSON.stringify(raw.map(psychKey));
      problems.push(`${field} ${JSON.stringify(value)} is written as ${JSON.stringify(raw)}, which GitLab reads as ${read}`);
    }
    assert.deepEqual(problems, [], "generator bug: unquoted YAML keys");
  });

  test("multi-role profiles that differ only in - versus _ or in case keep their own roles", () => {
    const problems = [];
    for (const profiles of [
      ["deploy-prod", "deploy_prod"],
      ["build", "Build"],
    ]) {
      const spec = {
        kind: "multi-role",
        roles: profiles.map((profile, i) => ({ profile, roleArn: `arn:aws:iam::${ACCOUNT}:role/r${i}` })),
      };
      let out;
      try {
        out = ciSnippet(spec);
      } catch (error) {
        if (error.code === "snippet.roles") continue; // refused: fine
        throw error;
      }
      try {
        const job = parseYaml(out.yaml).v11["assume-roles"];
        const script = runnerScript(job);
        const variables = jobVariables(job);
        const used = profiles.map((p) => new RegExp(`role_arn "\\$([A-Za-z0-9_]+)" --profile ${p}\\b`).exec(script)?.[1]);
        const arns = used.map((v) => variables[v]);
        if (new Set(used).size !== profiles.length || arns.some((a, i) => a !== spec.roles[i].roleArn)) {
          problems.push(`${profiles.join(" and ")} use ${JSON.stringify(used)} = ${JSON.stringify(arns)}`);
        }
      } catch (error) {
        problems.push(`profiles ${profiles.join(" and ")}: ${error.message.split("\n")[0]}`);
      }
    }
    assert.deepEqual(problems, [], "generator bug: two profiles map to one ROLE_ARN_* variable");
  });
});

// ---------------------------------------------------------------------------
// run for real against the fake AWS
// ---------------------------------------------------------------------------

const SUBJECT = "project_path:acme/platform/deployer:*";
const SESSION = /^[\w+=,.@-]{2,64}$/;
const STS_KINDS = ["assume-role", "multi-role", "web-identity-file", "component"];

/** The session name the job must derive: bytes outside STS's set become -, at most 64. */
function expectedSession(slug) {
  const allowed = /^[A-Za-z0-9_+=,.@-]$/;
  const bytes = [...Buffer.from(`gitlab-46573356-8222997048-${slug}`, "utf8")];
  return bytes
    .map((b) => (b < 128 && allowed.test(String.fromCharCode(b)) ? String.fromCharCode(b) : "-"))
    .join("")
    .slice(0, 64);
}

function rolesOf(spec) {
  return kindOf(spec) === "multi-role" ? spec.roles.map((r) => r.roleArn) : [spec.roleArn];
}

/** What jobs need in AWS: a provider per account, roles trusting it for these audiences. */
function stsPlan(specs) {
  const audiences = [...new Set(specs.map((s) => s.audience ?? "sts.amazonaws.com"))];
  const roles = [...new Set(specs.flatMap(rolesOf))];
  const accounts = [...new Set(roles.map((arn) => arn.split(":")[4]))];
  return {
    providers: accounts.map((account) => ({ account, url: "https://gitlab.com", clientIds: audiences })),
    roles: roles.map((arn) => ({ arn, provider: "gitlab.com", aud: audiences, sub: SUBJECT, maxSessionDuration: 3600 })),
  };
}

/** What CodeBuild jobs need: their roles, buckets, and projects with a lifecycle each. */
function buildPlan(entries) {
  const at = (spec) => ({ account: spec.roleArn.split(":")[4], region: spec.region ?? "us-east-1" });
  const buckets = new Map(entries.map(({ spec }) => [spec.codebuild.bucket, { ...at(spec), name: spec.codebuild.bucket }]));
  return {
    ...stsPlan(entries.map((e) => e.spec)),
    buckets: [...buckets.values()],
    projects: entries.map(({ spec, lifecycle }) => ({ ...at(spec), name: spec.codebuild.project, lifecycle })),
  };
}

/** A case whose job builds in another CodeBuild project (same script, another name). */
function withProject(name, project) {
  const base = byName(name);
  const variant = { name: `${name}-${project}`, spec: { ...base.spec, codebuild: { ...base.spec.codebuild, project } } };
  GENERATED.set(variant.name, generate(variant));
  return variant;
}

/** The job GitLab would run: for a component, the template's job with its inputs. */
function runnableJob(testCase) {
  const g = generated(testCase.name);
  return (kindOf(testCase.spec) === "component" ? g.jobs.find((j) => j.component) : g.jobs[0]).job;
}

const audOf = (job) => Object.values(job.id_tokens)[0].aud;
let runCount = 0;

/**
 * Runs one job in bash as the runner would, in a fresh working directory holding a small
 * build context, with the job's variables, fake CI variables and the ID token.
 * Returns the outcome, the aws commands the job ran and the STS requests it made.
 */
async function runJob(fake, job, { token, variables = {}, env = {}, timeoutMs = 60_000, beforeRun } = {}) {
  const dir = join(workRoot, `run-${++runCount}`);
  const project = buildContext(join(dir, "project"));
  const shimLog = join(dir, "aws-calls.log");
  writeFileSync(shimLog, "");
  mkdirSync(join(dir, "tmp"), { recursive: true });
  const environment = {
    ...jobEnvironment({ home: join(dir, "home"), shimLog, endpoint: fake.endpoint }),
    CI_PROJECT_DIR: project,
    ...jobVariables(job),
    [Object.keys(job.id_tokens)[0]]: token,
    ...variables,
    ...env,
  };
  const mark = fake.calls().length;
  beforeRun?.();
  const result = await run("bash", ["-c", runnerScript(job)], { cwd: project, env: environment, timeoutMs });
  const calls = readFileSync(shimLog, "utf8").split("\n").filter(Boolean);
  return { ...result, calls, sts: fake.calls().slice(mark), dir };
}

/** The ARNs printed by `aws sts get-caller-identity`. */
function callerArns(stdout) {
  return [...stdout.matchAll(/"Arn": "([^"]+)"/g)].map((m) => m[1]);
}

function assertAssumed(result, roleArns, { session = expectedSession("feature-x"), token } = {}) {
  assert.equal(result.status, 0, outcome(result));
  assert.match(session, SESSION);
  const expected = roleArns.map((roleArn) => {
    const [, , , , account, resource] = roleArn.split(":");
    return `arn:aws:sts::${account}:assumed-role/${resource.split("/").at(-1)}/${session}`;
  });
  assert.deepEqual(callerArns(result.stdout), expected, outcome(result));
  assert.match(result.calls.at(-1) ?? "", /^sts get-caller-identity( --profile \S+)?$/, `the job ends with get-caller-identity: ${result.calls.join(" | ")}`);
  assert.ok(result.sts.length > 0, "the job called AssumeRoleWithWebIdentity");
  for (const call of result.sts) {
    assert.equal(call.error, null, JSON.stringify(call));
    assert.equal(call.roleSessionName, session);
    assert.equal(call.signed, false, "AssumeRoleWithWebIdentity went out unsigned: the job had no AWS credentials");
    if (token) assert.equal(call.webIdentityToken, token, "STS got the token byte for byte");
  }
  assert.deepEqual([...new Set(result.sts.map((c) => c.roleArn))].sort(), [...new Set(roleArns)].sort());
}

function assertRefused(result, kind, code) {
  assert.notEqual(result.status, 0, outcome(result));
  assert.match(result.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the AssumeRoleWithWebIdentity operation`), outcome(result));
  assert.deepEqual(callerArns(result.stdout), [], "no identity printed");
  assert.ok(result.sts.length > 0 && result.sts.every((c) => c.error === code), JSON.stringify(result.sts));
  if (kind === "assume-role" || kind === "component" || kind === "codebuild-publish") {
    // The job's own exchange fails: it must stop there, before any other aws command.
    assert.match(result.stderr, /AssumeRoleWithWebIdentity failed for arn:aws:iam::/);
    assert.deepEqual(
      result.calls.map((c) => c.split(" ").slice(0, 2).join(" ")),
      ["sts assume-role-with-web-identity"],
      "nothing runs after the failed STS call",
    );
  }
}

describe("run for real against local fake AWS servers", { concurrency: 2 }, () => {
  // Each suite has its own fake AWS, so the two run side by side; within one, one at a time.
  describe("STS jobs: assume-role, multi-role, web-identity-file, component", { concurrency: 1 }, () => {
    const cases = CASES.filter((c) => STS_KINDS.includes(kindOf(c.spec)));
    let fake;
    before(async () => {
      fake = await startFakeAws(join(workRoot, "aws-sts"));
      await fake.seed(stsPlan(cases.map((c) => c.spec)));
    });
    after(() => fake?.stop());

    // hostile-multi-role is left out here (its YAML is checked above): eight more aws
    // commands, and the multi-role fixture runs the same script.
    for (const testCase of cases.filter((c) => c.name !== "hostile-multi-role")) {
      const kind = kindOf(testCase.spec);
      test(`${testCase.name}: succeeds with the job's ID token as its only credential`, async () => {
        const job = runnableJob(testCase);
        const token = mintToken({ aud: audOf(job) });
        const result = await runJob(fake, job, { token });
        assertAssumed(result, rolesOf(testCase.spec), { token });
      });
      if (testCase.fixture) {
        test(`${testCase.name}: STS refusing the token fails the job`, async () => {
          const job = runnableJob(testCase);
          // Signed with a key the issuer does not publish: STS says InvalidIdentityToken.
          const token = mintToken({ aud: audOf(job), key: "test-rsa-2048-other.pem" });
          assertRefused(await runJob(fake, job, { token }), kind, "InvalidIdentityToken");
        });
      }
    }

    test("assume-role: an unreachable STS fails the job, with no credentials and no ~/.aws", async () => {
      const job = runnableJob(byName("assume-role"));
      const closed = await freePort();
      const result = await runJob(fake, job, {
        token: mintToken({ aud: audOf(job) }),
        // Few retries so the test stays short; the CLI still reports the connection error.
        env: { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${closed}`, AWS_RETRY_MODE: "standard", AWS_MAX_ATTEMPTS: "2" },
      });
      assert.notEqual(result.status, 0, outcome(result));
      assert.match(result.stderr, /Could not connect to the endpoint URL: "http:\/\/127\.0\.0\.1:\d+\/"/, outcome(result));
      assert.match(result.stderr, /AssumeRoleWithWebIdentity failed for arn:aws:iam::123456789012:role\/gitlab-ci-acme-app/);
      assert.deepEqual(result.calls.map((c) => c.split(" ").slice(0, 2).join(" ")), ["sts assume-role-with-web-identity"]);
      assert.ok(!existsSync(join(result.dir, "home/.aws")), "the job needs no AWS config file");
    });

    test("the fake STS really refuses what AWS refuses (control for the checks above)", async () => {
      // A raw branch name is no session name: STS answers ValidationError, so the jobs'
      // sessions above were accepted on their merit.
      const result = await run(
        "aws",
        ["sts", "assume-role-with-web-identity", "--role-arn", byName("assume-role").spec.roleArn, "--role-session-name", "gitlab-1-2-feature/x", "--web-identity-token", mintToken({ aud: "sts.amazonaws.com" })],
        { env: jobEnvironment({ home: join(workRoot, "control", "home"), shimLog: join(workRoot, "control", "calls.log"), endpoint: fake.endpoint }), timeoutMs: 30_000 },
      );
      assert.notEqual(result.status, 0, outcome(result));
      assert.match(result.stderr, /\(ValidationError\).*roleSessionName.*regular expression pattern/, outcome(result));
    });

    test("assume-role: the committed fixture token, long expired, is refused and fails the job", async () => {
      const result = await runJob(fake, runnableJob(byName("assume-role")), { token: FIXTURE_TOKEN() });
      assertRefused(result, "assume-role", "ExpiredTokenException");
    });

    test("assume-role and web-identity-file: the session name satisfies STS for any ref slug", async () => {
      for (const name of ["assume-role", "web-identity-file"]) {
        const testCase = byName(name);
        const job = runnableJob(testCase);
        const token = mintToken({ aud: audOf(job) });
        for (const slug of ["feature/x", `ä ö/$(id)\`x\`#'"${"y".repeat(60)}`]) {
          const result = await runJob(fake, job, { token, variables: { CI_COMMIT_REF_SLUG: slug } });
          assertAssumed(result, rolesOf(testCase.spec), { session: expectedSession(slug), token });
        }
      }
    });

    test("web-identity-file: static keys from CI/CD variables are dropped and the role is assumed", async () => {
      const testCase = byName("web-identity-file");
      const job = runnableJob(testCase);
      const result = await runJob(fake, job, {
        token: mintToken({ aud: audOf(job) }),
        variables: { AWS_ACCESS_KEY_ID: "AKIASTATICSTATICKEY0", AWS_SECRET_ACCESS_KEY: "static-secret" },
      });
      assertAssumed(result, rolesOf(testCase.spec));
      assert.match(result.stderr, /warning: ignoring AWS_ACCESS_KEY_ID from CI\/CD variables/);
    });
  });

  describe("CodeBuild jobs: codebuild-publish", { concurrency: 1 }, () => {
    // One fake AWS state for the suite: a project per behaviour (moto's own, a build that
    // succeeds, one that fails), so no test depends on another's leftovers. The jobs run
    // one at a time: they all write the same /tmp/context.zip (see the last test).
    const fixture = byName("codebuild-publish");
    const hostile = byName("hostile-codebuild-publish");
    const stock = withProject("policy-mismatch", "acme-app-image-stock");
    const failing = withProject("codebuild-publish", "acme-app-image-failing");
    let fake;
    before(async () => {
      fake = await startFakeAws(join(workRoot, "aws-codebuild"));
      await fake.seed(
        buildPlan([
          { spec: fixture.spec, lifecycle: "SUCCEEDED" },
          { spec: hostile.spec, lifecycle: "SUCCEEDED" },
          { spec: stock.spec, lifecycle: null },
          { spec: failing.spec, lifecycle: "FAILED" },
        ]),
      );
    });
    after(() => fake?.stop());

    /** Runs the job with a tag pipeline's variables and a short poll interval. */
    async function build(testCase, { token, variables = {}, beforeRun } = {}) {
      const job = runnableJob(testCase);
      const vars = { CI_COMMIT_TAG: "v1.2.3", POLL_SECONDS: "1", ...variables };
      rmSync("/tmp/context.zip", { force: true });
      return runJob(fake, job, { token: token ?? mintToken({ aud: audOf(job) }), variables: vars, beforeRun });
    }

    /** The CodeBuild log lines the job printed, without CodeBuild's prefix and time. */
    const logged = (stdout) =>
      stdout
        .split("\n")
        .filter((l) => l.startsWith("[Container] "))
        .map((l) => l.replace(/^\[Container\] \S+ \S+ /, ""));

    for (const [testCase, poll] of [
      [fixture, "1"],
      [hostile, "0"],
    ]) {
      test(`${testCase.name}: uploads, starts, follows the log once and ends with "succeeded"`, async () => {
        const { spec } = testCase;
        const result = await build(testCase, { variables: { CI_COMMIT_TAG: "v1.2.3+build/7", POLL_SECONDS: poll } });
        assertAssumedBefore(result);
        assert.equal(result.status, 0, outcome(result));
        const tag = "v1.2.3-build-7";
        assert.match(result.stdout, new RegExp(`^started ${spec.codebuild.project}:[0-9a-f-]{36} for image tag v1\\.2\\.3-build-7$`, "m"));
        assert.match(result.stdout, new RegExp(`^build ${spec.codebuild.project}:\\S+ succeeded: image tag v1\\.2\\.3-build-7$`, "m"), outcome(result));
        // Every line CodeBuild logged, printed exactly once and in order: the build read
        // the zip the job uploaded (without .git/) and got the image tag.
        assert.deepEqual(
          logged(result.stdout),
          [
            "Waiting for agent ping",
            "Phase complete: DOWNLOAD_SOURCE State: SUCCEEDED",
            "source file: Dockerfile",
            "source file: app.txt",
            `IMAGE_TAG=${tag}`,
            "Running command docker build",
            "Phase complete: BUILD State: SUCCEEDED",
            "Phase complete: POST_BUILD State: SUCCEEDED",
          ],
          outcome(result),
        );
        const key = `${spec.codebuild.prefix ?? "gitlab-ci/"}46573356/2117654321/8222997048.zip`;
        const upload = result.calls.filter((c) => c.startsWith("s3 cp "));
        assert.equal(upload.length, 1, result.calls.join("\n"));
        assert.ok(upload[0].endsWith(`.zip s3://${spec.codebuild.bucket}/${key}`), upload[0]);
        assert.equal(result.calls.filter((c) => c.startsWith("codebuild batch-get-builds")).length, 3, "QUEUED, BUILD, SUCCEEDED");
        assert.equal(result.calls.at(-1).split(" ").slice(0, 2).join(" "), "logs get-log-events");
      });
    }

    test("policy-mismatch against stock moto (SUCCEEDED at the first poll, no log stream) finishes", async () => {
      const result = await build(stock);
      assertAssumedBefore(result);
      assert.equal(result.status, 0, outcome(result));
      assert.match(result.stdout, /^build acme-app-image-stock:\S+ succeeded: image tag v1\.2\.3$/m);
      assert.equal(result.calls.filter((c) => c.startsWith("codebuild batch-get-builds")).length, 1);
      assert.ok(!result.calls.some((c) => c.startsWith("logs ")), "no log stream, no get-log-events");
    });

    test("codebuild-publish: STS refusing the token fails the job before anything is uploaded", async () => {
      const token = mintToken({ aud: audOf(runnableJob(fixture)), key: "test-rsa-2048-other.pem" });
      assertRefused(await build(fixture, { token }), "codebuild-publish", "InvalidIdentityToken");
    });

    test("codebuild-publish: a FAILED build fails the job after printing its log", async () => {
      const result = await build(failing, { variables: { POLL_SECONDS: "0" } });
      assert.equal(result.status, 1, outcome(result));
      assert.match(result.stderr, /^build acme-app-image-failing:\S+ ended FAILED$/m);
      assert.deepEqual(logged(result.stdout).slice(-2), ["Command did not exit successfully: docker build exited with status 1", "Phase complete: BUILD State: FAILED"]);
    });

    test("codebuild-publish: the job gives up when the build outlasts BUILD_TIMEOUT_SECONDS", async () => {
      // The build is still QUEUED at the first poll; with a 0 s timeout the job must stop there.
      const result = await build(fixture, { variables: { BUILD_TIMEOUT_SECONDS: "0" } });
      assert.equal(result.status, 1, outcome(result));
      assert.match(result.stderr, /gave up after 0s; build acme-app-image:\S+ is still IN_PROGRESS/);
    });

    test("codebuild-publish: the job uploads only its own build context, not a stale /tmp/context.zip", async () => {
      // On a shell executor /tmp outlives a job: an earlier job (maybe another project's)
      // left its context there, and `zip -r` adds to an existing archive.
      const stale = join(workRoot, "stale-context");
      writeFiles(stale, { "stale-secret-from-another-job.txt": "secret\n" });
      const result = await build(fixture, {
        variables: { POLL_SECONDS: "0" },
        beforeRun: () => {
          const zipped = spawnSync("zip", ["-q", "-r", "/tmp/context.zip", "."], { cwd: stale, encoding: "utf8" });
          assert.equal(zipped.status, 0, zipped.stderr);
        },
      });
      rmSync("/tmp/context.zip", { force: true });
      assert.equal(result.status, 0, outcome(result));
      const files = [...result.stdout.matchAll(/source file: (\S+)/g)].map((m) => m[1]);
      assert.deepEqual(files, ["Dockerfile", "app.txt"], "generator bug: the job zips into a fixed /tmp/context.zip, so an earlier job's files are uploaded too");
    });
  });
});

/** The CodeBuild job assumed its role (without credentials) before its first other call. */
function assertAssumedBefore(result) {
  assert.equal(result.calls[0]?.split(" ").slice(0, 2).join(" "), "sts assume-role-with-web-identity", result.calls.join(" | "));
  assert.ok(result.sts.length === 1 && result.sts[0].error === null && result.sts[0].signed === false, JSON.stringify(result.sts));
}
