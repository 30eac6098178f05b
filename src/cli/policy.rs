//! `idcdb policy`: prints the IAM policies for the read-only role.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyKind {
    /// The permissions policy to attach to the role.
    Permissions,
    /// The role's trust policy, requiring an external ID.
    Trust,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Policy to print; both, with a heading each, when left out.
    #[arg(long, value_enum)]
    pub kind: Option<PolicyKind>,

    /// Principal allowed to assume the role, for the trust policy: an ARN, or a 12-digit
    /// account ID.
    #[arg(
        long,
        value_name = "ARN",
        default_value = "arn:aws:iam::TRUSTED-ACCOUNT-ID:root",
        value_parser = parse_principal
    )]
    pub trusted_principal: String,
}

/// Placeholder the user replaces; a real external ID is a secret and is never
/// printed by idcdb.
const EXTERNAL_ID_PLACEHOLDER: &str = "REPLACE-WITH-YOUR-EXTERNAL-ID";

pub fn run(args: PolicyArgs) -> Result<(), CliError> {
    let permissions = pretty(&policy::read_only_policy())?;
    let trust = pretty(&policy::trust_policy(
        &args.trusted_principal,
        EXTERNAL_ID_PLACEHOLDER,
    ))?;

    let text = match args.kind {
        Some(PolicyKind::Permissions) => format!("{permissions}\n"),
        Some(PolicyKind::Trust) => format!("{trust}\n"),
        None => format!(
            "# Permissions policy of the read-only role (the second statement is optional)\n\
             {permissions}\n\n# Trust policy of the role\n{trust}\n"
        ),
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| CliError::Output(format!("cannot write the policy: {error}")))
}

fn parse_principal(text: &str) -> Result<String, String> {
    let is_account_id =
        text.len() == 12 && text.chars().all(|character| character.is_ascii_digit());
    if text.starts_with("arn:") || is_account_id {
        Ok(text.to_string())
    } else {
        Err(format!(
            "invalid principal {text:?}: expected an ARN such as arn:aws:iam::111122223333:root \
             or a 12-digit account ID"
        ))
    }
}

fn pretty(value: &serde_json::Value) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map_err(|error| CliError::Usage(format!("cannot format the policy: {error}")))
}
