//! The services and operations the simulator recognizes, and how a request
//! names them on the wire.
//!
//! Verified against the generated code of aws-sdk-ssoadmin 1.125,
//! aws-sdk-identitystore 1.122, aws-sdk-organizations 1.137 and aws-sdk-sts
//! 1.124: the first three send awsJson 1.1 (`POST /`,
//! `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target: Prefix.Operation`)
//! and STS sends awsQuery (`POST /` with a form-encoded `Action`).

/// AWS service served by the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Sts,
    Organizations,
    SsoAdmin,
    IdentityStore,
}

impl Service {
    /// Returns the service whose `X-Amz-Target` prefix this is.
    pub(crate) fn from_target_prefix(prefix: &str) -> Option<Service> {
        match prefix {
            "SWBExternalService" => Some(Service::SsoAdmin),
            "AWSIdentityStore" => Some(Service::IdentityStore),
            "AWSOrganizationsV20161128" => Some(Service::Organizations),
            _ => None,
        }
    }
}

/// Operations with a handler, in a fixed order that indexes per-operation counters.
pub(crate) const OPERATIONS: &[(Service, &str)] = &[
    (Service::Sts, "GetCallerIdentity"),
    (Service::Sts, "AssumeRole"),
    (Service::Organizations, "ListAccounts"),
    (Service::Organizations, "DescribeOrganization"),
    (Service::SsoAdmin, "ListInstances"),
    (Service::SsoAdmin, "DescribeInstance"),
    (Service::SsoAdmin, "ListPermissionSets"),
    (Service::SsoAdmin, "DescribePermissionSet"),
    (Service::SsoAdmin, "GetInlinePolicyForPermissionSet"),
    (Service::SsoAdmin, "ListManagedPoliciesInPermissionSet"),
    (
        Service::SsoAdmin,
        "ListCustomerManagedPolicyReferencesInPermissionSet",
    ),
    (Service::SsoAdmin, "GetPermissionsBoundaryForPermissionSet"),
    (Service::SsoAdmin, "ListTagsForResource"),
    (Service::SsoAdmin, "ListAccountsForProvisionedPermissionSet"),
    (Service::SsoAdmin, "ListPermissionSetsProvisionedToAccount"),
    (Service::SsoAdmin, "ListAccountAssignments"),
    (Service::SsoAdmin, "ListApplications"),
    (Service::SsoAdmin, "DescribeApplication"),
    (Service::SsoAdmin, "ListApplicationAssignments"),
    (Service::SsoAdmin, "GetApplicationAssignmentConfiguration"),
    (Service::SsoAdmin, "ListApplicationProviders"),
    (Service::SsoAdmin, "DescribeApplicationProvider"),
    (Service::IdentityStore, "ListUsers"),
    (Service::IdentityStore, "ListGroups"),
    (Service::IdentityStore, "ListGroupMemberships"),
    (Service::IdentityStore, "DescribeUser"),
    (Service::IdentityStore, "DescribeGroup"),
];

/// Operation named by a request: a known one, or an unknown name kept for the
/// statistics and the error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    pub service: Option<Service>,
    /// Position in [`OPERATIONS`], or `None` for an unknown operation.
    pub index: Option<usize>,
    pub name: String,
}

impl Call {
    pub(crate) fn new(service: Option<Service>, name: &str) -> Call {
        let index = service.and_then(|service| {
            OPERATIONS.iter().position(|(known_service, known_name)| {
                *known_service == service && *known_name == name
            })
        });
        Call {
            service,
            index,
            name: name.to_owned(),
        }
    }
}
