"""Second, independent client for the simulator: boto3 (botocore's own
serializers and parsers) against the endpoint given on the command line.

Usage: boto3_client.py ENDPOINT EXPECTED_JSON

EXPECTED_JSON contains the values the model implies. The script prints one line
per check and exits with status 1 if any check failed.
"""

import json
import sys

import boto3
import botocore.exceptions


def main() -> int:
    endpoint, expected = sys.argv[1], json.loads(sys.argv[2])
    session = boto3.session.Session(
        aws_access_key_id="AKIASIMULATORBOTO3",
        aws_secret_access_key="simulator-secret-key",
        region_name="us-east-1",
    )

    def client(name):
        return session.client(name, endpoint_url=endpoint)

    checks = []

    def check(name, actual, wanted):
        ok = actual == wanted
        checks.append(ok)
        if isinstance(wanted, list) and ok:
            print(f"ok: {name}: {len(wanted)} items match")
        else:
            print(f"{'ok' if ok else 'FAILED'}: {name}: got {actual!r}, expected {wanted!r}")

    def error_code(call):
        try:
            call()
        except botocore.exceptions.ClientError as error:
            return error.response["Error"]["Code"]
        return None

    sts = client("sts")
    identity = sts.get_caller_identity()
    check("caller account", identity["Account"], expected["management_account_id"])
    role_arn = f"arn:aws:iam::{expected['management_account_id']}:role/IdcdbReader"
    assumed = sts.assume_role(RoleArn=role_arn, RoleSessionName="boto3", ExternalId=expected["external_id"])
    check("assumed access key prefix", assumed["Credentials"]["AccessKeyId"][:4], "ASIA")
    check(
        "wrong external id",
        error_code(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="boto3", ExternalId="wrong")),
        "AccessDenied",
    )

    organizations = client("organizations")
    pages = list(organizations.get_paginator("list_accounts").paginate())
    check("account count", sum(len(page["Accounts"]) for page in pages), expected["accounts"])
    check("largest account page", max(len(page["Accounts"]) for page in pages), min(expected["accounts"], 20))

    sso_admin = client("sso-admin")
    instances = sso_admin.list_instances()["Instances"]
    check("instance count", len(instances), expected["instances"])
    instance_arn = expected["instance_arn"]
    sets = [
        arn
        for page in sso_admin.get_paginator("list_permission_sets").paginate(InstanceArn=instance_arn, MaxResults=10)
        for arn in page["PermissionSets"]
    ]
    check("permission set count", len(sets), expected["permission_sets"])
    described = sso_admin.describe_permission_set(InstanceArn=instance_arn, PermissionSetArn=sets[0])
    check("first permission set name", described["PermissionSet"]["Name"], expected["first_permission_set_name"])
    check(
        "boundary of a permission set without one",
        error_code(
            lambda: sso_admin.get_permissions_boundary_for_permission_set(
                InstanceArn=instance_arn, PermissionSetArn=expected["set_without_boundary"]
            )
        ),
        "ResourceNotFoundException",
    )

    identity_store = client("identitystore")
    store = expected["identity_store_id"]
    users = [
        user
        for page in identity_store.get_paginator("list_users").paginate(IdentityStoreId=store)
        for user in page["Users"]
    ]
    check("user count", len(users), expected["users"])
    check("user names round-trip", sorted(u["UserName"] for u in users), sorted(expected["user_names"]))
    groups = [
        group
        for page in identity_store.get_paginator("list_groups").paginate(IdentityStoreId=store)
        for group in page["Groups"]
    ]
    check("group names round-trip", sorted(g["DisplayName"] for g in groups), sorted(expected["group_names"]))
    memberships = 0
    for group in groups:
        for page in identity_store.get_paginator("list_group_memberships").paginate(
            IdentityStoreId=store, GroupId=group["GroupId"]
        ):
            memberships += len(page["GroupMemberships"])
    check("membership count", memberships, expected["memberships"])
    check(
        "describe unknown group",
        error_code(
            lambda: identity_store.describe_group(
                IdentityStoreId=store, GroupId="0000000000-00000000-0000-4000-8000-000000000000"
            )
        ),
        "ResourceNotFoundException",
    )

    failed = checks.count(False)
    print(f"boto3: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
