//! `idcdb sync`: arguments and glue to [`crate::sync::run`].

use std::path::PathBuf;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tokio::signal::unix::{Signal, SignalKind};

use super::CliError;
use super::output::print_stderr;
use crate::aws::{self, ConnectOptions, Rates};
use crate::sync::{self, Progress, ReadSnapshot, Source, SyncError, SyncSummary};

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
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
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
    #[arg(long, value_name = "NAME", requires = "role_arn", value_parser = parse_session_name)]
    pub session_name: Option<String>,

    /// Maximum requests per second for sso-admin (shared by all its operations) and for
    /// each Identity Store operation. AWS's default quota is 20; raise it only where AWS
    /// raised the account's quota.
    #[arg(long, value_name = "N", default_value_t = 20.0, value_parser = parse_rate)]
    pub max_rps: f64,

    /// Maximum seconds to wait for one attempt of an AWS call before retrying it.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = parse_timeout)]
    pub call_timeout: f64,

    /// Print only warnings and errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Progress on stderr: a bar per phase on a terminal, plain lines at every
/// tenth of a phase otherwise (logs, CI), nothing but warnings with `--quiet`.
struct StderrProgress {
    quiet: bool,
    bars: Option<MultiProgress>,
    phases: Mutex<HashMap<String, Phase>>,
}

struct Phase {
    done: u64,
    bar: Option<ProgressBar>,
}

impl StderrProgress {
    fn new(quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self {
            quiet,
            bars: (terminal && !quiet).then(MultiProgress::new),
            phases: Mutex::new(HashMap::new()),
        }
    }

    fn new_bar(&self, phase: &str, total: u64) -> Option<ProgressBar> {
        let bars = self.bars.as_ref()?;
        let style = ProgressStyle::with_template("{prefix:>22} [{bar:30}] {pos}/{len} {elapsed}")
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = bars.add(ProgressBar::new(total));
        bar.set_style(style);
        bar.set_prefix(phase.to_string());
        Some(bar)
    }
}

impl Progress for StderrProgress {
    fn message(&self, text: &str) {
        let is_warning = text.starts_with("warning:");
        if self.quiet && !is_warning {
            return;
        }
        match &self.bars {
            Some(bars) => {
                let _ = bars.println(text);
            }
            None => print_stderr(text),
        }
    }

    fn advance(&self, phase: &str, total: u64) {
        if self.quiet || total == 0 {
            return;
        }
        let mut phases = self
            .phases
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let entry = phases.entry(phase.to_string()).or_insert_with(|| Phase {
            done: 0,
            bar: self.new_bar(phase, total),
        });
        entry.done += 1;
        let finished = entry.done >= total;

        match &entry.bar {
            Some(bar) => {
                bar.inc(1);
                if finished {
                    bar.finish();
                }
            }
            None => {
                // Small phases print one line; large ones a line per tenth.
                let tenth = if total < 20 { total } else { total / 10 };
                if entry.done.is_multiple_of(tenth) || finished {
                    print_stderr(&format!("{phase}: {}/{total}", entry.done));
                }
            }
        }

        // The next instance starts the phase afresh.
        if finished {
            phases.remove(phase);
        }
    }
}

/// Serves a generated organization from the simulator on 127.0.0.1 and
/// reads it through the same code path as AWS.
async fn read_demo(
    db: &std::path::Path,
    seed: u64,
    progress: &StderrProgress,
) -> Result<(ReadSnapshot, SyncSummary), SyncError> {
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
    let result = sync::read(&clients, db, Source::Demo, progress).await;
    simulator.shutdown().await;
    result
}

/// The region the demo organization pretends to live in.
const DEMO_REGION: &str = "us-east-1";

/// Handlers for Ctrl-C (SIGINT) and SIGTERM, registered when created.
struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    fn install() -> Result<Self, CliError> {
        let install = |kind: SignalKind| {
            tokio::signal::unix::signal(kind).map_err(|error| {
                CliError::Output(format!("cannot install the signal handlers: {error}"))
            })
        };
        Ok(Self {
            interrupt: install(SignalKind::interrupt())?,
            terminate: install(SignalKind::terminate())?,
        })
    }

    /// Waits for either signal and returns its name.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}

/// Checks a role session name against AWS's rule: 2 to 64 characters of
/// letters, digits and `+=,.@-` (AssumeRole's RoleSessionName pattern).
fn parse_session_name(text: &str) -> Result<String, String> {
    let valid = (2..=64).contains(&text.len())
        && text
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "_+=,.@-".contains(character));
    if valid {
        Ok(text.to_string())
    } else {
        Err(format!(
            "invalid session name {text:?}: expected 2 to 64 letters, digits or _+=,.@-"
        ))
    }
}

fn parse_region(text: &str) -> Result<String, String> {
    let valid = !text.is_empty()
        && text.len() <= 64
        && text.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        });
    if valid {
        Ok(text.to_string())
    } else {
        Err(format!(
            "invalid region {text:?}: expected a region name such as eu-west-1"
        ))
    }
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && (0.1..=3600.0).contains(&seconds) => Ok(seconds),
        _ => Err(format!(
            "invalid timeout {text:?}: expected a number of seconds from 0.1 to 3600"
        )),
    }
}

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
        attempt_timeout: Duration::from_secs_f64(args.call_timeout),
    };
    let progress = StderrProgress::new(args.quiet);

    let summary = runtime.block_on(async {
        // The handlers are in place before any file is created, so a signal
        // never finds the process without them.
        let mut signals = Signals::install()?;
        let work = async {
            if args.demo {
                return read_demo(&args.db, args.demo_seed, &progress).await;
            }
            let clients = aws::connect(&options).await;
            sync::read(&clients, &args.db, Source::Aws, &progress).await
        };

        // Leaving `work` unfinished drops the snapshot writer, which removes
        // the temporary file; the previous snapshot is never touched. Once
        // everything is read, the commit runs to its end whatever arrives,
        // so the message always matches the file on disk.
        let (read, summary) = tokio::select! {
            result = work => result?,
            signal = signals.recv() => return Err(CliError::Interrupted(signal)),
        };
        read.commit().await?;
        Ok::<_, CliError>(summary)
    })?;

    let counts = [
        (summary.instances, "instance", "instances"),
        (summary.accounts, "account", "accounts"),
        (summary.permission_sets, "permission set", "permission sets"),
        (
            summary.account_assignments,
            "account assignment",
            "account assignments",
        ),
        (summary.applications, "application", "applications"),
        (
            summary.application_assignments,
            "application assignment",
            "application assignments",
        ),
        (summary.users, "user", "users"),
        (summary.groups, "group", "groups"),
        (
            summary.group_memberships,
            "group membership",
            "group memberships",
        ),
        (summary.warnings.len() as u64, "warning", "warnings"),
    ]
    .map(|(count, one, many)| format!("{count} {}", if count == 1 { one } else { many }));
    progress.message(&format!(
        "Wrote {}: {}",
        args.db.display(),
        counts.join(", ")
    ));
    Ok(())
}
