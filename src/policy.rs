//! The IAM policies a read-only sync needs: the permissions policy of the
//! role, and a trust policy template that requires an external ID.
//!
//! [`SYNC_ACTIONS`] lists exactly the API operations that `sync` calls; a
//! test runs a sync and checks that the two stay in step.

use serde_json::{Value, json};

/// Every IAM action `sync` uses, with whether the sync still succeeds
/// without it (the part then becomes a warning in the snapshot).
///
/// `sts:GetCallerIdentity` is not listed: AWS allows it to every principal.
pub const SYNC_ACTIONS: &[(&str, bool)] = &[
    ("sso:ListInstances", false),
    ("sso:DescribeInstance", true),
    ("sso:ListPermissionSets", false),
    ("sso:DescribePermissionSet", false),
    ("sso:GetInlinePolicyForPermissionSet", false),
    ("sso:ListManagedPoliciesInPermissionSet", false),
    (
        "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
        false,
    ),
    ("sso:GetPermissionsBoundaryForPermissionSet", false),
    ("sso:ListTagsForResource", false),
    ("sso:ListAccountsForProvisionedPermissionSet", false),
    ("sso:ListAccountAssignments", false),
    ("sso:ListApplications", true),
    ("sso:GetApplicationAssignmentConfiguration", true),
    ("sso:ListApplicationAssignments", true),
    ("sso:DescribeApplicationProvider", true),
    ("identitystore:ListUsers", false),
    ("identitystore:ListGroups", false),
    ("identitystore:ListGroupMemberships", false),
    ("organizations:ListAccounts", true),
];

/// Maps an SDK service name, as `api_calls.service` records it, to the IAM
/// service prefix of its actions.
pub fn iam_prefix(service: &str) -> Option<&'static str> {
    match service {
        "sso-admin" => Some("sso"),
        "identitystore" => Some("identitystore"),
        "organizations" => Some("organizations"),
        _ => None,
    }
}

/// Builds the least-privilege permissions policy of the read-only role.
pub fn read_only_policy() -> Value {
    let required: Vec<&str> = SYNC_ACTIONS
        .iter()
        .filter(|(_, optional)| !optional)
        .map(|(action, _)| *action)
        .collect();
    let optional: Vec<&str> = SYNC_ACTIONS
        .iter()
        .filter(|(_, optional)| *optional)
        .map(|(action, _)| *action)
        .collect();
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "IdcdbSyncRequired",
                "Effect": "Allow",
                "Action": required,
                "Resource": "*"
            },
            {
                "Sid": "IdcdbSyncOptional",
                "Effect": "Allow",
                "Action": optional,
                "Resource": "*"
            }
        ]
    })
}

/// Builds a trust policy that lets `principal_arn` assume the role only with
/// the given external ID, which callers pass as a placeholder.
pub fn trust_policy(principal_arn: &str, external_id_placeholder: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": { "AWS": principal_arn },
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": { "sts:ExternalId": external_id_placeholder }
                }
            }
        ]
    })
}
