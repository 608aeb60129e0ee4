#!/usr/bin/env bash
# Installs the independent tools that tests/tools/ runs on every generated pipeline file and
# lint report: in .venv-tools/ (Python 3.11 venv) check-jsonschema (GitLab's CI schema is
# vendored in it: no network at check time; it also checks SARIF against the schema in
# tests/fixtures/sarif/), moto's server (a fake AWS on 127.0.0.1), the AWS CLI v1, cfn-lint
# (the CloudFormation fixtures are real templates) and junitparser (reads the JUnit reports);
# in .venv-tools/node/ gitlab-ci-local (runs the CI/CD components in templates/); and from
# Debian the shellcheck, zip and rsync commands (gitlab-ci-local copies the project with rsync).
# Skips whatever is already installed as pinned.
# Usage: scripts/setup-tools.sh
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup-tools: %s\n' "$*"; }

venv=.venv-tools
# Pinned together: awscli 1.46.3 bundles its own botocore; moto drives boto3/botocore.
pins=(
  "check-jsonschema==0.39.0"
  "moto[server]==5.2.5"
  "awscli==1.46.3"
  "boto3==1.44.8"
  "botocore==1.44.8"
  "cfn-lint==1.58.0"
  "junitparser==5.0.3"
)

# Debian tools: shellcheck lints the job scripts; zip is what the CodeBuild job zips with;
# gitlab-ci-local copies the project into its build directory with rsync.
missing=()
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v zip >/dev/null || missing+=(zip)
command -v rsync >/dev/null || missing+=(rsync)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null \
    && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "setup-tools: Python 3.11 is needed (python3.11 or python3)" >&2
  exit 1
fi

# Exits 0 when every pin is installed at its version.
pinned() {
  "$venv/bin/python" - "${pins[@]}" <<'PY' 2>/dev/null
import re, sys
from importlib.metadata import PackageNotFoundError, version
for pin in sys.argv[1:]:
    name, wanted = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(.+)", pin).groups()
    try:
        if version(name) != wanted:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
import flask, flask_cors  # moto's server extra
PY
}

if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  say "recreating $venv (not Python 3.11)"
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  say "creating $venv with $("$python" --version)"
  "$python" -m venv "$venv"
fi
if pinned; then
  say "$venv already has ${pins[*]}"
else
  say "installing ${pins[*]} into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "${pins[@]}"
  pinned || { echo "setup-tools: $venv does not have the pinned versions after pip install" >&2; exit 1; }
fi

# gitlab-ci-local, pinned, in its own npm prefix (not the project's package.json: it is a tool
# the tests run, like the ones above).
gitlab_ci_local_version=4.64.1
node_tools="$venv/node"
if [ "$("$node_tools/node_modules/.bin/gitlab-ci-local" --version 2>/dev/null)" != "$gitlab_ci_local_version" ]; then
  say "installing gitlab-ci-local $gitlab_ci_local_version into $node_tools"
  mkdir -p "$node_tools"
  printf '{ "name": "gitlab-aws-oidc-test-tools", "private": true }\n' > "$node_tools/package.json"
  npm install --prefix "$node_tools" --no-audit --no-fund --silent "gitlab-ci-local@$gitlab_ci_local_version"
fi

# GitLab's CI schema must come from inside check-jsonschema, never from the network:
# validate a small file with every proxy pointing at a closed local port.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'probe-job:\n  script:\n    - "true"\n' > "$probe/ok.yml"
printf 'probe-job:\n  scirpt:\n    - "true"\n' > "$probe/bad.yml"
offline() {
  env HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 \
    https_proxy=http://127.0.0.1:9 NO_PROXY= no_proxy= \
    "$venv/bin/check-jsonschema" --builtin-schema vendor.gitlab-ci "$@"
}
if ! offline "$probe/ok.yml" >/dev/null; then
  echo "setup-tools: check-jsonschema --builtin-schema vendor.gitlab-ci does not work offline" >&2
  exit 1
fi
if offline "$probe/bad.yml" >/dev/null 2>&1; then
  echo "setup-tools: the vendored GitLab CI schema accepted a job with an unknown key" >&2
  exit 1
fi
say "ready: $("$venv/bin/aws" --version 2>&1), check-jsonschema $("$venv/bin/check-jsonschema" --version | awk '{print $NF}'), moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)'), gitlab-ci-local $("$node_tools/node_modules/.bin/gitlab-ci-local" --version), $(shellcheck --version | sed -n 2p)"
