"""Creates, in the fake AWS (tests/tools/fake_aws.py), what a generated job needs, through
the AWS APIs with boto3: the IAM OIDC provider, the roles that trust it, the S3 bucket and
the CodeBuild project.

TEST-ONLY. Usage: .venv-tools/bin/python tests/tools/seed_aws.py ENDPOINT < plan.json

plan.json:
  {"providers": [{"account": "123456789012", "url": "https://gitlab.com", "clientIds": ["sts.amazonaws.com"]}],
   "roles": [{"arn": "arn:aws:iam::123456789012:role/ci/x", "provider": "gitlab.com",
              "aud": "sts.amazonaws.com", "sub": "project_path:acme/*", "maxSessionDuration": 3600}],
   "buckets": [{"account": "...", "region": "us-east-1", "name": "..."}],
   "projects": [{"account": "...", "region": "...", "name": "...", "lifecycle": "SUCCEEDED" or null}]}

moto picks the account from the caller's access key: the default account for plain
dummy keys, and for any other account the keys of a role assumed in it (moto lets
sts:AssumeRole into any account), exactly how one would reach a second account.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3

DEFAULT_ACCOUNT = "123456789012"


def clients(endpoint: str) -> Any:
    cache: dict[tuple[str, str, str], Any] = {}
    base = {"aws_access_key_id": "seed", "aws_secret_access_key": "seed"}

    def client(service: str, account: str, region: str = "us-east-1") -> Any:
        key = (service, account, region)
        if key not in cache:
            credentials = base
            if account != DEFAULT_ACCOUNT:
                sts = boto3.client("sts", endpoint_url=endpoint, region_name=region, **base)
                assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/seed", RoleSessionName="seed")
                c = assumed["Credentials"]
                credentials = {
                    "aws_access_key_id": c["AccessKeyId"],
                    "aws_secret_access_key": c["SecretAccessKey"],
                    "aws_session_token": c["SessionToken"],
                }
            cache[key] = boto3.client(service, endpoint_url=endpoint, region_name=region, **credentials)
        return cache[key]

    return client


def main() -> None:
    endpoint = sys.argv[1]
    plan = json.load(sys.stdin)
    client = clients(endpoint)
    for provider in plan.get("providers", []):
        client("iam", provider["account"]).create_open_id_connect_provider(
            Url=provider["url"], ClientIDList=provider["clientIds"], ThumbprintList=["0" * 40]
        )
    for role in plan.get("roles", []):
        _, partition, _, _, account, resource = role["arn"].split(":", 5)
        path_and_name = resource.removeprefix("role/")
        path, _, name = path_and_name.rpartition("/")
        host = role["provider"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": f"arn:{partition}:iam::{account}:oidc-provider/{host}"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {f"{host}:aud": role["aud"]},
                        "StringLike": {f"{host}:sub": role["sub"]},
                    },
                }
            ],
        }
        client("iam", account).create_role(
            Path=f"/{path}/" if path else "/",
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(trust),
            MaxSessionDuration=role.get("maxSessionDuration", 3600),
        )
    for bucket in plan.get("buckets", []):
        s3 = client("s3", bucket["account"], bucket["region"])
        if bucket["region"] == "us-east-1":
            s3.create_bucket(Bucket=bucket["name"])
        else:
            s3.create_bucket(
                Bucket=bucket["name"], CreateBucketConfiguration={"LocationConstraint": bucket["region"]}
            )
    for project in plan.get("projects", []):
        tags = [{"key": "fake-codebuild-lifecycle", "value": project["lifecycle"]}] if project.get("lifecycle") else []
        client("codebuild", project["account"], project["region"]).create_project(
            name=project["name"],
            source={"type": "S3", "location": "placeholder/placeholder.zip"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={
                "type": "LINUX_CONTAINER",
                "image": "aws/codebuild/standard:7.0",
                "computeType": "BUILD_GENERAL1_SMALL",
                "privilegedMode": True,
            },
            serviceRole=f"arn:aws:iam::{project['account']}:role/codebuild-service",
            tags=tags,
        )
    print("seeded", flush=True)


if __name__ == "__main__":
    main()
