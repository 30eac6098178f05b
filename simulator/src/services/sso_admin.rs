//! IAM Identity Center admin API (sso-admin, target prefix `SWBExternalService`):
//! instances, permission sets, account assignments and applications.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::model::{
    AccountAssignment, Application, ApplicationAssignment, ApplicationProvider,
    CustomerManagedPolicyReference, Instance, ManagedPolicy, PermissionSet, PermissionsBoundary,
    ProvisioningStatus, Tag,
};
use crate::operation::Service;
use crate::wire::{ApiError, Input, Reply, listing, paginate, required, unknown_operation};

/// Maximum `MaxResults` of the sso-admin list operations.
const MAX_PAGE: usize = 100;

/// Page size of `ListTagsForResource`, which takes no `MaxResults`.
const TAGS_PAGE: usize = 50;

/// Runs one sso-admin operation.
pub(crate) fn handle(catalog: &Catalog, operation: &str, input: &Input) -> Result<Reply, ApiError> {
    match operation {
        "ListInstances" => list_instances(catalog, input),
        "DescribeInstance" => describe_instance(catalog, input),
        "ListPermissionSets" => list_permission_sets(catalog, input),
        "DescribePermissionSet" => describe_permission_set(catalog, input),
        "GetInlinePolicyForPermissionSet" => get_inline_policy(catalog, input),
        "ListManagedPoliciesInPermissionSet" => list_managed_policies(catalog, input),
        "ListCustomerManagedPolicyReferencesInPermissionSet" => {
            list_customer_managed_policies(catalog, input)
        }
        "GetPermissionsBoundaryForPermissionSet" => get_permissions_boundary(catalog, input),
        "ListTagsForResource" => list_tags(catalog, input),
        "ListAccountsForProvisionedPermissionSet" => {
            list_accounts_for_permission_set(catalog, input)
        }
        "ListPermissionSetsProvisionedToAccount" => {
            list_permission_sets_for_account(catalog, input)
        }
        "ListAccountAssignments" => list_account_assignments(catalog, input),
        "ListApplications" => list_applications(catalog, input),
        "DescribeApplication" => describe_application(catalog, input),
        "ListApplicationAssignments" => list_application_assignments(catalog, input),
        "GetApplicationAssignmentConfiguration" => get_assignment_configuration(catalog, input),
        "ListApplicationProviders" => list_application_providers(catalog, input),
        "DescribeApplicationProvider" => describe_application_provider(catalog, input),
        other => Err(unknown_operation(other)),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceWire<'a> {
    instance_arn: &'a str,
    identity_store_id: &'a str,
    owner_account_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    created_date: i64,
    status: &'a str,
}

impl<'a> From<&'a Instance> for InstanceWire<'a> {
    fn from(instance: &'a Instance) -> Self {
        InstanceWire {
            instance_arn: &instance.arn,
            identity_store_id: &instance.identity_store_id,
            owner_account_id: &instance.owner_account_id,
            name: instance.name.as_deref(),
            created_date: instance.created_date,
            status: &instance.status,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PermissionSetWire<'a> {
    name: &'a str,
    permission_set_arn: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    created_date: i64,
    session_duration: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    relay_state: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ManagedPolicyWire<'a> {
    name: &'a str,
    arn: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CustomerManagedWire<'a> {
    name: &'a str,
    path: &'a str,
}

impl<'a> From<&'a CustomerManagedPolicyReference> for CustomerManagedWire<'a> {
    fn from(reference: &'a CustomerManagedPolicyReference) -> Self {
        CustomerManagedWire {
            name: &reference.name,
            path: &reference.path,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TagWire<'a> {
    key: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccountAssignmentWire<'a> {
    account_id: &'a str,
    permission_set_arn: &'a str,
    principal_type: &'static str,
    principal_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ApplicationWire<'a> {
    application_arn: &'a str,
    application_provider_arn: &'a str,
    name: &'a str,
    application_account: &'a str,
    instance_arn: &'a str,
    status: &'a str,
    portal_options: PortalOptionsWire<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    created_date: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PortalOptionsWire<'a> {
    sign_in_options: SignInOptionsWire<'a>,
    visibility: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SignInOptionsWire<'a> {
    origin: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    application_url: Option<&'a str>,
}

impl<'a> From<&'a Application> for ApplicationWire<'a> {
    fn from(application: &'a Application) -> Self {
        let origin = if application.sign_in_url.is_some() {
            "APPLICATION"
        } else {
            "IDENTITY_CENTER"
        };
        ApplicationWire {
            application_arn: &application.arn,
            application_provider_arn: &application.provider_arn,
            name: &application.name,
            application_account: &application.application_account,
            instance_arn: &application.instance_arn,
            status: &application.status,
            portal_options: PortalOptionsWire {
                sign_in_options: SignInOptionsWire {
                    origin,
                    application_url: application.sign_in_url.as_deref(),
                },
                visibility: &application.portal_visibility,
            },
            description: application.description.as_deref(),
            created_date: application.created_date,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ApplicationAssignmentWire<'a> {
    application_arn: &'a str,
    principal_id: &'a str,
    principal_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ApplicationProviderWire<'a> {
    application_provider_arn: &'a str,
    federation_protocol: &'a str,
    display_data: DisplayDataWire<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DisplayDataWire<'a> {
    display_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

impl<'a> From<&'a ApplicationProvider> for ApplicationProviderWire<'a> {
    fn from(provider: &'a ApplicationProvider) -> Self {
        ApplicationProviderWire {
            application_provider_arn: &provider.arn,
            federation_protocol: &provider.federation_protocol,
            display_data: DisplayDataWire {
                display_name: &provider.display_name,
                description: provider.description.as_deref(),
            },
        }
    }
}

fn page(
    scope: &[&str],
    total: usize,
    input: &Input,
    cap: usize,
) -> Result<crate::wire::Page, ApiError> {
    paginate(
        Service::SsoAdmin,
        scope,
        total,
        input.max_results,
        input.next_token.as_deref(),
        cap,
    )
}

/// Looks up the instance named by `InstanceArn`.
// NOTE: the error code AWS returns for an unknown but well-formed instance ARN
// is undocumented; the simulator returns ResourceNotFoundException.
fn instance<'a>(catalog: &'a Catalog, input: &Input) -> Result<(usize, &'a Instance), ApiError> {
    let arn = required(&input.instance_arn, "instanceArn")?;
    let index = *catalog.instance_by_arn.get(arn).ok_or_else(|| {
        ApiError::not_found(format!("Could not find Instance with InstanceArn={arn}"))
    })?;
    Ok((index, &catalog.model.instances[index]))
}

/// Looks up the instance and rejects an account instance, which has no
/// permission sets or account assignments.
fn organization_instance<'a>(
    catalog: &'a Catalog,
    input: &Input,
) -> Result<&'a Instance, ApiError> {
    let (index, instance) = instance(catalog, input)?;
    if !catalog.supports_permission_sets(index) {
        return Err(ApiError::validation(
            "The operation is not supported for an account instance of IAM Identity Center.",
        ));
    }
    Ok(instance)
}

/// Looks up the permission set named by `PermissionSetArn` in the instance.
fn permission_set<'a>(
    catalog: &'a Catalog,
    input: &Input,
) -> Result<(usize, &'a PermissionSet), ApiError> {
    let instance = organization_instance(catalog, input)?;
    let arn = required(&input.permission_set_arn, "permissionSetArn")?;
    let not_found = || {
        ApiError::not_found(format!(
            "Could not find PermissionSet with PermissionSetArn={arn}"
        ))
    };
    let index = *catalog
        .permission_set_by_arn
        .get(arn)
        .ok_or_else(not_found)?;
    let set = &catalog.model.permission_sets[index];
    if set.instance_arn != instance.arn {
        return Err(not_found());
    }
    Ok((index, set))
}

fn application<'a>(catalog: &'a Catalog, input: &Input) -> Result<&'a Application, ApiError> {
    let arn = required(&input.application_arn, "applicationArn")?;
    let index = *catalog.application_by_arn.get(arn).ok_or_else(|| {
        ApiError::not_found(format!(
            "Could not find Application with ApplicationArn={arn}"
        ))
    })?;
    Ok(&catalog.model.applications[index])
}

fn provisioning_filter(input: &Input) -> Result<Option<ProvisioningStatus>, ApiError> {
    match input.provisioning_status.as_deref() {
        None => Ok(None),
        Some("LATEST_PERMISSION_SET_PROVISIONED") => {
            Ok(Some(ProvisioningStatus::LatestPermissionSetProvisioned))
        }
        Some("LATEST_PERMISSION_SET_NOT_PROVISIONED") => {
            Ok(Some(ProvisioningStatus::LatestPermissionSetNotProvisioned))
        }
        Some(other) => Err(ApiError::validation(format!(
            "1 validation error detected: Value '{other}' at 'provisioningStatus' failed to satisfy constraint: \
             Member must satisfy enum value set: [LATEST_PERMISSION_SET_PROVISIONED, LATEST_PERMISSION_SET_NOT_PROVISIONED]"
        ))),
    }
}

// NOTE: AWS lists only the instances the caller's account can see; the
// simulator lists every instance of the model.
fn list_instances(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let instances = &catalog.model.instances;
    let page = page(&["ListInstances"], instances.len(), input, MAX_PAGE)?;
    Ok(listing("Instances", page, instances, InstanceWire::from))
}

fn describe_instance(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let arn = required(&input.instance_arn, "instanceArn")?;
    let index = *catalog
        .instance_by_arn
        .get(arn)
        .ok_or_else(|| ApiError::validation(format!("The instance {arn} does not exist.")))?;
    Ok(Reply::json(&InstanceWire::from(
        &catalog.model.instances[index],
    )))
}

fn list_permission_sets(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let instance = organization_instance(catalog, input)?;
    let positions: &[usize] = catalog
        .permission_sets_by_instance
        .get(&instance.arn)
        .map_or(&[], Vec::as_slice);
    let page = page(
        &["ListPermissionSets", &instance.arn],
        positions.len(),
        input,
        MAX_PAGE,
    )?;
    let sets = &catalog.model.permission_sets;
    Ok(listing("PermissionSets", page, positions, |&index| {
        sets[index].arn.as_str()
    }))
}

fn describe_permission_set(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let (_, set) = permission_set(catalog, input)?;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output<'a> {
        permission_set: PermissionSetWire<'a>,
    }

    Ok(Reply::json(&Output {
        permission_set: PermissionSetWire {
            name: &set.name,
            permission_set_arn: &set.arn,
            description: set.description.as_deref(),
            created_date: set.created_date,
            session_duration: &set.session_duration,
            relay_state: set.relay_state.as_deref(),
        },
    }))
}

// NOTE: a permission set without an inline policy gets an empty `InlinePolicy`
// string; whether AWS sends an empty string or omits the member is unverified.
fn get_inline_policy(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let (_, set) = permission_set(catalog, input)?;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output<'a> {
        inline_policy: &'a str,
    }

    Ok(Reply::json(&Output {
        inline_policy: set.inline_policy.as_deref().unwrap_or(""),
    }))
}

fn list_managed_policies(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let (_, set) = permission_set(catalog, input)?;
    let policies = &set.managed_policies;
    let page = page(
        &["ListManagedPoliciesInPermissionSet", &set.arn],
        policies.len(),
        input,
        MAX_PAGE,
    )?;
    Ok(listing(
        "AttachedManagedPolicies",
        page,
        policies,
        |policy: &ManagedPolicy| ManagedPolicyWire {
            name: &policy.name,
            arn: &policy.arn,
        },
    ))
}

fn list_customer_managed_policies(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let (_, set) = permission_set(catalog, input)?;
    let references = &set.customer_managed_policies;
    let scope = [
        "ListCustomerManagedPolicyReferencesInPermissionSet",
        set.arn.as_str(),
    ];
    let page = page(&scope, references.len(), input, MAX_PAGE)?;
    Ok(listing(
        "CustomerManagedPolicyReferences",
        page,
        references,
        CustomerManagedWire::from,
    ))
}

fn get_permissions_boundary(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let (_, set) = permission_set(catalog, input)?;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Boundary<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        customer_managed_policy_reference: Option<CustomerManagedWire<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        managed_policy_arn: Option<&'a str>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output<'a> {
        permissions_boundary: Boundary<'a>,
    }

    let boundary = match &set.permissions_boundary {
        None => {
            return Err(ApiError::not_found(format!(
                "Could not find PermissionsBoundary for PermissionSetArn={}",
                set.arn
            )));
        }
        Some(PermissionsBoundary::ManagedPolicyArn(arn)) => Boundary {
            customer_managed_policy_reference: None,
            managed_policy_arn: Some(arn),
        },
        Some(PermissionsBoundary::CustomerManaged(reference)) => Boundary {
            customer_managed_policy_reference: Some(CustomerManagedWire::from(reference)),
            managed_policy_arn: None,
        },
    };
    Ok(Reply::json(&Output {
        permissions_boundary: boundary,
    }))
}

fn list_tags(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let arn = required(&input.resource_arn, "resourceArn")?;
    let no_tags: &[Tag] = &[];
    let tags = if let Some(&index) = catalog.permission_set_by_arn.get(arn) {
        catalog.model.permission_sets[index].tags.as_slice()
    } else if catalog.instance_by_arn.contains_key(arn)
        || catalog.application_by_arn.contains_key(arn)
    {
        no_tags
    } else {
        return Err(ApiError::not_found(format!(
            "Could not find resource with ResourceArn={arn}"
        )));
    };

    let page = paginate(
        Service::SsoAdmin,
        &["ListTagsForResource", arn],
        tags.len(),
        None,
        input.next_token.as_deref(),
        TAGS_PAGE,
    )?;
    Ok(listing("Tags", page, tags, |tag: &Tag| TagWire {
        key: &tag.key,
        value: &tag.value,
    }))
}

fn list_accounts_for_permission_set(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let (_, set) = permission_set(catalog, input)?;
    let filter = provisioning_filter(input)?;
    let accounts: Vec<&str> = set
        .provisioned_accounts
        .iter()
        .filter(|provisioned| filter.is_none_or(|status| provisioned.status == status))
        .map(|provisioned| provisioned.account_id.as_str())
        .collect();

    let filter_name = filter.map_or("", ProvisioningStatus::as_str);
    let scope = [
        "ListAccountsForProvisionedPermissionSet",
        set.arn.as_str(),
        filter_name,
    ];
    let page = page(&scope, accounts.len(), input, MAX_PAGE)?;
    Ok(listing("AccountIds", page, &accounts, |account| *account))
}

fn list_permission_sets_for_account(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let instance = organization_instance(catalog, input)?;
    let account_id = required(&input.account_id, "accountId")?;
    let filter = provisioning_filter(input)?;
    let sets = &catalog.model.permission_sets;
    let arns: Vec<&str> = catalog
        .provisioned_by_account
        .get(account_id)
        .into_iter()
        .flatten()
        .map(|&index| &sets[index])
        .filter(|set| set.instance_arn == instance.arn)
        .filter(|set| {
            set.provisioned_accounts.iter().any(|p| {
                p.account_id == account_id && filter.is_none_or(|status| p.status == status)
            })
        })
        .map(|set| set.arn.as_str())
        .collect();

    let filter_name = filter.map_or("", ProvisioningStatus::as_str);
    let scope = [
        "ListPermissionSetsProvisionedToAccount",
        instance.arn.as_str(),
        account_id,
        filter_name,
    ];
    let page = page(&scope, arns.len(), input, MAX_PAGE)?;
    Ok(listing("PermissionSets", page, &arns, |arn| *arn))
}

fn list_account_assignments(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let account_id = required(&input.account_id, "accountId")?;
    let (set_index, set) = permission_set(catalog, input)?;
    let positions: &[usize] = catalog
        .assignments_by_pair
        .get(&(account_id.to_owned(), set_index))
        .map_or(&[], Vec::as_slice);

    let scope = ["ListAccountAssignments", account_id, set.arn.as_str()];
    let page = page(&scope, positions.len(), input, MAX_PAGE)?;
    let assignments = &catalog.model.account_assignments;
    Ok(listing("AccountAssignments", page, positions, |&index| {
        let assignment: &AccountAssignment = &assignments[index];
        AccountAssignmentWire {
            account_id: &assignment.account_id,
            permission_set_arn: &assignment.permission_set_arn,
            principal_type: assignment.principal_type.as_str(),
            principal_id: &assignment.principal_id,
        }
    }))
}

fn list_applications(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let (_, instance) = instance(catalog, input)?;
    let account_filter = input
        .filter
        .as_ref()
        .and_then(|f| f.application_account.as_deref());
    let provider_filter = input
        .filter
        .as_ref()
        .and_then(|f| f.application_provider.as_deref());
    let all = &catalog.model.applications;
    let applications: Vec<&Application> = catalog
        .applications_by_instance
        .get(&instance.arn)
        .into_iter()
        .flatten()
        .map(|&index| &all[index])
        .filter(|application| {
            account_filter.is_none_or(|account| application.application_account == account)
        })
        .filter(|application| {
            provider_filter.is_none_or(|provider| application.provider_arn == provider)
        })
        .collect();

    let scope = [
        "ListApplications",
        instance.arn.as_str(),
        account_filter.unwrap_or(""),
        provider_filter.unwrap_or(""),
    ];
    let page = page(&scope, applications.len(), input, MAX_PAGE)?;
    Ok(listing(
        "Applications",
        page,
        &applications,
        |application| ApplicationWire::from(*application),
    ))
}

fn describe_application(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let application = application(catalog, input)?;
    Ok(Reply::json(&ApplicationWire::from(application)))
}

fn list_application_assignments(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let application = application(catalog, input)?;
    let positions: &[usize] = catalog
        .application_assignments_by_application
        .get(&application.arn)
        .map_or(&[], Vec::as_slice);

    let page = page(
        &["ListApplicationAssignments", &application.arn],
        positions.len(),
        input,
        MAX_PAGE,
    )?;
    let assignments = &catalog.model.application_assignments;
    Ok(listing(
        "ApplicationAssignments",
        page,
        positions,
        |&index| {
            let assignment: &ApplicationAssignment = &assignments[index];
            ApplicationAssignmentWire {
                application_arn: &assignment.application_arn,
                principal_id: &assignment.principal_id,
                principal_type: assignment.principal_type.as_str(),
            }
        },
    ))
}

fn get_assignment_configuration(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let application = application(catalog, input)?;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        assignment_required: bool,
    }

    Ok(Reply::json(&Output {
        assignment_required: application.assignment_required,
    }))
}

fn list_application_providers(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let providers = &catalog.model.application_providers;
    let page = page(
        &["ListApplicationProviders"],
        providers.len(),
        input,
        MAX_PAGE,
    )?;
    Ok(listing(
        "ApplicationProviders",
        page,
        providers,
        ApplicationProviderWire::from,
    ))
}

fn describe_application_provider(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let arn = required(&input.application_provider_arn, "applicationProviderArn")?;
    let index = *catalog.provider_by_arn.get(arn).ok_or_else(|| {
        ApiError::not_found(format!(
            "Could not find ApplicationProvider with ApplicationProviderArn={arn}"
        ))
    })?;
    Ok(Reply::json(&ApplicationProviderWire::from(
        &catalog.model.application_providers[index],
    )))
}
