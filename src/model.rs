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

/// API calls made during one sync, per (service, operation).
pub type CallCounts = std::collections::BTreeMap<(String, String), u64>;
