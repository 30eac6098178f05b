//! Set-up problems, faults in the middle of a sync, bad files and input, and
//! the protection of evidence. Each test runs the real binary, mostly against
//! the simulator with injected faults, and checks the exit code, the message
//! and that no previous snapshot was harmed.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use common::simulator::Served;
use common::{file_bytes, folder_entries};
use idcdb_simulator::{Fault, FaultKind, Model, Options, RateLimits, Size, generate};
use rusqlite::{Connection, OpenFlags};

/// Returns a small organization, so that rate-limited and slow tests stay short.
fn tiny() -> Size {
    Size {
        accounts: 4,
        permission_sets: 5,
        users: 30,
        groups: 5,
        memberships_per_user: 1.5,
        provisioned_pairs: 8,
        principals_per_pair: 2.0,
        applications: 1,
        account_instance: false,
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_exit(output: &Output, code: i32, expected_text: &[&str]) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {text}");
    for expected in expected_text {
        assert!(text.contains(expected), "stderr lacks {expected:?}: {text}");
    }
    assert!(
        !text.contains("panicked"),
        "a panic reached the user: {text}"
    );
}

/// Syncs a good snapshot first, so a failing sync has something to harm.
fn previous_snapshot(model: &Model, dir: &Path) -> std::path::PathBuf {
    let db = dir.join("snapshot.db");
    let served = Served::start(model.clone(), Options::fast());
    let output = served.sync(&db);
    assert!(output.status.success(), "{}", stderr(&output));
    db
}

fn failing_sync_keeps_snapshot(options: Options, code: i32, expected_text: &[&str]) -> String {
    let model = generate(21, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());
    let before = file_bytes(&db);
    let entries = folder_entries(dir.path());

    let served = Served::start(model, options);
    let output = served.sync(&db);

    assert_exit(&output, code, expected_text);
    assert_eq!(file_bytes(&db), before, "the previous snapshot changed");
    assert_eq!(
        folder_entries(dir.path()),
        entries,
        "a temporary file was left"
    );
    stderr(&output)
}

fn scalar(db: &Path, sql: &str) -> i64 {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[test]
fn assume_role_with_wrong_external_id() {
    let model = generate(22, &tiny());
    let management = model.organization.management_account_id.clone();
    let served = Served::start(model, Options::fast().with_external_id("agreed-id-1234"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");
    let role = format!("arn:aws:iam::{management}:role/idcdb-read-only");

    let output = served.sync_with(
        &db,
        &["--role-arn", &role, "--external-id", "wrong-id-secret-5678"],
    );

    assert_exit(
        &output,
        3,
        &["could not assume role", &role, "--external-id"],
    );
    assert!(
        !stderr(&output).contains("wrong-id-secret-5678"),
        "the external ID leaked"
    );
    assert!(!db.exists());
    assert_eq!(folder_entries(dir.path()), Vec::<String>::new());
}

#[test]
fn trace_logs_hold_no_secret() {
    let model = generate(35, &tiny());
    let management = model.organization.management_account_id.clone();
    let served = Served::start(model, Options::fast().with_external_id("agreed-id-9876"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");
    let role = format!("arn:aws:iam::{management}:role/idcdb-read-only");

    let output = served
        .idcdb()
        .env("IDCDB_LOG", "trace")
        .args(["sync", "--max-rps", "1000", "--db"])
        .arg(&db)
        .args(["--role-arn", &role, "--external-id", "agreed-id-9876"])
        .output()
        .unwrap();

    assert!(output.status.success(), "{}", stderr(&output));
    let logs = stderr(&output);
    for secret in [
        "agreed-id-9876",
        common::SECRET_ACCESS_KEY,
        common::ACCESS_KEY_ID,
    ] {
        assert!(!logs.contains(secret), "the logs contain {secret}");
    }
}

#[test]
fn assume_role_with_right_external_id() {
    let model = generate(23, &tiny());
    let management = model.organization.management_account_id.clone();
    let served = Served::start(model, Options::fast().with_external_id("agreed-id-1234"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");
    let role = format!("arn:aws:iam::{management}:role/idcdb-read-only");

    let output = served.sync_with(
        &db,
        &["--role-arn", &role, "--external-id", "agreed-id-1234"],
    );

    assert!(output.status.success(), "{}", stderr(&output));
    let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let (caller, role_arn): (String, String) = conn
        .query_row("SELECT caller_arn, role_arn FROM snapshot", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    assert!(
        caller.contains(":assumed-role/idcdb-read-only/"),
        "{caller}"
    );
    assert_eq!(role_arn, role);
    let bytes = file_bytes(&db);
    assert!(!bytes.windows(14).any(|window| window == b"agreed-id-1234"));
}

#[test]
fn missing_credentials() {
    let served = Served::start(generate(24, &tiny()), Options::fast());
    let dir = tempfile::tempdir().unwrap();
    let output = served
        .idcdb()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["sync", "--db"])
        .arg(dir.path().join("snapshot.db"))
        .output()
        .unwrap();

    assert_exit(&output, 3, &["GetCallerIdentity", "credentials"]);
}

#[test]
fn expired_credentials_mid_sync() {
    let options = Options::fast()
        .with_fault(Fault::on("ListAccountAssignments", FaultKind::ExpiredToken).times(1));
    let text = failing_sync_keeps_snapshot(options, 3, &["ListAccountAssignments", "expired"]);
    assert!(text.contains("next step"), "{text}");
}

#[test]
fn member_account_is_denied() {
    let options = Options::fast().with_fault(Fault::on("ListInstances", FaultKind::AccessDenied));
    failing_sync_keeps_snapshot(
        options,
        3,
        &[
            "ListInstances",
            "AccessDeniedException",
            "management account",
        ],
    );
}

#[test]
fn no_instance_names_the_region() {
    let mut model = generate(25, &tiny());
    model.instances.clear();
    let served = Served::start(model, Options::fast());
    let dir = tempfile::tempdir().unwrap();
    let output = served.sync(&dir.path().join("snapshot.db"));

    assert_exit(
        &output,
        4,
        &["no IAM Identity Center instance", "us-east-1", "--region"],
    );
    assert_eq!(folder_entries(dir.path()), Vec::<String>::new());
}

#[test]
fn kms_key_denied_on_identity_store() {
    let options = Options::fast().with_fault(Fault::on("ListUsers", FaultKind::KmsAccessDenied));
    failing_sync_keeps_snapshot(options, 3, &["ListUsers", "KMS key", "kms:Decrypt"]);
}

#[test]
fn optional_api_denied_is_a_warning() {
    let model = generate(26, &tiny());
    let options =
        Options::fast().with_fault(Fault::on("ListApplications", FaultKind::AccessDenied));
    let served = Served::start(model, options);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");
    let output = served.sync(&db);

    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("warning: the applications of instance"));
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM warnings WHERE operation = 'ListApplications'"
        ),
        1
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM coverage WHERE part = 'applications' AND complete = 0"
        ),
        1
    );
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM applications"), 0);
}

#[test]
fn transient_faults_are_retried() {
    let model = generate(27, &tiny());
    let options = Options::fast()
        .with_fault(Fault::on("ListAccountAssignments", FaultKind::ServiceUnavailable).times(3))
        .with_fault(Fault::on("DescribePermissionSet", FaultKind::InternalError).times(2))
        .with_fault(Fault::on("ListUsers", FaultKind::ConnectionReset).times(2));
    let served = Served::start(model.clone(), options);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");
    let output = served.sync(&db);

    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(served.simulator().stats().faults_injected, 7);
    assert!(scalar(&db, "SELECT SUM(retries) FROM api_calls") >= 7);
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM account_access") as usize,
        model.expected_account_access().len()
    );
}

#[test]
fn hung_call_times_out_and_is_retried() {
    let options = Options::fast()
        .with_fault(Fault::on("ListGroups", FaultKind::Hold(Duration::from_secs(5))).times(1));
    let served = Served::start(generate(28, &tiny()), options);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");

    let started = Instant::now();
    let output = served.sync_with(&db, &["--call-timeout", "0.5"]);

    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the hung call was waited out"
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT retries FROM api_calls WHERE operation = 'ListGroups'"
        ),
        1
    );
}

#[test]
fn persistent_server_errors_fail_cleanly() {
    let options = Options::fast().with_fault(Fault::on(
        "ListAccountAssignments",
        FaultKind::InternalError,
    ));
    failing_sync_keeps_snapshot(
        options,
        4,
        &[
            "ListAccountAssignments",
            "InternalServerException",
            "after retries",
        ],
    );
}

#[test]
fn throttling_storm_is_survived() {
    let model = generate(29, &tiny());
    let limits = RateLimits {
        sso_admin_per_second: 10.0,
        identity_store_per_operation_per_second: 10.0,
        organizations_per_second: 5.0,
    };
    let served = Served::start(model.clone(), Options::fast().with_rate_limits(limits));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");

    // The client believes it may send 200 calls a second; the server allows 10.
    let output = served
        .idcdb()
        .args(["sync", "--max-rps", "200", "--db"])
        .arg(&db)
        .output()
        .unwrap();

    assert!(output.status.success(), "{}", stderr(&output));
    let throttled = scalar(&db, "SELECT SUM(throttled) FROM api_calls");
    assert!(throttled > 0, "the storm never happened");
    assert_eq!(throttled as u64, served.simulator().stats().throttled);
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM account_access") as usize,
        model.expected_account_access().len()
    );
}

#[test]
fn interrupt_keeps_previous_snapshot() {
    let model = generate(30, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());
    let before = file_bytes(&db);
    let entries = folder_entries(dir.path());

    let slow = Options::fast().with_latency(Duration::from_millis(300), Duration::ZERO);
    let served = Served::start(model, slow);
    let child = served
        .idcdb()
        .args(["sync", "--max-rps", "1000", "--db"])
        .arg(&db)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();

    // Wait until the sync is under way, with its temporary file in place.
    let deadline = Instant::now() + Duration::from_secs(20);
    while folder_entries(dir.path()).len() == entries.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        folder_entries(dir.path()).len() > entries.len(),
        "sync never started writing"
    );
    // SAFETY: kill only sends a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();

    assert_exit(&output, 130, &["interrupted by SIGINT", "unchanged"]);
    assert_eq!(file_bytes(&db), before, "the previous snapshot changed");
    assert_eq!(
        folder_entries(dir.path()),
        entries,
        "a temporary file was left"
    );
}

#[test]
fn snapshot_is_readable_by_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let model = generate(31, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "snapshot mode is {mode:o}");
}

#[test]
fn sync_rejects_bad_targets() {
    let dir = tempfile::tempdir().unwrap();

    let output = common::idcdb()
        .args(["sync", "--demo", "--db"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_exit(&output, 5, &["is a folder"]);

    let missing = dir.path().join("no-such-folder").join("snapshot.db");
    let output = common::idcdb()
        .args(["sync", "--demo", "--db"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_exit(
        &output,
        5,
        &["no-such-folder", "check that the folder exists"],
    );

    // sysfs rejects new files even for root, so it serves as a
    // read-only folder wherever the tests run.
    let read_only = Path::new("/sys/idcdb-test.db");
    let output = common::idcdb()
        .args(["sync", "--demo", "--db"])
        .arg(read_only)
        .output()
        .unwrap();
    assert_exit(
        &output,
        5,
        &["cannot create a snapshot in /sys", "writable"],
    );
}

fn query(db: &Path, args: &[&str]) -> Output {
    common::idcdb()
        .arg("query")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

#[test]
fn query_rejects_bad_files() {
    let dir = tempfile::tempdir().unwrap();

    let output = query(dir.path(), &["account-access"]);
    assert_exit(&output, 5, &["is a folder"]);

    let missing = dir.path().join("missing.db");
    assert_exit(
        &query(&missing, &["account-access"]),
        5,
        &["does not exist", "idcdb sync"],
    );

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert_exit(
        &query(&empty, &["account-access"]),
        5,
        &["not an idcdb snapshot", "empty"],
    );

    let text = dir.path().join("notes.db");
    std::fs::write(&text, "these are notes, not a database\n".repeat(200)).unwrap();
    assert_exit(
        &query(&text, &["account-access"]),
        5,
        &["not an idcdb snapshot"],
    );

    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE things (id INTEGER)")
        .unwrap();
    assert_exit(
        &query(&other, &["account-access"]),
        5,
        &["not an idcdb snapshot", "refinery_schema_history"],
    );
}

#[test]
fn query_rejects_newer_schema() {
    let model = generate(32, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());
    Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
             VALUES (99, 'future', '2030-01-01T00:00:00Z', '0')",
            [],
        )
        .unwrap();

    let output = query(&db, &["account-access"]);
    assert_exit(&output, 5, &["schema version 99", "upgrade idcdb"]);
}

#[test]
fn query_reports_a_locked_snapshot() {
    let model = generate(33, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());

    // Another process's write transaction: an exclusive lock held open.
    let holder = Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let output = query(&db, &["account-access"]);
    holder.execute_batch("ROLLBACK").unwrap();

    assert_exit(&output, 5, &["is locked by another process"]);
}

#[test]
fn invalid_sql_shows_sqlite_message() {
    let model = generate(34, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());

    assert_exit(
        &query(&db, &["--sql", "SELEC * FROM users"]),
        6,
        &["invalid SQL", "syntax error"],
    );
    assert_exit(
        &query(&db, &["--sql", "SELECT * FROM no_such_table"]),
        6,
        &["no such table: no_such_table"],
    );
    assert_exit(&query(&db, &["--sql", "   "]), 6, &["empty"]);
    assert_exit(
        &query(&db, &["no-such-report"]),
        6,
        &["unknown report", "account-access"],
    );
}

#[test]
fn conflicting_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let db = db.to_str().unwrap();

    for args in [
        vec!["sync", "--demo", "--profile", "prod", "--db", db],
        vec!["sync", "--external-id", "abc", "--db", db],
        vec!["query", "account-access", "--sql", "SELECT 1", "--db", db],
        vec!["query", "--db", db],
        vec!["sync", "--max-rps", "0", "--db", db],
        vec!["sync", "--call-timeout", "-1", "--db", db],
        vec!["sync", "--region", "not a region!", "--db", db],
        vec!["policy", "--trusted-principal", "not an arn"],
        vec![
            "sync",
            "--role-arn",
            "arn:aws:iam::1:role/x",
            "--session-name",
            "bad name!",
            "--db",
            db,
        ],
    ] {
        let output = common::idcdb().args(&args).output().unwrap();
        assert_exit(&output, 2, &[]);
    }
}

#[test]
fn policy_matches_the_calls_sync_makes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let output = common::idcdb()
        .args(["sync", "--demo", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    // The demo organization exercises every operation sync can call.
    let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut statement = conn
        .prepare("SELECT service, operation FROM api_calls")
        .unwrap();
    let called: BTreeSet<String> = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .filter_map(|(service, operation)| {
            idcdb::policy::iam_prefix(&service).map(|prefix| format!("{prefix}:{operation}"))
        })
        .collect();

    let printed = common::idcdb()
        .args(["policy", "--kind", "permissions"])
        .output()
        .unwrap();
    assert!(printed.status.success());
    let policy: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    let granted: BTreeSet<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|statement| statement["Action"].as_array().unwrap().clone())
        .map(|action| action.as_str().unwrap().to_string())
        .collect();
    assert_eq!(granted, called);

    // The README's policy lists the same actions.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for action in &granted {
        assert!(
            readme.contains(&format!("\"{action}\"")),
            "README lacks {action}"
        );
    }

    let trust = common::idcdb()
        .args([
            "policy",
            "--kind",
            "trust",
            "--trusted-principal",
            "arn:aws:iam::111122223333:root",
        ])
        .output()
        .unwrap();
    let trust: serde_json::Value = serde_json::from_slice(&trust.stdout).unwrap();
    let statement = &trust["Statement"][0];
    assert_eq!(statement["Action"], "sts:AssumeRole");
    assert_eq!(
        statement["Principal"]["AWS"],
        "arn:aws:iam::111122223333:root"
    );
    assert!(statement["Condition"]["StringEquals"]["sts:ExternalId"].is_string());
}

#[test]
fn sync_replaces_only_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let demo_sync = |db: &Path| {
        common::idcdb()
            .args(["sync", "--demo", "--db"])
            .arg(db)
            .output()
            .unwrap()
    };

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "meeting notes\n").unwrap();
    assert_exit(
        &demo_sync(&notes),
        5,
        &["refusing to replace", "not an idcdb snapshot"],
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "meeting notes\n");

    let other = dir.path().join("other.sqlite");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        .unwrap();
    let before = file_bytes(&other);
    assert_exit(&demo_sync(&other), 5, &["refusing to replace"]);
    assert_eq!(file_bytes(&other), before);

    // An empty file contains nothing to lose, and a link keeps pointing at the
    // snapshot it names.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(demo_sync(&empty).status.success());
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&empty, &link).unwrap();
    assert!(demo_sync(&link).status.success());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(scalar(&empty, "SELECT COUNT(*) FROM users") > 0);
}

#[test]
fn output_keeps_links_fifos_and_modes() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    let model = generate(36, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());
    let report = |output: &Path| {
        common::idcdb()
            .args(["query", "group-members", "--format", "csv", "--db"])
            .arg(&db)
            .arg("--output")
            .arg(output)
            .output()
            .unwrap()
    };

    let target = dir.path().join("members.csv");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = dir.path().join("latest.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert!(report(&link).status.success());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("group_name,")
    );
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "the report file's mode changed");

    let fifo = dir.path().join("pipe");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reader_path).unwrap());
    assert!(report(&fifo).status.success());
    assert!(reader.join().unwrap().starts_with("group_name,"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn closed_pipes_and_full_stderr() {
    let model = generate(37, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());

    // A reader that stops early, like `| head -1`.
    let mut child = common::idcdb()
        .args(["query", "account-access", "--format", "csv", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_exit(&output, 0, &[]);

    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let output = common::idcdb()
        .args(["sync", "--demo", "--db"])
        .arg(dir.path().join("demo.db"))
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "a full stderr failed the sync"
    );
    let output = common::idcdb()
        .args(["policy"])
        .stdout(full())
        .output()
        .unwrap();
    assert_exit(&output, 1, &["cannot write the policy"]);
}

#[test]
fn json_keeps_repeated_column_names() {
    let model = generate(38, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());
    let output = query(
        &db,
        &[
            "--sql",
            "SELECT 1 AS a, 2 AS a, 3 AS a_2",
            "--format",
            "json",
        ],
    );
    assert!(output.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        rows[0].as_object().unwrap().len(),
        3,
        "a value was lost: {rows}"
    );
}

#[test]
fn risky_targets_are_rejected_early() {
    let model = generate(39, &tiny());
    let dir = tempfile::tempdir().unwrap();
    let db = previous_snapshot(&model, dir.path());

    // A FIFO without a reader: a blocking open would hang past Ctrl-C.
    let fifo = dir.path().join("unread");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    let started = Instant::now();
    let output = query(&db, &["account-access", "--output", fifo.to_str().unwrap()]);
    assert_exit(
        &output,
        1,
        &["no process is reading", "start the reader first"],
    );
    assert!(started.elapsed() < Duration::from_secs(10));

    // A link to nothing is not replaced by a file.
    let dangling = dir.path().join("dangling.db");
    std::os::unix::fs::symlink(dir.path().join("nowhere.db"), &dangling).unwrap();
    let output = common::idcdb()
        .args(["sync", "--demo", "--db"])
        .arg(&dangling)
        .output()
        .unwrap();
    assert_exit(&output, 5, &["symbolic link to a missing file"]);
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // A newer idcdb's snapshot is not overwritten by an older schema.
    Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
             VALUES (99, 'future', '2030-01-01T00:00:00Z', '0')",
            [],
        )
        .unwrap();
    let before = file_bytes(&db);
    let output = common::idcdb()
        .args(["sync", "--demo", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_exit(&output, 5, &["schema version 99"]);
    assert_eq!(file_bytes(&db), before);
}

#[test]
fn missing_region_is_a_usage_error() {
    let served = Served::start(generate(40, &tiny()), Options::fast());
    let dir = tempfile::tempdir().unwrap();
    let output = served
        .idcdb()
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .args(["sync", "--db"])
        .arg(dir.path().join("snapshot.db"))
        .output()
        .unwrap();

    assert_exit(&output, 2, &["no AWS region is set", "--region"]);
    assert_eq!(folder_entries(dir.path()), Vec::<String>::new());
}
