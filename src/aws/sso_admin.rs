//! IAM Identity Center administration (`sso-admin`): instances, permission
//! sets with their policies, provisioned (permission set, account) pairs,
//! account assignments, applications and application assignments.

use aws_sdk_ssoadmin::types::{InstanceMetadata, ProvisioningStatus};

use super::{AwsError, Clients, rfc3339};
use crate::model::{
    AccountAssignment, Application, ApplicationAssignment, ApplicationProvider,
    CustomerManagedPolicy, Instance, InstanceEncryption, ManagedPolicy, PermissionSet,
    PermissionSetTag, PermissionsBoundary,
};

const SERVICE: &str = "sso-admin";

/// The two values of AWS's `ProvisioningStatus` filter.
pub const PROVISIONED: &str = "LATEST_PERMISSION_SET_PROVISIONED";
pub const NOT_PROVISIONED: &str = "LATEST_PERMISSION_SET_NOT_PROVISIONED";

impl Clients {
    /// Lists every IAM Identity Center instance in the region.
    pub async fn list_instances(&self) -> Result<Vec<Instance>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListInstances",
            |token| self.sso_admin.list_instances().set_next_token(token).send(),
            |output| {
                let page = output.instances.unwrap_or_default();
                (
                    page.into_iter().filter_map(instance).collect(),
                    output.next_token,
                )
            },
        )
        .await
    }

    /// Reads the encryption settings of an instance.
    pub async fn describe_instance_encryption(
        &self,
        instance_arn: &str,
    ) -> Result<InstanceEncryption, AwsError> {
        let output = self
            .call(SERVICE, "DescribeInstance", || {
                self.sso_admin
                    .describe_instance()
                    .instance_arn(instance_arn)
                    .send()
            })
            .await?;
        let details = output.encryption_configuration_details;
        Ok(InstanceEncryption {
            instance_arn: instance_arn.to_string(),
            key_type: details
                .as_ref()
                .and_then(|details| details.key_type.as_ref())
                .map(|key_type| key_type.as_str().to_string()),
            kms_key_arn: details
                .as_ref()
                .and_then(|details| details.kms_key_arn.clone()),
            status: details
                .as_ref()
                .and_then(|details| details.encryption_status.as_ref())
                .map(|status| status.as_str().to_string()),
            status_reason: details.and_then(|details| details.encryption_status_reason),
        })
    }

    /// Lists the ARNs of every permission set of an instance.
    pub async fn list_permission_sets(&self, instance_arn: &str) -> Result<Vec<String>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListPermissionSets",
            |token| {
                self.sso_admin
                    .list_permission_sets()
                    .instance_arn(instance_arn)
                    .set_next_token(token)
                    .send()
            },
            |output| {
                (
                    output.permission_sets.unwrap_or_default(),
                    output.next_token,
                )
            },
        )
        .await
    }

    /// Describes one permission set. The inline policy is read separately.
    pub async fn describe_permission_set(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
    ) -> Result<PermissionSet, AwsError> {
        let output = self
            .call(SERVICE, "DescribePermissionSet", || {
                self.sso_admin
                    .describe_permission_set()
                    .instance_arn(instance_arn)
                    .permission_set_arn(permission_set_arn)
                    .send()
            })
            .await?;

        let mut set = PermissionSet {
            permission_set_arn: permission_set_arn.to_string(),
            instance_arn: instance_arn.to_string(),
            name: String::new(),
            description: None,
            session_duration: None,
            relay_state: None,
            created_at: None,
            inline_policy: None,
        };
        if let Some(described) = output.permission_set {
            set.name = described.name.unwrap_or_default();
            set.description = described.description;
            set.session_duration = described.session_duration;
            set.relay_state = described.relay_state;
            set.created_at = described.created_date.as_ref().and_then(rfc3339);
        }
        Ok(set)
    }

    /// Returns the inline policy of a permission set; `None` when it has none
    /// (AWS returns an empty string then).
    pub async fn get_inline_policy(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
    ) -> Result<Option<String>, AwsError> {
        let output = self
            .call(SERVICE, "GetInlinePolicyForPermissionSet", || {
                self.sso_admin
                    .get_inline_policy_for_permission_set()
                    .instance_arn(instance_arn)
                    .permission_set_arn(permission_set_arn)
                    .send()
            })
            .await?;
        Ok(output
            .inline_policy
            .filter(|policy| !policy.trim().is_empty()))
    }

    /// Lists the AWS managed policies attached to a permission set.
    pub async fn list_managed_policies(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
    ) -> Result<Vec<ManagedPolicy>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListManagedPoliciesInPermissionSet",
            |token| {
                self.sso_admin
                    .list_managed_policies_in_permission_set()
                    .instance_arn(instance_arn)
                    .permission_set_arn(permission_set_arn)
                    .set_next_token(token)
                    .send()
            },
            |output| {
                let page = output.attached_managed_policies.unwrap_or_default();
                let policies = page
                    .into_iter()
                    .filter_map(|policy| {
                        Some(ManagedPolicy {
                            permission_set_arn: permission_set_arn.to_string(),
                            policy_arn: policy.arn?,
                            policy_name: policy.name,
                        })
                    })
                    .collect();
                (policies, output.next_token)
            },
        )
        .await
    }

    /// Lists the customer managed policy references of a permission set.
    pub async fn list_customer_managed_policies(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
    ) -> Result<Vec<CustomerManagedPolicy>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListCustomerManagedPolicyReferencesInPermissionSet",
            |token| {
                self.sso_admin
                    .list_customer_managed_policy_references_in_permission_set()
                    .instance_arn(instance_arn)
                    .permission_set_arn(permission_set_arn)
                    .set_next_token(token)
                    .send()
            },
            |output| {
                let page = output
                    .customer_managed_policy_references
                    .unwrap_or_default();
                let policies = page
                    .into_iter()
                    .map(|reference| CustomerManagedPolicy {
                        permission_set_arn: permission_set_arn.to_string(),
                        policy_name: reference.name,
                        policy_path: reference.path,
                    })
                    .collect();
                (policies, output.next_token)
            },
        )
        .await
    }

    /// Returns the permissions boundary of a permission set, or `None` when
    /// it has none (AWS returns ResourceNotFoundException then).
    pub async fn get_permissions_boundary(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
    ) -> Result<Option<PermissionsBoundary>, AwsError> {
        let result = self
            .call(SERVICE, "GetPermissionsBoundaryForPermissionSet", || {
                self.sso_admin
                    .get_permissions_boundary_for_permission_set()
                    .instance_arn(instance_arn)
                    .permission_set_arn(permission_set_arn)
                    .send()
            })
            .await;
        let output = match result {
            Ok(output) => output,
            Err(error) if error.code.as_deref() == Some("ResourceNotFoundException") => {
                return Ok(None);
            }
            Err(error) => return Err(error),
        };

        let Some(boundary) = output.permissions_boundary else {
            return Ok(None);
        };
        let reference = boundary.customer_managed_policy_reference;
        Ok(Some(PermissionsBoundary {
            permission_set_arn: permission_set_arn.to_string(),
            managed_policy_arn: boundary.managed_policy_arn,
            customer_policy_name: reference.as_ref().map(|reference| reference.name.clone()),
            customer_policy_path: reference.and_then(|reference| reference.path),
        }))
    }

    /// Lists the tags of a permission set.
    pub async fn list_permission_set_tags(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
    ) -> Result<Vec<PermissionSetTag>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListTagsForResource",
            |token| {
                self.sso_admin
                    .list_tags_for_resource()
                    .instance_arn(instance_arn)
                    .resource_arn(permission_set_arn)
                    .set_next_token(token)
                    .send()
            },
            |output| {
                let tags = output
                    .tags
                    .unwrap_or_default()
                    .into_iter()
                    .map(|tag| PermissionSetTag {
                        permission_set_arn: permission_set_arn.to_string(),
                        key: tag.key,
                        value: tag.value,
                    })
                    .collect();
                (tags, output.next_token)
            },
        )
        .await
    }

    /// Lists the accounts a permission set is provisioned to, optionally only
    /// those with the given provisioning status.
    pub async fn list_accounts_for_provisioned_permission_set(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
        status: Option<&str>,
    ) -> Result<Vec<String>, AwsError> {
        let status = status.map(ProvisioningStatus::from);
        self.collect_pages(
            SERVICE,
            "ListAccountsForProvisionedPermissionSet",
            |token| {
                self.sso_admin
                    .list_accounts_for_provisioned_permission_set()
                    .instance_arn(instance_arn)
                    .permission_set_arn(permission_set_arn)
                    .set_provisioning_status(status.clone())
                    .set_next_token(token)
                    .send()
            },
            |output| (output.account_ids.unwrap_or_default(), output.next_token),
        )
        .await
    }

    /// Lists the account assignments of one (account, permission set) pair.
    pub async fn list_account_assignments(
        &self,
        instance_arn: &str,
        account_id: &str,
        permission_set_arn: &str,
    ) -> Result<Vec<AccountAssignment>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListAccountAssignments",
            |token| {
                self.sso_admin
                    .list_account_assignments()
                    .instance_arn(instance_arn)
                    .account_id(account_id)
                    .permission_set_arn(permission_set_arn)
                    .set_next_token(token)
                    .send()
            },
            |output| {
                let page = output.account_assignments.unwrap_or_default();
                let assignments = page
                    .into_iter()
                    .filter_map(|assignment| {
                        Some(AccountAssignment {
                            instance_arn: instance_arn.to_string(),
                            account_id: assignment
                                .account_id
                                .unwrap_or_else(|| account_id.to_string()),
                            permission_set_arn: assignment
                                .permission_set_arn
                                .unwrap_or_else(|| permission_set_arn.to_string()),
                            principal_type: assignment.principal_type?.as_str().to_string(),
                            principal_id: assignment.principal_id?,
                        })
                    })
                    .collect();
                (assignments, output.next_token)
            },
        )
        .await
    }

    /// Lists the applications of an instance. `assignment_required` is left
    /// unset; [`Clients::get_assignment_required`] reads it.
    pub async fn list_applications(
        &self,
        instance_arn: &str,
    ) -> Result<Vec<Application>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListApplications",
            |token| {
                self.sso_admin
                    .list_applications()
                    .instance_arn(instance_arn)
                    .set_next_token(token)
                    .send()
            },
            |output| {
                let page = output.applications.unwrap_or_default();
                let applications = page
                    .into_iter()
                    .filter_map(|listed| application(listed, instance_arn))
                    .collect();
                (applications, output.next_token)
            },
        )
        .await
    }

    /// Returns whether an application requires assignments.
    pub async fn get_assignment_required(&self, application_arn: &str) -> Result<bool, AwsError> {
        let output = self
            .call(SERVICE, "GetApplicationAssignmentConfiguration", || {
                self.sso_admin
                    .get_application_assignment_configuration()
                    .application_arn(application_arn)
                    .send()
            })
            .await?;
        Ok(output.assignment_required)
    }

    /// Lists the users and groups assigned to an application.
    pub async fn list_application_assignments(
        &self,
        instance_arn: &str,
        application_arn: &str,
    ) -> Result<Vec<ApplicationAssignment>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListApplicationAssignments",
            |token| {
                self.sso_admin
                    .list_application_assignments()
                    .application_arn(application_arn)
                    .set_next_token(token)
                    .send()
            },
            |output| {
                let page = output.application_assignments.unwrap_or_default();
                let assignments = page
                    .into_iter()
                    .map(|assignment| ApplicationAssignment {
                        instance_arn: instance_arn.to_string(),
                        application_arn: assignment.application_arn,
                        principal_type: assignment.principal_type.as_str().to_string(),
                        principal_id: assignment.principal_id,
                    })
                    .collect();
                (assignments, output.next_token)
            },
        )
        .await
    }

    /// Describes the provider (the catalog entry) of an application.
    pub async fn describe_application_provider(
        &self,
        provider_arn: &str,
    ) -> Result<ApplicationProvider, AwsError> {
        let output = self
            .call(SERVICE, "DescribeApplicationProvider", || {
                self.sso_admin
                    .describe_application_provider()
                    .application_provider_arn(provider_arn)
                    .send()
            })
            .await?;
        let display = output.display_data;
        Ok(ApplicationProvider {
            application_provider_arn: provider_arn.to_string(),
            display_name: display.as_ref().and_then(|data| data.display_name.clone()),
            description: display.and_then(|data| data.description),
            federation_protocol: output
                .federation_protocol
                .map(|protocol| protocol.as_str().to_string()),
        })
    }
}

/// Converts one ListApplications item; `assignment_required` is left unset
/// because another call reads it.
fn application(
    listed: aws_sdk_ssoadmin::types::Application,
    instance_arn: &str,
) -> Option<Application> {
    let portal = listed.portal_options;
    let sign_in = portal
        .as_ref()
        .and_then(|portal| portal.sign_in_options.as_ref());
    Some(Application {
        application_arn: listed.application_arn?,
        instance_arn: listed
            .instance_arn
            .unwrap_or_else(|| instance_arn.to_string()),
        name: listed.name,
        description: listed.description,
        application_provider_arn: listed.application_provider_arn,
        application_account: listed.application_account,
        status: listed.status.map(|status| status.as_str().to_string()),
        portal_visibility: portal
            .as_ref()
            .map(|portal| portal.visibility.as_str().to_string()),
        sign_in_origin: sign_in.map(|options| options.origin.as_str().to_string()),
        sign_in_url: sign_in.and_then(|options| options.application_url.clone()),
        created_at: listed.created_date.as_ref().and_then(rfc3339),
        created_from: listed.created_from,
        assignment_required: None,
    })
}

fn instance(metadata: InstanceMetadata) -> Option<Instance> {
    let regions = metadata.regions.as_ref().map(|regions| {
        let names: Vec<&str> = regions
            .iter()
            .filter_map(|region| region.region_name.as_deref())
            .collect();
        serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_string())
    });
    Some(Instance {
        instance_arn: metadata.instance_arn?,
        identity_store_id: metadata.identity_store_id?,
        identity_store_arn: metadata.identity_store_arn,
        name: metadata.name,
        owner_account_id: metadata.owner_account_id,
        status: metadata.status.map(|status| status.as_str().to_string()),
        status_reason: metadata.status_reason,
        created_at: metadata.created_date.as_ref().and_then(rfc3339),
        primary_region: metadata.primary_region,
        regions,
    })
}
