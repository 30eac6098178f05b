//! End to end against moto: the real binary syncs the fixture organization
//! through the real AWS SDK over HTTP, and the account-access report must
//! match the rows the fixture computed from its own model.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Moto, file_bytes, folder_entries};
use serde_json::Value;

const REPORT_COLUMNS: [&str; 7] = [
    "user_name",
    "user_id",
    "account_id",
    "account_name",
    "permission_set_name",
    "permission_set_arn",
    "via",
];

type Row = BTreeMap<String, String>;

/// Normalizes a report row: every column as text, NULL as empty.
fn row_from_json(object: &Value) -> Row {
    REPORT_COLUMNS
        .iter()
        .map(|column| {
            let value = match &object[*column] {
                Value::Null => String::new(),
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (column.to_string(), value)
        })
        .collect()
}

fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort();
    rows
}

fn sync(moto: &Moto, db: &Path) -> std::process::Output {
    let output = moto
        .idcdb()
        .args(["sync", "--db"])
        .arg(db)
        .output()
        .expect("run idcdb sync");
    assert!(
        output.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn query(db: &Path, args: &[&str]) -> std::process::Output {
    common::idcdb()
        .arg("query")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .expect("run idcdb query")
}

fn query_json(db: &Path, sql: &str) -> Vec<Value> {
    query_json_with(db, sql, &[])
}

/// Runs ad hoc SQL with `--param NAME=VALUE` bindings and parses its JSON.
fn query_json_with(db: &Path, sql: &str, params: &[(&str, &str)]) -> Vec<Value> {
    let mut args = vec![
        "--sql".to_string(),
        sql.to_string(),
        "--format".to_string(),
        "json".to_string(),
    ];
    for (name, value) in params {
        args.push("--param".to_string());
        args.push(format!("{name}={value}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = query(db, &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .expect("query output is JSON")
        .as_array()
        .expect("JSON output is an array")
        .clone()
}

#[test]
fn account_access_matches_fixture_model() {
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    let model = moto.build_fixture(dir.path());
    let db = dir.path().join("snapshot.db");

    let output = sync(&moto, &db);
    assert!(output.stdout.is_empty(), "sync must keep stdout clean");

    let expected = sorted(
        model["account_access"]
            .as_array()
            .expect("model has account_access rows")
            .iter()
            .map(row_from_json)
            .collect(),
    );
    assert!(expected.len() > 200, "fixture should produce many rows");

    // JSON output.
    let json = query(&db, &["account-access", "--format", "json"]);
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let json_rows: Vec<Value> = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert_eq!(
        sorted(json_rows.iter().map(row_from_json).collect()),
        expected
    );

    // CSV output parses back into the same rows.
    let csv = query(&db, &["account-access", "--format", "csv"]);
    assert!(
        csv.status.success(),
        "{}",
        String::from_utf8_lossy(&csv.stderr)
    );
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), REPORT_COLUMNS);
    let csv_rows: Vec<Row> = reader
        .records()
        .map(|record| {
            let record = record.expect("valid CSV record");
            headers
                .iter()
                .zip(record.iter())
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect()
        })
        .collect();
    assert_eq!(sorted(csv_rows), expected);

    // The table names every column and shows non-ASCII names intact.
    let table = query(&db, &["account-access", "--format", "table"]);
    assert!(table.status.success());
    let text = String::from_utf8(table.stdout).expect("table is UTF-8");
    for column in REPORT_COLUMNS {
        assert!(text.contains(column), "table lacks column {column}");
    }
    assert_eq!(
        text.lines().count(),
        expected.len() + 4,
        "one line per row plus borders"
    );
}

#[test]
fn snapshot_keeps_deleted_principals_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    let model = moto.build_fixture(dir.path());
    let db = dir.path().join("snapshot.db");
    sync(&moto, &db);

    let count = |sql: &str| -> i64 {
        query_json(&db, sql)[0]["n"]
            .as_i64()
            .expect("count is an integer")
    };
    let model_len = |key: &str| model[key].as_array().unwrap().len() as i64;

    assert_eq!(count("SELECT COUNT(*) AS n FROM users"), model_len("users"));
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM groups"),
        model_len("groups")
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM accounts"),
        model_len("accounts")
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM permission_sets"),
        model_len("permission_sets")
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM account_assignments"),
        model_len("account_assignments")
    );
    let memberships: i64 = model["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["member_user_ids"].as_array().unwrap().len() as i64)
        .sum();
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM group_memberships"),
        memberships
    );

    // Every assignment of a deleted principal is kept and flagged.
    let deleted: Vec<String> = ["deleted_user_ids", "deleted_group_ids"]
        .iter()
        .flat_map(|key| model[*key].as_array().unwrap().clone())
        .map(|id| id.as_str().unwrap().to_string())
        .collect();
    assert!(!deleted.is_empty(), "fixture deletes a principal");
    let expected_missing = model["account_assignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|assignment| deleted.iter().any(|id| assignment["principal_id"] == *id))
        .count() as i64;
    assert!(expected_missing > 0);
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM account_assignments WHERE principal_missing = 1"),
        expected_missing
    );

    // The evidence metadata names the caller and the tool, and no warning.
    let snapshot = &query_json(&db, "SELECT * FROM snapshot")[0];
    assert_eq!(snapshot["region"], "us-east-1");
    assert_eq!(snapshot["source"], "aws");
    assert!(
        snapshot["caller_arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:")
    );
    assert_eq!(count("SELECT COUNT(*) AS n FROM warnings"), 0);

    // moto's ListUsers returns no UserStatus, so the snapshot records that
    // disabled users cannot be identified, and the report that needs it warns.
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM coverage WHERE part = 'user_status' AND complete = 0"),
        1
    );
    let report = query(&db, &["disabled-users-with-access", "--format", "csv"]);
    assert!(report.status.success());
    let stderr = String::from_utf8_lossy(&report.stderr);
    assert!(
        stderr.contains("warning: this report depends on user_status"),
        "{stderr}"
    );
    assert!(count("SELECT SUM(calls) AS n FROM api_calls") > 10);
}

#[test]
fn permission_set_details_match_fixture_model() {
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    let model = moto.build_fixture(dir.path());
    let db = dir.path().join("snapshot.db");
    sync(&moto, &db);

    for set in model["permission_sets"].as_array().unwrap() {
        let arn = set["arn"].as_str().unwrap();
        let rows = query_json_with(
            &db,
            "SELECT name, description, session_duration, relay_state, inline_policy \
                 FROM permission_sets WHERE permission_set_arn = :arn",
            &[("arn", arn)],
        );
        assert_eq!(rows.len(), 1, "{arn}");
        for key in [
            "name",
            "description",
            "session_duration",
            "relay_state",
            "inline_policy",
        ] {
            assert_eq!(rows[0][key], set[key], "{key} of {arn}");
        }

        let managed: Vec<Value> = query_json_with(
            &db,
            "SELECT policy_arn AS arn, policy_name AS name FROM \
                 permission_set_managed_policies WHERE permission_set_arn = :arn \
                 ORDER BY policy_arn",
            &[("arn", arn)],
        );
        let mut expected_managed = set["managed_policies"].as_array().unwrap().clone();
        expected_managed.sort_by_key(|policy| policy["arn"].as_str().unwrap().to_string());
        assert_eq!(managed, expected_managed, "managed policies of {arn}");

        let customer: Vec<Value> = query_json_with(
            &db,
            "SELECT policy_name AS name, policy_path AS path FROM \
                 permission_set_customer_managed_policies WHERE permission_set_arn = :arn \
                 ORDER BY policy_name, policy_path",
            &[("arn", arn)],
        );
        assert_eq!(
            customer,
            *set["customer_managed_policies"].as_array().unwrap(),
            "customer managed policies of {arn}"
        );

        let boundary = query_json_with(
            &db,
            "SELECT managed_policy_arn, customer_policy_name, customer_policy_path FROM \
                 permission_set_boundaries WHERE permission_set_arn = :arn",
            &[("arn", arn)],
        );
        match &set["permissions_boundary"] {
            Value::Null => assert!(boundary.is_empty(), "{arn} has no boundary"),
            expected => {
                assert_eq!(boundary.len(), 1, "{arn} has one boundary");
                for (key, value) in expected.as_object().unwrap() {
                    assert_eq!(&boundary[0][key], value, "boundary {key} of {arn}");
                }
            }
        }

        let tags: serde_json::Map<String, Value> = query_json_with(
            &db,
            "SELECT key, value FROM permission_set_tags WHERE permission_set_arn = :arn",
            &[("arn", arn)],
        )
        .into_iter()
        .map(|row| {
            (
                row["key"].as_str().unwrap().to_string(),
                row["value"].clone(),
            )
        })
        .collect();
        assert_eq!(Value::Object(tags), set["tags"], "tags of {arn}");

        let provisioned: Vec<Value> = query_json_with(
            &db,
            "SELECT account_id FROM permission_set_provisioned_accounts \
                 WHERE permission_set_arn = :arn \
                 AND provisioning_status = 'LATEST_PERMISSION_SET_PROVISIONED' \
                 ORDER BY account_id",
            &[("arn", arn)],
        )
        .into_iter()
        .map(|row| row["account_id"].clone())
        .collect();
        assert_eq!(
            provisioned,
            *set["provisioned_accounts"].as_array().unwrap(),
            "provisioned accounts of {arn}"
        );
    }
}

#[test]
fn failed_sync_leaves_previous_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    moto.build_fixture(dir.path());
    let db = dir.path().join("snapshot.db");
    sync(&moto, &db);
    let before = file_bytes(&db);
    let entries_before = folder_entries(dir.path());

    // A closed port: every call fails after the SDK's retries.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut command = common::idcdb();
    common::set_aws_env(&mut command, &endpoint);
    let output = command.args(["sync", "--db"]).arg(&db).output().unwrap();

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("GetCallerIdentity"),
        "error names the operation: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(file_bytes(&db), before, "previous snapshot changed");
    assert_eq!(
        folder_entries(dir.path()),
        entries_before,
        "temporary file left behind"
    );
}

#[test]
fn query_rejects_writes_and_leaves_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    let db = dir.path().join("snapshot.db");
    sync(&moto, &db);
    let before = file_bytes(&db);

    for sql in [
        "DELETE FROM users",
        "DROP TABLE account_assignments",
        "CREATE TABLE notes (text TEXT)",
        "PRAGMA user_version = 7",
    ] {
        let output = query(&db, &["--sql", sql]);
        assert_eq!(output.status.code(), Some(6), "{sql} should be rejected");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("would change the snapshot"),
            "{sql}: {stderr}"
        );
    }
    let output = query(&db, &["account-access", "--format", "csv"]);
    assert!(output.status.success());

    assert_eq!(file_bytes(&db), before, "query changed the snapshot");
    assert_eq!(folder_entries(dir.path()), vec!["snapshot.db".to_string()]);
}

#[test]
fn organizations_not_in_use_becomes_warning() {
    // No fixture: moto has an instance but no organization, so ListAccounts
    // fails with AWSOrganizationsNotInUseException, as AWS does.
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    let db = dir.path().join("snapshot.db");
    let output = sync(&moto, &db);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: account names are missing"),
        "{stderr}"
    );
    let warnings = query_json(&db, "SELECT * FROM warnings");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["operation"], "ListAccounts");
    assert_eq!(warnings[0]["code"], "AWSOrganizationsNotInUseException");
    assert!(query_json(&db, "SELECT * FROM accounts").is_empty());
}

#[test]
fn list_accounts_denied_becomes_warning() {
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start_with(&[
        "--deny",
        "ListAccounts",
        "--deny-key",
        common::RESTRICTED_ACCESS_KEY_ID,
    ]);
    let model = moto.build_fixture(dir.path());
    let db = dir.path().join("snapshot.db");
    let output = moto
        .idcdb()
        .env("AWS_ACCESS_KEY_ID", common::RESTRICTED_ACCESS_KEY_ID)
        .args(["sync", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: account names are missing"),
        "{stderr}"
    );
    let warnings = query_json(&db, "SELECT * FROM warnings");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["code"], "AccessDeniedException");
    assert_eq!(warnings[0]["service"], "organizations");

    // Access is still complete; only the account names are missing.
    let rows = query_json(&db, "SELECT * FROM account_access");
    let expected = model["account_access"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    assert!(rows.iter().all(|row| row["account_name"].is_null()));
}

#[test]
fn profile_wins_over_environment_keys() {
    // moto denies ListAccounts to the restricted key only. The profile contains
    // that key and the environment another, so the warning shows which
    // credentials the sync used.
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start_with(&[
        "--deny",
        "ListAccounts",
        "--deny-key",
        common::RESTRICTED_ACCESS_KEY_ID,
    ]);
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        format!(
            "[auditor]\naws_access_key_id = {}\naws_secret_access_key = restricted-secret\n",
            common::RESTRICTED_ACCESS_KEY_ID
        ),
    )
    .unwrap();
    let db = dir.path().join("snapshot.db");

    let output = moto
        .idcdb()
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args(["sync", "--profile", "auditor", "--db"])
        .arg(&db)
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("organizations:ListAccounts was denied"),
        "{stderr}"
    );

    let output = moto
        .idcdb()
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args(["sync", "--profile", "no-such-profile", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--profile"));
}

#[test]
fn assume_role_records_role_but_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    moto.build_fixture(dir.path());
    let db = dir.path().join("snapshot.db");
    let role_arn = "arn:aws:iam::123456789012:role/idcdb-read-only";
    let external_id = "ext-id-7f3c-do-not-store";

    let output = moto
        .idcdb()
        .args(["sync", "--db"])
        .arg(&db)
        .args(["--role-arn", role_arn, "--external-id", external_id])
        .args(["--session-name", "audit-2026"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");

    let snapshot = &query_json(&db, "SELECT * FROM snapshot")[0];
    assert_eq!(snapshot["role_arn"], role_arn);
    let caller = snapshot["caller_arn"].as_str().unwrap();
    assert!(
        caller.contains("assumed-role/idcdb-read-only/audit-2026"),
        "{caller}"
    );

    let bytes = file_bytes(&db);
    for secret in [
        external_id,
        common::SECRET_ACCESS_KEY,
        common::ACCESS_KEY_ID,
    ] {
        let found_in_file = bytes
            .windows(secret.len())
            .any(|window| window == secret.as_bytes());
        assert!(!found_in_file, "snapshot contains {secret}");
        assert!(!stderr.contains(secret), "stderr contains {secret}");
        assert!(!String::from_utf8_lossy(&output.stdout).contains(secret));
    }
}
