#!/usr/bin/env python3
"""Run a moto server on 127.0.0.1 for idcdb's integration tests.

The server mocks sts, organizations, sso-admin and identitystore. Before it
starts, this script patches moto 5.2's backends in this process where moto
differs from AWS on the calls idcdb makes, and adds the sso-admin operations
that moto lacks, such as DescribeInstance, ListTagsForResource and the
permissions boundary calls. Each patch has a comment that states what moto
does and what AWS does.

Usage:
    python3 tests/moto/launcher.py [--port N] [--page-size N] [--deny OPERATION]...
                                   [--deny-key ACCESS_KEY_ID]
                                   [--ignore-stdin] [--verbose]

Once the server accepts connections, the script prints exactly one line,
`PORT <n>`, to stdout. It then serves until it receives SIGTERM or SIGINT, or
until its stdin reaches end of file. A test should spawn it with a stdin pipe
and keep the write end open, so the server stops when the test process dies.
With stdin redirected from /dev/null, pass --ignore-stdin, or the server stops
at once. Logs go to stderr.
"""

import argparse
import functools
import json
import logging
import os
import signal
import sys
import threading
from importlib.metadata import version
from typing import Any, Callable

from moto.core.exceptions import JsonRESTError
from moto.core.utils import unix_time
from moto.identitystore.models import IdentityStoreBackend
from moto.moto_api._internal import mock_random
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.organizations import utils as organizations_utils
from moto.organizations.exceptions import AWSOrganizationsNotInUseException
from moto.organizations.models import OrganizationsBackend
from moto.ssoadmin import exceptions as ssoadmin_exceptions
from moto.ssoadmin.models import Instance, PermissionSet, SSOAdminBackend
from moto.ssoadmin.responses import SSOAdminResponse
from moto.utilities.paginator import Paginator
from werkzeug.serving import make_server

LOG = logging.getLogger("idcdb.moto")

# AWS's largest MaxResults for each paginated call, from the botocore service
# models (organizations ListAccounts: 1-20, the others: 1-100). AWS rejects a
# larger MaxResults with a ValidationException. When a request sets no
# MaxResults, the server returns pages of this size, or of --page-size if that
# is smaller.
ORGANIZATIONS_MAX_RESULTS = 20
SSO_ADMIN_MAX_RESULTS = 100
IDENTITYSTORE_MAX_RESULTS = 100

# Attribute under which a backend keeps the permission sets that were
# provisioned with ProvisionPermissionSet, as {(instance ARN, permission set
# ARN, account ID): None}, a dict used as an ordered set.
EXPLICIT_PROVISIONING_ATTRIBUTE = "idcdb_explicit_provisioning"

# ListTagsForResource takes no MaxResults, and AWS documents no page size for
# it. The botocore model caps a response's TagList at 75 tags, so the mock
# returns pages of 75 tags, or of --page-size if that is smaller. AWS may
# return every tag of a resource at once, which was not checked.
TAGS_PAGE_SIZE = 75

# The botocore model's limits on TagResource and UntagResource: 0-75 tags and
# 1-75 tag keys a request, keys of 1-128 characters, values of 0-256.
MAX_TAGS_PER_REQUEST = 75
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256


class AwsJsonError(JsonRESTError):
    """An error in the shape that AWS's JSON 1.1 services send.

    The body is {"__type": code, "Message": text}, the x-amzn-ErrorType header
    carries the code, and the status is 400. moto's JsonRESTError writes
    "message" in lower case. botocore and the Rust SDK read either spelling,
    but the error shapes of organizations, identitystore and sso-admin name
    the member "Message".
    """

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(error_type, message)
        self.description = json.dumps({"__type": error_type, "Message": message})
        self.content_type = "application/x-amz-json-1.1"


def validation_error(parameter: str, value: Any, constraint: str) -> AwsJsonError:
    """Build the ValidationException that AWS returns for an out-of-range parameter."""
    return AwsJsonError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{parameter}' failed to "
        f"satisfy constraint: {constraint}",
    )


def limit_page_size(
    backend_class: type, method_name: str, api_max: int, page_size: int | None
) -> None:
    """Wrap a paginated backend method so that its pages follow AWS's limits.

    The wrapper raises a ValidationException for a MaxResults outside
    1..api_max, as AWS does, and passes api_max when the request sets none.
    With page_size set, no page is larger than page_size: AWS may return
    fewer items than MaxResults along with a NextToken, so a client must
    follow NextToken whatever the page size.
    """
    paginated_method = getattr(backend_class, method_name)

    @functools.wraps(paginated_method)
    def limited_method(self: Any, *args: Any, max_results: Any = None, **kwargs: Any) -> Any:
        if max_results is not None:
            if isinstance(max_results, bool) or not isinstance(max_results, int):
                raise validation_error("maxResults", max_results, "Member must be an integer")
            if max_results < 1:
                raise validation_error(
                    "maxResults", max_results, "Member must have value greater than or equal to 1"
                )
            if max_results > api_max:
                raise validation_error(
                    "maxResults",
                    max_results,
                    f"Member must have value less than or equal to {api_max}",
                )
        size = max_results or api_max
        if page_size is not None:
            size = min(size, page_size)
        return paginated_method(self, *args, max_results=size, **kwargs)

    setattr(backend_class, method_name, limited_method)


def paginate_values(
    values: list[str],
    key: str,
    max_results: int,
    next_token: str | None,
    request_parameters: dict[str, Any],
) -> tuple[list[str], str | None]:
    """Return one page of distinct strings and the NextToken of the next page.

    moto's Paginator pages through dicts or objects, so each value is wrapped
    in a dict under key. The token is bound to request_parameters, so a token
    used with other parameters raises InvalidToken.
    """
    paginator = Paginator(
        max_results=max_results,
        starting_token=next_token,
        unique_attribute=key,
        param_values_to_check=request_parameters,
    )
    page, token = paginator.paginate([{key: value} for value in values])
    return [item[key] for item in page], token


def dump_page(result_key: str, values: list[Any], next_token: str | None) -> str:
    """Serialize a page as AWS does, which omits NextToken on the last page."""
    body: dict[str, Any] = {result_key: values}
    if next_token:
        body["NextToken"] = next_token
    return json.dumps(body)


# ---------------------------------------------------------------- organizations


def patch_organizations(page_size: int | None) -> None:
    """Patch moto's organizations backend."""
    # moto pages ListAccounts by JoinedTimestamp, which two accounts can share,
    # and then a NextToken can point at the wrong account. Account IDs are
    # unique. The paginate decorator reads this dict on every call.
    organizations_utils.PAGINATION_MODEL["list_accounts"]["unique_attribute"] = "Id"

    # moto accepts any MaxResults for ListAccounts and returns 100 accounts
    # per page by default. AWS accepts 1-20.
    limit_page_size(OrganizationsBackend, "list_accounts", ORGANIZATIONS_MAX_RESULTS, page_size)

    # moto lists no accounts when the caller's account belongs to no
    # organization. AWS raises AWSOrganizationsNotInUseException.
    paged_list_accounts = OrganizationsBackend.list_accounts

    @functools.wraps(paged_list_accounts)
    def list_accounts(self: OrganizationsBackend, *args: Any, **kwargs: Any) -> Any:
        if self.org is None:
            raise AWSOrganizationsNotInUseException
        return paged_list_accounts(self, *args, **kwargs)

    OrganizationsBackend.list_accounts = list_accounts


# -------------------------------------------------------------------- sso-admin


def generate_permission_set_arn(instance_arn: str) -> str:
    """Build a permission set ARN in AWS's format.

    moto builds "arn:aws:sso:::instance/ssoins-X/ps-Y" from the instance ARN.
    AWS returns "arn:aws:sso:::permissionSet/ssoins-X/ps-Y", the format that
    the botocore model's PermissionSetArn pattern requires.
    """
    prefix, instance_id = instance_arn.split(":instance/", 1)
    permission_set_id = mock_random.get_random_string(length=16).lower()
    return f"{prefix}:permissionSet/{instance_id}/ps-{permission_set_id}"


def explicit_provisioning(backend: SSOAdminBackend) -> dict[tuple[str, str, str], None]:
    """Return the backend's set of (instance ARN, permission set ARN, account ID)
    provisioned with ProvisionPermissionSet.

    It lives in the backend's __dict__, so moto's backend reset clears it too.
    """
    return backend.__dict__.setdefault(EXPLICIT_PROVISIONING_ATTRIBUTE, {})


def provisioned_account_ids(
    backend: SSOAdminBackend, instance_arn: str, permission_set_arn: str
) -> list[str]:
    """List the accounts a permission set is provisioned to, in first-provisioned order.

    AWS provisions a permission set to an account when an account assignment
    is created there, and ProvisionPermissionSet provisions it explicitly.
    The mock lists the accounts that have an assignment now, plus those
    provisioned explicitly.
    NOTE: an account drops out when its last assignment is deleted. AWS may
    keep the permission set provisioned there, because its console removes a
    permission set from an account in a separate step. Not checked on AWS.
    """
    account_ids: dict[str, None] = {}
    for assignment in backend.account_assignments:
        if (
            assignment.instance_arn == instance_arn
            and assignment.permission_set_arn == permission_set_arn
        ):
            account_ids[assignment.target_id] = None
    for provisioned_instance, provisioned_arn, account_id in explicit_provisioning(backend):
        if provisioned_instance == instance_arn and provisioned_arn == permission_set_arn:
            account_ids[account_id] = None
    return list(account_ids)


def provisioned_only_if_latest(provisioning_status: str | None) -> bool:
    """Return whether a ProvisioningStatus filter keeps provisioned items.

    The mock provisions every change at once, so every provisioned copy is
    the latest one, and LATEST_PERMISSION_SET_NOT_PROVISIONED matches nothing.
    """
    return provisioning_status != "LATEST_PERMISSION_SET_NOT_PROVISIONED"


def list_accounts_for_provisioned_permission_set(
    self: SSOAdminBackend,
    instance_arn: str,
    permission_set_arn: str,
    provisioning_status: str | None = None,
    max_results: int = SSO_ADMIN_MAX_RESULTS,
    next_token: str | None = None,
) -> tuple[list[str], str | None]:
    """List the accounts a permission set is provisioned to, one page at a time.

    moto returns only the caller's account, and only after a
    ProvisionPermissionSet call, with no pagination. AWS returns every
    account the permission set is provisioned to.
    """
    # Raises ResourceNotFoundException for an unknown permission set, as AWS does.
    self._find_permission_set(instance_arn, permission_set_arn)

    account_ids = []
    if provisioned_only_if_latest(provisioning_status):
        account_ids = provisioned_account_ids(self, instance_arn, permission_set_arn)
    request_parameters = {
        "instance_arn": instance_arn,
        "permission_set_arn": permission_set_arn,
        "provisioning_status": provisioning_status,
    }
    return paginate_values(account_ids, "AccountId", max_results, next_token, request_parameters)


def list_permission_sets_provisioned_to_account(
    self: SSOAdminBackend,
    instance_arn: str,
    account_id: str,
    provisioning_status: str | None = None,
    max_results: int = SSO_ADMIN_MAX_RESULTS,
    next_token: str | None = None,
) -> tuple[list[str], str | None]:
    """List the permission sets provisioned to an account, one page at a time.

    moto ignores AccountId and returns every permission set passed to
    ProvisionPermissionSet, with no pagination. AWS returns the permission
    sets provisioned to that account.
    """
    if not account_id:
        raise validation_error("accountId", account_id, "Member must not be null")

    arns = []
    if provisioned_only_if_latest(provisioning_status):
        for permission_set in self.permission_sets:
            if permission_set.instance_arn != instance_arn:
                continue
            accounts = provisioned_account_ids(self, instance_arn, permission_set.permission_set_arn)
            if account_id in accounts:
                arns.append(permission_set.permission_set_arn)
    request_parameters = {
        "instance_arn": instance_arn,
        "account_id": account_id,
        "provisioning_status": provisioning_status,
    }
    return paginate_values(arns, "PermissionSetArn", max_results, next_token, request_parameters)


# ------------------------------------------------ sso-admin calls that moto lacks


def find_instance(backend: SSOAdminBackend, instance_arn: str) -> Instance:
    """Return the instance with this ARN, or raise ResourceNotFoundException."""
    for instance in backend.instances:
        if instance.instance_arn == instance_arn:
            return instance
    # NOTE: the botocore model lists no ResourceNotFoundException for
    # DescribeInstance or ListApplications, and AWS's API reference states that
    # DescribeInstance returns AccessDeniedException once an instance is
    # deleted. What AWS returns for an ARN that never existed was not checked.
    raise AwsJsonError("ResourceNotFoundException", f"Could not find Instance with arn {instance_arn}")


def describe_instance(self: SSOAdminBackend, instance_arn: str) -> dict[str, Any]:
    """Return an instance's fields as ListInstances returns them.

    moto has no DescribeInstance and returns HTTP 500. AWS returns the fields
    of ListInstances, and may add StatusReason and
    EncryptionConfigurationDetails. The mock omits both: the instance is
    ACTIVE, so it has no status reason, and AWS's documentation does not show
    which encryption details an instance with the default AWS owned key gets.
    AWS also omits Name when the instance has none, where moto sends null.
    """
    fields = find_instance(self, instance_arn).to_json()
    return {key: value for key, value in fields.items() if value is not None}


def find_tags(
    backend: SSOAdminBackend, instance_arn: str | None, resource_arn: str
) -> list[dict[str, str]]:
    """Return the tag list, which callers may change, of a permission set or an instance.

    InstanceArn is optional in these requests. When it is set, the resource
    must belong to that instance.
    """
    for permission_set in backend.permission_sets:
        if permission_set.permission_set_arn == resource_arn and instance_arn in (
            None,
            permission_set.instance_arn,
        ):
            return permission_set.tags
    for instance in backend.instances:
        if instance.instance_arn == resource_arn and instance_arn in (None, resource_arn):
            return instance.tags
    raise AwsJsonError("ResourceNotFoundException", f"Could not find resource with arn {resource_arn}")


def check_tag_count(parameter: str, count: int, minimum: int) -> None:
    """Raise a ValidationException unless minimum <= count <= MAX_TAGS_PER_REQUEST."""
    if count < minimum:
        raise validation_error(
            parameter, count, f"Member must have length greater than or equal to {minimum}"
        )
    if count > MAX_TAGS_PER_REQUEST:
        raise validation_error(
            parameter,
            count,
            f"Member must have length less than or equal to {MAX_TAGS_PER_REQUEST}",
        )


def check_tag_text(parameter: str, text: Any, minimum: int, maximum: int) -> None:
    """Raise a ValidationException unless text is a string of minimum..maximum characters.

    NOTE: AWS also requires tag keys and values to match
    [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*, which rejects commas and quotes. The mock
    does not check the pattern, as moto does not for CreatePermissionSet, so
    the fixture can test how idcdb stores any text.
    """
    if not isinstance(text, str):
        raise validation_error(parameter, text, "Member must not be null")
    if not minimum <= len(text) <= maximum:
        raise validation_error(
            parameter,
            text,
            f"Member must have length between {minimum} and {maximum}",
        )


def tag_resource(
    self: SSOAdminBackend,
    instance_arn: str | None,
    resource_arn: str,
    tags: list[dict[str, str]],
) -> None:
    """Add tags to a permission set or an instance, replacing the value of a key it already has.

    moto has no TagResource and returns HTTP 500.
    """
    tags = tags or []
    check_tag_count("tags", len(tags), 0)
    for tag in tags:
        check_tag_text("tags.member.key", tag.get("Key"), 1, MAX_TAG_KEY_LENGTH)
        check_tag_text("tags.member.value", tag.get("Value"), 0, MAX_TAG_VALUE_LENGTH)

    current = find_tags(self, instance_arn, resource_arn)
    for tag in tags:
        for existing in current:
            if existing["Key"] == tag["Key"]:
                existing["Value"] = tag["Value"]
                break
        else:
            current.append({"Key": tag["Key"], "Value": tag["Value"]})


def untag_resource(
    self: SSOAdminBackend, instance_arn: str | None, resource_arn: str, tag_keys: list[str]
) -> None:
    """Remove tags by key from a permission set or an instance. A missing key is no error.

    moto has no UntagResource and returns HTTP 500.
    """
    tag_keys = tag_keys or []
    check_tag_count("tagKeys", len(tag_keys), 1)
    current = find_tags(self, instance_arn, resource_arn)
    current[:] = [tag for tag in current if tag["Key"] not in tag_keys]


def list_tags_for_resource(
    self: SSOAdminBackend,
    instance_arn: str | None,
    resource_arn: str,
    max_results: int = TAGS_PAGE_SIZE,
    next_token: str | None = None,
) -> tuple[list[dict[str, str]], str | None]:
    """List the tags of a permission set or an instance, one page at a time.

    moto has no ListTagsForResource and returns HTTP 500. AWS returns the
    tags given to CreatePermissionSet and TagResource. The mock lists them in
    the order they were added. The request has no MaxResults, so max_results
    comes from the launcher's page size.
    """
    tags = find_tags(self, instance_arn, resource_arn)
    paginator = Paginator(
        max_results=max_results,
        starting_token=next_token,
        unique_attribute="Key",
        param_values_to_check={"instance_arn": instance_arn, "resource_arn": resource_arn},
    )
    return paginator.paginate([dict(tag) for tag in tags])


def put_permissions_boundary_to_permission_set(
    self: SSOAdminBackend,
    instance_arn: str,
    permission_set_arn: str,
    permissions_boundary: dict[str, Any] | None,
) -> None:
    """Set a permission set's permissions boundary, replacing any boundary it has.

    moto has no permissions boundaries and returns HTTP 500. AWS takes an AWS
    managed policy ARN or a reference to a customer managed policy, whose
    Path defaults to "/".
    """
    permission_set = self._find_permission_set(instance_arn, permission_set_arn)
    permissions_boundary = permissions_boundary or {}
    managed_policy_arn = permissions_boundary.get("ManagedPolicyArn")
    reference = permissions_boundary.get("CustomerManagedPolicyReference")
    # AWS's API reference lists both members as optional, so rejecting a
    # boundary with both or neither is the mock's guess at what AWS does.
    if (managed_policy_arn is None) == (reference is None):
        raise AwsJsonError(
            "ValidationException",
            "PermissionsBoundary must contain exactly one of ManagedPolicyArn and "
            "CustomerManagedPolicyReference",
        )

    if managed_policy_arn is not None:
        # Raises ResourceNotFoundException for an ARN that is not an AWS
        # managed policy, as moto's AttachManagedPolicyToPermissionSet does.
        self._find_managed_policy(managed_policy_arn)
        permission_set.permissions_boundary = {"ManagedPolicyArn": managed_policy_arn}
        return

    name = reference.get("Name")
    if not name:
        raise validation_error(
            "permissionsBoundary.customerManagedPolicyReference.name", name, "Member must not be null"
        )
    permission_set.permissions_boundary = {
        "CustomerManagedPolicyReference": {"Name": name, "Path": reference.get("Path") or "/"}
    }


def missing_boundary_error(permission_set_arn: str) -> AwsJsonError:
    """Build the ResourceNotFoundException for a permission set without a boundary.

    Terraform's AWS provider reads this error from
    GetPermissionsBoundaryForPermissionSet as "no boundary", and ignores it
    from DeletePermissionsBoundaryFromPermissionSet.
    NOTE: that AWS raises it from Delete for a set without a boundary, rather
    than for a deleted set only, was not checked on AWS.
    """
    permission_set_id = permission_set_arn.split("/")[-1]
    return AwsJsonError(
        "ResourceNotFoundException",
        f"Could not find PermissionsBoundary for PermissionSet with id {permission_set_id}",
    )


def get_permissions_boundary_for_permission_set(
    self: SSOAdminBackend, instance_arn: str, permission_set_arn: str
) -> dict[str, Any]:
    """Return a permission set's boundary, or raise ResourceNotFoundException if it has none."""
    permission_set = self._find_permission_set(instance_arn, permission_set_arn)
    if permission_set.permissions_boundary is None:
        raise missing_boundary_error(permission_set_arn)
    return permission_set.permissions_boundary


def delete_permissions_boundary_from_permission_set(
    self: SSOAdminBackend, instance_arn: str, permission_set_arn: str
) -> None:
    """Remove a permission set's boundary, or raise ResourceNotFoundException if it has none."""
    permission_set = self._find_permission_set(instance_arn, permission_set_arn)
    if permission_set.permissions_boundary is None:
        raise missing_boundary_error(permission_set_arn)
    permission_set.permissions_boundary = None


def list_applications(
    self: SSOAdminBackend,
    instance_arn: str,
    max_results: int = SSO_ADMIN_MAX_RESULTS,
    next_token: str | None = None,
) -> tuple[list[str], str | None]:
    """List an instance's applications, of which the mock has none.

    moto has no applications and returns HTTP 500. AWS returns
    {"Applications": []} for an instance without applications. The Filter
    parameter cannot narrow an empty list, so it is ignored.
    """
    find_instance(self, instance_arn)
    request_parameters = {"instance_arn": instance_arn}
    return paginate_values([], "ApplicationArn", max_results, next_token, request_parameters)


# ------------------------------------------------------------ sso-admin patches


def write_message_as_aws_does(error_class: type[JsonRESTError]) -> None:
    """Patch a moto error class so that its body has AwsJsonError's shape."""
    original_init = error_class.__init__

    @functools.wraps(original_init)
    def init(self: JsonRESTError, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.description = json.dumps({"__type": self.error_type, "Message": self.message})
        self.content_type = "application/x-amz-json-1.1"

    error_class.__init__ = init


def patch_sso_admin_backend(page_size: int | None) -> None:
    """Patch moto's sso-admin backend class."""
    PermissionSet.generate_id = staticmethod(generate_permission_set_arn)

    # moto builds the identity store ID from 10 random letters and digits.
    # The botocore model's IdentityStoreId pattern is d-[0-9a-f]{10}.
    original_instance_init = Instance.__init__

    # moto keeps no tags on an instance either, and AWS's TagResource can tag one.
    @functools.wraps(original_instance_init)
    def instance_init(self: Instance, *args: Any, **kwargs: Any) -> None:
        original_instance_init(self, *args, **kwargs)
        self.identity_store_id = f"d-{mock_random.get_random_hex(10)}"
        self.tags: list[dict[str, str]] = []

    Instance.__init__ = instance_init

    # moto stores CreatePermissionSet's Tags as given, which is None when the
    # request has none, and has no permissions boundary. Each permission set
    # gets a tag list and a boundary, None until one is put.
    original_permission_set_init = PermissionSet.__init__

    @functools.wraps(original_permission_set_init)
    def permission_set_init(self: PermissionSet, *args: Any, **kwargs: Any) -> None:
        original_permission_set_init(self, *args, **kwargs)
        self.tags = [dict(tag) for tag in self.tags or []]
        self.permissions_boundary: dict[str, Any] | None = None

    PermissionSet.__init__ = permission_set_init

    # moto stores SessionDuration as given, and its request handlers pass the
    # integer 3600 when the request has none. AWS stores an ISO 8601 duration
    # string and defaults to "PT1H". A typed SDK, such as the Rust one, fails
    # to parse DescribePermissionSet when it gets a number there.
    original_create = SSOAdminBackend.create_permission_set
    original_update = SSOAdminBackend.update_permission_set

    @functools.wraps(original_create)
    def create_permission_set(self: SSOAdminBackend, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(kwargs.get("session_duration"), str):
            kwargs["session_duration"] = "PT1H"
        return original_create(self, *args, **kwargs)

    @functools.wraps(original_update)
    def update_permission_set(self: SSOAdminBackend, *args: Any, **kwargs: Any) -> Any:
        # AWS keeps the current session duration when the request omits it.
        if not isinstance(kwargs.get("session_duration"), str):
            current = self._find_permission_set(kwargs["instance_arn"], kwargs["permission_set_arn"])
            kwargs["session_duration"] = current.session_duration
        return original_update(self, *args, **kwargs)

    SSOAdminBackend.create_permission_set = create_permission_set
    SSOAdminBackend.update_permission_set = update_permission_set

    # moto ignores TargetType and TargetId. AWS provisions to the account in
    # TargetId when TargetType is AWS_ACCOUNT. ALL_PROVISIONED_ACCOUNTS
    # reprovisions the accounts that already have the permission set, so it
    # adds no account.
    original_provision = SSOAdminBackend.provision_permission_set

    def provision_permission_set(
        self: SSOAdminBackend,
        instance_arn: str,
        permission_set_arn: str,
        target_type: str | None = None,
        target_id: str | None = None,
    ) -> None:
        if target_type == "AWS_ACCOUNT" and not target_id:
            raise validation_error(
                "targetId", target_id, "Member must not be null when TargetType is AWS_ACCOUNT"
            )
        original_provision(self, instance_arn, permission_set_arn)
        if target_type == "AWS_ACCOUNT":
            explicit_provisioning(self)[(instance_arn, permission_set_arn, target_id)] = None

    SSOAdminBackend.provision_permission_set = provision_permission_set
    SSOAdminBackend.list_accounts_for_provisioned_permission_set = (
        list_accounts_for_provisioned_permission_set
    )
    SSOAdminBackend.list_permission_sets_provisioned_to_account = (
        list_permission_sets_provisioned_to_account
    )

    # Operations that moto lacks.
    SSOAdminBackend.describe_instance = describe_instance
    SSOAdminBackend.tag_resource = tag_resource
    SSOAdminBackend.untag_resource = untag_resource
    SSOAdminBackend.list_tags_for_resource = list_tags_for_resource
    SSOAdminBackend.put_permissions_boundary_to_permission_set = (
        put_permissions_boundary_to_permission_set
    )
    SSOAdminBackend.get_permissions_boundary_for_permission_set = (
        get_permissions_boundary_for_permission_set
    )
    SSOAdminBackend.delete_permissions_boundary_from_permission_set = (
        delete_permissions_boundary_from_permission_set
    )
    SSOAdminBackend.list_applications = list_applications

    # moto accepts any MaxResults on these calls. AWS accepts 1-100.
    for method_name in (
        "list_permission_sets",
        "list_account_assignments",
        "list_account_assignments_for_principal",
        "list_accounts_for_provisioned_permission_set",
        "list_permission_sets_provisioned_to_account",
        "list_managed_policies_in_permission_set",
        "list_customer_managed_policy_references_in_permission_set",
        "list_applications",
    ):
        limit_page_size(SSOAdminBackend, method_name, SSO_ADMIN_MAX_RESULTS, page_size)
    limit_page_size(SSOAdminBackend, "list_tags_for_resource", TAGS_PAGE_SIZE, page_size)

    # moto's sso-admin errors write "message" in lower case. AWS writes
    # "Message", as AwsJsonError does.
    for error_class in (
        ssoadmin_exceptions.ResourceNotFoundException,
        ssoadmin_exceptions.ConflictException,
        ssoadmin_exceptions.ServiceQuotaExceededException,
    ):
        write_message_as_aws_does(error_class)


def patch_sso_admin_responses() -> None:
    """Patch moto's sso-admin request handlers to pass the parameters that moto
    drops, and add handlers for the operations that moto lacks.
    """

    def provision_permission_set(self: SSOAdminResponse) -> str:
        target_type = self._get_param("TargetType")
        target_id = self._get_param("TargetId")
        permission_set_arn = self._get_param("PermissionSetArn")
        self.ssoadmin_backend.provision_permission_set(
            instance_arn=self._get_param("InstanceArn"),
            permission_set_arn=permission_set_arn,
            target_type=target_type,
            target_id=target_id,
        )
        # moto reports the caller's account. AWS reports the target account,
        # and no account for ALL_PROVISIONED_ACCOUNTS.
        status: dict[str, Any] = {
            "CreatedDate": unix_time(),
            "PermissionSetArn": permission_set_arn,
            "RequestId": str(mock_random.uuid4()),
            "Status": "SUCCEEDED",
        }
        if target_type == "AWS_ACCOUNT":
            status["AccountId"] = target_id
        return json.dumps({"PermissionSetProvisioningStatus": status})

    def list_accounts_for_provisioned_permission_set(self: SSOAdminResponse) -> str:
        account_ids, next_token = self.ssoadmin_backend.list_accounts_for_provisioned_permission_set(
            instance_arn=self._get_param("InstanceArn"),
            permission_set_arn=self._get_param("PermissionSetArn"),
            provisioning_status=self._get_param("ProvisioningStatus"),
            max_results=self._get_param("MaxResults"),
            next_token=self._get_param("NextToken"),
        )
        return dump_page("AccountIds", account_ids, next_token)

    def list_permission_sets_provisioned_to_account(self: SSOAdminResponse) -> str:
        arns, next_token = self.ssoadmin_backend.list_permission_sets_provisioned_to_account(
            instance_arn=self._get_param("InstanceArn"),
            account_id=self._get_param("AccountId"),
            provisioning_status=self._get_param("ProvisioningStatus"),
            max_results=self._get_param("MaxResults"),
            next_token=self._get_param("NextToken"),
        )
        return dump_page("PermissionSets", arns, next_token)

    def describe_instance(self: SSOAdminResponse) -> str:
        fields = self.ssoadmin_backend.describe_instance(instance_arn=self._get_param("InstanceArn"))
        return json.dumps(fields)

    def tag_resource(self: SSOAdminResponse) -> str:
        self.ssoadmin_backend.tag_resource(
            instance_arn=self._get_param("InstanceArn"),
            resource_arn=self._get_param("ResourceArn"),
            tags=self._get_param("Tags"),
        )
        return "{}"

    def untag_resource(self: SSOAdminResponse) -> str:
        self.ssoadmin_backend.untag_resource(
            instance_arn=self._get_param("InstanceArn"),
            resource_arn=self._get_param("ResourceArn"),
            tag_keys=self._get_param("TagKeys"),
        )
        return "{}"

    def list_tags_for_resource(self: SSOAdminResponse) -> str:
        tags, next_token = self.ssoadmin_backend.list_tags_for_resource(
            instance_arn=self._get_param("InstanceArn"),
            resource_arn=self._get_param("ResourceArn"),
            next_token=self._get_param("NextToken"),
        )
        return dump_page("Tags", tags, next_token)

    def put_permissions_boundary_to_permission_set(self: SSOAdminResponse) -> str:
        self.ssoadmin_backend.put_permissions_boundary_to_permission_set(
            instance_arn=self._get_param("InstanceArn"),
            permission_set_arn=self._get_param("PermissionSetArn"),
            permissions_boundary=self._get_param("PermissionsBoundary"),
        )
        return "{}"

    def get_permissions_boundary_for_permission_set(self: SSOAdminResponse) -> str:
        boundary = self.ssoadmin_backend.get_permissions_boundary_for_permission_set(
            instance_arn=self._get_param("InstanceArn"),
            permission_set_arn=self._get_param("PermissionSetArn"),
        )
        return json.dumps({"PermissionsBoundary": boundary})

    def delete_permissions_boundary_from_permission_set(self: SSOAdminResponse) -> str:
        self.ssoadmin_backend.delete_permissions_boundary_from_permission_set(
            instance_arn=self._get_param("InstanceArn"),
            permission_set_arn=self._get_param("PermissionSetArn"),
        )
        return "{}"

    def list_applications(self: SSOAdminResponse) -> str:
        applications, next_token = self.ssoadmin_backend.list_applications(
            instance_arn=self._get_param("InstanceArn"),
            max_results=self._get_param("MaxResults"),
            next_token=self._get_param("NextToken"),
        )
        return dump_page("Applications", applications, next_token)

    # moto sends "NextToken": null on the last page of these two calls. AWS
    # omits NextToken there.
    def list_managed_policies_in_permission_set(self: SSOAdminResponse) -> str:
        policies, next_token = self.ssoadmin_backend.list_managed_policies_in_permission_set(
            instance_arn=self._get_param("InstanceArn"),
            permission_set_arn=self._get_param("PermissionSetArn"),
            max_results=self._get_param("MaxResults"),
            next_token=self._get_param("NextToken"),
        )
        summaries = [{"Arn": policy.arn, "Name": policy.name} for policy in policies]
        return dump_page("AttachedManagedPolicies", summaries, next_token)

    def list_customer_managed_policy_references_in_permission_set(self: SSOAdminResponse) -> str:
        backend = self.ssoadmin_backend
        references, next_token = backend.list_customer_managed_policy_references_in_permission_set(
            instance_arn=self._get_param("InstanceArn"),
            permission_set_arn=self._get_param("PermissionSetArn"),
            max_results=self._get_param("MaxResults"),
            next_token=self._get_param("NextToken"),
        )
        summaries = [{"Name": reference.name, "Path": reference.path} for reference in references]
        return dump_page("CustomerManagedPolicyReferences", summaries, next_token)

    SSOAdminResponse.provision_permission_set = provision_permission_set
    SSOAdminResponse.list_accounts_for_provisioned_permission_set = (
        list_accounts_for_provisioned_permission_set
    )
    SSOAdminResponse.list_permission_sets_provisioned_to_account = (
        list_permission_sets_provisioned_to_account
    )
    SSOAdminResponse.describe_instance = describe_instance
    SSOAdminResponse.tag_resource = tag_resource
    SSOAdminResponse.untag_resource = untag_resource
    SSOAdminResponse.list_tags_for_resource = list_tags_for_resource
    SSOAdminResponse.put_permissions_boundary_to_permission_set = (
        put_permissions_boundary_to_permission_set
    )
    SSOAdminResponse.get_permissions_boundary_for_permission_set = (
        get_permissions_boundary_for_permission_set
    )
    SSOAdminResponse.delete_permissions_boundary_from_permission_set = (
        delete_permissions_boundary_from_permission_set
    )
    SSOAdminResponse.list_applications = list_applications
    SSOAdminResponse.list_managed_policies_in_permission_set = (
        list_managed_policies_in_permission_set
    )
    SSOAdminResponse.list_customer_managed_policy_references_in_permission_set = (
        list_customer_managed_policy_references_in_permission_set
    )


# ---------------------------------------------------------------- identitystore


def delete_memberships(
    backend: IdentityStoreBackend, identity_store_id: str, matches: Callable[[dict[str, Any]], bool]
) -> None:
    """Delete the group memberships of an identity store for which matches() is true."""
    store = backend.identity_stores.get(identity_store_id)
    if store is None:
        return
    doomed = [
        membership_id
        for membership_id, membership in store.group_memberships.items()
        if matches(membership)
    ]
    for membership_id in doomed:
        del store.group_memberships[membership_id]


def patch_identitystore(page_size: int | None) -> None:
    """Patch moto's identitystore backend."""
    # moto deletes the user or group but keeps its group memberships, so
    # ListGroupMemberships goes on listing a deleted user. These patches
    # delete the memberships too. AWS's user guide says that deleting a user
    # removes the user's access to accounts.
    # NOTE: neither the user guide nor the API reference states whether AWS
    # deletes the memberships, and this was not checked on AWS.
    original_delete_user = IdentityStoreBackend.delete_user
    original_delete_group = IdentityStoreBackend.delete_group

    def delete_user(self: IdentityStoreBackend, identity_store_id: str, user_id: str) -> None:
        original_delete_user(self, identity_store_id, user_id)
        delete_memberships(
            self,
            identity_store_id,
            lambda membership: membership["MemberId"].get("UserId") == user_id,
        )

    def delete_group(self: IdentityStoreBackend, identity_store_id: str, group_id: str) -> None:
        original_delete_group(self, identity_store_id, group_id)
        delete_memberships(
            self, identity_store_id, lambda membership: membership["GroupId"] == group_id
        )

    IdentityStoreBackend.delete_user = delete_user
    IdentityStoreBackend.delete_group = delete_group

    # moto accepts any MaxResults on these calls. AWS accepts 1-100.
    for method_name in (
        "list_users",
        "list_groups",
        "list_group_memberships",
        "list_group_memberships_for_member",
    ):
        limit_page_size(IdentityStoreBackend, method_name, IDENTITYSTORE_MAX_RESULTS, page_size)


def patch_moto(page_size: int | None) -> None:
    """Apply every patch. Call this once, before the server handles a request."""
    patch_organizations(page_size)
    patch_sso_admin_backend(page_size)
    patch_sso_admin_responses()
    patch_identitystore(page_size)


# ----------------------------------------------------------------------- server


def request_access_key_id(environ: dict[str, Any]) -> str:
    """Return the access key ID from a SigV4 Authorization header, or ""."""
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    _, _, credential = authorization.partition("Credential=")
    return credential.split("/", 1)[0]


def deny_operations(app: Any, denied: set[str], denied_key: str | None) -> Any:
    """Wrap a WSGI app so that the named JSON-protocol operations answer
    AccessDeniedException, as AWS does for a role that lacks the action.

    An operation is named by the last part of its X-Amz-Target header, such as
    ListAccounts for organizations or ListUsers for identitystore. With
    denied_key set, only requests signed with that access key ID are denied,
    so a fixture can still build the organization with another key.
    """
    if not denied:
        return app

    def denying_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        operation = environ.get("HTTP_X_AMZ_TARGET", "").rsplit(".", 1)[-1]
        key_matches = denied_key is None or request_access_key_id(environ) == denied_key
        if operation not in denied or not key_matches:
            return app(environ, start_response)
        body = json.dumps(
            {
                "__type": "AccessDeniedException",
                "Message": f"User is not authorized to perform: {operation}",
            }
        ).encode()
        start_response(
            "400 Bad Request",
            [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("x-amzn-ErrorType", "AccessDeniedException"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]

    return denying_app


def watch_stdin(stop: threading.Event) -> None:
    """Set stop when stdin reaches end of file, which happens when the parent dies."""
    # os.read on the file descriptor takes no lock. A daemon thread blocked in
    # sys.stdin.buffer.read() holds the buffer's lock, and the interpreter
    # aborts at exit when it cannot take that lock.
    while os.read(sys.stdin.fileno(), 4096):
        pass
    LOG.info("stdin closed, stopping")
    stop.set()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="TCP port to listen on at 127.0.0.1 (default: 0, a free port chosen by the OS)",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=None,
        help="maximum number of items per page of every paginated call. A value above a "
        "call's AWS maximum has no effect on that call (default: the AWS maximum, which is "
        "20 for ListAccounts and 100 for the others)",
    )
    parser.add_argument(
        "--ignore-stdin",
        action="store_true",
        help="keep serving after stdin reaches end of file",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="log every request to stderr"
    )
    parser.add_argument(
        "--deny",
        action="append",
        default=[],
        metavar="OPERATION",
        help="answer AccessDeniedException to this JSON-protocol operation, such as "
        "ListAccounts; may be repeated",
    )
    parser.add_argument(
        "--deny-key",
        default=None,
        metavar="ACCESS_KEY_ID",
        help="apply --deny only to requests signed with this access key ID",
    )
    args = parser.parse_args(argv)
    if args.page_size is not None and args.page_size < 1:
        parser.error(f"invalid --page-size {args.page_size}: expected an integer of at least 1")
    if not 0 <= args.port <= 65535:
        parser.error(f"invalid --port {args.port}: expected 0-65535")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    # Werkzeug logs one line per request. A test that pipes stderr without
    # reading it would block the server once the pipe buffer fills.
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    patch_moto(args.page_size)

    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda number, frame: stop.set())

    # This does what moto's ThreadedMotoServer does, but binds the socket in
    # this thread. A bind error in ThreadedMotoServer's thread leaves start()
    # waiting forever. For a port in use, make_server prints the error and
    # exits with status 1 itself.
    app = deny_operations(DomainDispatcherApplication(create_backend_app), set(args.deny), args.deny_key)
    try:
        server = make_server("127.0.0.1", args.port, app, threaded=True)
    except OSError as error:
        LOG.error("failed to listen on 127.0.0.1:%d: %s", args.port, error)
        return 1
    port = server.server_address[1]
    serve_thread = threading.Thread(target=server.serve_forever, daemon=True)
    serve_thread.start()

    # make_server has called listen(), so connections are accepted from here on.
    print(f"PORT {port}", flush=True)
    LOG.info("moto %s listening on 127.0.0.1:%d", version("moto"), port)

    if not args.ignore_stdin:
        threading.Thread(target=watch_stdin, args=(stop,), daemon=True).start()

    # A timeout lets the main thread run the signal handlers promptly.
    while not stop.wait(timeout=0.5):
        pass
    server.shutdown()
    serve_thread.join()
    LOG.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
