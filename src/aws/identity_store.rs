//! The Identity Store (`identitystore`): users, groups and group memberships.
//!
//! Each page goes to the snapshot writer as it arrives, so memory does not
//! grow with the number of users.

use aws_sdk_identitystore::types::{ExternalId, MemberId};
use serde_json::json;

use super::{AwsError, Clients, next_page, rfc3339};
use crate::model::{Group, GroupMembership, User};
use crate::store::{Record, RecordSink, StoreError};

const SERVICE: &str = "identitystore";

/// A failure while copying Identity Store data into the snapshot.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Clients {
    /// Sends every user of an identity store to the writer; returns how many.
    pub async fn copy_users(
        &self,
        identity_store_id: &str,
        sink: &RecordSink,
    ) -> Result<u64, FetchError> {
        const OPERATION: &str = "ListUsers";
        let mut count = 0;
        let mut token = None;
        loop {
            let output = self
                .call(SERVICE, OPERATION, || {
                    self.identity_store
                        .list_users()
                        .identity_store_id(identity_store_id)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            for user in output.users {
                sink.send(Record::User(convert_user(user))).await?;
                count += 1;
            }
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(count);
            }
        }
    }

    /// Sends every group of an identity store to the writer and returns their
    /// IDs, which the membership calls need.
    pub async fn copy_groups(
        &self,
        identity_store_id: &str,
        sink: &RecordSink,
    ) -> Result<Vec<String>, FetchError> {
        const OPERATION: &str = "ListGroups";
        let mut group_ids = Vec::new();
        let mut token = None;
        loop {
            let output = self
                .call(SERVICE, OPERATION, || {
                    self.identity_store
                        .list_groups()
                        .identity_store_id(identity_store_id)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            for group in output.groups {
                group_ids.push(group.group_id.clone());
                let record = Group {
                    identity_store_id: group.identity_store_id,
                    group_id: group.group_id,
                    display_name: group.display_name,
                    description: group.description,
                    external_ids: external_ids_json(group.external_ids.as_deref()),
                    created_at: group.created_at.as_ref().and_then(rfc3339),
                    updated_at: group.updated_at.as_ref().and_then(rfc3339),
                };
                sink.send(Record::Group(record)).await?;
            }
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(group_ids);
            }
        }
    }

    /// Sends every membership of one group to the writer; returns how many.
    pub async fn copy_group_memberships(
        &self,
        identity_store_id: &str,
        group_id: &str,
        sink: &RecordSink,
    ) -> Result<u64, FetchError> {
        const OPERATION: &str = "ListGroupMemberships";
        let mut count = 0;
        let mut token = None;
        loop {
            let output = self
                .call(SERVICE, OPERATION, || {
                    self.identity_store
                        .list_group_memberships()
                        .identity_store_id(identity_store_id)
                        .group_id(group_id)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            for membership in output.group_memberships {
                // MemberId is a union; a user is its only member type today.
                let Some(MemberId::UserId(user_id)) = membership.member_id else {
                    continue;
                };
                let record = GroupMembership {
                    identity_store_id: membership.identity_store_id,
                    membership_id: membership.membership_id,
                    group_id: membership.group_id.unwrap_or_else(|| group_id.to_string()),
                    user_id: strip_user_arn(user_id),
                };
                sink.send(Record::GroupMembership(record)).await?;
                count += 1;
            }
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(count);
            }
        }
    }
}

fn convert_user(user: aws_sdk_identitystore::types::User) -> User {
    let emails = user.emails.unwrap_or_default();
    let primary_email = emails
        .iter()
        .find(|email| email.primary)
        .or_else(|| emails.first())
        .and_then(|email| email.value.clone());
    let emails_json: Vec<_> = emails
        .iter()
        .map(|email| json!({"value": email.value, "type": email.r#type, "primary": email.primary}))
        .collect();
    let (given_name, family_name, formatted_name) = match user.name {
        Some(name) => (name.given_name, name.family_name, name.formatted),
        None => (None, None, None),
    };

    User {
        identity_store_id: user.identity_store_id,
        user_id: user.user_id,
        user_name: user.user_name,
        display_name: user.display_name,
        given_name,
        family_name,
        formatted_name,
        primary_email,
        emails: serde_json::Value::Array(emails_json).to_string(),
        user_type: user.user_type,
        title: user.title,
        status: user.user_status.map(|status| status.as_str().to_string()),
        external_ids: external_ids_json(user.external_ids.as_deref()),
        created_at: user.created_at.as_ref().and_then(rfc3339),
        updated_at: user.updated_at.as_ref().and_then(rfc3339),
    }
}

fn external_ids_json(external_ids: Option<&[ExternalId]>) -> String {
    let values: Vec<_> = external_ids
        .unwrap_or_default()
        .iter()
        .map(|external| json!({"issuer": external.issuer, "id": external.id}))
        .collect();
    serde_json::Value::Array(values).to_string()
}

/// The Identity Store accepts a user ARN wherever a user ID goes; the
/// snapshot keys users by ID, so an ARN is reduced to its ID.
fn strip_user_arn(member: String) -> String {
    match member.rsplit_once(":user/") {
        Some((_, id)) if member.starts_with("arn:") => id.to_string(),
        _ => member,
    }
}
