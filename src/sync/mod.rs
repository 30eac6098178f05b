//! One sync: read the whole Identity Center configuration through
//! [`Clients`] and write it into a new snapshot.
//!
//! Core data (instances, permission sets, account assignments, users, groups,
//! memberships) must be read completely or the sync fails and the previous
//! snapshot stays. Parts that a read-only role may legitimately lack become
//! warnings recorded in the file.

use std::collections::BTreeSet;
use std::path::Path;

use crate::aws::identity_store::FetchError;
use crate::aws::{AwsError, CallerIdentity, Clients};
use crate::model::{Instance, SnapshotInfo, Warning};
use crate::store::{Record, RecordSink, SnapshotWriter, StoreError};

/// Receives progress messages; the command line prints them on stderr.
pub trait Progress: Send + Sync {
    fn message(&self, text: &str);
}

/// Counts of what a sync wrote.
#[derive(Debug, Default, Clone)]
pub struct SyncSummary {
    pub instances: u64,
    pub accounts: u64,
    pub permission_sets: u64,
    pub account_assignments: u64,
    pub users: u64,
    pub groups: u64,
    pub group_memberships: u64,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Aws(#[from] AwsError),

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(
        "no IAM Identity Center instance found in region {region}; pass the region where \
         Identity Center is enabled with --region"
    )]
    NoInstance { region: String },

    #[error(
        "could not assume role {role_arn}: {detail}\n  next step: check that the role's trust \
         policy names the calling principal and that --external-id matches the sts:ExternalId \
         condition"
    )]
    AssumeRole { role_arn: String, detail: String },
}

impl From<FetchError> for SyncError {
    fn from(error: FetchError) -> Self {
        match error {
            FetchError::Aws(error) => Self::Aws(error),
            FetchError::Store(error) => Self::Store(error),
        }
    }
}

/// The origin of a snapshot's data, recorded in the file.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    Aws,
    Demo,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Aws => "aws",
            Source::Demo => "demo",
        }
    }
}

/// Reads everything through `clients` and writes a new snapshot at `db`.
pub async fn run(
    clients: &Clients,
    db: &Path,
    source: Source,
    progress: &dyn Progress,
) -> Result<SyncSummary, SyncError> {
    let started_at = now_rfc3339();

    let caller = caller_identity(clients).await?;
    progress.message(&format!("Syncing as {} in {}", caller.arn, clients.region));

    let writer = SnapshotWriter::create(db)?;
    let sink = writer.sink();
    let mut summary = SyncSummary::default();

    let instances = clients.list_instances().await?;
    if instances.is_empty() {
        return Err(SyncError::NoInstance {
            region: clients.region.clone(),
        });
    }
    for instance in &instances {
        sink.send(Record::Instance(instance.clone())).await?;
    }
    summary.instances = instances.len() as u64;

    let account_ids = copy_accounts(clients, &sink, &mut summary, progress).await?;

    for instance in &instances {
        progress.message(&format!(
            "Reading instance {} (identity store {})",
            instance.instance_arn, instance.identity_store_id
        ));
        let (identity, admin) = tokio::join!(
            copy_identity_store(clients, instance, &sink),
            copy_permission_sets(clients, instance, account_ids.as_ref(), &sink, progress),
        );
        let (users, groups, memberships) = identity?;
        summary.users += users;
        summary.groups += groups;
        summary.group_memberships += memberships;
        match admin? {
            AdminOutcome::Copied {
                permission_sets,
                assignments,
            } => {
                summary.permission_sets += permission_sets;
                summary.account_assignments += assignments;
            }
            AdminOutcome::Unsupported(warning) => {
                progress.message(&format!("warning: {}", warning.message));
                sink.send(Record::Warning(warning.clone())).await?;
                summary.warnings.push(warning);
            }
        }
    }

    drop(sink);
    let info = SnapshotInfo {
        started_at,
        finished_at: now_rfc3339(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        region: clients.region.clone(),
        caller_arn: caller.arn,
        caller_account: caller.account,
        role_arn: clients.role_arn.clone(),
        source: source.as_str().to_string(),
    };
    writer.finish(info, clients.calls.snapshot()).await?;
    Ok(summary)
}

/// Checks the credentials first, so a denied AssumeRole or missing
/// credentials fail before anything else is read.
async fn caller_identity(clients: &Clients) -> Result<CallerIdentity, SyncError> {
    match clients.caller_identity().await {
        Ok(caller) => Ok(caller),
        Err(error) => match &clients.role_arn {
            Some(role_arn) if error.code.is_none() && error.detail.contains("AssumeRole") => {
                Err(SyncError::AssumeRole {
                    role_arn: role_arn.clone(),
                    detail: error.detail,
                })
            }
            _ => Err(error.into()),
        },
    }
}

/// Copies account names. Returns the account IDs, or `None` when
/// Organizations denied the call, which is recorded as a warning.
async fn copy_accounts(
    clients: &Clients,
    sink: &RecordSink,
    summary: &mut SyncSummary,
    progress: &dyn Progress,
) -> Result<Option<Vec<String>>, SyncError> {
    match clients.list_accounts().await {
        Ok(accounts) => {
            let ids = accounts
                .iter()
                .map(|account| account.account_id.clone())
                .collect();
            summary.accounts = accounts.len() as u64;
            for account in accounts {
                sink.send(Record::Account(account)).await?;
            }
            Ok(Some(ids))
        }
        Err(error)
            if error.is_access_denied()
                || error.code.as_deref() == Some("AWSOrganizationsNotInUseException") =>
        {
            let warning = Warning {
                code: error.code.clone().unwrap_or_default(),
                service: error.service.to_string(),
                operation: error.operation.to_string(),
                resource: None,
                message: format!(
                    "account names are missing because organizations:ListAccounts was denied \
                     ({}); accounts are known by ID only",
                    error.detail
                ),
            };
            progress.message(&format!("warning: {}", warning.message));
            sink.send(Record::Warning(warning.clone())).await?;
            summary.warnings.push(warning);
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

async fn copy_identity_store(
    clients: &Clients,
    instance: &Instance,
    sink: &RecordSink,
) -> Result<(u64, u64, u64), SyncError> {
    let store = &instance.identity_store_id;
    let users = clients.copy_users(store, sink).await?;
    let group_ids = clients.copy_groups(store, sink).await?;
    let mut memberships = 0;
    for group_id in &group_ids {
        memberships += clients
            .copy_group_memberships(store, group_id, sink)
            .await?;
    }
    Ok((users, group_ids.len() as u64, memberships))
}

enum AdminOutcome {
    Copied {
        permission_sets: u64,
        assignments: u64,
    },
    /// An account instance, which rejects the permission-set APIs.
    Unsupported(Warning),
}

async fn copy_permission_sets(
    clients: &Clients,
    instance: &Instance,
    account_ids: Option<&Vec<String>>,
    sink: &RecordSink,
    progress: &dyn Progress,
) -> Result<AdminOutcome, SyncError> {
    let instance_arn = &instance.instance_arn;
    let permission_set_arns = match clients.list_permission_sets(instance_arn).await {
        Ok(arns) => arns,
        Err(error) if error.code.as_deref() == Some("ValidationException") => {
            return Ok(AdminOutcome::Unsupported(Warning {
                code: "ValidationException".to_string(),
                service: error.service.to_string(),
                operation: error.operation.to_string(),
                resource: Some(instance_arn.clone()),
                message: format!(
                    "instance {instance_arn} does not support permission sets (an account \
                     instance): {}; its users and groups are still synced",
                    error.detail
                ),
            }));
        }
        Err(error) => return Err(error.into()),
    };

    for arn in &permission_set_arns {
        let set = clients.describe_permission_set(instance_arn, arn).await?;
        sink.send(Record::PermissionSet(set)).await?;
    }
    progress.message(&format!(
        "Read {} permission sets",
        permission_set_arns.len()
    ));

    let pairs = provisioned_pairs(clients, instance_arn, &permission_set_arns, account_ids).await?;
    progress.message(&format!(
        "Reading account assignments of {} provisioned (permission set, account) pairs",
        pairs.len()
    ));
    let mut assignments = 0;
    for (permission_set_arn, account_id) in &pairs {
        let listed = clients
            .list_account_assignments(instance_arn, account_id, permission_set_arn)
            .await?;
        assignments += listed.len() as u64;
        for assignment in listed {
            sink.send(Record::AccountAssignment(assignment)).await?;
        }
    }

    Ok(AdminOutcome::Copied {
        permission_sets: permission_set_arns.len() as u64,
        assignments,
    })
}

/// Finds every (permission set, account) pair that can have assignments.
///
/// Creating an assignment provisions the permission set to the account, so
/// the provisioned pairs contain every assigned pair. Asking per permission
/// set costs one call each; asking per account costs one call each but needs
/// the account list. Whichever is fewer is used.
async fn provisioned_pairs(
    clients: &Clients,
    instance_arn: &str,
    permission_set_arns: &[String],
    account_ids: Option<&Vec<String>>,
) -> Result<BTreeSet<(String, String)>, SyncError> {
    let mut pairs = BTreeSet::new();
    match account_ids {
        Some(accounts) if accounts.len() < permission_set_arns.len() => {
            let known: BTreeSet<&String> = permission_set_arns.iter().collect();
            for account_id in accounts {
                let sets = clients
                    .list_permission_sets_provisioned_to_account(instance_arn, account_id)
                    .await?;
                for set in sets.into_iter().filter(|set| known.contains(set)) {
                    pairs.insert((set, account_id.clone()));
                }
            }
        }
        _ => {
            for arn in permission_set_arns {
                let accounts = clients
                    .list_accounts_for_provisioned_permission_set(instance_arn, arn)
                    .await?;
                for account_id in accounts {
                    pairs.insert((arn.clone(), account_id));
                }
            }
        }
    }
    Ok(pairs)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
