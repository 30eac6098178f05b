#!/usr/bin/env python3
"""Build idcdb's test organization in a running moto server and write the expected report.

Usage:
    python3 tests/moto/fixture.py --endpoint http://127.0.0.1:PORT --expected OUT.json

The server should be tests/moto/launcher.py, whose patches make moto list
provisioned permission sets and delete group memberships as AWS does, and add
the tagging and permissions boundary calls that moto lacks. The script creates
an organization, Identity Store users and groups, permission sets with
policies, boundaries and tags, and account assignments with boto3 in
us-east-1. It then writes OUT.json with its own record of what it created and
the "who can reach which account" rows that idcdb should report. The rows are
computed in Python from that record, never read back from moto. Only the
account list is read back with ListAccounts, so that OUT.json names each
account as ListAccounts does, including the management account, which moto
names "master".

OUT.json is an object with these keys:
    instance_arn, identity_store_id, management_account_id: strings
    accounts: [{id, name}], every account in ListAccounts order
    permission_sets: [{...}], one object per permission set with these keys:
        arn, name: strings
        description, relay_state: strings, or null when unset
        session_duration: an ISO 8601 duration such as "PT4H"
        inline_policy: the exact policy text put, or null for none, where
            GetInlinePolicyForPermissionSet returns ""
        managed_policies: [{arn, name}], in the order attached
        customer_managed_policies: [{name, path}], in the order attached
        permissions_boundary: null, {managed_policy_arn} or
            {customer_policy_name, customer_policy_path}
        tags: {key: value}
        provisioned_accounts: [id], sorted, what
            ListAccountsForProvisionedPermissionSet returns with
            ProvisioningStatus LATEST_PERMISSION_SET_PROVISIONED. With
            LATEST_PERMISSION_SET_NOT_PROVISIONED it returns none.
    users: [{id, user_name, display_name}], existing users only
    deleted_user_ids, deleted_group_ids: [id]
    groups: [{id, display_name, member_user_ids: [id]}], existing groups only
    account_assignments: [{account_id, permission_set_arn, principal_type,
        principal_id}], every assignment left in sso-admin, including those
        of deleted users and groups
    provisioned_accounts: [{permission_set_arn, account_ids: [id]}], what
        ListAccountsForProvisionedPermissionSet returns, with sorted IDs
    account_access: [{user_name, user_id, account_id, account_name,
        permission_set_name, permission_set_arn, via}], one row per path by
        which a user reaches an account with a permission set. via is "direct"
        or the display name of the group.

Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when both
are set, and are "testing" otherwise. The endpoint must be a loopback address.
"""

import argparse
import ipaddress
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# botocore must never look for credentials on an instance metadata address.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402  (imported after the variable above is set)
from botocore.config import Config  # noqa: E402
from botocore.exceptions import BotoCoreError, ClientError  # noqa: E402

LOG = logging.getLogger("idcdb.fixture")
REGION = "us-east-1"

USER_COUNT = 130
# Users 0-109 are assigned directly to one (account, permission set) pair,
# so ListAccountAssignments needs two pages there at the default page size.
DIRECT_USER_COUNT = 110
# Users 0-119 are members of the large group, so ListGroupMemberships needs
# two pages for it at the default page size.
LARGE_GROUP_SIZE = 120

# Account names with a comma, both quote characters, accents and CJK.
# NOTE: AWS Organizations accepts only printable ASCII in account names
# (CreateAccount's AccountName pattern is [\u0020-\u007E]+), so the names with
# accents or CJK exist only in moto. They test that idcdb keeps any UTF-8 name.
ACCOUNT_NAMES = {
    "societe": "Comptes, Société Générale",
    "prod": 'Prod "Main"',
    "honban": "本番環境",
    "sandbox": "O'Reilly's Sandbox",
    "shared": "Shared Services",
}

# User names follow the Identity Store pattern [\p{L}\p{M}\p{S}\p{N}\p{P}]+,
# which allows punctuation and any script but no spaces.
SPECIAL_USERS = [
    # (user name, display name, given name, family name)
    ("o'brien,\"bob\"", 'O\'Brien, "Bob"', "Bob", "O'Brien"),
    ("josé.müller", "José Müller", "José", "Müller"),
    ("山田太郎", "山田 太郎", "太郎", "山田"),
    ("zoë.d'arcy", "Zoë d'Arcy, Jr.", "Zoë", "d'Arcy"),
    ('"quoted"@example.com', '"Quoted" User', "Quoted", "User"),
]
LEAVER_INDEX = USER_COUNT - 1

# Tag values with a comma, both quote characters and accents, and a key and
# value in CJK.
# NOTE: AWS requires tag keys and values to match [\p{L}\p{Z}\p{N}_.:/=+\-@]*,
# so the values with a comma or a quote exist only in moto. They test that
# idcdb keeps any text. Accented and CJK letters are valid on AWS.
ADMIN_TAGS = {
    "CostCenter": "Ops, Shared",
    "Owner": 'Platform "Core" Team',
    "Reviewer": "O'Brien",
    "Environnement": "Production générale",
    "環境": "本番",
}

# An inline policy that grants billing reads and every IAM action. The text
# is put with its line breaks and indentation, which
# GetInlinePolicyForPermissionSet must return unchanged.
BILLING_INLINE_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ViewBilling",
      "Effect": "Allow",
      "Action": ["aws-portal:ViewBilling", "ce:Get*"],
      "Resource": "*"
    },
    {
      "Sid": "ManageAllOfIam",
      "Effect": "Allow",
      "Action": "iam:*",
      "Resource": "*"
    }
  ]
}"""


def aws_managed_policy_arn(name: str) -> str:
    return f"arn:aws:iam::aws:policy/{name}"


@dataclass
class User:
    id: str
    user_name: str
    display_name: str


@dataclass
class Group:
    id: str
    display_name: str
    member_user_ids: list[str] = field(default_factory=list)


@dataclass
class PermissionSet:
    arn: str
    name: str
    description: str | None
    session_duration: str
    relay_state: str | None
    inline_policy: str | None = None
    # [{"arn", "name"}] and [{"name", "path"}], in the order attached.
    managed_policies: list[dict[str, str]] = field(default_factory=list)
    customer_managed_policies: list[dict[str, str]] = field(default_factory=list)
    permissions_boundary: dict[str, str] | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Assignment:
    account_id: str
    permission_set_arn: str
    principal_type: str
    principal_id: str


@dataclass
class Model:
    """Everything the fixture created, as the fixture itself recorded it."""

    instance_arn: str = ""
    identity_store_id: str = ""
    management_account_id: str = ""
    accounts: list[dict[str, str]] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    permission_sets: dict[str, PermissionSet] = field(default_factory=dict)
    assignments: list[Assignment] = field(default_factory=list)
    explicitly_provisioned: list[tuple[str, str]] = field(default_factory=list)
    deleted_user_ids: list[str] = field(default_factory=list)
    deleted_group_ids: list[str] = field(default_factory=list)


class Fixture:
    """Creates the test organization through boto3 and records it in a Model."""

    def __init__(self, endpoint: str) -> None:
        access_key = os.environ.get("AWS_ACCESS_KEY_ID")
        secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY")
        session_token = os.environ.get("AWS_SESSION_TOKEN")
        if not (access_key and secret_key):
            access_key, secret_key, session_token = "testing", "testing", None
        session = boto3.session.Session(
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            aws_session_token=session_token,
            region_name=REGION,
        )
        # The mock responds at once, so a retry would only hide an error.
        config = Config(retries={"max_attempts": 1, "mode": "standard"})
        self.organizations = session.client("organizations", endpoint_url=endpoint, config=config)
        self.sso_admin = session.client("sso-admin", endpoint_url=endpoint, config=config)
        self.identitystore = session.client("identitystore", endpoint_url=endpoint, config=config)
        self.model = Model()
        self.account_ids: dict[str, str] = {}

    # ------------------------------------------------------------ organizations

    def create_accounts(self) -> None:
        organization = self.organizations.create_organization(FeatureSet="ALL")["Organization"]
        self.model.management_account_id = organization["MasterAccountId"]

        for key, name in ACCOUNT_NAMES.items():
            status = self.organizations.create_account(
                Email=f"{key}@example.com", AccountName=name
            )["CreateAccountStatus"]
            self.account_ids[key] = self.wait_for_account(status)
        self.account_ids["management"] = self.model.management_account_id

        paginator = self.organizations.get_paginator("list_accounts")
        for page in paginator.paginate():
            for account in page["Accounts"]:
                self.model.accounts.append({"id": account["Id"], "name": account["Name"]})

    def wait_for_account(self, status: dict[str, Any]) -> str:
        """Return the new account's ID once CreateAccount has succeeded."""
        for _ in range(50):
            if status["State"] == "SUCCEEDED":
                return status["AccountId"]
            if status["State"] == "FAILED":
                raise RuntimeError(
                    f"CreateAccount {status['Id']} failed: {status.get('FailureReason')}"
                )
            time.sleep(0.1)
            status = self.organizations.describe_create_account_status(
                CreateAccountRequestId=status["Id"]
            )["CreateAccountStatus"]
        raise TimeoutError(f"CreateAccount {status['Id']} timed out in state {status['State']}")

    # ----------------------------------------------------------- identity store

    def find_instance(self) -> None:
        instances = self.sso_admin.list_instances()["Instances"]
        if len(instances) != 1:
            raise RuntimeError(f"expected one Identity Center instance, ListInstances returned {len(instances)}")
        self.model.instance_arn = instances[0]["InstanceArn"]
        self.model.identity_store_id = instances[0]["IdentityStoreId"]

    def create_users(self) -> list[str]:
        """Create USER_COUNT users and return their IDs by index."""
        user_ids = []
        for index in range(USER_COUNT):
            if index < len(SPECIAL_USERS):
                user_name, display_name, given_name, family_name = SPECIAL_USERS[index]
            elif index == LEAVER_INDEX:
                user_name, display_name, given_name, family_name = (
                    "leaver", "Leaver, Temp", "Temp", "Leaver"
                )
            else:
                user_name = f"user{index:03d}"
                display_name = f"Tester {index:03d}, Team {index % 7}"
                given_name, family_name = "Tester", f"{index:03d}"
            user_id = self.identitystore.create_user(
                IdentityStoreId=self.model.identity_store_id,
                UserName=user_name,
                DisplayName=display_name,
                Name={"GivenName": given_name, "FamilyName": family_name},
                Emails=[{"Value": f"user{index:03d}@example.com", "Type": "work", "Primary": True}],
            )["UserId"]
            self.model.users[user_id] = User(user_id, user_name, display_name)
            user_ids.append(user_id)
        return user_ids

    def create_group(self, display_name: str, member_ids: list[str]) -> str:
        group_id = self.identitystore.create_group(
            IdentityStoreId=self.model.identity_store_id, DisplayName=display_name
        )["GroupId"]
        group = Group(group_id, display_name)
        for user_id in member_ids:
            self.identitystore.create_group_membership(
                IdentityStoreId=self.model.identity_store_id,
                GroupId=group_id,
                MemberId={"UserId": user_id},
            )
            group.member_user_ids.append(user_id)
        self.model.groups[group_id] = group
        return group_id

    def delete_user(self, user_id: str) -> None:
        """Delete a user's group memberships, then the user.

        Its account assignments stay. AWS's user guide asks administrators to
        delete them before deleting a user.
        """
        paginator = self.identitystore.get_paginator("list_group_memberships_for_member")
        pages = paginator.paginate(
            IdentityStoreId=self.model.identity_store_id, MemberId={"UserId": user_id}
        )
        membership_ids = [m["MembershipId"] for page in pages for m in page["GroupMemberships"]]
        for membership_id in membership_ids:
            self.identitystore.delete_group_membership(
                IdentityStoreId=self.model.identity_store_id, MembershipId=membership_id
            )
        self.identitystore.delete_user(IdentityStoreId=self.model.identity_store_id, UserId=user_id)

        del self.model.users[user_id]
        for group in self.model.groups.values():
            if user_id in group.member_user_ids:
                group.member_user_ids.remove(user_id)
        self.model.deleted_user_ids.append(user_id)

    def delete_group(self, group_id: str) -> None:
        """Delete a group. The launcher deletes its memberships with it, and its
        account assignments stay.
        """
        self.identitystore.delete_group(IdentityStoreId=self.model.identity_store_id, GroupId=group_id)
        del self.model.groups[group_id]
        self.model.deleted_group_ids.append(group_id)

    # ---------------------------------------------------------------- sso-admin

    def create_permission_set(
        self,
        name: str,
        described: bool = True,
        session_duration: str | None = "PT4H",
        relay_state: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        """Create a permission set. Without session_duration, AWS sets "PT1H"."""
        request: dict[str, Any] = {"InstanceArn": self.model.instance_arn, "Name": name}
        description = f"idcdb fixture permission set {name}" if described else None
        if description is not None:
            request["Description"] = description
        if session_duration is not None:
            request["SessionDuration"] = session_duration
        if relay_state is not None:
            request["RelayState"] = relay_state
        if tags:
            request["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
        arn = self.sso_admin.create_permission_set(**request)["PermissionSet"]["PermissionSetArn"]

        self.model.permission_sets[arn] = PermissionSet(
            arn,
            name,
            description=description,
            session_duration=session_duration or "PT1H",
            relay_state=relay_state,
            tags=dict(tags or {}),
        )
        return arn

    def put_inline_policy(self, permission_set_arn: str, policy: str) -> None:
        self.sso_admin.put_inline_policy_to_permission_set(
            InstanceArn=self.model.instance_arn,
            PermissionSetArn=permission_set_arn,
            InlinePolicy=policy,
        )
        self.model.permission_sets[permission_set_arn].inline_policy = policy

    def attach_managed_policy(self, permission_set_arn: str, policy_name: str) -> None:
        arn = aws_managed_policy_arn(policy_name)
        self.sso_admin.attach_managed_policy_to_permission_set(
            InstanceArn=self.model.instance_arn,
            PermissionSetArn=permission_set_arn,
            ManagedPolicyArn=arn,
        )
        self.model.permission_sets[permission_set_arn].managed_policies.append(
            {"arn": arn, "name": policy_name}
        )

    def attach_customer_managed_policy(self, permission_set_arn: str, name: str, path: str) -> None:
        self.sso_admin.attach_customer_managed_policy_reference_to_permission_set(
            InstanceArn=self.model.instance_arn,
            PermissionSetArn=permission_set_arn,
            CustomerManagedPolicyReference={"Name": name, "Path": path},
        )
        self.model.permission_sets[permission_set_arn].customer_managed_policies.append(
            {"name": name, "path": path}
        )

    def put_managed_boundary(self, permission_set_arn: str, policy_name: str) -> None:
        arn = aws_managed_policy_arn(policy_name)
        self.sso_admin.put_permissions_boundary_to_permission_set(
            InstanceArn=self.model.instance_arn,
            PermissionSetArn=permission_set_arn,
            PermissionsBoundary={"ManagedPolicyArn": arn},
        )
        self.model.permission_sets[permission_set_arn].permissions_boundary = {
            "managed_policy_arn": arn
        }

    def put_customer_managed_boundary(self, permission_set_arn: str, name: str, path: str) -> None:
        self.sso_admin.put_permissions_boundary_to_permission_set(
            InstanceArn=self.model.instance_arn,
            PermissionSetArn=permission_set_arn,
            PermissionsBoundary={"CustomerManagedPolicyReference": {"Name": name, "Path": path}},
        )
        self.model.permission_sets[permission_set_arn].permissions_boundary = {
            "customer_policy_name": name,
            "customer_policy_path": path,
        }

    def delete_boundary(self, permission_set_arn: str) -> None:
        self.sso_admin.delete_permissions_boundary_from_permission_set(
            InstanceArn=self.model.instance_arn, PermissionSetArn=permission_set_arn
        )
        self.model.permission_sets[permission_set_arn].permissions_boundary = None

    def tag(self, permission_set_arn: str, tags: dict[str, str]) -> None:
        self.sso_admin.tag_resource(
            InstanceArn=self.model.instance_arn,
            ResourceArn=permission_set_arn,
            Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
        )
        self.model.permission_sets[permission_set_arn].tags.update(tags)

    def untag(self, permission_set_arn: str, keys: list[str]) -> None:
        self.sso_admin.untag_resource(
            InstanceArn=self.model.instance_arn, ResourceArn=permission_set_arn, TagKeys=keys
        )
        for key in keys:
            del self.model.permission_sets[permission_set_arn].tags[key]

    def assign(self, account: str, permission_set_arn: str, principal_type: str, principal_id: str) -> None:
        account_id = self.account_ids[account]
        self.sso_admin.create_account_assignment(
            InstanceArn=self.model.instance_arn,
            TargetId=account_id,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=permission_set_arn,
            PrincipalType=principal_type,
            PrincipalId=principal_id,
        )
        self.model.assignments.append(
            Assignment(account_id, permission_set_arn, principal_type, principal_id)
        )

    def unassign(self, account: str, permission_set_arn: str, principal_type: str, principal_id: str) -> None:
        account_id = self.account_ids[account]
        self.sso_admin.delete_account_assignment(
            InstanceArn=self.model.instance_arn,
            TargetId=account_id,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=permission_set_arn,
            PrincipalType=principal_type,
            PrincipalId=principal_id,
        )
        self.model.assignments.remove(
            Assignment(account_id, permission_set_arn, principal_type, principal_id)
        )

    def provision(self, account: str, permission_set_arn: str) -> None:
        account_id = self.account_ids[account]
        self.sso_admin.provision_permission_set(
            InstanceArn=self.model.instance_arn,
            PermissionSetArn=permission_set_arn,
            TargetType="AWS_ACCOUNT",
            TargetId=account_id,
        )
        self.model.explicitly_provisioned.append((permission_set_arn, account_id))

    # ------------------------------------------------------------------ scenario

    def create_permission_sets(self) -> tuple[str, str, str]:
        """Create the four permission sets with their policies, boundaries and tags.

        Return the ARNs of AdministratorAccess, ReadOnly,Audit and
        Billing.View@Fin. Unused-PS has no assignment.
        """
        # An AWS managed policy and tags with punctuation and non-ASCII text,
        # but no boundary.
        admin = self.create_permission_set(
            "AdministratorAccess",
            relay_state="https://console.aws.amazon.com/console/home?region=us-east-1#",
            tags=ADMIN_TAGS,
        )
        self.attach_managed_policy(admin, "AdministratorAccess")

        # Two AWS managed policies, a customer managed policy under a path
        # other than "/", and an AWS managed policy as the boundary. The first
        # boundary is replaced, because a permission set has at most one.
        read_only = self.create_permission_set("ReadOnly,Audit", session_duration="PT12H")
        self.attach_managed_policy(read_only, "ReadOnlyAccess")
        self.attach_managed_policy(read_only, "SecurityAudit")
        self.attach_customer_managed_policy(read_only, "idcdb-audit-extras", "/idcdb/audit/")
        self.put_customer_managed_boundary(read_only, "idcdb-replaced-boundary", "/")
        self.put_managed_boundary(read_only, "ReadOnlyAccess")

        # An inline policy that allows iam:*, and a customer managed policy as
        # the boundary. Its tags come from CreatePermissionSet, TagResource
        # and UntagResource together.
        billing = self.create_permission_set(
            "Billing.View@Fin",
            relay_state="https://console.aws.amazon.com/billing/home#/bills",
            tags={"Team": "Finance", "Temporary": "yes"},
        )
        self.put_inline_policy(billing, BILLING_INLINE_POLICY)
        self.attach_managed_policy(billing, "AWSBillingReadOnlyAccess")
        self.put_customer_managed_boundary(billing, "idcdb-billing-boundary", "/boundaries/finance/")
        self.tag(billing, {"Team": "Finance, Billing", "Contact": "José Müller"})
        self.untag(billing, ["Temporary"])

        # No description, the default session duration, no policy, no tag and
        # no boundary, because its only boundary is deleted again.
        unused = self.create_permission_set("Unused-PS", described=False, session_duration=None)
        self.put_managed_boundary(unused, "ReadOnlyAccess")
        self.delete_boundary(unused)
        return admin, read_only, billing

    def build(self) -> Model:
        """Create the whole organization, with every case idcdb's report must handle."""
        self.create_accounts()
        self.find_instance()

        users = self.create_users()
        leaver = users[LEAVER_INDEX]
        all_staff = self.create_group("All Staff", users[:LARGE_GROUP_SIZE] + [leaver])
        # Ops and Développeurs share users 5-9.
        ops = self.create_group('Ops, "Core"', users[0:10] + [leaver])
        developers = self.create_group("Développeurs", users[5:15])
        empty = self.create_group("Empty Group", [])
        contractors = self.create_group("Temp Contractors", users[120:125])

        admin, read_only, billing = self.create_permission_sets()

        # More than 100 principals on one (account, permission set) pair.
        for user_id in users[:DIRECT_USER_COUNT]:
            self.assign("societe", read_only, "USER", user_id)

        # Overlapping groups, an empty group, a user reached both directly and
        # through Ops, and a user who is deleted below.
        self.assign("prod", admin, "GROUP", ops)
        self.assign("prod", admin, "GROUP", developers)
        self.assign("prod", admin, "GROUP", empty)
        self.assign("prod", admin, "USER", users[0])
        self.assign("prod", admin, "USER", leaver)

        self.assign("honban", admin, "GROUP", all_staff)
        self.assign("honban", read_only, "USER", users[1])

        # A group that is deleted below.
        self.assign("sandbox", billing, "GROUP", contractors)
        self.assign("sandbox", billing, "USER", users[2])
        self.assign("sandbox", billing, "GROUP", developers)

        self.assign("management", read_only, "GROUP", developers)

        # The management account gets Billing.View@Fin without an assignment,
        # so it is listed as provisioned but gives no row.
        self.provision("management", billing)

        # Shared Services gets one assignment, which is then deleted, so
        # nothing is provisioned there at the end.
        self.assign("shared", admin, "USER", users[3])
        self.unassign("shared", admin, "USER", users[3])

        self.delete_user(leaver)
        self.delete_group(contractors)
        return self.model


def account_access_rows(model: Model) -> list[dict[str, str]]:
    """Compute the report rows: one per (user, account, permission set, path).

    A USER assignment is the path "direct". A GROUP assignment is a path for
    each member, named by the group's display name. Assignments of deleted
    users and groups give no row, and nor does an empty group.
    """
    account_names = {account["id"]: account["name"] for account in model.accounts}
    rows = []
    for assignment in model.assignments:
        if assignment.principal_type == "USER":
            paths = [(assignment.principal_id, "direct")]
        else:
            group = model.groups.get(assignment.principal_id)
            if group is None:
                continue
            paths = [(user_id, group.display_name) for user_id in group.member_user_ids]

        permission_set = model.permission_sets[assignment.permission_set_arn]
        for user_id, via in paths:
            user = model.users.get(user_id)
            if user is None:
                continue
            rows.append(
                {
                    "user_name": user.user_name,
                    "user_id": user.id,
                    "account_id": assignment.account_id,
                    "account_name": account_names[assignment.account_id],
                    "permission_set_name": permission_set.name,
                    "permission_set_arn": permission_set.arn,
                    "via": via,
                }
            )
    rows.sort(key=lambda row: (row["account_id"], row["permission_set_name"], row["user_name"], row["via"]))
    return rows


def provisioned_account_ids(model: Model, arn: str) -> list[str]:
    """Compute the sorted accounts that ListAccountsForProvisionedPermissionSet should list.

    Under the launcher's rule, these are the accounts with an assignment of
    the permission set now, plus those it was provisioned to explicitly.
    """
    account_ids = {a.account_id for a in model.assignments if a.permission_set_arn == arn}
    account_ids |= {account_id for ps_arn, account_id in model.explicitly_provisioned if ps_arn == arn}
    return sorted(account_ids)


def provisioned_accounts(model: Model) -> list[dict[str, Any]]:
    """Compute, per permission set, the accounts ListAccountsForProvisionedPermissionSet should list."""
    return [
        {"permission_set_arn": arn, "account_ids": provisioned_account_ids(model, arn)}
        for arn in model.permission_sets
    ]


def permission_set_report(model: Model, ps: PermissionSet) -> dict[str, Any]:
    return {
        "arn": ps.arn,
        "name": ps.name,
        "description": ps.description,
        "session_duration": ps.session_duration,
        "relay_state": ps.relay_state,
        "inline_policy": ps.inline_policy,
        "managed_policies": ps.managed_policies,
        "customer_managed_policies": ps.customer_managed_policies,
        "permissions_boundary": ps.permissions_boundary,
        "tags": ps.tags,
        "provisioned_accounts": provisioned_account_ids(model, ps.arn),
    }


def expected_report(model: Model) -> dict[str, Any]:
    return {
        "instance_arn": model.instance_arn,
        "identity_store_id": model.identity_store_id,
        "management_account_id": model.management_account_id,
        "accounts": model.accounts,
        "permission_sets": [permission_set_report(model, ps) for ps in model.permission_sets.values()],
        "users": [
            {"id": user.id, "user_name": user.user_name, "display_name": user.display_name}
            for user in model.users.values()
        ],
        "deleted_user_ids": model.deleted_user_ids,
        "deleted_group_ids": model.deleted_group_ids,
        "groups": [
            {"id": group.id, "display_name": group.display_name, "member_user_ids": group.member_user_ids}
            for group in model.groups.values()
        ],
        "account_assignments": [
            {
                "account_id": a.account_id,
                "permission_set_arn": a.permission_set_arn,
                "principal_type": a.principal_type,
                "principal_id": a.principal_id,
            }
            for a in model.assignments
        ],
        "provisioned_accounts": provisioned_accounts(model),
        "account_access": account_access_rows(model),
    }


def validate_endpoint(endpoint: str) -> str:
    """Return the endpoint if it is an http URL on a loopback address, else raise ValueError."""
    parts = urlsplit(endpoint)
    if parts.scheme != "http" or not parts.hostname or parts.port is None:
        raise ValueError(f"invalid --endpoint {endpoint!r}: expected http://127.0.0.1:PORT")
    host = parts.hostname
    is_loopback = host == "localhost"
    if not is_loopback:
        try:
            is_loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            is_loopback = False
    if not is_loopback:
        raise ValueError(f"invalid --endpoint {endpoint!r}: the host must be a loopback address such as 127.0.0.1")
    return endpoint


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="URL of the moto server, http://127.0.0.1:PORT")
    parser.add_argument("--expected", required=True, help="path of the JSON file to write")
    args = parser.parse_args(argv)
    try:
        endpoint = validate_endpoint(args.endpoint)
    except ValueError as error:
        parser.error(str(error))
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")

    started = time.monotonic()
    try:
        model = Fixture(endpoint).build()
    except (BotoCoreError, ClientError) as error:
        LOG.error(
            "failed to build the fixture at %s: %s. Start a fresh tests/moto/launcher.py "
            "and pass its port, because the fixture expects an empty server.",
            endpoint,
            error,
        )
        return 1
    report = expected_report(model)
    with open(args.expected, "w", encoding="utf-8") as output:
        json.dump(report, output, ensure_ascii=False, indent=2)
        output.write("\n")

    LOG.info(
        "wrote %s in %.1f s: %d accounts, %d users, %d groups, %d permission sets, "
        "%d assignments, %d expected rows",
        args.expected,
        time.monotonic() - started,
        len(report["accounts"]),
        len(report["users"]),
        len(report["groups"]),
        len(report["permission_sets"]),
        len(report["account_assignments"]),
        len(report["account_access"]),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
