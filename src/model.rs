//! Plain records of an Identity Center configuration, as sync reads them and
//! the snapshot stores them. They carry no AWS SDK types, so the store and
//! the tests do not depend on the SDK's shapes.

/// An IAM Identity Center instance (organization or account instance).
#[derive(Debug, Clone)]
pub struct Instance {
    pub instance_arn: String,
    pub identity_store_id: String,
    pub identity_store_arn: Option<String>,
    pub name: Option<String>,
    pub owner_account_id: Option<String>,
    pub status: Option<String>,
    pub status_reason: Option<String>,
    pub created_at: Option<String>,
    pub primary_region: Option<String>,
    /// JSON array of region names, when AWS returns them.
    pub regions: Option<String>,
}

/// The encryption of an instance, from DescribeInstance.
#[derive(Debug, Clone)]
pub struct InstanceEncryption {
    pub instance_arn: String,
    /// `AWS_OWNED_KMS_KEY` or `CUSTOMER_MANAGED_KEY`.
    pub key_type: Option<String>,
    pub kms_key_arn: Option<String>,
    pub status: Option<String>,
    pub status_reason: Option<String>,
}

/// An AWS account as AWS Organizations lists it.
#[derive(Debug, Clone)]
pub struct Account {
    pub account_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub status: Option<String>,
    pub joined_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PermissionSet {
    pub permission_set_arn: String,
    pub instance_arn: String,
    pub name: String,
    pub description: Option<String>,
    pub session_duration: Option<String>,
    pub relay_state: Option<String>,
    pub created_at: Option<String>,
    /// The inline policy document as JSON text; `None` when the set has none.
    pub inline_policy: Option<String>,
}

/// An AWS managed policy attached to a permission set.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub permission_set_arn: String,
    pub policy_arn: String,
    pub policy_name: Option<String>,
}

/// A customer managed policy reference: a policy of this name and path must
/// exist in each account the permission set is provisioned to.
#[derive(Debug, Clone)]
pub struct CustomerManagedPolicy {
    pub permission_set_arn: String,
    pub policy_name: String,
    pub policy_path: Option<String>,
}

/// The permissions boundary of a permission set: either a managed policy ARN
/// or a customer managed policy reference.
#[derive(Debug, Clone)]
pub struct PermissionsBoundary {
    pub permission_set_arn: String,
    pub managed_policy_arn: Option<String>,
    pub customer_policy_name: Option<String>,
    pub customer_policy_path: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PermissionSetTag {
    pub permission_set_arn: String,
    pub key: String,
    pub value: String,
}

/// An account a permission set is provisioned to.
#[derive(Debug, Clone)]
pub struct ProvisionedAccount {
    pub instance_arn: String,
    pub permission_set_arn: String,
    pub account_id: String,
    /// `LATEST_PERMISSION_SET_PROVISIONED`, or
    /// `LATEST_PERMISSION_SET_NOT_PROVISIONED` when the account still has an
    /// older version of the permission set.
    pub provisioning_status: String,
}

/// An application of an instance, as ListApplications returns it.
#[derive(Debug, Clone)]
pub struct Application {
    pub application_arn: String,
    pub instance_arn: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub application_provider_arn: Option<String>,
    pub application_account: Option<String>,
    pub status: Option<String>,
    /// `ENABLED` or `DISABLED`: whether the AWS access portal shows it.
    pub portal_visibility: Option<String>,
    pub sign_in_origin: Option<String>,
    pub sign_in_url: Option<String>,
    pub created_at: Option<String>,
    pub created_from: Option<String>,
    /// Whether users need an assignment to use the application; `None` when
    /// GetApplicationAssignmentConfiguration could not be read.
    pub assignment_required: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct ApplicationProvider {
    pub application_provider_arn: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub federation_protocol: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApplicationAssignment {
    pub instance_arn: String,
    pub application_arn: String,
    /// `USER` or `GROUP`.
    pub principal_type: String,
    pub principal_id: String,
}

/// Whether one part of the configuration was read completely, per instance
/// where it applies. Reports use it to tell "none" from "not read".
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The instance ARN, or `organization` for account names.
    pub scope: String,
    /// The table or group of tables the part fills, such as `applications`.
    pub part: String,
    pub complete: bool,
    /// The reason the part is missing, when it is.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountAssignment {
    pub instance_arn: String,
    pub account_id: String,
    pub permission_set_arn: String,
    /// `USER` or `GROUP`, as AWS spells it.
    pub principal_type: String,
    pub principal_id: String,
}

#[derive(Debug, Clone, Default)]
pub struct User {
    pub identity_store_id: String,
    pub user_id: String,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub formatted_name: Option<String>,
    pub primary_email: Option<String>,
    /// JSON array of `{"value", "type", "primary"}` objects.
    pub emails: String,
    pub user_type: Option<String>,
    pub title: Option<String>,
    pub status: Option<String>,
    /// JSON array of `{"issuer", "id"}` objects.
    pub external_ids: String,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Group {
    pub identity_store_id: String,
    pub group_id: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// JSON array of `{"issuer", "id"}` objects.
    pub external_ids: String,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GroupMembership {
    pub identity_store_id: String,
    pub membership_id: String,
    pub group_id: String,
    pub user_id: String,
}

/// A part of the configuration that could not be read. The sync goes on and
/// the snapshot records it.
#[derive(Debug, Clone)]
pub struct Warning {
    pub code: String,
    pub service: String,
    pub operation: String,
    pub resource: Option<String>,
    pub message: String,
}

/// Evidence metadata written once per snapshot. Holds no secret.
#[derive(Debug, Clone)]
pub struct SnapshotInfo {
    pub started_at: String,
    pub finished_at: String,
    pub tool_version: String,
    pub region: String,
    pub caller_arn: String,
    pub caller_account: String,
    pub role_arn: Option<String>,
    /// `aws` for a real sync, `demo` for the built-in simulator.
    pub source: String,
}

/// Requests sent for one operation during a sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCount {
    /// Every request sent, retries included.
    pub calls: u64,
    /// Requests that were sent again after a failure.
    pub retries: u64,
    /// Responses that were ThrottlingException or HTTP 429.
    pub throttled: u64,
}

/// API calls made during one sync, per (service, operation).
pub type CallCounts = std::collections::BTreeMap<(String, String), CallCount>;
