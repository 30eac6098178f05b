//! Benchmark of `idcdb sync` against the simulator with AWS-like latency and
//! AWS's rate limits, at several organization sizes.
//!
//! Run from the repository root, after `cargo build --release`:
//!
//! ```sh
//! cargo run --release --example benchmark -- small medium large
//! ```
//!
//! For each size it prints the API calls made against the minimum needed to
//! read that organization, the throttled calls, the wall time against the
//! rate-limit lower bound, the peak RSS of the `idcdb` process, the snapshot
//! size and the time of the account-access report as CSV.
//!
//! The simulator runs as its own process (`idcdb-simulator`), so the
//! simulator's memory and CPU never mix with the measured `idcdb` process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use idcdb_simulator::model::InstanceKind;
use idcdb_simulator::{Model, Size, generate};

/// AWS-like latency of one call: a fixed part plus uniform jitter.
const LATENCY: Duration = Duration::from_millis(35);
const LATENCY_JITTER: Duration = Duration::from_millis(10);

/// AWS's quotas, which `idcdb-simulator` applies by default: 20 requests per
/// second shared by sso-admin, 20 per identitystore operation. Organizations
/// has no published rate; idcdb and the simulator both assume 5.
const SSO_ADMIN_RATE: f64 = 20.0;
const IDENTITY_STORE_RATE: f64 = 20.0;
const ORGANIZATIONS_RATE: f64 = 5.0;

const SEED: u64 = 2026;

fn pages(items: usize, page: usize) -> u64 {
    items.div_ceil(page).max(1) as u64
}

/// The minimum calls that read everything idcdb stores about `model`, per
/// rate-limit bucket: sso-admin, each identitystore operation, organizations.
struct Minimum {
    sso_admin: u64,
    identity_store: HashMap<&'static str, u64>,
    organizations: u64,
    sts: u64,
}

impl Minimum {
    fn of(model: &Model) -> Minimum {
        let mut sso_admin = 1 + model.instances.len() as u64; // ListInstances, DescribeInstance
        let mut identity_store: HashMap<&'static str, u64> = HashMap::new();

        let mut pair_sizes: HashMap<(&str, &str), usize> = HashMap::new();
        for assignment in &model.account_assignments {
            *pair_sizes
                .entry((
                    assignment.permission_set_arn.as_str(),
                    assignment.account_id.as_str(),
                ))
                .or_default() += 1;
        }
        let mut app_sizes: HashMap<&str, usize> = HashMap::new();
        for assignment in &model.application_assignments {
            *app_sizes
                .entry(assignment.application_arn.as_str())
                .or_default() += 1;
        }
        let mut members: HashMap<&str, usize> = HashMap::new();
        for membership in &model.group_memberships {
            *members.entry(membership.group_id.as_str()).or_default() += 1;
        }

        for instance in &model.instances {
            let sets: Vec<_> = model
                .permission_sets
                .iter()
                .filter(|set| set.instance_arn == instance.arn)
                .collect();
            sso_admin += pages(sets.len(), 100);
            if instance.kind == InstanceKind::Organization {
                for set in &sets {
                    // Describe, inline policy, boundary, and three lists.
                    sso_admin += 3;
                    sso_admin += pages(set.managed_policies.len(), 100);
                    sso_admin += pages(set.customer_managed_policies.len(), 100);
                    sso_admin += pages(set.tags.len(), 50);
                    let outdated = set
                        .provisioned_accounts
                        .iter()
                        .filter(|account| account.status.as_str().contains("NOT"))
                        .count();
                    sso_admin += pages(set.provisioned_accounts.len(), 100);
                    sso_admin += pages(outdated, 100);
                    for account in &set.provisioned_accounts {
                        let assigned = pair_sizes
                            .get(&(set.arn.as_str(), account.account_id.as_str()))
                            .copied()
                            .unwrap_or(0);
                        sso_admin += pages(assigned, 100);
                    }
                }
            }

            let applications: Vec<_> = model
                .applications
                .iter()
                .filter(|application| application.instance_arn == instance.arn)
                .collect();
            sso_admin += pages(applications.len(), 100);
            for application in &applications {
                let assigned = app_sizes
                    .get(application.arn.as_str())
                    .copied()
                    .unwrap_or(0);
                sso_admin += 1 + pages(assigned, 100);
            }

            let store = instance.identity_store_id.as_str();
            let users = model
                .users
                .iter()
                .filter(|user| user.identity_store_id == store)
                .count();
            let groups: Vec<_> = model
                .groups
                .iter()
                .filter(|group| group.identity_store_id == store)
                .collect();
            *identity_store.entry("ListUsers").or_default() += pages(users, 100);
            *identity_store.entry("ListGroups").or_default() += pages(groups.len(), 100);
            for group in groups {
                let count = members.get(group.id.as_str()).copied().unwrap_or(0);
                *identity_store.entry("ListGroupMemberships").or_default() += pages(count, 100);
            }
        }
        let providers: std::collections::BTreeSet<&str> = model
            .applications
            .iter()
            .map(|application| application.provider_arn.as_str())
            .collect();
        sso_admin += providers.len() as u64;

        Minimum {
            sso_admin,
            identity_store,
            organizations: pages(model.accounts.len(), 20),
            sts: 1,
        }
    }

    /// Returns the performance model's call count for the same organization:
    /// `1 + ceil(P/100) + min(P, A) + N + 6P` for sso-admin and
    /// `ceil(U/100) + ceil(G/100) + G` for identitystore, per instance. It
    /// leaves out what idcdb reads beyond it: provisioning status, instance
    /// encryption, applications, extra pages, Organizations and STS.
    fn performance_model(model: &Model) -> u64 {
        let accounts = model.accounts.len() as u64;
        let mut total = 1;
        for instance in &model.instances {
            let store = instance.identity_store_id.as_str();
            let users = model
                .users
                .iter()
                .filter(|user| user.identity_store_id == store)
                .count();
            let groups = model
                .groups
                .iter()
                .filter(|group| group.identity_store_id == store)
                .count();
            total += pages(users, 100) + pages(groups, 100) + groups as u64;
            if instance.kind != InstanceKind::Organization {
                continue;
            }
            let sets: Vec<_> = model
                .permission_sets
                .iter()
                .filter(|set| set.instance_arn == instance.arn)
                .collect();
            let count = sets.len() as u64;
            let pairs: u64 = sets
                .iter()
                .map(|set| set.provisioned_accounts.len() as u64)
                .sum();
            total += count.div_ceil(100) + count.min(accounts) + pairs + 6 * count;
        }
        total
    }

    fn total(&self) -> u64 {
        self.sso_admin + self.identity_store.values().sum::<u64>() + self.organizations + self.sts
    }

    /// Returns the wall time no client can beat: the busiest bucket's calls
    /// over its rate, since each bucket runs in parallel with the others.
    fn lower_bound(&self) -> Duration {
        let mut seconds = self.sso_admin as f64 / SSO_ADMIN_RATE;
        for calls in self.identity_store.values() {
            seconds = seconds.max(*calls as f64 / IDENTITY_STORE_RATE);
        }
        seconds = seconds.max(self.organizations as f64 / ORGANIZATIONS_RATE);
        Duration::from_secs_f64(seconds)
    }
}

/// Runs a child process and returns its exit status and peak resident set
/// size in bytes.
///
/// The peak is the kernel's high-water mark of the child's own address
/// space (`VmHWM` in `/proc/PID/status`), read every 20 ms until the child
/// exits. `wait4`'s `ru_maxrss` would be wrong here: Linux carries the
/// parent's resident size into it across fork and exec.
fn run_measured(command: &mut Command) -> (std::process::ExitStatus, u64) {
    let mut child = command.spawn().expect("start idcdb");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            let high_water = status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                });
            peak_kib = peak_kib.max(high_water.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait for idcdb") {
            return (status, peak_kib * 1024);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn release_binary(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/release")
        .join(name);
    assert!(
        path.exists(),
        "build it first: cargo build --release --workspace"
    );
    path
}

fn idcdb_binary() -> PathBuf {
    release_binary("idcdb")
}

/// Starts `idcdb-simulator` with AWS's rate limits and latency and returns
/// it with its endpoint URL.
fn start_simulator(size: &str) -> (Child, String) {
    let mut child = Command::new(release_binary("idcdb-simulator"))
        .args(["--seed", &SEED.to_string(), "--size", size])
        .args(["--latency-ms", &LATENCY.as_millis().to_string()])
        .args(["--jitter-ms", &LATENCY_JITTER.as_millis().to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start idcdb-simulator");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the simulator's endpoint");
    let endpoint = line
        .trim()
        .strip_prefix("ENDPOINT ")
        .unwrap_or_else(|| panic!("unexpected simulator output {line:?}"))
        .to_string();
    (child, endpoint)
}

fn aws_env(command: &mut Command, endpoint: &str) {
    command
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIDIDCDBBENCHMARK01")
        .env("AWS_SECRET_ACCESS_KEY", "benchmark-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/idcdb-benchmark-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/idcdb-benchmark-credentials",
        )
        .env_remove("AWS_PROFILE");
}

fn sum_column(db: &Path, sql: &str) -> u64 {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open snapshot");
    conn.query_row(sql, [], |row| row.get::<_, i64>(0))
        .expect("read snapshot") as u64
}

fn bench(name: &str, work: &Path) {
    let size = Size::preset(name).unwrap_or_else(|| panic!("unknown size {name}"));
    let model = generate(SEED, &size);
    let minimum = Minimum::of(&model);
    let performance_model = Minimum::performance_model(&model);
    let pairs: usize = model
        .permission_sets
        .iter()
        .map(|set| set.provisioned_accounts.len())
        .sum();
    println!(
        "\n== {name}: {} accounts, {} permission sets, {} users, {} groups, {} provisioned pairs, \
         {} account assignments",
        model.accounts.len(),
        model.permission_sets.len(),
        model.users.len(),
        model.groups.len(),
        pairs,
        model.account_assignments.len(),
    );

    drop(model);
    let (mut simulator, endpoint) = start_simulator(name);
    let db = work.join(format!("{name}.db"));
    let _ = std::fs::remove_file(&db);

    let started = Instant::now();
    let mut sync = Command::new(idcdb_binary());
    aws_env(&mut sync, &endpoint);
    sync.args(["sync", "--quiet", "--db"]).arg(&db);
    let (status, peak_rss) = run_measured(&mut sync);
    let wall = started.elapsed();
    assert!(status.success(), "sync of {name} failed");

    let _ = simulator.kill();
    let _ = simulator.wait();

    let calls = sum_column(&db, "SELECT SUM(calls) FROM api_calls");
    let throttled = sum_column(&db, "SELECT SUM(throttled) FROM api_calls");
    let snapshot_bytes = std::fs::metadata(&db).expect("snapshot exists").len();

    let report_started = Instant::now();
    let mut report = Command::new(idcdb_binary());
    report
        .args(["query", "account-access", "--format", "csv", "--output"])
        .arg(work.join(format!("{name}-access.csv")))
        .arg("--db")
        .arg(&db);
    let (report_status, _) = run_measured(&mut report);
    let report_time = report_started.elapsed();
    assert!(report_status.success(), "report on {name} failed");
    let report_rows = std::fs::read_to_string(work.join(format!("{name}-access.csv")))
        .map(|text| text.lines().count().saturating_sub(1))
        .unwrap_or(0);

    let lower = minimum.lower_bound();
    println!(
        "API calls           {calls} (minimum {}, {:+.2}%; performance model {}, {:+.2}%)",
        minimum.total(),
        (calls as f64 / minimum.total() as f64 - 1.0) * 100.0,
        performance_model,
        (calls as f64 / performance_model as f64 - 1.0) * 100.0
    );
    println!(
        "throttled calls     {throttled} ({:.3}% of calls)",
        throttled as f64 * 100.0 / calls as f64
    );
    println!(
        "wall time           {:.1} s (lower bound {:.1} s, ratio {:.3})",
        wall.as_secs_f64(),
        lower.as_secs_f64(),
        wall.as_secs_f64() / lower.as_secs_f64()
    );
    println!("peak RSS of idcdb   {:.1} MB", peak_rss as f64 / 1e6);
    println!("snapshot size       {:.1} MB", snapshot_bytes as f64 / 1e6);
    println!(
        "account-access CSV  {:.2} s, {report_rows} rows",
        report_time.as_secs_f64()
    );
}

fn main() {
    let sizes: Vec<String> = std::env::args().skip(1).collect();
    let sizes = if sizes.is_empty() {
        vec![
            "small".to_string(),
            "medium".to_string(),
            "large".to_string(),
        ]
    } else {
        sizes
    };
    let work = tempfile::tempdir().expect("temporary folder");
    println!(
        "latency {} ms + up to {} ms jitter; rates: sso-admin {SSO_ADMIN_RATE}/s, identitystore \
         {IDENTITY_STORE_RATE}/s per operation, organizations {ORGANIZATIONS_RATE}/s; seed {SEED}",
        LATENCY.as_millis(),
        LATENCY_JITTER.as_millis()
    );
    for size in &sizes {
        bench(size, work.path());
    }
}
