//! The Identity Store half of a sync: users, groups and memberships.
//!
//! Each identitystore operation has its own rate limit, so users, groups and
//! memberships are read side by side.

use futures::TryStreamExt;

use super::{CONCURRENCY, Context, SyncError};
use crate::model::Instance;

#[derive(Debug, Default)]
pub(crate) struct IdentityCounts {
    pub users: u64,
    pub groups: u64,
    pub group_memberships: u64,
}

pub(crate) async fn copy_identity_store(
    context: &Context<'_>,
    instance: &Instance,
) -> Result<IdentityCounts, SyncError> {
    let store = instance.identity_store_id.as_str();
    let clients = context.clients;

    let users = async {
        let count = clients.copy_users(store, &context.sink).await?;
        context.progress.message(&format!("Read {count} users"));
        Ok::<_, SyncError>(count)
    };
    let groups_and_memberships = async {
        let group_ids = clients.copy_groups(store, &context.sink).await?;
        context
            .progress
            .message(&format!("Read {} groups", group_ids.len()));
        let total = group_ids.len() as u64;
        let memberships = futures::stream::iter(group_ids.iter().map(Ok::<_, SyncError>))
            .map_ok(|group_id| async move {
                let count = clients
                    .copy_group_memberships(store, group_id, &context.sink)
                    .await?;
                context.progress.advance("group memberships", total);
                Ok::<_, SyncError>(count)
            })
            .try_buffer_unordered(CONCURRENCY)
            .try_fold(0, |sum, count| async move { Ok(sum + count) })
            .await?;
        Ok::<_, SyncError>((group_ids.len() as u64, memberships))
    };
    let (users, groups) = tokio::try_join!(users, groups_and_memberships)?;

    for part in ["users", "groups", "group_memberships"] {
        context
            .coverage(&instance.instance_arn, part, true, None)
            .await?;
    }
    Ok(IdentityCounts {
        users,
        groups: groups.0,
        group_memberships: groups.1,
    })
}
