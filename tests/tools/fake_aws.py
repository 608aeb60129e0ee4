"""A local fake AWS for tests/tools: moto's server on 127.0.0.1, made as strict as real
AWS where the generated GitLab jobs depend on it.

TEST-ONLY. Run with the interpreter of .venv-tools (scripts/setup-tools.sh):

    .venv-tools/bin/python tests/tools/fake_aws.py --jwks tests/fixtures/keys/jwks.json --record calls.jsonl

Binds 127.0.0.1 on a free port and prints one line, "fake-aws listening on
http://127.0.0.1:PORT", once it accepts connections. Stops on SIGTERM or SIGINT, or when
its standard input closes (so it never outlives the test that started it).

Stock moto 5.2.5 behaves like this where it matters, and this file changes exactly that:

1. STS AssumeRoleWithWebIdentity: moto accepts any token, any role ARN (existing or not)
   and any RoleSessionName (no pattern, no length check), so no job could ever see STS
   refuse. Here, before moto answers, the request is checked as AWS checks it:
   RoleSessionName must match [\\w+=,.@-]{2,64} and DurationSeconds be 900-43200
   (ValidationError); the token must be an RS256 JWT signed by a key in --jwks, not
   expired (5 minutes of skew), whose iss has an IAM OIDC provider in the role's account
   listing its aud as a client ID (InvalidIdentityToken, ExpiredTokenException); the role
   must exist and trust that provider for sts:AssumeRoleWithWebIdentity with StringEquals
   / StringLike conditions on <provider>:aud and <provider>:sub that hold (AccessDenied);
   DurationSeconds must not exceed the role's MaxSessionDuration (ValidationError).
   Every request, accepted or refused, is appended as one JSON line to --record (with
   whether it was signed: AssumeRoleWithWebIdentity needs no AWS credentials).
2. CodeBuild: moto's StartBuild returns IN_PROGRESS, and its first BatchGetBuilds marks the
   build SUCCEEDED (phases COMPLETED) whatever happens; the build never has logs.groupName
   or logs.streamName, so nothing is ever written to CloudWatch Logs. A project tagged
   fake-codebuild-lifecycle=SUCCEEDED (or FAILED) instead moves one step per
   BatchGetBuilds: QUEUED (no log stream yet, as before PROVISIONING); then PROVISIONING
   to BUILD: the log stream is created, named like CodeBuild's (the build id's UUID, in
   the project's log group or /aws/codebuild/<project>), the S3 source the build was
   started with is read, the files in the zip and IMAGE_TAG are logged, and the build
   fails like CodeBuild when the object is missing or has no Dockerfile (or, tagged
   FAILED, as a failed docker build); then SUCCEEDED with a last log line. Log lines end
   with a newline, as CodeBuild's do. Projects without the tag keep moto's behaviour.
3. StartBuild: moto drops sourceTypeOverride, sourceLocationOverride and
   environmentVariablesOverride; here the build reports them, as CodeBuild does.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import io
import json
import re
import signal
import sys
import threading
import time
import zipfile
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from moto.codebuild.exceptions import ResourceNotFoundException
from moto.codebuild.models import CodeBuildBackend
from moto.codebuild.responses import CodeBuildResponse
from moto.core.responses import ActionResult
from moto.iam.models import iam_backends
from moto.logs.models import logs_backends
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.s3.models import s3_backends
from moto.sts.exceptions import STSClientError
from moto.sts.responses import TokenResponse

SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
SKEW_SECONDS = 300
LIFECYCLE_TAG = "fake-codebuild-lifecycle"

JWKS: list[dict[str, Any]] = []
RECORD_PATH: str | None = None
RECORD_LOCK = threading.Lock()


# ---------------------------------------------------------------------------
# 1. STS AssumeRoleWithWebIdentity, checked as AWS checks it
# ---------------------------------------------------------------------------


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def invalid_token(message: str) -> STSClientError:
    return STSClientError("InvalidIdentityToken", message)


def verified_claims(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise invalid_token("Couldn't retrieve verification key from your identity provider")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError as exc:
        raise invalid_token("The web identity token that was passed could not be validated") from exc
    if header.get("alg") != "RS256":
        raise invalid_token("Unsupported token signing algorithm")
    signed = f"{parts[0]}.{parts[1]}".encode("ascii")
    for jwk in JWKS:
        if jwk.get("kty") != "RSA" or ("kid" in header and jwk.get("kid") != header["kid"]):
            continue
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(b64url_decode(jwk["e"]), "big"), int.from_bytes(b64url_decode(jwk["n"]), "big")
        )
        try:
            numbers.public_key().verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # noqa: BLE001 - any failure means: not this key
            continue
        return claims
    raise invalid_token("Couldn't verify the signature of the web identity token with the provider's keys")


def condition_holds(conditions: dict[str, Any], host: str, claims: dict[str, Any]) -> bool:
    for operator, keys in conditions.items():
        if operator not in ("StringEquals", "StringLike"):
            return False  # an operator this fake does not know: deny, never allow by accident
        for key, expected in keys.items():
            claim = key.removeprefix(f"{host}:")
            if claim == key or claim not in claims:
                return False
            actual = claims[claim]
            actual_values = actual if isinstance(actual, list) else [actual]
            expected_values = expected if isinstance(expected, list) else [expected]
            if operator == "StringEquals":
                ok = any(str(a) == e for a in actual_values for e in expected_values)
            else:
                ok = any(fnmatch.fnmatchcase(str(a), e) for a in actual_values for e in expected_values)
            if not ok:
                return False
    return True


def trusts(role: Any, provider_arn: str, host: str, claims: dict[str, Any]) -> bool:
    document = role.assume_role_policy_document
    policy = json.loads(document) if isinstance(document, str) else document
    statements = policy.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        federated = statement.get("Principal", {}).get("Federated")
        federated = federated if isinstance(federated, list) else [federated]
        if (
            statement.get("Effect") == "Allow"
            and "sts:AssumeRoleWithWebIdentity" in actions
            and provider_arn in federated
            and condition_holds(statement.get("Condition", {}), host, claims)
        ):
            return True
    return False


def check_web_identity(role_arn: str, session: str, duration: int, token: str) -> None:
    if not SESSION_NAME.fullmatch(session or ""):
        raise STSClientError(
            "ValidationError",
            f"1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*",
        )
    if not 900 <= duration <= 43200:
        raise STSClientError(
            "ValidationError",
            f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint",
        )
    claims = verified_claims(token)
    now = time.time()
    if not isinstance(claims.get("exp"), int) or claims["exp"] + SKEW_SECONDS < now:
        raise STSClientError("ExpiredTokenException", "Token expired: current date/time must be before the expiration date/time")
    parts = role_arn.split(":")
    if len(parts) < 6 or not parts[5].startswith("role/"):
        raise STSClientError("ValidationError", f"{role_arn} is not a valid role ARN")
    partition, account = parts[1], parts[4]
    iss = str(claims.get("iss", ""))
    host = iss.removeprefix("https://")
    provider_arn = f"arn:{partition}:iam::{account}:oidc-provider/{host}"
    iam = iam_backends[account][partition]
    provider = iam.open_id_providers.get(provider_arn)
    if provider is None:
        raise invalid_token(f"No OpenIDConnect provider found in your account for {iss}")
    audiences = claims.get("aud")
    audiences = audiences if isinstance(audiences, list) else [audiences]
    if not any(aud in provider.client_id_list for aud in audiences):
        raise invalid_token("Incorrect token audience")
    try:
        role = iam.get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises IAMNotFoundException
        role = None
    if role is None or not trusts(role, provider_arn, host, claims):
        raise STSClientError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
    if duration > int(role.max_session_duration or 3600):
        raise STSClientError(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        )


def record(entry: dict[str, Any]) -> None:
    if RECORD_PATH is None:
        return
    with RECORD_LOCK, open(RECORD_PATH, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


STOCK_ASSUME_ROLE_WITH_WEB_IDENTITY = TokenResponse.assume_role_with_web_identity


def assume_role_with_web_identity(self: TokenResponse) -> ActionResult:
    role_arn = self._get_param("RoleArn") or ""
    session = self._get_param("RoleSessionName") or ""
    duration = self._get_int_param("DurationSeconds", 3600)
    token = self._get_param("WebIdentityToken") or ""
    entry = {
        "roleArn": role_arn,
        "roleSessionName": session,
        "durationSeconds": duration,
        "webIdentityToken": token,
        "signed": "Authorization" in self.headers,
    }
    try:
        check_web_identity(role_arn, session, duration, token)
    except STSClientError as exc:
        record({**entry, "error": exc.code})
        raise
    record({**entry, "error": None})
    return STOCK_ASSUME_ROLE_WITH_WEB_IDENTITY(self)


TokenResponse.assume_role_with_web_identity = assume_role_with_web_identity  # type: ignore[method-assign]


# ---------------------------------------------------------------------------
# 2 and 3. CodeBuild: overrides kept, and an opt-in lifecycle with logs
# ---------------------------------------------------------------------------

# build id -> state of a build whose project opted into the lifecycle
LIFECYCLE: dict[str, dict[str, Any]] = {}
LIFECYCLE_LOCK = threading.Lock()


def start_build(self: CodeBuildResponse) -> ActionResult:
    name = self._get_param("projectName")
    backend = self.codebuild_backend
    project = backend.codebuild_projects.get(name)
    if project is None:
        raise ResourceNotFoundException(f"Project cannot be found: {name}")
    build = backend.start_build(name, self._get_param("sourceVersion"), self._get_param("artifactsOverride"))
    if self._get_param("sourceTypeOverride"):
        build["source"] = {
            "type": self._get_param("sourceTypeOverride"),
            "location": self._get_param("sourceLocationOverride"),
        }
    variables = list(project.project_metadata.get("environment", {}).get("environmentVariables", []))
    overrides = self._get_param("environmentVariablesOverride") or []
    names = {v["name"] for v in overrides}
    build["environment"]["environmentVariables"] = [v for v in variables if v["name"] not in names] + overrides
    tags = {t["key"]: t["value"] for t in (project.tags or [])}
    lifecycle = tags.get(LIFECYCLE_TAG)
    if lifecycle:
        logs_config = project.project_metadata.get("logsConfig") or {}
        group = logs_config.get("cloudWatchLogs", {}).get("groupName") or f"/aws/codebuild/{name}"
        build["logs"] = {"cloudWatchLogs": {"status": "ENABLED"}, "s3Logs": {"status": "DISABLED"}}
        with LIFECYCLE_LOCK:
            LIFECYCLE[build["id"]] = {
                "final": lifecycle,
                "step": 0,
                "group": group,
                "account": backend.account_id,
                "region": backend.region_name,
            }
    return ActionResult({"build": build})


CodeBuildResponse.start_build = start_build  # type: ignore[method-assign]


def log_lines(state: dict[str, Any], build: dict[str, Any], lines: list[str]) -> None:
    logs = logs_backends[state["account"]][state["region"]]
    stream = build["id"].split(":", 1)[1]
    if state["group"] not in logs.groups:
        logs.create_log_group(state["group"], {})
    if stream not in logs.groups[state["group"]].streams:
        logs.create_log_stream(state["group"], stream)
    now = int(time.time() * 1000)
    stamp = time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime())
    events = [{"timestamp": now, "message": f"[Container] {stamp} {line}\n"} for line in lines]
    logs.put_log_events(state["group"], stream, events)
    build["logs"]["groupName"] = state["group"]
    build["logs"]["streamName"] = stream


def read_source(state: dict[str, Any], build: dict[str, Any]) -> tuple[list[str] | None, str]:
    location = build.get("source", {}).get("location") or ""
    bucket, _, key = location.partition("/")
    try:
        obj = s3_backends[state["account"]]["aws"].get_object(bucket, key)
    except Exception:  # noqa: BLE001 - moto raises MissingBucket / MissingKey
        obj = None
    if obj is None:
        return None, f"CLIENT_ERROR: NoSuchKey: no object at s3://{location} for primary source"
    try:
        with zipfile.ZipFile(io.BytesIO(obj.value)) as archive:
            return sorted(archive.namelist()), ""
    except zipfile.BadZipFile:
        return None, f"CLIENT_ERROR: s3://{location} is not a zip file"


def advance(build: dict[str, Any], state: dict[str, Any]) -> None:
    state["step"] += 1
    step = state["step"]
    if build["buildStatus"] != "IN_PROGRESS":
        return
    build["buildComplete"] = False
    if step == 1:
        build["currentPhase"] = "QUEUED"
    elif step == 2:
        build["currentPhase"] = "BUILD"
        start = ["Waiting for agent ping", "Phase complete: DOWNLOAD_SOURCE State: SUCCEEDED"]
        files, error = read_source(state, build)
        if files is None:
            log_lines(state, build, [start[0], error, "Phase complete: DOWNLOAD_SOURCE State: FAILED"])
            finish(build, "FAILED")
            return
        variables = {v["name"]: v.get("value") for v in build["environment"]["environmentVariables"]}
        lines = [*start, *(f"source file: {name}" for name in files), f"IMAGE_TAG={variables.get('IMAGE_TAG')}"]
        if "Dockerfile" not in files or state["final"] == "FAILED":
            why = "no Dockerfile" if "Dockerfile" not in files else "docker build exited with status 1"
            log_lines(state, build, [*lines, f"Command did not exit successfully: {why}", "Phase complete: BUILD State: FAILED"])
            finish(build, "FAILED")
            return
        log_lines(state, build, [*lines, "Running command docker build", "Phase complete: BUILD State: SUCCEEDED"])
    else:
        final = state["final"]
        log_lines(state, build, [f"Phase complete: POST_BUILD State: {final}"])
        finish(build, final)


def finish(build: dict[str, Any], status: str) -> None:
    build["currentPhase"] = "COMPLETED"
    build["buildStatus"] = status
    build["buildComplete"] = True


STOCK_BATCH_GET_BUILDS = CodeBuildBackend.batch_get_builds


def batch_get_builds(self: CodeBuildBackend, ids: list[str]) -> list[dict[str, Any]]:
    with LIFECYCLE_LOCK:
        ours = [i for i in ids if i in LIFECYCLE]
        result = STOCK_BATCH_GET_BUILDS(self, [i for i in ids if i not in LIFECYCLE]) if len(ours) < len(ids) else []
        for metadata in self.build_metadata_history.values():
            for build in metadata:
                if build["id"] in ours:
                    advance(build, LIFECYCLE[build["id"]])
                    result.append(build)
        return result


CodeBuildBackend.batch_get_builds = batch_get_builds  # type: ignore[method-assign]


# ---------------------------------------------------------------------------
# the server
# ---------------------------------------------------------------------------


def main() -> None:
    global RECORD_PATH
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jwks", required=True, help="JWKS file: the keys the OIDC issuer signs with")
    parser.add_argument("--record", help="append every AssumeRoleWithWebIdentity request here (JSON lines)")
    args = parser.parse_args()
    with open(args.jwks, encoding="utf-8") as keys:
        JWKS.extend(json.load(keys)["keys"])
    RECORD_PATH = args.record

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def watch_stdin() -> None:
        sys.stdin.read()  # returns when the parent closes the pipe or dies
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"fake-aws listening on http://{host}:{port}", flush=True)
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
