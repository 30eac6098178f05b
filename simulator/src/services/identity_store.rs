//! Identity Store API (target prefix `AWSIdentityStore`): users, groups and
//! group memberships.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::model::{Email, ExternalId, Group, GroupMembership, PersonName, User};
use crate::operation::Service;
use crate::wire::{ApiError, Input, Reply, listing, paginate, required, unknown_operation};

/// Maximum `MaxResults` of the identitystore list operations.
const MAX_PAGE: usize = 100;

/// Runs one identitystore operation.
pub(crate) fn handle(catalog: &Catalog, operation: &str, input: &Input) -> Result<Reply, ApiError> {
    match operation {
        "ListUsers" => list_users(catalog, input),
        "ListGroups" => list_groups(catalog, input),
        "ListGroupMemberships" => list_group_memberships(catalog, input),
        "DescribeUser" => describe_user(catalog, input),
        "DescribeGroup" => describe_group(catalog, input),
        other => Err(unknown_operation(other)),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserWire<'a> {
    identity_store_id: &'a str,
    user_id: &'a str,
    user_name: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    external_ids: Vec<ExternalIdWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<NameWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    emails: Vec<EmailWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_status: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExternalIdWire<'a> {
    issuer: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NameWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    formatted: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    middle_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    honorific_prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    honorific_suffix: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct EmailWire<'a> {
    value: &'a str,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    primary: bool,
}

fn external_ids(ids: &[ExternalId]) -> Vec<ExternalIdWire<'_>> {
    ids.iter()
        .map(|id| ExternalIdWire {
            issuer: &id.issuer,
            id: &id.id,
        })
        .collect()
}

impl<'a> From<&'a User> for UserWire<'a> {
    fn from(user: &'a User) -> Self {
        UserWire {
            identity_store_id: &user.identity_store_id,
            user_id: &user.id,
            user_name: &user.user_name,
            external_ids: external_ids(&user.external_ids),
            name: user.name.as_ref().map(|name: &PersonName| NameWire {
                formatted: name.formatted.as_deref(),
                family_name: name.family_name.as_deref(),
                given_name: name.given_name.as_deref(),
                middle_name: name.middle_name.as_deref(),
                honorific_prefix: name.honorific_prefix.as_deref(),
                honorific_suffix: name.honorific_suffix.as_deref(),
            }),
            display_name: user.display_name.as_deref(),
            emails: user
                .emails
                .iter()
                .map(|email: &Email| EmailWire {
                    value: &email.value,
                    kind: email.kind.as_deref(),
                    primary: email.primary,
                })
                .collect(),
            user_type: user.user_type.as_deref(),
            title: user.title.as_deref(),
            user_status: user.status.as_deref(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GroupWire<'a> {
    group_id: &'a str,
    display_name: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    external_ids: Vec<ExternalIdWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    identity_store_id: &'a str,
}

impl<'a> From<&'a Group> for GroupWire<'a> {
    fn from(group: &'a Group) -> Self {
        GroupWire {
            group_id: &group.id,
            display_name: &group.display_name,
            external_ids: external_ids(&group.external_ids),
            description: group.description.as_deref(),
            identity_store_id: &group.identity_store_id,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MembershipWire<'a> {
    identity_store_id: &'a str,
    membership_id: &'a str,
    group_id: &'a str,
    member_id: MemberIdWire<'a>,
}

/// `MemberId` union; a user is its only member kind.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MemberIdWire<'a> {
    user_id: &'a str,
}

impl<'a> From<&'a GroupMembership> for MembershipWire<'a> {
    fn from(membership: &'a GroupMembership) -> Self {
        MembershipWire {
            identity_store_id: &membership.identity_store_id,
            membership_id: &membership.membership_id,
            group_id: &membership.group_id,
            member_id: MemberIdWire {
                user_id: &membership.user_id,
            },
        }
    }
}

/// Returns the `IdentityStoreId` member after checking that the store exists.
fn identity_store<'a>(catalog: &Catalog, input: &'a Input) -> Result<&'a str, ApiError> {
    let store = required(&input.identity_store_id, "identityStoreId")?;
    if !catalog.has_identity_store(store) {
        return Err(
            ApiError::not_found(format!("Identity store {store} does not exist."))
                .with("ResourceType", "IDENTITY_STORE")
                .with("ResourceId", store),
        );
    }
    Ok(store)
}

/// Returns the value of the deprecated single `Filters` entry for `attribute`,
/// or a validation error for any other attribute.
fn attribute_filter<'a>(input: &'a Input, attribute: &str) -> Result<Option<&'a str>, ApiError> {
    let Some(filters) = &input.filters else {
        return Ok(None);
    };
    match filters.as_slice() {
        [] => Ok(None),
        [filter] if filter.attribute_path == attribute => Ok(Some(filter.attribute_value.as_str())),
        [filter] => Err(ApiError::validation(format!(
            "Filtering by attribute path {} is not supported.",
            filter.attribute_path
        ))),
        _ => Err(ApiError::validation(
            "Filters can contain at most 1 filter.",
        )),
    }
}

fn page(scope: &[&str], total: usize, input: &Input) -> Result<crate::wire::Page, ApiError> {
    paginate(
        Service::IdentityStore,
        scope,
        total,
        input.max_results,
        input.next_token.as_deref(),
        MAX_PAGE,
    )
}

fn list_users(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let store = identity_store(catalog, input)?;
    let user_name = attribute_filter(input, "UserName")?;
    let all = &catalog.model.users;
    let positions: &[usize] = catalog.users_by_store.get(store).map_or(&[], Vec::as_slice);

    let page_scope = ["ListUsers", store, user_name.unwrap_or("")];
    match user_name {
        None => {
            let page = page(&page_scope, positions.len(), input)?;
            Ok(listing("Users", page, positions, |&index| {
                UserWire::from(&all[index])
            }))
        }
        Some(name) => {
            let matches: Vec<&User> = positions
                .iter()
                .map(|&index| &all[index])
                .filter(|user| user.user_name == name)
                .collect();
            let page = page(&page_scope, matches.len(), input)?;
            Ok(listing("Users", page, &matches, |user| {
                UserWire::from(*user)
            }))
        }
    }
}

fn list_groups(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let store = identity_store(catalog, input)?;
    let display_name = attribute_filter(input, "DisplayName")?;
    let all = &catalog.model.groups;
    let groups: Vec<&Group> = catalog
        .groups_by_store
        .get(store)
        .into_iter()
        .flatten()
        .map(|&index| &all[index])
        .filter(|group| display_name.is_none_or(|name| group.display_name == name))
        .collect();

    let page = page(
        &["ListGroups", store, display_name.unwrap_or("")],
        groups.len(),
        input,
    )?;
    Ok(listing("Groups", page, &groups, |group| {
        GroupWire::from(*group)
    }))
}

fn list_group_memberships(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let store = identity_store(catalog, input)?;
    let group = find_group(catalog, store, required(&input.group_id, "groupId")?)?;
    let positions: &[usize] = catalog
        .memberships_by_group
        .get(&group.id)
        .map_or(&[], Vec::as_slice);

    let page = page(
        &["ListGroupMemberships", store, &group.id],
        positions.len(),
        input,
    )?;
    let memberships = &catalog.model.group_memberships;
    Ok(listing("GroupMemberships", page, positions, |&index| {
        MembershipWire::from(&memberships[index])
    }))
}

fn describe_user(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let store = identity_store(catalog, input)?;
    let user_id = required(&input.user_id, "userId")?;
    let user = catalog
        .user_by_id
        .get(user_id)
        .map(|&index| &catalog.model.users[index])
        .filter(|user| user.identity_store_id == store)
        .ok_or_else(|| {
            ApiError::not_found(format!("USER not found with id {user_id}."))
                .with("ResourceType", "USER")
                .with("ResourceId", user_id)
        })?;
    Ok(Reply::json(&UserWire::from(user)))
}

fn describe_group(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let store = identity_store(catalog, input)?;
    let group = find_group(catalog, store, required(&input.group_id, "groupId")?)?;
    Ok(Reply::json(&GroupWire::from(group)))
}

fn find_group<'a>(
    catalog: &'a Catalog,
    store: &str,
    group_id: &str,
) -> Result<&'a Group, ApiError> {
    catalog
        .group_by_id
        .get(group_id)
        .map(|&index| &catalog.model.groups[index])
        .filter(|group| group.identity_store_id == store)
        .ok_or_else(|| {
            ApiError::not_found(format!("GROUP not found with id {group_id}."))
                .with("ResourceType", "GROUP")
                .with("ResourceId", group_id)
        })
}
