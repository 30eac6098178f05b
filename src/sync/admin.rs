//! The sso-admin half of a sync: instance encryption, permission sets with
//! their policies, provisioned pairs, account assignments, applications and
//! application assignments. Every call shares sso-admin's one rate limit.

use std::collections::{BTreeMap, BTreeSet};

use futures::TryStreamExt;

use super::{CONCURRENCY, Context, SyncError, is_rejection};
use crate::aws::sso_admin::{NOT_PROVISIONED, PROVISIONED};
use crate::model::{Instance, ProvisionedAccount, Warning};
use crate::store::Record;

#[derive(Debug, Default)]
pub(crate) struct AdminCounts {
    pub permission_sets: u64,
    pub account_assignments: u64,
    pub applications: u64,
    pub application_assignments: u64,
    pub warnings: Vec<Warning>,
}

pub(crate) async fn copy_instance(
    context: &Context<'_>,
    instance: &Instance,
) -> Result<AdminCounts, SyncError> {
    let mut counts = AdminCounts::default();
    let scope = instance.instance_arn.as_str();

    match context.clients.describe_instance_encryption(scope).await {
        Ok(encryption) => {
            context
                .sink
                .send(Record::InstanceEncryption(encryption))
                .await?;
            context
                .coverage(scope, "instance_encryption", true, None)
                .await?;
        }
        Err(error) if is_rejection(&error) => {
            let message = format!(
                "the encryption settings of instance {scope} are missing: {}",
                error.detail
            );
            let warning = context
                .missing_part(scope, "instance_encryption", &error, message)
                .await?;
            counts.warnings.push(warning);
        }
        Err(error) => return Err(error.into()),
    }

    copy_permission_sets(context, instance, &mut counts).await?;
    copy_applications(context, instance, &mut counts).await?;
    Ok(counts)
}

async fn copy_permission_sets(
    context: &Context<'_>,
    instance: &Instance,
    counts: &mut AdminCounts,
) -> Result<(), SyncError> {
    let clients = context.clients;
    let instance_arn = instance.instance_arn.as_str();

    let arns = match clients.list_permission_sets(instance_arn).await {
        Ok(arns) => arns,
        Err(error) if error.code.as_deref() == Some("ValidationException") => {
            // An account instance rejects every permission-set API because it
            // cannot have permission sets or account assignments. Nothing is
            // missing, so coverage stays complete, with the reason beside it.
            let message = format!(
                "instance {instance_arn} is an account instance, which does not support \
                 permission sets; its users, groups and applications are still synced ({})",
                error.detail
            );
            let warning = context
                .warning(instance_arn, &error, message.clone())
                .await?;
            for part in ["permission_sets", "account_assignments"] {
                context
                    .coverage(instance_arn, part, true, Some(message.clone()))
                    .await?;
            }
            counts.warnings.push(warning);
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };

    let total = arns.len() as u64;
    futures::stream::iter(arns.iter().map(Ok::<_, SyncError>))
        .map_ok(|arn| async move {
            copy_permission_set(context, instance_arn, arn).await?;
            context.progress.advance("permission sets", total);
            Ok(())
        })
        .try_buffer_unordered(CONCURRENCY)
        .try_collect::<()>()
        .await?;
    counts.permission_sets = total;
    context
        .coverage(instance_arn, "permission_sets", true, None)
        .await?;
    context
        .progress
        .message(&format!("Read {total} permission sets and their policies"));

    let pairs = provisioned_pairs(context, instance_arn, &arns).await?;
    context.progress.message(&format!(
        "Reading account assignments of {} provisioned (permission set, account) pairs",
        pairs.len()
    ));
    let total = pairs.len() as u64;
    counts.account_assignments = futures::stream::iter(pairs.iter().map(Ok::<_, SyncError>))
        .map_ok(|(permission_set_arn, account_id)| async move {
            let assignments = clients
                .list_account_assignments(instance_arn, account_id, permission_set_arn)
                .await?;
            let count = assignments.len() as u64;
            for assignment in assignments {
                context
                    .sink
                    .send(Record::AccountAssignment(assignment))
                    .await?;
            }
            context.progress.advance("account assignments", total);
            Ok::<_, SyncError>(count)
        })
        .try_buffer_unordered(CONCURRENCY)
        .try_fold(0, |sum, count| async move { Ok(sum + count) })
        .await?;
    context
        .coverage(instance_arn, "account_assignments", true, None)
        .await?;
    Ok(())
}

/// Reads one permission set: its description and the five lists and
/// documents attached to it, side by side.
async fn copy_permission_set(
    context: &Context<'_>,
    instance_arn: &str,
    arn: &str,
) -> Result<(), SyncError> {
    let clients = context.clients;
    let (described, inline, managed, customer, boundary, tags) = tokio::try_join!(
        clients.describe_permission_set(instance_arn, arn),
        clients.get_inline_policy(instance_arn, arn),
        clients.list_managed_policies(instance_arn, arn),
        clients.list_customer_managed_policies(instance_arn, arn),
        clients.get_permissions_boundary(instance_arn, arn),
        clients.list_permission_set_tags(instance_arn, arn),
    )?;

    let mut set = described;
    set.inline_policy = inline;
    let sink = &context.sink;
    sink.send(Record::PermissionSet(set)).await?;
    for policy in managed {
        sink.send(Record::ManagedPolicy(policy)).await?;
    }
    for policy in customer {
        sink.send(Record::CustomerManagedPolicy(policy)).await?;
    }
    if let Some(boundary) = boundary {
        sink.send(Record::PermissionsBoundary(boundary)).await?;
    }
    for tag in tags {
        sink.send(Record::PermissionSetTag(tag)).await?;
    }
    Ok(())
}

/// Finds every (permission set, account) pair that is provisioned, records
/// each with its provisioning status, and returns the pairs.
///
/// Creating an assignment provisions the permission set to the account, so
/// the provisioned pairs contain every assigned pair. The pairs are read per
/// permission set, never per account: an account that left the organization
/// (or that a denied ListAccounts hides) can still hold assignments, and only
/// the per-permission-set call finds it. A second call per permission set,
/// filtered on `LATEST_PERMISSION_SET_NOT_PROVISIONED`, finds the accounts
/// that still run an older version of it.
async fn provisioned_pairs(
    context: &Context<'_>,
    instance_arn: &str,
    permission_set_arns: &[String],
) -> Result<BTreeSet<(String, String)>, SyncError> {
    let clients = context.clients;
    let listed: Vec<(String, Vec<String>, Vec<String>)> =
        futures::stream::iter(permission_set_arns.iter().map(Ok::<_, SyncError>))
            .map_ok(|arn| async move {
                let (all, outdated) = tokio::try_join!(
                    clients.list_accounts_for_provisioned_permission_set(instance_arn, arn, None),
                    clients.list_accounts_for_provisioned_permission_set(
                        instance_arn,
                        arn,
                        Some(NOT_PROVISIONED)
                    ),
                )?;
                Ok((arn.clone(), all, outdated))
            })
            .try_buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;

    let mut statuses: BTreeMap<(String, String), &'static str> = BTreeMap::new();
    for (arn, all, outdated) in listed {
        for account_id in all {
            statuses.insert((arn.clone(), account_id), PROVISIONED);
        }
        for account_id in outdated {
            statuses.insert((arn.clone(), account_id), NOT_PROVISIONED);
        }
    }

    let mut pairs = BTreeSet::new();
    for ((permission_set_arn, account_id), status) in statuses {
        let provisioned = ProvisionedAccount {
            instance_arn: instance_arn.to_string(),
            permission_set_arn: permission_set_arn.clone(),
            account_id: account_id.clone(),
            provisioning_status: status.to_string(),
        };
        context
            .sink
            .send(Record::ProvisionedAccount(provisioned))
            .await?;
        pairs.insert((permission_set_arn, account_id));
    }
    Ok(pairs)
}

/// Copies the applications of an instance, their providers, their
/// assignment settings and their assignments. A rejected call becomes a
/// warning and leaves the applications part incomplete.
async fn copy_applications(
    context: &Context<'_>,
    instance: &Instance,
    counts: &mut AdminCounts,
) -> Result<(), SyncError> {
    let clients = context.clients;
    let instance_arn = instance.instance_arn.as_str();

    let applications = match clients.list_applications(instance_arn).await {
        Ok(applications) => applications,
        Err(error) if is_rejection(&error) => {
            let message = format!(
                "the applications of instance {instance_arn} are missing: {}",
                error.detail
            );
            let warning = context
                .missing_part(instance_arn, "applications", &error, message)
                .await?;
            counts.warnings.push(warning);
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };

    let mut rejections = Vec::new();
    let mut providers = BTreeSet::new();
    for mut application in applications {
        let arn = application.application_arn.clone();
        if let Some(provider) = &application.application_provider_arn {
            providers.insert(provider.clone());
        }

        let (required, assignments) = tokio::join!(
            clients.get_assignment_required(&arn),
            clients.list_application_assignments(instance_arn, &arn),
        );
        match required {
            Ok(required) => application.assignment_required = Some(required),
            Err(error) if is_rejection(&error) => rejections.push(error),
            Err(error) => return Err(error.into()),
        }
        match assignments {
            Ok(assignments) => {
                counts.application_assignments += assignments.len() as u64;
                for assignment in assignments {
                    context
                        .sink
                        .send(Record::ApplicationAssignment(assignment))
                        .await?;
                }
            }
            Err(error) if is_rejection(&error) => rejections.push(error),
            Err(error) => return Err(error.into()),
        }
        context.sink.send(Record::Application(application)).await?;
        counts.applications += 1;
    }

    for provider_arn in providers {
        match clients.describe_application_provider(&provider_arn).await {
            Ok(provider) => {
                context
                    .sink
                    .send(Record::ApplicationProvider(provider))
                    .await?;
            }
            Err(error) if is_rejection(&error) => rejections.push(error),
            Err(error) => return Err(error.into()),
        }
    }

    if rejections.is_empty() {
        context
            .coverage(instance_arn, "applications", true, None)
            .await?;
        return Ok(());
    }
    for error in &rejections {
        let message = format!(
            "part of the applications of instance {instance_arn} is missing: {} {}",
            error.operation, error.detail
        );
        let warning = context
            .missing_part(instance_arn, "applications", error, message)
            .await?;
        counts.warnings.push(warning);
    }
    Ok(())
}
