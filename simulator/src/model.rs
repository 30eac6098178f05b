//! Data model of one simulated organization: the accounts, IAM Identity Center
//! instances, permission sets, identity store contents and applications that the
//! simulator serves, plus the ground truth that a correct sync must reproduce.
//!
//! Timestamps are whole seconds since the Unix epoch, the unit that the awsJson
//! protocols put on the wire. Every cross-reference is by the AWS identifier (ARN
//! or ID), so a model written with [`Model::write_json`] reads like the API output.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The whole simulated organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub organization: Organization,
    pub accounts: Vec<Account>,
    pub instances: Vec<Instance>,
    pub permission_sets: Vec<PermissionSet>,
    pub account_assignments: Vec<AccountAssignment>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub group_memberships: Vec<GroupMembership>,
    pub application_providers: Vec<ApplicationProvider>,
    pub applications: Vec<Application>,
    pub application_assignments: Vec<ApplicationAssignment>,
}

/// The AWS Organizations organization that owns the accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Organization ID such as `o-a1b2c3d4e5`.
    pub id: String,
    pub arn: String,
    pub feature_set: String,
    pub management_account_id: String,
    pub management_account_arn: String,
    pub management_account_email: String,
}

/// Member account of the organization, as `ListAccounts` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Twelve-digit account ID.
    pub id: String,
    pub arn: String,
    pub name: String,
    pub email: String,
    pub status: AccountStatus,
    pub joined_method: JoinedMethod,
    pub joined_timestamp: i64,
}

/// Account status values of the Organizations API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountStatus {
    Active,
    Suspended,
    PendingClosure,
}

impl AccountStatus {
    /// Returns the value that the Organizations API puts in `Status`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "ACTIVE",
            AccountStatus::Suspended => "SUSPENDED",
            AccountStatus::PendingClosure => "PENDING_CLOSURE",
        }
    }
}

/// Method by which an account joined the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JoinedMethod {
    Invited,
    Created,
}

impl JoinedMethod {
    /// Returns the value that the Organizations API puts in `JoinedMethod`.
    pub fn as_str(self) -> &'static str {
        match self {
            JoinedMethod::Invited => "INVITED",
            JoinedMethod::Created => "CREATED",
        }
    }
}

/// IAM Identity Center instance, either the organization instance or an
/// account instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub arn: String,
    /// Identity store ID such as `d-9067a1b2c3`.
    pub identity_store_id: String,
    pub name: Option<String>,
    pub owner_account_id: String,
    /// `ACTIVE`, `CREATE_IN_PROGRESS` or `DELETE_IN_PROGRESS`.
    pub status: String,
    pub created_date: i64,
    pub kind: InstanceKind,
}

/// Kind of instance. Only an organization instance supports permission sets
/// and account assignments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceKind {
    Organization,
    Account,
}

/// Permission set with its policies and the accounts it is provisioned to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionSet {
    pub arn: String,
    pub instance_arn: String,
    pub name: String,
    pub description: Option<String>,
    /// ISO-8601 duration such as `PT1H`.
    pub session_duration: String,
    pub relay_state: Option<String>,
    pub created_date: i64,
    /// Inline policy document as JSON text.
    pub inline_policy: Option<String>,
    pub managed_policies: Vec<ManagedPolicy>,
    pub customer_managed_policies: Vec<CustomerManagedPolicyReference>,
    pub permissions_boundary: Option<PermissionsBoundary>,
    pub tags: Vec<Tag>,
    pub provisioned_accounts: Vec<ProvisionedAccount>,
}

/// AWS managed policy attached to a permission set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
}

/// Reference to a customer managed policy that must exist in each target account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerManagedPolicyReference {
    pub name: String,
    pub path: String,
}

/// Permissions boundary of a permission set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionsBoundary {
    ManagedPolicyArn(String),
    CustomerManaged(CustomerManagedPolicyReference),
}

/// Resource tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Account that a permission set is provisioned to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvisionedAccount {
    pub account_id: String,
    pub status: ProvisioningStatus,
}

/// Provisioning state of a permission set in one account, as the
/// `ProvisioningStatus` filter of sso-admin names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProvisioningStatus {
    LatestPermissionSetProvisioned,
    LatestPermissionSetNotProvisioned,
}

impl ProvisioningStatus {
    /// Returns the value used by the sso-admin `ProvisioningStatus` filter.
    pub fn as_str(self) -> &'static str {
        match self {
            ProvisioningStatus::LatestPermissionSetProvisioned => {
                "LATEST_PERMISSION_SET_PROVISIONED"
            }
            ProvisioningStatus::LatestPermissionSetNotProvisioned => {
                "LATEST_PERMISSION_SET_NOT_PROVISIONED"
            }
        }
    }
}

/// Kind of principal in an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PrincipalType {
    User,
    Group,
}

impl PrincipalType {
    /// Returns the wire value, `USER` or `GROUP`.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::User => "USER",
            PrincipalType::Group => "GROUP",
        }
    }
}

/// Assignment of a principal to an account through a permission set.
///
/// The principal ID may name a user or group that no longer exists, because
/// AWS keeps assignments after their principal is deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountAssignment {
    pub instance_arn: String,
    pub account_id: String,
    pub permission_set_arn: String,
    pub principal_type: PrincipalType,
    pub principal_id: String,
}

/// Identity store user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub identity_store_id: String,
    pub id: String,
    pub user_name: String,
    pub display_name: Option<String>,
    pub name: Option<PersonName>,
    pub emails: Vec<Email>,
    pub user_type: Option<String>,
    pub title: Option<String>,
    pub external_ids: Vec<ExternalId>,
    /// `ENABLED` or `DISABLED`, as ListUsers returns it in `UserStatus`.
    #[serde(default)]
    pub status: Option<String>,
}

/// Name parts of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonName {
    pub formatted: Option<String>,
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub middle_name: Option<String>,
    pub honorific_prefix: Option<String>,
    pub honorific_suffix: Option<String>,
}

/// Email address of a user. At most one per user is primary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Email {
    pub value: String,
    /// `work`, `home` or `other`.
    pub kind: Option<String>,
    pub primary: bool,
}

/// Identifier of a user or group in an external identity provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalId {
    pub issuer: String,
    pub id: String,
}

/// Identity store group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub identity_store_id: String,
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub external_ids: Vec<ExternalId>,
}

/// Membership of a user in a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMembership {
    pub identity_store_id: String,
    pub membership_id: String,
    pub group_id: String,
    pub user_id: String,
}

/// Application provider, an AWS catalog entry or the custom SAML provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationProvider {
    pub arn: String,
    /// `SAML`, `OAUTH` or `SAML_AND_OAUTH`.
    pub federation_protocol: String,
    pub display_name: String,
    pub description: Option<String>,
}

/// Application managed by an Identity Center instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub arn: String,
    pub instance_arn: String,
    pub name: String,
    pub description: Option<String>,
    pub provider_arn: String,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    pub application_account: String,
    pub created_date: i64,
    pub assignment_required: bool,
    /// Portal visibility, `ENABLED` or `DISABLED`.
    pub portal_visibility: String,
    pub sign_in_url: Option<String>,
}

/// Assignment of a principal to an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationAssignment {
    pub application_arn: String,
    pub principal_type: PrincipalType,
    pub principal_id: String,
}

/// One path by which a user reaches an account through a permission set.
///
/// The fields borrow from the model, so the ground truth of a large model costs
/// one small row per path and no string copies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AccessRow<'a> {
    pub user_name: &'a str,
    pub user_id: &'a str,
    pub account_id: &'a str,
    /// `None` when the account is no longer in the organization.
    pub account_name: Option<&'a str>,
    pub permission_set_name: &'a str,
    pub permission_set_arn: &'a str,
    /// `"direct"` for a user assignment, or the display name of the group.
    pub via: &'a str,
}

/// Value of [`AccessRow::via`] for an assignment made to the user itself.
pub const VIA_DIRECT: &str = "direct";

impl Model {
    /// Computes who can reach which account through which permission set and
    /// by which path, straight from the model.
    ///
    /// Assignments whose user or group no longer exists give no rows. Rows are
    /// sorted in field order: user name, user ID, account, permission set, path.
    pub fn expected_account_access<'a>(&'a self) -> Vec<AccessRow<'a>> {
        let users: HashMap<(&str, &str), &User> = self
            .users
            .iter()
            .map(|user| ((user.identity_store_id.as_str(), user.id.as_str()), user))
            .collect();
        let groups: HashMap<(&str, &str), &Group> = self
            .groups
            .iter()
            .map(|group| ((group.identity_store_id.as_str(), group.id.as_str()), group))
            .collect();
        let mut members: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
        for membership in &self.group_memberships {
            members
                .entry((
                    membership.identity_store_id.as_str(),
                    membership.group_id.as_str(),
                ))
                .or_default()
                .push(membership.user_id.as_str());
        }
        let accounts: HashMap<&str, &Account> = self
            .accounts
            .iter()
            .map(|account| (account.id.as_str(), account))
            .collect();
        let permission_sets: HashMap<&str, &PermissionSet> = self
            .permission_sets
            .iter()
            .map(|set| (set.arn.as_str(), set))
            .collect();
        let stores: HashMap<&str, &str> = self
            .instances
            .iter()
            .map(|instance| (instance.arn.as_str(), instance.identity_store_id.as_str()))
            .collect();

        let mut rows = Vec::new();
        for assignment in &self.account_assignments {
            let (Some(store), Some(permission_set)) = (
                stores.get(assignment.instance_arn.as_str()),
                permission_sets.get(assignment.permission_set_arn.as_str()),
            ) else {
                continue;
            };
            let account_name = accounts
                .get(assignment.account_id.as_str())
                .map(|account| account.name.as_str());
            let row = |user: &'a User, via: &'a str| AccessRow {
                user_name: &user.user_name,
                user_id: &user.id,
                account_id: &assignment.account_id,
                account_name,
                permission_set_name: &permission_set.name,
                permission_set_arn: &permission_set.arn,
                via,
            };

            match assignment.principal_type {
                PrincipalType::User => {
                    if let Some(user) = users.get(&(*store, assignment.principal_id.as_str())) {
                        rows.push(row(user, VIA_DIRECT));
                    }
                }
                PrincipalType::Group => {
                    let key = (*store, assignment.principal_id.as_str());
                    let Some(group) = groups.get(&key) else {
                        continue;
                    };
                    for user_id in members.get(&key).into_iter().flatten() {
                        if let Some(user) = users.get(&(*store, *user_id)) {
                            rows.push(row(user, group.display_name.as_str()));
                        }
                    }
                }
            }
        }

        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// Writes the whole model as one JSON document.
    pub fn write_json(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let file = File::create(path.as_ref())?;
        let mut writer = BufWriter::new(file);
        serde_json::to_writer(&mut writer, self)?;
        writer.flush()
    }

    /// Returns the organization instance, the one that contains permission sets.
    pub fn organization_instance(&self) -> Option<&Instance> {
        self.instances
            .iter()
            .find(|instance| instance.kind == InstanceKind::Organization)
    }
}
