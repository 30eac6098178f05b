//! AWS Organizations: account names and emails. A read-only role may lack
//! this access, so callers treat a denial as a warning, not a failure.

use super::{AwsError, Clients, rfc3339};
use crate::model::Account;

const SERVICE: &str = "organizations";

impl Clients {
    /// Lists every account of the organization.
    pub async fn list_accounts(&self) -> Result<Vec<Account>, AwsError> {
        self.collect_pages(
            SERVICE,
            "ListAccounts",
            |token| {
                self.organizations
                    .list_accounts()
                    .set_next_token(token)
                    .send()
            },
            |output| {
                let page = output.accounts.unwrap_or_default();
                (
                    page.into_iter().filter_map(account).collect(),
                    output.next_token,
                )
            },
        )
        .await
    }
}

fn account(account: aws_sdk_organizations::types::Account) -> Option<Account> {
    // `State` replaces the deprecated `Status`; keep whichever AWS sent.
    #[allow(deprecated)]
    let status = account
        .state
        .map(|state| state.as_str().to_string())
        .or_else(|| account.status.map(|status| status.as_str().to_string()));
    Some(Account {
        account_id: account.id?,
        name: account.name,
        email: account.email,
        status,
        joined_at: account.joined_timestamp.as_ref().and_then(rfc3339),
    })
}
