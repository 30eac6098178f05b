//! Building a new snapshot: one writer thread owns the SQLite connection and
//! receives records over a bounded channel, so fetchers never wait on disk
//! for long and memory stays flat however large the organization is.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use rusqlite::{Connection, params};
use tempfile::NamedTempFile;
use tokio::sync::mpsc;

use super::{StoreError, embedded, schema_version};
use crate::model::{
    Account, AccountAssignment, Application, ApplicationAssignment, ApplicationProvider,
    CallCounts, Coverage, CustomerManagedPolicy, Group, GroupMembership, Instance,
    InstanceEncryption, ManagedPolicy, PermissionSet, PermissionSetTag, PermissionsBoundary,
    ProvisionedAccount, SnapshotInfo, User, Warning,
};

/// Records in flight between the fetchers and the writer thread. Enough to
/// keep the writer busy; small enough that memory does not grow with the
/// organization.
const CHANNEL_CAPACITY: usize = 4096;

/// One row for the snapshot.
#[derive(Debug)]
pub enum Record {
    Instance(Instance),
    InstanceEncryption(InstanceEncryption),
    Account(Account),
    PermissionSet(PermissionSet),
    ManagedPolicy(ManagedPolicy),
    CustomerManagedPolicy(CustomerManagedPolicy),
    PermissionsBoundary(PermissionsBoundary),
    PermissionSetTag(PermissionSetTag),
    ProvisionedAccount(ProvisionedAccount),
    AccountAssignment(AccountAssignment),
    Application(Application),
    ApplicationProvider(ApplicationProvider),
    ApplicationAssignment(ApplicationAssignment),
    User(User),
    Group(Group),
    GroupMembership(GroupMembership),
    Coverage(Coverage),
    Warning(Warning),
}

enum Message {
    Row(Record),
    Finish(SnapshotInfo, CallCounts),
}

/// A snapshot under construction in a temporary file beside its target.
///
/// Dropping it without [`SnapshotWriter::finish`] discards the temporary
/// file and leaves the target untouched.
pub struct SnapshotWriter {
    target: PathBuf,
    temp: NamedTempFile,
    sender: mpsc::Sender<Message>,
    thread: JoinHandle<Result<(), StoreError>>,
}

impl SnapshotWriter {
    /// Creates the temporary file in the target's folder, applies the
    /// migrations and starts the writer thread inside one transaction.
    pub fn create(target: &Path) -> Result<Self, StoreError> {
        let target = &replaceable_target(target)?;
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };

        // tempfile creates the file with mode 0600 on Unix, so the snapshot is
        // readable by its owner only.
        let temp = tempfile::Builder::new()
            .prefix(".idcdb-")
            .suffix(".tmp")
            .tempfile_in(&folder)
            .map_err(|source| StoreError::CreateTemp {
                folder: folder.clone(),
                source,
            })?;

        let temp_path = temp.path().to_path_buf();
        let mut conn = open_for_writing(&temp_path)?;
        embedded::migrations::runner().run(&mut conn)?;

        let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
        let thread = std::thread::Builder::new()
            .name("snapshot-writer".to_string())
            .spawn(move || write_all(conn, &temp_path, receiver))
            .map_err(|source| StoreError::CreateTemp { folder, source })?;

        Ok(Self {
            target: target.to_path_buf(),
            temp,
            sender,
            thread,
        })
    }

    /// Returns a handle that fetchers use to send rows to the writer.
    pub fn sink(&self) -> RecordSink {
        RecordSink {
            sender: self.sender.clone(),
        }
    }

    /// Writes the evidence metadata, commits, and renames the temporary file
    /// over the target.
    pub async fn finish(self, info: SnapshotInfo, calls: CallCounts) -> Result<(), StoreError> {
        let Self {
            target,
            temp,
            sender,
            thread,
        } = self;

        let sent = sender.send(Message::Finish(info, calls)).await.is_ok();
        drop(sender);
        let outcome = tokio::task::spawn_blocking(move || thread.join())
            .await
            .map_err(|_| StoreError::WriterGone)?
            .map_err(|_| StoreError::WriterGone)?;
        outcome?;
        if !sent {
            return Err(StoreError::WriterGone);
        }

        temp.as_file()
            .sync_all()
            .map_err(|source| StoreError::Persist {
                path: target.clone(),
                source,
            })?;
        temp.persist(&target).map_err(|error| StoreError::Persist {
            path: target.clone(),
            source: error.error,
        })?;
        Ok(())
    }
}

/// A cloneable sender of rows to the snapshot writer.
#[derive(Clone)]
pub struct RecordSink {
    sender: mpsc::Sender<Message>,
}

impl RecordSink {
    /// Sends one row; waits while the writer is behind.
    pub async fn send(&self, record: Record) -> Result<(), StoreError> {
        self.sender
            .send(Message::Row(record))
            .await
            .map_err(|_| StoreError::WriterGone)
    }
}

/// Checks that a sync may replace `target` and returns the path to replace:
/// the file a symbolic link points to, so the link stays a link.
///
/// A sync replaces only an idcdb snapshot or an empty file. Anything else
/// (another SQLite database, a text file, a device, a FIFO) is rejected, so a
/// mistyped `--db` cannot destroy a file that is not a snapshot.
fn replaceable_target(target: &Path) -> Result<PathBuf, StoreError> {
    let metadata = match std::fs::metadata(target) {
        Ok(metadata) => metadata,
        Err(_) if std::fs::symlink_metadata(target).is_ok() => {
            return Err(StoreError::WouldReplace {
                path: target.to_path_buf(),
                reason: "it is a symbolic link to a missing file".to_string(),
            });
        }
        Err(_) => return Ok(target.to_path_buf()),
    };
    if metadata.is_dir() {
        return Err(StoreError::IsFolder {
            path: target.to_path_buf(),
        });
    }
    let refuse = |reason: &str| StoreError::WouldReplace {
        path: target.to_path_buf(),
        reason: reason.to_string(),
    };
    if !metadata.is_file() {
        return Err(refuse("it is not a regular file"));
    }

    let resolved = std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
    if metadata.len() == 0 {
        return Ok(resolved);
    }
    match super::open_read_only(&resolved) {
        Ok(conn) => {
            let is_snapshot = conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master \
                     WHERE type = 'table' AND name = 'snapshot')",
                    [],
                    |row| row.get::<_, bool>(0),
                )
                .unwrap_or(false);
            if is_snapshot {
                Ok(resolved)
            } else {
                Err(refuse("it has no snapshot table"))
            }
        }
        // Replacing a newer idcdb's snapshot with an older schema would lose
        // what the newer version recorded, so it is rejected as query does.
        Err(StoreError::NotASnapshot { reason, .. }) => Err(refuse(&reason)),
        Err(error) => Err(error),
    }
}

fn open_for_writing(path: &Path) -> Result<Connection, StoreError> {
    let sqlite_error = |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open(path).map_err(sqlite_error)?;

    // The rename is what makes a snapshot atomic, so the rollback journal can
    // live in memory and no journal file is left beside the target.
    conn.pragma_update(None, "journal_mode", "MEMORY")
        .map_err(sqlite_error)?;
    conn.pragma_update(None, "synchronous", "OFF")
        .map_err(sqlite_error)?;
    Ok(conn)
}

/// Inserts every row in one transaction until `Finish` arrives; runs on the
/// writer thread. If the channel closes first, the sync failed and nothing is
/// committed.
fn write_all(
    mut conn: Connection,
    path: &Path,
    mut receiver: mpsc::Receiver<Message>,
) -> Result<(), StoreError> {
    let sqlite_error = |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let tx = conn.transaction().map_err(sqlite_error)?;

    while let Some(message) = receiver.blocking_recv() {
        match message {
            Message::Row(record) => insert(&tx, &record).map_err(sqlite_error)?,
            Message::Finish(info, calls) => {
                finalize(&tx, &info, &calls).map_err(sqlite_error)?;
                tx.commit().map_err(sqlite_error)?;
                return Ok(());
            }
        }
    }
    Err(StoreError::WriterGone)
}

fn insert(conn: &Connection, record: &Record) -> rusqlite::Result<()> {
    match record {
        Record::Instance(instance) => {
            conn.prepare_cached(
                "INSERT INTO instances (instance_arn, identity_store_id, identity_store_arn, \
                 name, owner_account_id, status, status_reason, created_at, primary_region, \
                 regions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                instance.instance_arn,
                instance.identity_store_id,
                instance.identity_store_arn,
                instance.name,
                instance.owner_account_id,
                instance.status,
                instance.status_reason,
                instance.created_at,
                instance.primary_region,
                instance.regions,
            ])?;
        }
        Record::Account(account) => {
            conn.prepare_cached(
                "INSERT INTO accounts (account_id, name, email, status, joined_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                account.account_id,
                account.name,
                account.email,
                account.status,
                account.joined_at,
            ])?;
        }
        Record::PermissionSet(set) => {
            conn.prepare_cached(
                "INSERT INTO permission_sets (permission_set_arn, instance_arn, name, \
                 description, session_duration, relay_state, created_at, inline_policy) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                set.permission_set_arn,
                set.instance_arn,
                set.name,
                set.description,
                set.session_duration,
                set.relay_state,
                set.created_at,
                set.inline_policy,
            ])?;
        }
        Record::InstanceEncryption(encryption) => {
            conn.prepare_cached(
                "INSERT INTO instance_encryption (instance_arn, key_type, kms_key_arn, status, \
                 status_reason) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                encryption.instance_arn,
                encryption.key_type,
                encryption.kms_key_arn,
                encryption.status,
                encryption.status_reason,
            ])?;
        }
        Record::ManagedPolicy(policy) => {
            conn.prepare_cached(
                "INSERT INTO permission_set_managed_policies (permission_set_arn, policy_arn, \
                 policy_name) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                policy.permission_set_arn,
                policy.policy_arn,
                policy.policy_name,
            ])?;
        }
        Record::CustomerManagedPolicy(policy) => {
            conn.prepare_cached(
                "INSERT INTO permission_set_customer_managed_policies (permission_set_arn, \
                 policy_name, policy_path) VALUES (?1, ?2, COALESCE(?3, '/')) \
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                policy.permission_set_arn,
                policy.policy_name,
                policy.policy_path,
            ])?;
        }
        Record::PermissionsBoundary(boundary) => {
            conn.prepare_cached(
                "INSERT INTO permission_set_boundaries (permission_set_arn, managed_policy_arn, \
                 customer_policy_name, customer_policy_path) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                boundary.permission_set_arn,
                boundary.managed_policy_arn,
                boundary.customer_policy_name,
                boundary.customer_policy_path,
            ])?;
        }
        Record::PermissionSetTag(tag) => {
            conn.prepare_cached(
                "INSERT INTO permission_set_tags (permission_set_arn, key, value) \
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?
            .execute(params![tag.permission_set_arn, tag.key, tag.value])?;
        }
        Record::ProvisionedAccount(provisioned) => {
            // A pair listed as not provisioned is also in the unfiltered list;
            // the more specific status wins.
            conn.prepare_cached(
                "INSERT INTO permission_set_provisioned_accounts (instance_arn, \
                 permission_set_arn, account_id, provisioning_status) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT DO UPDATE SET provisioning_status = excluded.provisioning_status \
                 WHERE excluded.provisioning_status = 'LATEST_PERMISSION_SET_NOT_PROVISIONED'",
            )?
            .execute(params![
                provisioned.instance_arn,
                provisioned.permission_set_arn,
                provisioned.account_id,
                provisioned.provisioning_status,
            ])?;
        }
        Record::Application(application) => {
            conn.prepare_cached(
                "INSERT INTO applications (application_arn, instance_arn, name, description, \
                 application_provider_arn, application_account, status, portal_visibility, \
                 sign_in_origin, sign_in_url, created_at, created_from, assignment_required) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                application.application_arn,
                application.instance_arn,
                application.name,
                application.description,
                application.application_provider_arn,
                application.application_account,
                application.status,
                application.portal_visibility,
                application.sign_in_origin,
                application.sign_in_url,
                application.created_at,
                application.created_from,
                application.assignment_required,
            ])?;
        }
        Record::ApplicationProvider(provider) => {
            conn.prepare_cached(
                "INSERT INTO application_providers (application_provider_arn, display_name, \
                 description, federation_protocol) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                provider.application_provider_arn,
                provider.display_name,
                provider.description,
                provider.federation_protocol,
            ])?;
        }
        Record::ApplicationAssignment(assignment) => {
            conn.prepare_cached(
                "INSERT INTO application_assignments (instance_arn, application_arn, \
                 principal_type, principal_id) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                assignment.instance_arn,
                assignment.application_arn,
                assignment.principal_type,
                assignment.principal_id,
            ])?;
        }
        Record::Coverage(coverage) => {
            conn.prepare_cached(
                "INSERT INTO coverage (scope, part, complete, detail) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT DO UPDATE SET complete = excluded.complete, detail = excluded.detail",
            )?
            .execute(params![
                coverage.scope,
                coverage.part,
                coverage.complete,
                coverage.detail,
            ])?;
        }
        Record::AccountAssignment(assignment) => {
            conn.prepare_cached(
                "INSERT INTO account_assignments (instance_arn, account_id, \
                 permission_set_arn, principal_type, principal_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                assignment.instance_arn,
                assignment.account_id,
                assignment.permission_set_arn,
                assignment.principal_type,
                assignment.principal_id,
            ])?;
        }
        Record::User(user) => {
            conn.prepare_cached(
                "INSERT INTO users (identity_store_id, user_id, user_name, display_name, \
                 given_name, family_name, formatted_name, primary_email, emails, user_type, \
                 title, status, external_ids, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) \
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                user.identity_store_id,
                user.user_id,
                user.user_name,
                user.display_name,
                user.given_name,
                user.family_name,
                user.formatted_name,
                user.primary_email,
                user.emails,
                user.user_type,
                user.title,
                user.status,
                user.external_ids,
                user.created_at,
                user.updated_at,
            ])?;
        }
        Record::Group(group) => {
            conn.prepare_cached(
                "INSERT INTO groups (identity_store_id, group_id, display_name, description, \
                 external_ids, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                group.identity_store_id,
                group.group_id,
                group.display_name,
                group.description,
                group.external_ids,
                group.created_at,
                group.updated_at,
            ])?;
        }
        Record::GroupMembership(membership) => {
            conn.prepare_cached(
                "INSERT INTO group_memberships (identity_store_id, membership_id, group_id, \
                 user_id) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                membership.identity_store_id,
                membership.membership_id,
                membership.group_id,
                membership.user_id,
            ])?;
        }
        Record::Warning(warning) => {
            conn.prepare_cached(
                "INSERT INTO warnings (code, service, operation, resource, message) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                warning.code,
                warning.service,
                warning.operation,
                warning.resource,
                warning.message,
            ])?;
        }
    }
    Ok(())
}

/// Flags assignments of deleted principals and writes the evidence metadata.
fn finalize(conn: &Connection, info: &SnapshotInfo, calls: &CallCounts) -> rusqlite::Result<()> {
    for table in ["account_assignments", "application_assignments"] {
        conn.execute(
            &format!(
                "UPDATE {table} SET principal_missing = NOT EXISTS ( \
                     SELECT 1 FROM instances i \
                     LEFT JOIN users u ON u.identity_store_id = i.identity_store_id \
                         AND u.user_id = {table}.principal_id \
                     LEFT JOIN groups g ON g.identity_store_id = i.identity_store_id \
                         AND g.group_id = {table}.principal_id \
                     WHERE i.instance_arn = {table}.instance_arn \
                       AND (({table}.principal_type = 'USER' AND u.user_id IS NOT NULL) \
                         OR ({table}.principal_type = 'GROUP' AND g.group_id IS NOT NULL)))"
            ),
            [],
        )?;
    }

    // ListUsers returns UserStatus only where the Identity Store has it. When
    // no user of a store has one, disabled users cannot be identified, and
    // the reports that depend on status must say so.
    conn.execute(
        "INSERT INTO coverage (scope, part, complete, detail) \
         SELECT i.instance_arn, 'user_status', \
             NOT EXISTS (SELECT 1 FROM users u WHERE u.identity_store_id = i.identity_store_id) \
             OR EXISTS (SELECT 1 FROM users u WHERE u.identity_store_id = i.identity_store_id \
                 AND u.status IS NOT NULL), \
             NULL \
         FROM instances i WHERE true \
         ON CONFLICT DO NOTHING",
        [],
    )?;
    conn.execute(
        "UPDATE coverage SET detail = 'the Identity Store returned no status for any user, so \
         disabled users cannot be identified' \
         WHERE part = 'user_status' AND complete = 0",
        [],
    )?;

    conn.execute(
        "INSERT INTO snapshot (id, started_at, finished_at, tool_version, schema_version, \
         region, caller_arn, caller_account, role_arn, source) \
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            info.started_at,
            info.finished_at,
            info.tool_version,
            schema_version(),
            info.region,
            info.caller_arn,
            info.caller_account,
            info.role_arn,
            info.source,
        ],
    )?;

    let mut insert_call = conn.prepare(
        "INSERT INTO api_calls (service, operation, calls, retries, throttled) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let as_integer = |count: u64| i64::try_from(count).unwrap_or(i64::MAX);
    for ((service, operation), count) in calls {
        insert_call.execute(params![
            service,
            operation,
            as_integer(count.calls),
            as_integer(count.retries),
            as_integer(count.throttled),
        ])?;
    }
    Ok(())
}
