//! `idcdb sync`: arguments and glue to [`crate::sync::run`].

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::aws::{self, ConnectOptions, Rates};
use crate::sync::{self, Progress, Source, SyncError, SyncSummary};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Sync a generated demo organization served by the built-in simulator on 127.0.0.1,
    /// instead of AWS. Needs no AWS account or credentials.
    #[arg(long, conflicts_with_all = ["profile", "region", "role_arn", "external_id", "session_name"])]
    pub demo: bool,

    /// Seed of the demo organization; the same seed gives the same organization.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "demo")]
    pub demo_seed: u64,

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

    /// Maximum requests per second for sso-admin (shared by all its operations) and for
    /// each Identity Store operation. AWS's default quota is 20; raise it only where AWS
    /// raised the account's quota.
    #[arg(long, value_name = "N", default_value_t = 20.0, value_parser = parse_rate)]
    pub max_rps: f64,

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

/// Serves a generated organization from the simulator on 127.0.0.1 and
/// syncs it through the same code path as AWS.
async fn sync_demo(
    db: &std::path::Path,
    seed: u64,
    progress: &StderrProgress,
) -> Result<SyncSummary, SyncError> {
    let model = idcdb_simulator::generate(seed, &idcdb_simulator::Size::demo());
    let simulator = idcdb_simulator::Simulator::start(model, idcdb_simulator::Options::fast())
        .map_err(|error| SyncError::Demo(error.to_string()))?;
    progress.message(&format!(
        "Demo: serving a generated organization (seed {seed}) at {}",
        simulator.endpoint_url()
    ));

    // The simulator has no rate limits in demo mode, so neither does the client.
    let unlimited = Rates {
        sso_admin: f64::INFINITY,
        identity_store: f64::INFINITY,
        organizations: f64::INFINITY,
        sts: f64::INFINITY,
    };
    let clients = aws::connect_to_endpoint(&simulator.endpoint_url(), DEMO_REGION, unlimited);
    let result = sync::run(&clients, db, Source::Demo, progress).await;
    simulator.shutdown().await;
    result
}

/// The region the demo organization pretends to live in.
const DEMO_REGION: &str = "us-east-1";

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 10_000.0 => Ok(rate),
        _ => Err(format!(
            "invalid rate {text:?}: expected a number of requests per second above 0 and at \
             most 10000"
        )),
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
        rates: Rates {
            sso_admin: args.max_rps,
            identity_store: args.max_rps,
            ..Rates::default()
        },
    };
    let progress = StderrProgress { quiet: args.quiet };

    let summary = runtime.block_on(async {
        if args.demo {
            return sync_demo(&args.db, args.demo_seed, &progress).await;
        }
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
