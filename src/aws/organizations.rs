//! AWS Organizations: account names and emails. A read-only role may lack
//! this access, so callers treat a denial as a warning, not a failure.

use super::{AwsError, Clients, next_page, rfc3339};
use crate::model::Account;

const SERVICE: &str = "organizations";

impl Clients {
    /// Lists every account of the organization.
    pub async fn list_accounts(&self) -> Result<Vec<Account>, AwsError> {
        const OPERATION: &str = "ListAccounts";
        let mut accounts = Vec::new();
        let mut token = None;
        loop {
            let output = self
                .call(SERVICE, OPERATION, || {
                    self.organizations
                        .list_accounts()
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            for account in output.accounts.unwrap_or_default() {
                let Some(account_id) = account.id else {
                    continue;
                };
                // `State` replaces the deprecated `Status`; keep whichever AWS sent.
                #[allow(deprecated)]
                let status = account
                    .state
                    .map(|state| state.as_str().to_string())
                    .or_else(|| account.status.map(|status| status.as_str().to_string()));
                accounts.push(Account {
                    account_id,
                    name: account.name,
                    email: account.email,
                    status,
                    joined_at: account.joined_timestamp.as_ref().and_then(rfc3339),
                });
            }
            token = next_page(SERVICE, OPERATION, &token, output.next_token)?;
            if token.is_none() {
                return Ok(accounts);
            }
        }
    }
}
