#!/usr/bin/env python3
"""Mint the committed JWT test fixtures under tests/fixtures/.

TEST-ONLY. The RSA keys written to tests/fixtures/keys/ are public (they are
committed to the repository) and must never be trusted by anything.

Requirements: Python 3.11, PyJWT, cryptography (``pip install PyJWT cryptography``).

Usage (from anywhere):

    python3 scripts/mint_fixtures.py

Determinism: the keys are generated only if they are missing; once they exist
they are reused. Every timestamp, id and jti is fixed, and RSASSA-PKCS1-v1_5
(RS256) and HMAC signatures are deterministic, so re-running the script
rewrites byte-identical files. Delete tests/fixtures/keys/*.pem to rotate the
keys (every token then changes).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import uuid
import warnings
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
KEYS = FIXTURES / "keys"
TOKENS = FIXTURES / "tokens"
MALFORMED = FIXTURES / "malformed"

IAT = 1764000000  # 2025-11-24T16:00:00Z
HS256_SECRET = "test-only-secret"
TOO_LARGE_BYTES = 70_000

# Every write goes through here so the summary can list what was produced.
WRITTEN: list[Path] = []


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(seg: str) -> bytes:
    return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    WRITTEN.append(path)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def pretty_json(obj) -> str:
    # Insertion order is kept (no sort_keys); ASCII only so bytes are stable.
    return json.dumps(obj, indent=2, ensure_ascii=True) + "\n"


def compact_json(obj) -> bytes:
    # Same serialisation PyJWT uses for payloads.
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def det_uuid(name: str) -> str:
    """A fixed, UUID-shaped jti per fixture."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"gitlab-aws-oidc-fixture:{name}"))


def det_sha(seed: str) -> str:
    """A fixed, git-SHA-shaped (40 hex) commit id."""
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------
# keys
# --------------------------------------------------------------------------


def load_or_create_key(stem: str, bits: int) -> rsa.RSAPrivateKey:
    priv_path = KEYS / f"{stem}.pem"
    pub_path = KEYS / f"{stem}.pub.pem"
    if priv_path.exists():
        key = serialization.load_pem_private_key(priv_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey), priv_path
        assert key.key_size == bits, f"{priv_path}: expected {bits} bits, got {key.key_size}"
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        pem = key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        write_bytes(priv_path, pem)
    pub_pem = key.public_key().public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    write_bytes(pub_path, pub_pem)
    return key


def int_b64url(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def rfc7638_kid(pub: rsa.RSAPublicKey) -> str:
    nums = pub.public_numbers()
    # RFC 7638 section 3.2: required members only, lexicographic order,
    # no whitespace.
    canonical = json.dumps(
        {"e": int_b64url(nums.e), "kty": "RSA", "n": int_b64url(nums.n)},
        separators=(",", ":"),
        sort_keys=True,
    ).encode("ascii")
    return b64url(hashlib.sha256(canonical).digest())


def jwk_for(pub: rsa.RSAPublicKey) -> dict:
    nums = pub.public_numbers()
    # Member order as GitLab's /oauth/discovery/keys serves it.
    return {
        "kty": "RSA",
        "kid": rfc7638_kid(pub),
        "e": int_b64url(nums.e),
        "n": int_b64url(nums.n),
        "use": "sig",
        "alg": "RS256",
    }


def write_jwks(path: Path, pub: rsa.RSAPublicKey) -> None:
    write_text(path, pretty_json({"keys": [jwk_for(pub)]}))


KEYS_README = """\
# Test-only keys — NEVER TRUST THESE ANYWHERE

Every private key in this directory is committed to a public repository and is
therefore compromised by design. They exist only to sign the fixtures under
`tests/fixtures/tokens/` and `tests/fixtures/malformed/`.

Do not configure any identity provider, AWS account, Vault, or other relying
party to trust these keys, their JWKS, or their `kid`s.

| File | What |
|------|------|
| `test-rsa-2048.pem` / `.pub.pem` | Signing key for the fixtures (PKCS#8 / SPKI PEM) |
| `jwks.json` | JWKS for that key, shaped like GitLab's `/oauth/discovery/keys`; `kid` is the RFC 7638 thumbprint |
| `test-rsa-2048-other.pem` / `.pub.pem` | An unrelated 2048-bit key, for "signed by the wrong key" tests |
| `jwks-other.json` | JWKS for the other key |
| `test-rsa-1024.pem` / `.pub.pem` | A 1024-bit key, for "key too small" tests |

Regenerate with `python3 scripts/mint_fixtures.py`. The keys are only created
when missing, so re-running reproduces byte-identical tokens; delete the
`.pem` files to rotate (every token will change).
"""


# --------------------------------------------------------------------------
# claims
# --------------------------------------------------------------------------

PROJECT = {
    "namespace_id": "68413579",
    "namespace_path": "acme/platform",
    "project_id": "46573356",
    "project_path": "acme/platform/deployer",
}
USER = {
    "user_id": "7712345",
    "user_login": "jdoe",
    "user_email": "jdoe@example.com",
    "user_access_level": "maintainer",
}
# A contributor's fork of PROJECT.
FORK = {
    "namespace_id": "91234567",
    "namespace_path": "contributor",
    "project_id": "71234567",
    "project_path": "contributor/deployer",
}
PIPELINE_ID = "2117654321"
JOB_ID = "8222997048"
RUNNER_ID = 12270835


def gitlab_claims(
    name: str,
    *,
    iss: str = "https://gitlab.com",
    project: dict | None = None,
    ref: str = "main",
    ref_type: str = "branch",
    ref_protected: str = "true",
    environment: dict | None = None,
    runner_environment: str = "gitlab-hosted",
    project_visibility: str = "private",
    iat: int = IAT,
    sub: str | None = None,
    aud="sts.amazonaws.com",
) -> dict:
    """GitLab CI ID token (id_tokens:) claims, in GitLab's emission order."""
    project = project or PROJECT
    prefix = "refs/tags/" if ref_type == "tag" else "refs/heads/"
    ref_path = prefix + ref
    host_and_root = iss.split("://", 1)[-1]
    sha = det_sha(f"{project['project_path']}@{ref_path}")
    if sub is None:
        sub = f"project_path:{project['project_path']}:ref_type:{ref_type}:ref:{ref}"

    c: dict = {}
    c.update(project)
    c.update(USER)
    c["pipeline_id"] = PIPELINE_ID
    c["pipeline_source"] = "push"
    c["job_id"] = JOB_ID
    c["ref"] = ref
    c["ref_type"] = ref_type
    c["ref_path"] = ref_path
    c["ref_protected"] = ref_protected
    if environment:
        c.update(environment)
    c["runner_id"] = RUNNER_ID
    c["runner_environment"] = runner_environment
    c["sha"] = sha
    c["project_visibility"] = project_visibility
    c["ci_config_ref_uri"] = (
        f"{host_and_root}/{project['project_path']}//.gitlab-ci.yml@{ref_path}"
    )
    c["ci_config_sha"] = sha
    c["jti"] = det_uuid(name)
    c["iss"] = iss
    c["iat"] = iat
    c["nbf"] = iat - 5
    c["exp"] = iat + 3600
    c["sub"] = sub
    c["aud"] = aud
    return c


def job_and_source_claims(*, source: dict) -> dict:
    """job_project_* (the project the job runs in: PROJECT) and source_project_*."""
    return {
        "job_project_id": PROJECT["project_id"],
        "job_project_path": PROJECT["project_path"],
        "job_namespace_id": PROJECT["namespace_id"],
        "job_namespace_path": PROJECT["namespace_path"],
        "source_project_id": source["project_id"],
        "source_project_path": source["project_path"],
        "source_namespace_id": source["namespace_id"],
        "source_namespace_path": source["namespace_path"],
    }


def replace_in_order(d: dict, **changes) -> dict:
    """Copy of d with some values replaced, keeping the key order."""
    return {k: changes.get(k, v) for k, v in d.items()}


def insert_after(d: dict, after: str, extra: dict) -> dict:
    out: dict = {}
    for k, v in d.items():
        out[k] = v
        if k == after:
            out.update(extra)
    return out


# GitLab's documented example payload (docs: "ID token payloads"), verbatim.
GITLAB_DOC_EXAMPLE = """\
{
  "namespace_id": "72",
  "namespace_path": "my-group",
  "project_id": "20",
  "project_path": "my-group/my-project",
  "user_id": "1",
  "user_login": "sample-user",
  "user_email": "sample-user@example.com",
  "user_identities": [
      {"provider": "github", "extern_uid": "2435223452345"},
      {"provider": "bitbucket", "extern_uid": "john.smith"}
  ],
  "pipeline_id": "574",
  "pipeline_source": "push",
  "job_id": "302",
  "ref": "feature-branch-1",
  "ref_type": "branch",
  "ref_path": "refs/heads/feature-branch-1",
  "ref_protected": "false",
  "groups_direct": ["mygroup/mysubgroup", "myothergroup/myothersubgroup"],
  "environment": "test-environment2",
  "environment_protected": "false",
  "deployment_tier": "testing",
  "environment_action": "start",
  "job_source": "push",
  "job_config": {
    "url": "https://gitlab.example.com/my-group/my-policy-project/-/blob/ab035e64eca9a7a85bd62e485d3593f52a2804ac/.gitlab/security-policies/policy.yml",
    "sha": "ab035e64eca9a7a85bd62e485d3593f52a2804ac"
  },
  "runner_id": 1,
  "runner_environment": "self-hosted",
  "sha": "714a629c0b401fdce83e847fc9589983fc6f46bc",
  "project_visibility": "public",
  "ci_config_ref_uri": "gitlab.example.com/my-group/my-project//.gitlab-ci.yml@refs/heads/main",
  "ci_config_sha": "714a629c0b401fdce83e847fc9589983fc6f46bc",
  "jti": "235b3a54-b797-45c7-ae9a-f72d7bc6ef5b",
  "iss": "https://gitlab.example.com",
  "iat": 1681395193,
  "nbf": 1681395188,
  "exp": 1681398793,
  "sub": "project_path:my-group/my-project:ref_type:branch:ref:feature-branch-1",
  "aud": "https://vault.example.com"
}
"""


def legacy_v1_claims(name: str) -> dict:
    """CI_JOB_JWT (v1) shape: host-only iss, sub job_<id>, no aud."""
    ref_path = "refs/heads/main"
    c: dict = {}
    c.update(PROJECT)
    c["user_id"] = USER["user_id"]
    c["user_login"] = USER["user_login"]
    c["user_email"] = USER["user_email"]
    c["pipeline_id"] = PIPELINE_ID
    c["pipeline_source"] = "push"
    c["job_id"] = JOB_ID
    c["ref"] = "main"
    c["ref_type"] = "branch"
    c["ref_path"] = ref_path
    c["ref_protected"] = "true"
    c["jti"] = det_uuid(name)
    c["iss"] = "gitlab.com"
    c["iat"] = IAT
    c["nbf"] = IAT - 5
    c["exp"] = IAT + 3600
    c["sub"] = f"job_{JOB_ID}"
    return c


def token_cases() -> list[tuple[str, dict, dict]]:
    """(name, payload, options) in the order they are minted.

    options: {"alg": "HS256"} and/or {"kid": False}.
    """
    main = gitlab_claims("gitlab-com-main")
    cases: list[tuple[str, dict, dict]] = []

    def add(name, payload, **opts):
        cases.append((name, payload, opts))

    add("gitlab-com-main", main)
    add("gitlab-com-tag", gitlab_claims("gitlab-com-tag", ref="v1.4.0", ref_type="tag"))
    add(
        "gitlab-com-feature-branch",
        gitlab_claims(
            "gitlab-com-feature-branch",
            ref="feature/login-x",
            ref_protected="false",
            environment={
                "environment": "review/feature-login-x",
                "environment_protected": "false",
                "deployment_tier": "development",
                "environment_action": "start",
            },
        ),
    )
    add(
        "self-managed-relative-root",
        gitlab_claims(
            "self-managed-relative-root",
            iss="https://gitlab.example.com/gitlab",
            project={
                "namespace_id": "12",
                "namespace_path": "infra",
                "project_id": "345",
                "project_path": "infra/terraform",
            },
            runner_environment="self-hosted",
            project_visibility="internal",
        ),
    )
    add(
        "project-id-sub",
        gitlab_claims(
            "project-id-sub", sub="project_id:46573356:ref_type:branch:ref:main"
        ),
    )
    add(
        "custom-sub-protected",
        gitlab_claims(
            "custom-sub-protected",
            sub="project_path:acme/platform/deployer:ref_type:branch:ref:main:ref_protected:true",
        ),
    )
    add("expired", gitlab_claims("expired", iat=1700000000))
    add(
        "aud-list",
        gitlab_claims("aud-list", aud=["sts.amazonaws.com", "https://gitlab.com"]),
    )
    mismatch = gitlab_claims("sub-mismatch", ref="develop")
    mismatch = replace_in_order(
        mismatch, sub="project_path:acme/platform/deployer:ref_type:branch:ref:main"
    )
    add("sub-mismatch", mismatch)
    add(
        "wrong-types",
        replace_in_order(
            gitlab_claims("wrong-types"),
            ref_protected=True,
            runner_id=str(RUNNER_ID),
            project_id=46573356,
        ),
    )
    add("github-sub", gitlab_claims("github-sub", sub="repo:acme/deployer:ref:refs/heads/main"))
    add(
        "mr-sub",
        gitlab_claims("mr-sub", sub="project_path:acme/platform/deployer:ref_type:mr:ref:42"),
    )
    add(
        "refs-heads-sub",
        gitlab_claims(
            "refs-heads-sub",
            sub="project_path:acme/platform/deployer:ref_type:branch:ref:refs/heads/main",
        ),
    )
    missing_sub = gitlab_claims("missing-sub")
    del missing_sub["sub"]
    add("missing-sub", missing_sub)
    add("no-kid", gitlab_claims("no-kid"), kid=False)
    add("legacy-v1", legacy_v1_claims("legacy-v1"))
    # Same claims as gitlab-com-main, HMAC-signed (alg-confusion shape); the
    # header still carries the RSA kid.
    add("hs256", dict(main), alg="HS256")
    add(
        "unknown-claims",
        insert_after(
            gitlab_claims("unknown-claims"),
            "project_path",
            {"x_custom": {"nested": [1, 2]}, "aaa_first": "kept in order"},
        ),
    )
    add("gitlab-doc-example", json.loads(GITLAB_DOC_EXAMPLE))
    # A merge request pipeline from a fork, run in the parent project, on a GitLab with the
    # job_project_* (18.4) and source_project_* (merge request 258245) claims. project_* and
    # namespace_* are the fork's, job_* the parent's, source_* the merge request's source
    # project (the fork). The parent's sub starts with job_project_id (allowed first since
    # MR 258245) and names the source project later. The contributor is no member of the
    # parent, so user_access_level is null.
    fork = gitlab_claims(
        "fork-mr-job-project-sub",
        project=FORK,
        ref="fix-typo",
        ref_protected="false",
        sub=(
            f"job_project_id:{PROJECT['project_id']}"
            f":source_project_path:{FORK['project_path']}"
            ":ref_type:branch:ref:fix-typo"
        ),
    )
    fork = replace_in_order(
        fork,
        pipeline_source="merge_request_event",
        user_id="9912345",
        user_login="contributor",
        user_email="contributor@example.com",
        user_access_level=None,
    )
    add("fork-mr-job-project-sub", insert_after(fork, "project_path", job_and_source_claims(source=FORK)))
    # The parent's own branch pipeline, with a project setting that lists ref twice: GitLab
    # accepts that and writes ref:main twice.
    repeated = gitlab_claims(
        "repeated-sub-component",
        sub=f"project_path:{PROJECT['project_path']}:ref_type:branch:ref:main:ref:main",
    )
    add("repeated-sub-component", insert_after(repeated, "project_path", job_and_source_claims(source=PROJECT)))
    return cases


# --------------------------------------------------------------------------
# minting
# --------------------------------------------------------------------------


def mint(payload: dict, key, kid: str | None, alg: str = "RS256") -> str:
    headers = {"typ": "JWT"}
    if kid is not None:
        headers["kid"] = kid
    with warnings.catch_warnings():
        # PyJWT >= 2.10 warns that a 16-byte HS256 secret is short. Intended.
        warnings.simplefilter("ignore")
        token = jwt.encode(payload, key, algorithm=alg, headers=headers)
    # PyJWT must not reorder the payload: check the middle segment is exactly
    # the insertion-ordered compact JSON.
    seg = token.split(".")[1]
    assert b64url_decode(seg) == compact_json(payload), "payload was re-serialised"
    return token


def sign_segments(h: str, p: str, key) -> str:
    """h.p.sig with a genuine RS256 signature over the exact signing input."""
    signing_input = f"{h}.{p}".encode("ascii")
    sig = RSAAlgorithm(RSAAlgorithm.SHA256).sign(signing_input, key)
    return f"{h}.{p}.{b64url(sig)}"


def sign_raw(header: bytes, payload: bytes, key) -> str:
    """header/payload are raw bytes, base64url-encoded here."""
    return sign_segments(b64url(header), b64url(payload), key)


def corrupt_middle(seg: str, ch: str) -> str:
    mid = len(seg) // 2
    return seg[:mid] + ch + seg[mid + 1 :]


def write_malformed(key, main_token: str) -> list[tuple[str, str]]:
    """Returns [(file name, description)] for the README."""
    h, p, s = main_token.split(".")
    header_bytes = b64url_decode(h)  # exactly PyJWT's header
    main_claims = gitlab_claims("gitlab-com-main")
    main_payload = compact_json(main_claims)

    out: list[tuple[str, str, bytes]] = []

    out.append(("empty", "Empty input (zero bytes).", b""))
    out.append(
        (
            "two-segments",
            "`header.payload` of gitlab-com-main, signature segment missing: wrong segment count (2).",
            f"{h}.{p}".encode(),
        )
    )
    out.append(
        (
            "four-segments",
            "gitlab-com-main plus a fourth segment: wrong segment count (4).",
            f"{h}.{p}.{s}.{b64url(b'extra')}".encode(),
        )
    )
    jwe_header = compact_json({"alg": "RSA-OAEP-256", "enc": "A256GCM"})
    jwe_parts = [b64url(jwe_header)] + [
        b64url(hashlib.sha256(f"jwe-{i}".encode()).digest()[:n])
        for i, n in ((1, 32), (2, 12), (3, 32), (4, 16))
    ]
    out.append(
        (
            "five-segments-jwe",
            "Five base64url segments (JWE compact shape, `enc` header): encrypted token, not a JWS.",
            ".".join(jwe_parts).encode(),
        )
    )
    mid = len(p) // 2
    out.append(
        (
            "whitespace-inside",
            "gitlab-com-main with a `\\n` inserted in the middle of the payload segment: whitespace inside the token.",
            f"{h}.{p[:mid]}\n{p[mid:]}.{s}".encode(),
        )
    )
    out.append(
        (
            "header-bad-base64",
            "gitlab-com-main with one header character replaced by `%`: header is not base64url.",
            f"{corrupt_middle(h, '%')}.{p}.{s}".encode(),
        )
    )
    out.append(
        (
            "payload-bad-base64",
            "gitlab-com-main with one payload character replaced by `%`: payload is not base64url.",
            f"{h}.{corrupt_middle(p, '%')}.{s}".encode(),
        )
    )
    out.append(
        (
            "signature-bad-base64",
            "gitlab-com-main with one signature character replaced by `%`: signature is not base64url.",
            f"{h}.{p}.{corrupt_middle(s, '%')}".encode(),
        )
    )

    # Standard-alphabet payload. A run of >= 5 '>' (0x3E) bytes always holds
    # an aligned "\x3e\x3e\x3e" group, which encodes to "Pj4+"; likewise
    # '?' (0x3F) gives "Pz8/". Unpadded, and the RS256 signature is genuine
    # over the exact (non-url) signing input, so the alphabet is the only
    # defect.
    std_claims = insert_after(main_claims, "project_path", {"note": ">>>>>?????"})
    std_seg = base64.b64encode(compact_json(std_claims)).rstrip(b"=").decode("ascii")
    std_token = sign_segments(h, std_seg, key)
    assert "+" in std_seg and "/" in std_seg, std_seg
    out.append(
        (
            "payload-std-base64",
            "Payload segment in the *standard* base64 alphabet (contains `+` and `/`, unpadded); "
            "signature is a genuine RS256 over those exact bytes: wrong base64 alphabet.",
            std_token.encode(),
        )
    )

    out.append(
        (
            "header-not-json",
            "Header decodes to `not json` (validly signed): header is not JSON.",
            sign_raw(b"not json", main_payload, key).encode(),
        )
    )
    out.append(
        (
            "payload-not-json",
            "Payload decodes to `not json` (validly signed): payload is not JSON.",
            sign_raw(header_bytes, b"not json", key).encode(),
        )
    )
    out.append(
        (
            "header-not-object",
            "Header decodes to `[1,2]` (validly signed): header JSON is not an object.",
            sign_raw(b"[1,2]", main_payload, key).encode(),
        )
    )
    out.append(
        (
            "payload-not-object",
            'Payload decodes to `"a string"` (validly signed): payload JSON is not an object.',
            sign_raw(header_bytes, b'"a string"', key).encode(),
        )
    )

    # too-large: exactly TOO_LARGE_BYTES, otherwise a valid signed token.
    fixed = len(b64url(header_bytes)) + 1 + 1 + len(s)
    target_payload_seg = TOO_LARGE_BYTES - fixed
    assert target_payload_seg % 4 != 1, "unreachable base64url length"
    target_json_len = (target_payload_seg * 3) // 4
    base = insert_after(main_claims, "project_path", {"padding": ""})
    pad = target_json_len - len(compact_json(base))
    big = insert_after(main_claims, "project_path", {"padding": "x" * pad})
    big_token = sign_raw(header_bytes, compact_json(big), key)
    assert len(big_token) == TOO_LARGE_BYTES, len(big_token)
    out.append(
        (
            "too-large",
            f"A well-formed, validly signed token of exactly {TOO_LARGE_BYTES} bytes "
            "(gitlab-com-main claims plus a long `padding` claim after `project_path`): input too large.",
            big_token.encode(),
        )
    )
    out.append(
        (
            "bearer-prefixed",
            "`  Bearer <gitlab-com-main>  \\n`: leading spaces, `Bearer ` prefix, trailing spaces and newline. "
            "VALID after trimming whitespace and stripping the `Bearer ` prefix.",
            f"  Bearer {main_token}  \n".encode(),
        )
    )

    for name, _desc, data in out:
        write_bytes(MALFORMED / f"{name}.txt", data)
    return [(name, desc) for name, desc, _ in out]


def malformed_readme(rows: list[tuple[str, str]]) -> str:
    lines = [
        "# Malformed token inputs",
        "",
        "Generated by `scripts/mint_fixtures.py`. Each file's **entire contents** is the",
        "input under test (read the bytes as-is; do not trim). None of these files ends",
        "in a newline except `bearer-prefixed.txt`, whose trailing `  \\n` is part of the",
        "case. Unless noted, the pieces come from `tokens/gitlab-com-main.jwt`, signed",
        "with the test-only key in `../keys/`.",
        "",
        "| File | Error class |",
        "|------|-------------|",
    ]
    for name, desc in rows:
        lines.append(f"| `{name}.txt` | {desc} |")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# verification
# --------------------------------------------------------------------------


def verify_token(name: str, token: str, payload: dict, pub, alg: str) -> None:
    options = {
        "verify_exp": False,
        "verify_nbf": False,
        "verify_iat": False,
        "verify_aud": False,
        "verify_iss": False,
        "verify_sub": False,
        "verify_jti": False,
    }
    key = HS256_SECRET if alg == "HS256" else pub
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        decoded = jwt.decode(token, key, algorithms=[alg], options=options)
    assert decoded == payload, name
    assert list(decoded) == list(payload), f"{name}: key order changed"
    if alg != "HS256":
        # Signature must fail against the unrelated key.
        other = serialization.load_pem_public_key((KEYS / "test-rsa-2048-other.pub.pem").read_bytes())
        try:
            jwt.decode(token, other, algorithms=["RS256"], options=options)
        except jwt.InvalidSignatureError:
            pass
        else:
            raise AssertionError(f"{name}: verified under the other key")


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def main() -> int:
    key = load_or_create_key("test-rsa-2048", 2048)
    other = load_or_create_key("test-rsa-2048-other", 2048)
    load_or_create_key("test-rsa-1024", 1024)
    write_jwks(KEYS / "jwks.json", key.public_key())
    write_jwks(KEYS / "jwks-other.json", other.public_key())
    write_text(KEYS / "README.md", KEYS_README)
    kid = rfc7638_kid(key.public_key())
    pub = key.public_key()

    tokens: dict[str, str] = {}
    for name, payload, opts in token_cases():
        alg = opts.get("alg", "RS256")
        signing_key = HS256_SECRET if alg == "HS256" else key
        token = mint(payload, signing_key, None if opts.get("kid") is False else kid, alg)
        verify_token(name, token, payload, pub, alg)
        tokens[name] = token
        write_text(TOKENS / f"{name}.jwt", token + "\n")
        if name == "gitlab-doc-example":
            write_text(TOKENS / f"{name}.claims.json", GITLAB_DOC_EXAMPLE)
        else:
            write_text(TOKENS / f"{name}.claims.json", pretty_json(payload))

    rows = write_malformed(key, tokens["gitlab-com-main"])
    write_text(MALFORMED / "README.md", malformed_readme(rows))

    # Summary
    print(f"PyJWT {jwt.__version__}; kid = {kid}")
    hdr = json.loads(b64url_decode(tokens["gitlab-com-main"].split(".")[0]))
    print(f"header (gitlab-com-main): {json.dumps(hdr, separators=(',', ':'))}")
    print(f"{len(tokens)} tokens minted and verified, {len(rows)} malformed inputs")
    for path in WRITTEN:
        print(f"  {path.relative_to(ROOT)}  ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
