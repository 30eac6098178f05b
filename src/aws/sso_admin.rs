//! IAM Identity Center administration (`sso-admin`): instances, permission
//! sets, provisioned (permission set, account) pairs and account assignments.

use aws_sdk_ssoadmin::types::InstanceMetadata;

use super::{AwsError, Clients, aws_error, next_page, rfc3339};
use crate::model::{AccountAssignment, Instance, PermissionSet};

const SERVICE: &str = "sso-admin";

impl Clients {
    /// Lists every IAM Identity Center instance in the region.
    pub async fn list_instances(&self) -> Result<Vec<Instance>, AwsError> {
        const OPERATION: &str = "ListInstances";
        let mut instances = Vec::new();
        let mut token = None;
        loop {
            self.calls.record(SERVICE, OPERATION);
            let output = self
                .sso_admin
                .list_instances()
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|error| aws_error(SERVICE, OPERATION, error))?;
            instances.extend(
                output
                    .instances
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(instance),
            );
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(instances);
            }
        }
    }

    /// Lists the ARNs of every permission set of an instance.
    pub async fn list_permission_sets(&self, instance_arn: &str) -> Result<Vec<String>, AwsError> {
        const OPERATION: &str = "ListPermissionSets";
        let mut arns = Vec::new();
        let mut token = None;
        loop {
            self.calls.record(SERVICE, OPERATION);
            let output = self
                .sso_admin
                .list_permission_sets()
                .instance_arn(instance_arn)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|error| aws_error(SERVICE, OPERATION, error))?;
            arns.extend(output.permission_sets.unwrap_or_default());
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(arns);
            }
        }
    }

    /// Describes one permission set.
    pub async fn describe_permission_set(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
    ) -> Result<PermissionSet, AwsError> {
        const OPERATION: &str = "DescribePermissionSet";
        self.calls.record(SERVICE, OPERATION);
        let output = self
            .sso_admin
            .describe_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(permission_set_arn)
            .send()
            .await
            .map_err(|error| aws_error(SERVICE, OPERATION, error))?;

        let mut set = PermissionSet {
            permission_set_arn: permission_set_arn.to_string(),
            instance_arn: instance_arn.to_string(),
            name: String::new(),
            description: None,
            session_duration: None,
            relay_state: None,
            created_at: None,
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

    /// Lists the accounts a permission set is provisioned to.
    pub async fn list_accounts_for_provisioned_permission_set(
        &self,
        instance_arn: &str,
        permission_set_arn: &str,
    ) -> Result<Vec<String>, AwsError> {
        const OPERATION: &str = "ListAccountsForProvisionedPermissionSet";
        let mut accounts = Vec::new();
        let mut token = None;
        loop {
            self.calls.record(SERVICE, OPERATION);
            let output = self
                .sso_admin
                .list_accounts_for_provisioned_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(permission_set_arn)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|error| aws_error(SERVICE, OPERATION, error))?;
            accounts.extend(output.account_ids.unwrap_or_default());
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(accounts);
            }
        }
    }

    /// Lists the permission sets provisioned to an account, whatever their
    /// provisioning status: an outdated permission set still grants access.
    pub async fn list_permission_sets_provisioned_to_account(
        &self,
        instance_arn: &str,
        account_id: &str,
    ) -> Result<Vec<String>, AwsError> {
        const OPERATION: &str = "ListPermissionSetsProvisionedToAccount";
        let mut arns = Vec::new();
        let mut token = None;
        loop {
            self.calls.record(SERVICE, OPERATION);
            let output = self
                .sso_admin
                .list_permission_sets_provisioned_to_account()
                .instance_arn(instance_arn)
                .account_id(account_id)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|error| aws_error(SERVICE, OPERATION, error))?;
            arns.extend(output.permission_sets.unwrap_or_default());
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(arns);
            }
        }
    }

    /// Lists the account assignments of one (account, permission set) pair.
    pub async fn list_account_assignments(
        &self,
        instance_arn: &str,
        account_id: &str,
        permission_set_arn: &str,
    ) -> Result<Vec<AccountAssignment>, AwsError> {
        const OPERATION: &str = "ListAccountAssignments";
        let mut assignments = Vec::new();
        let mut token = None;
        loop {
            self.calls.record(SERVICE, OPERATION);
            let output = self
                .sso_admin
                .list_account_assignments()
                .instance_arn(instance_arn)
                .account_id(account_id)
                .permission_set_arn(permission_set_arn)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|error| aws_error(SERVICE, OPERATION, error))?;
            for assignment in output.account_assignments.unwrap_or_default() {
                let (Some(principal_type), Some(principal_id)) =
                    (assignment.principal_type, assignment.principal_id)
                else {
                    continue;
                };
                assignments.push(AccountAssignment {
                    instance_arn: instance_arn.to_string(),
                    account_id: assignment
                        .account_id
                        .unwrap_or_else(|| account_id.to_string()),
                    permission_set_arn: assignment
                        .permission_set_arn
                        .unwrap_or_else(|| permission_set_arn.to_string()),
                    principal_type: principal_type.as_str().to_string(),
                    principal_id,
                });
            }
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(assignments);
            }
        }
    }
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
