//! `idcdb sync`: arguments and glue to [`crate::sync::run`].

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::aws::{self, ConnectOptions};
use crate::sync::{self, Progress, Source};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Snapshot file to write; an existing file is replaced only after a complete sync.
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,

    /// Named profile from the AWS config and credentials files.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region of the Identity Center instance; overrides the profile and AWS_REGION.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// IAM role to assume before reading, as cross-account compliance tools do.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,

    /// External ID required by the role's trust policy. Never written to the snapshot or logs.
    #[arg(
        long,
        value_name = "ID",
        env = "IDCDB_EXTERNAL_ID",
        hide_env_values = true,
        requires = "role_arn"
    )]
    pub external_id: Option<String>,

    /// Session name for the assumed role, visible in the account's CloudTrail.
    #[arg(long, value_name = "NAME", requires = "role_arn")]
    pub session_name: Option<String>,

    /// Print only warnings and errors.
    #[arg(short, long)]
    pub quiet: bool,
}

struct StderrProgress {
    quiet: bool,
}

impl Progress for StderrProgress {
    fn message(&self, text: &str) {
        if !self.quiet || text.starts_with("warning:") {
            eprintln!("{text}");
        }
    }
}

pub fn run(args: SyncArgs) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| CliError::Usage(format!("cannot start the async runtime: {error}")))?;

    let options = ConnectOptions {
        profile: args.profile,
        region: args.region,
        role_arn: args.role_arn,
        external_id: args.external_id,
        session_name: args.session_name,
    };
    let progress = StderrProgress { quiet: args.quiet };

    let summary = runtime.block_on(async {
        let clients = aws::connect(&options).await;
        sync::run(&clients, &args.db, Source::Aws, &progress).await
    })?;

    progress.message(&format!(
        "Wrote {}: {} instances, {} accounts, {} permission sets, {} account assignments, \
         {} users, {} groups, {} group memberships, {} warnings",
        args.db.display(),
        summary.instances,
        summary.accounts,
        summary.permission_sets,
        summary.account_assignments,
        summary.users,
        summary.groups,
        summary.group_memberships,
        summary.warnings.len(),
    ));
    Ok(())
}
