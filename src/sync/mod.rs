//! One sync: read the whole Identity Center configuration through
//! [`Clients`] and write it into a new snapshot.
//!
//! Core data (instances, permission sets and their policies, account
//! assignments, users, groups, memberships) must be read completely or the
//! sync fails and the previous snapshot stays. Parts that a read-only role
//! may legitimately lack (account names, instance encryption, applications,
//! the permission sets of an account instance) become warnings, and the
//! `coverage` table records which parts are missing.

mod admin;
mod identity;

use std::path::Path;

use crate::aws::identity_store::FetchError;
use crate::aws::{AwsError, CallerIdentity, Clients};
use crate::model::{Coverage, SnapshotInfo, Warning};
use crate::store::{Record, RecordSink, SnapshotWriter, StoreError};

/// Calls in flight at once within one phase. The rate limiter sets the pace,
/// so this only has to cover AWS's latency: at 20 calls a second and about
/// 40 ms a call, one call is in flight on average, and 16 leave ample room.
const CONCURRENCY: usize = 16;

/// Receives progress messages; the command line prints them on stderr.
pub trait Progress: Send + Sync {
    fn message(&self, text: &str);

    /// Called once per item of a phase, such as one permission set or one
    /// provisioned pair; the default ignores it.
    fn advance(&self, _phase: &str, _total: u64) {}
}

/// Counts of what a sync wrote.
#[derive(Debug, Default, Clone)]
pub struct SyncSummary {
    pub instances: u64,
    pub accounts: u64,
    pub permission_sets: u64,
    pub account_assignments: u64,
    pub applications: u64,
    pub application_assignments: u64,
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

    #[error("cannot start the demo simulator: {0}")]
    Demo(String),

    #[error(
        "no AWS region is set; pass --region (for example --region eu-west-1), or set \
         AWS_REGION or the profile's region"
    )]
    NoRegion,
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

/// The shared state of one sync's fetchers.
pub(crate) struct Context<'a> {
    pub clients: &'a Clients,
    pub sink: RecordSink,
    pub progress: &'a dyn Progress,
}

impl Context<'_> {
    /// Records a part that could not be read: a warning, and the part marked
    /// incomplete in `coverage`.
    pub async fn missing_part(
        &self,
        scope: &str,
        part: &str,
        error: &AwsError,
        message: String,
    ) -> Result<Warning, SyncError> {
        let warning = self.warning(scope, error, message).await?;
        self.coverage(scope, part, false, Some(warning.message.clone()))
            .await?;
        Ok(warning)
    }

    /// Records a warning about `scope` and prints it.
    pub async fn warning(
        &self,
        scope: &str,
        error: &AwsError,
        message: String,
    ) -> Result<Warning, SyncError> {
        let warning = Warning {
            code: error.code.clone().unwrap_or_else(|| "Error".to_string()),
            service: error.service.to_string(),
            operation: error.operation.to_string(),
            resource: Some(scope.to_string()),
            message,
        };
        self.progress
            .message(&format!("warning: {}", warning.message));
        self.sink.send(Record::Warning(warning.clone())).await?;
        Ok(warning)
    }

    /// Records whether a part was read completely.
    pub async fn coverage(
        &self,
        scope: &str,
        part: &str,
        complete: bool,
        detail: Option<String>,
    ) -> Result<(), SyncError> {
        let coverage = Coverage {
            scope: scope.to_string(),
            part: part.to_string(),
            complete,
            detail,
        };
        self.sink.send(Record::Coverage(coverage)).await?;
        Ok(())
    }
}

/// Returns true for the errors AWS returns when a role may not read a part,
/// or an instance does not offer it: the part becomes a warning.
pub(crate) fn is_rejection(error: &AwsError) -> bool {
    error.is_access_denied()
        || matches!(
            error.code.as_deref(),
            Some("ValidationException" | "ResourceNotFoundException")
        )
}

/// Reads everything through `clients` and writes a new snapshot at `db`.
pub async fn run(
    clients: &Clients,
    db: &Path,
    source: Source,
    progress: &dyn Progress,
) -> Result<SyncSummary, SyncError> {
    let (read, summary) = read(clients, db, source, progress).await?;
    read.commit().await?;
    Ok(summary)
}

/// A snapshot whose data is all read and written, waiting for the commit
/// that makes it replace the target.
pub struct ReadSnapshot {
    writer: SnapshotWriter,
    info: SnapshotInfo,
    calls: crate::model::CallCounts,
}

impl ReadSnapshot {
    /// Writes the evidence metadata, commits and renames the snapshot over
    /// its target. Callers that cancel work on a signal should not cancel
    /// this step, so that what they report matches what is on disk.
    pub async fn commit(self) -> Result<(), SyncError> {
        self.writer.finish(self.info, self.calls).await?;
        Ok(())
    }
}

/// Reads everything through `clients` into a new snapshot beside `db`, but
/// does not commit it. Dropping the result discards the snapshot.
pub async fn read(
    clients: &Clients,
    db: &Path,
    source: Source,
    progress: &dyn Progress,
) -> Result<(ReadSnapshot, SyncSummary), SyncError> {
    let started_at = now_rfc3339();

    if clients.region.is_empty() {
        return Err(SyncError::NoRegion);
    }
    let caller = caller_identity(clients).await?;
    progress.message(&format!("Syncing as {} in {}", caller.arn, clients.region));

    let writer = SnapshotWriter::create(db)?;
    let context = Context {
        clients,
        sink: writer.sink(),
        progress,
    };
    let summary = copy_everything(&context).await?;
    drop(context);

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
    let read = ReadSnapshot {
        writer,
        info,
        calls: clients.calls.snapshot(),
    };
    Ok((read, summary))
}

async fn copy_everything(context: &Context<'_>) -> Result<SyncSummary, SyncError> {
    let mut summary = SyncSummary::default();

    let instances = context.clients.list_instances().await?;
    if instances.is_empty() {
        return Err(SyncError::NoInstance {
            region: context.clients.region.clone(),
        });
    }
    for instance in &instances {
        context
            .sink
            .send(Record::Instance(instance.clone()))
            .await?;
    }
    summary.instances = instances.len() as u64;

    // Organizations, sso-admin and the Identity Store have separate rate
    // limits, so account names and each instance's two halves run side by side.
    let mut accounts = AccountsOutcome::default();
    tokio::try_join!(
        copy_accounts(context, &mut accounts),
        copy_instances(context, &instances, &mut summary),
    )?;
    summary.accounts = accounts.count;
    summary.warnings.extend(accounts.warning);
    Ok(summary)
}

async fn copy_instances(
    context: &Context<'_>,
    instances: &[crate::model::Instance],
    summary: &mut SyncSummary,
) -> Result<(), SyncError> {
    for instance in instances {
        progress_instance(context, instance);
        let (identity, admin) = tokio::join!(
            identity::copy_identity_store(context, instance),
            admin::copy_instance(context, instance),
        );
        let identity = identity?;
        summary.users += identity.users;
        summary.groups += identity.groups;
        summary.group_memberships += identity.group_memberships;

        let admin = admin?;
        summary.permission_sets += admin.permission_sets;
        summary.account_assignments += admin.account_assignments;
        summary.applications += admin.applications;
        summary.application_assignments += admin.application_assignments;
        summary.warnings.extend(admin.warnings);
    }
    Ok(())
}

/// The result of [`copy_accounts`]: the account count, or the warning that
/// replaced it.
#[derive(Default)]
struct AccountsOutcome {
    count: u64,
    warning: Option<Warning>,
}

fn progress_instance(context: &Context<'_>, instance: &crate::model::Instance) {
    context.progress.message(&format!(
        "Reading instance {} (identity store {})",
        instance.instance_arn, instance.identity_store_id
    ));
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

/// Copies account names. When Organizations denies the call, the sync goes
/// on and records a warning: accounts are then known by ID only.
async fn copy_accounts(
    context: &Context<'_>,
    outcome: &mut AccountsOutcome,
) -> Result<(), SyncError> {
    const SCOPE: &str = "organization";
    match context.clients.list_accounts().await {
        Ok(accounts) => {
            outcome.count = accounts.len() as u64;
            for account in accounts {
                context.sink.send(Record::Account(account)).await?;
            }
            context.coverage(SCOPE, "accounts", true, None).await?;
            Ok(())
        }
        Err(error)
            if error.is_access_denied()
                || error.code.as_deref() == Some("AWSOrganizationsNotInUseException") =>
        {
            let message = format!(
                "account names are missing because organizations:ListAccounts was denied \
                 ({}); accounts are known by ID only",
                error.detail
            );
            let warning = context
                .missing_part(SCOPE, "accounts", &error, message)
                .await?;
            outcome.warning = Some(warning);
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
