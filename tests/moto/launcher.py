#!/usr/bin/env python3
"""Run a moto server on 127.0.0.1 for idcdb's integration tests.

The server mocks sts, organizations, sso-admin and identitystore. Before it
starts, this script patches moto 5.2's backends in this process where moto
differs from AWS on the calls idcdb makes. Each patch has a comment that states
what moto does and what AWS does.

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


def validation_error(parameter: str, value: Any, constraint: str) -> JsonRESTError:
    """Build the ValidationException that AWS returns for an out-of-range parameter."""
    return JsonRESTError(
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


def dump_page(result_key: str, values: list[str], next_token: str | None) -> str:
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


def patch_sso_admin_backend(page_size: int | None) -> None:
    """Patch moto's sso-admin backend class."""
    PermissionSet.generate_id = staticmethod(generate_permission_set_arn)

    # moto builds the identity store ID from 10 random letters and digits.
    # The botocore model's IdentityStoreId pattern is d-[0-9a-f]{10}.
    original_instance_init = Instance.__init__

    @functools.wraps(original_instance_init)
    def instance_init(self: Instance, *args: Any, **kwargs: Any) -> None:
        original_instance_init(self, *args, **kwargs)
        self.identity_store_id = f"d-{mock_random.get_random_hex(10)}"

    Instance.__init__ = instance_init

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

    # moto accepts any MaxResults on these calls. AWS accepts 1-100.
    for method_name in (
        "list_permission_sets",
        "list_account_assignments",
        "list_account_assignments_for_principal",
        "list_accounts_for_provisioned_permission_set",
        "list_permission_sets_provisioned_to_account",
    ):
        limit_page_size(SSOAdminBackend, method_name, SSO_ADMIN_MAX_RESULTS, page_size)


def patch_sso_admin_responses() -> None:
    """Patch moto's sso-admin request handlers to pass the parameters that moto drops."""

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

    SSOAdminResponse.provision_permission_set = provision_permission_set
    SSOAdminResponse.list_accounts_for_provisioned_permission_set = (
        list_accounts_for_provisioned_permission_set
    )
    SSOAdminResponse.list_permission_sets_provisioned_to_account = (
        list_permission_sets_provisioned_to_account
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
