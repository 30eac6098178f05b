//! AWS Organizations API (target prefix `AWSOrganizationsV20161128`): the
//! organization and its accounts.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::model::Account;
use crate::operation::Service;
use crate::wire::{ApiError, Input, Reply, listing, paginate, unknown_operation};

/// Maximum `MaxResults` of `ListAccounts`.
const MAX_PAGE: usize = 20;

/// Runs one Organizations operation.
pub(crate) fn handle(catalog: &Catalog, operation: &str, input: &Input) -> Result<Reply, ApiError> {
    match operation {
        "ListAccounts" => list_accounts(catalog, input),
        "DescribeOrganization" => describe_organization(catalog),
        other => Err(unknown_operation(other)),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccountWire<'a> {
    id: &'a str,
    arn: &'a str,
    email: &'a str,
    name: &'a str,
    status: &'static str,
    state: &'static str,
    joined_method: &'static str,
    joined_timestamp: i64,
}

impl<'a> From<&'a Account> for AccountWire<'a> {
    fn from(account: &'a Account) -> Self {
        AccountWire {
            id: &account.id,
            arn: &account.arn,
            email: &account.email,
            name: &account.name,
            status: account.status.as_str(),
            // `State` replaces the deprecated `Status` and uses the same values
            // for the states the model has.
            state: account.status.as_str(),
            joined_method: account.joined_method.as_str(),
            joined_timestamp: account.joined_timestamp,
        }
    }
}

fn list_accounts(catalog: &Catalog, input: &Input) -> Result<Reply, ApiError> {
    let accounts = &catalog.model.accounts;
    let page = paginate(
        Service::Organizations,
        &["ListAccounts"],
        accounts.len(),
        input.max_results,
        input.next_token.as_deref(),
        MAX_PAGE,
    )?;
    Ok(listing("Accounts", page, accounts, AccountWire::from))
}

fn describe_organization(catalog: &Catalog) -> Result<Reply, ApiError> {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct PolicyType {
        #[serde(rename = "Type")]
        kind: &'static str,
        status: &'static str,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct OrganizationWire<'a> {
        id: &'a str,
        arn: &'a str,
        feature_set: &'a str,
        master_account_arn: &'a str,
        master_account_id: &'a str,
        master_account_email: &'a str,
        available_policy_types: [PolicyType; 1],
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output<'a> {
        organization: OrganizationWire<'a>,
    }

    let organization = &catalog.model.organization;
    Ok(Reply::json(&Output {
        organization: OrganizationWire {
            id: &organization.id,
            arn: &organization.arn,
            feature_set: &organization.feature_set,
            master_account_arn: &organization.management_account_arn,
            master_account_id: &organization.management_account_id,
            master_account_email: &organization.management_account_email,
            available_policy_types: [PolicyType {
                kind: "SERVICE_CONTROL_POLICY",
                status: "ENABLED",
            }],
        },
    }))
}
