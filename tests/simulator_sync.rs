//! End to end against the project's simulator: the real binary syncs a
//! generated organization over HTTP through the real AWS SDK, and every
//! table of the snapshot is compared with the simulator's model, which is
//! computed independently of the SQL under test.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::simulator::Served;
use idcdb_simulator::model::{InstanceKind, PermissionsBoundary, PrincipalType};
use idcdb_simulator::{Model, Options, Size, generate};
use rusqlite::{Connection, OpenFlags};

fn open(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open snapshot")
}

fn strings(conn: &Connection, sql: &str) -> BTreeSet<Vec<Option<String>>> {
    let mut statement = conn.prepare(sql).unwrap();
    let width = statement.column_count();
    statement
        .query_map([], |row| {
            (0..width)
                .map(|index| {
                    let value: rusqlite::types::Value = row.get(index)?;
                    Ok(match value {
                        rusqlite::types::Value::Null => None,
                        rusqlite::types::Value::Integer(number) => Some(number.to_string()),
                        rusqlite::types::Value::Real(number) => Some(number.to_string()),
                        rusqlite::types::Value::Text(text) => Some(text),
                        rusqlite::types::Value::Blob(_) => Some("<blob>".to_string()),
                    })
                })
                .collect()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Asserts two sets are equal, printing only the rows that differ.
fn assert_same<T: Ord + std::fmt::Debug>(actual: &BTreeSet<T>, expected: &BTreeSet<T>, what: &str) {
    let missing: Vec<&T> = expected.difference(actual).take(5).collect();
    let extra: Vec<&T> = actual.difference(expected).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: {} rows missing from the snapshot, {} unexpected; first missing {missing:?}; \
         first unexpected {extra:?}",
        expected.difference(actual).count(),
        actual.difference(expected).count(),
    );
}

fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

fn rfc3339(seconds: i64) -> Option<String> {
    let time = time::OffsetDateTime::from_unix_timestamp(seconds).unwrap();
    time.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

fn synced_demo(seed: u64) -> (Model, tempfile::TempDir, std::path::PathBuf) {
    let model = generate(seed, &Size::demo());
    let served = Served::start(model.clone(), Options::fast());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");
    let output = served.sync(&db);
    assert!(
        output.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (model, dir, db)
}

#[test]
fn instances_and_accounts_match_model() {
    let (model, _dir, db) = synced_demo(11);
    let conn = open(&db);

    let expected: BTreeSet<_> = model
        .instances
        .iter()
        .map(|instance| {
            vec![
                some(&instance.arn),
                some(&instance.identity_store_id),
                instance.name.clone(),
                some(&instance.owner_account_id),
                some(&instance.status),
                rfc3339(instance.created_date),
            ]
        })
        .collect();
    let actual = strings(
        &conn,
        "SELECT instance_arn, identity_store_id, name, owner_account_id, status, created_at \
         FROM instances",
    );
    assert_same(&actual, &expected, "instances");
    assert!(
        model
            .instances
            .iter()
            .any(|instance| instance.kind == InstanceKind::Account)
    );

    let expected: BTreeSet<_> = model
        .accounts
        .iter()
        .map(|account| {
            vec![
                some(&account.id),
                some(&account.name),
                some(&account.email),
                some(account.status.as_str()),
                rfc3339(account.joined_timestamp),
            ]
        })
        .collect();
    let actual = strings(
        &conn,
        "SELECT account_id, name, email, status, joined_at FROM accounts",
    );
    assert_same(&actual, &expected, "accounts");
}

#[test]
fn permission_sets_match_model() {
    let (model, _dir, db) = synced_demo(12);
    let conn = open(&db);

    let expected: BTreeSet<_> = model
        .permission_sets
        .iter()
        .map(|set| {
            vec![
                some(&set.arn),
                some(&set.instance_arn),
                some(&set.name),
                set.description.clone(),
                some(&set.session_duration),
                set.relay_state.clone(),
                rfc3339(set.created_date),
                set.inline_policy.clone(),
            ]
        })
        .collect();
    let actual = strings(
        &conn,
        "SELECT permission_set_arn, instance_arn, name, description, session_duration, \
         relay_state, created_at, inline_policy FROM permission_sets",
    );
    assert_same(&actual, &expected, "permission sets");

    let managed: BTreeSet<_> = model
        .permission_sets
        .iter()
        .flat_map(|set| {
            set.managed_policies
                .iter()
                .map(|policy| vec![some(&set.arn), some(&policy.arn), some(&policy.name)])
        })
        .collect();
    assert!(!managed.is_empty());
    assert_same(
        &strings(
            &conn,
            "SELECT permission_set_arn, policy_arn, policy_name FROM permission_set_managed_policies",
        ),
        &managed,
        "managed",
    );

    let customer: BTreeSet<_> = model
        .permission_sets
        .iter()
        .flat_map(|set| {
            set.customer_managed_policies
                .iter()
                .map(|policy| vec![some(&set.arn), some(&policy.name), some(&policy.path)])
        })
        .collect();
    assert!(!customer.is_empty());
    assert_same(
        &strings(
            &conn,
            "SELECT permission_set_arn, policy_name, policy_path \
             FROM permission_set_customer_managed_policies",
        ),
        &customer,
        "customer",
    );

    let boundaries: BTreeSet<_> = model
        .permission_sets
        .iter()
        .filter_map(|set| {
            let row = match set.permissions_boundary.as_ref()? {
                PermissionsBoundary::ManagedPolicyArn(arn) => {
                    vec![some(&set.arn), some(arn), None, None]
                }
                PermissionsBoundary::CustomerManaged(reference) => vec![
                    some(&set.arn),
                    None,
                    some(&reference.name),
                    some(&reference.path),
                ],
            };
            Some(row)
        })
        .collect();
    assert!(!boundaries.is_empty());
    assert!(
        boundaries.len() < model.permission_sets.len(),
        "some sets have no boundary"
    );
    assert_same(
        &strings(
            &conn,
            "SELECT permission_set_arn, managed_policy_arn, customer_policy_name, \
             customer_policy_path FROM permission_set_boundaries",
        ),
        &boundaries,
        "boundaries",
    );

    let tags: BTreeSet<_> = model
        .permission_sets
        .iter()
        .flat_map(|set| {
            set.tags
                .iter()
                .map(|tag| vec![some(&set.arn), some(&tag.key), some(&tag.value)])
        })
        .collect();
    assert_same(
        &strings(
            &conn,
            "SELECT permission_set_arn, key, value FROM permission_set_tags",
        ),
        &tags,
        "tags",
    );

    let provisioned: BTreeSet<_> = model
        .permission_sets
        .iter()
        .flat_map(|set| {
            set.provisioned_accounts.iter().map(|account| {
                vec![
                    some(&set.arn),
                    some(&account.account_id),
                    some(account.status.as_str()),
                ]
            })
        })
        .collect();
    assert_same(
        &strings(
            &conn,
            "SELECT permission_set_arn, account_id, provisioning_status \
             FROM permission_set_provisioned_accounts",
        ),
        &provisioned,
        "provisioned",
    );
}

#[test]
fn identity_store_matches_model() {
    let (model, _dir, db) = synced_demo(13);
    let conn = open(&db);

    let expected: BTreeSet<_> = model
        .users
        .iter()
        .map(|user| {
            let name = user.name.as_ref();
            let primary = user
                .emails
                .iter()
                .find(|email| email.primary)
                .or(user.emails.first())
                .map(|email| email.value.clone());
            vec![
                some(&user.identity_store_id),
                some(&user.id),
                some(&user.user_name),
                user.display_name.clone(),
                name.and_then(|name| name.given_name.clone()),
                name.and_then(|name| name.family_name.clone()),
                primary,
                some(&user.emails.len().to_string()),
                user.user_type.clone(),
                user.title.clone(),
                some(&user.external_ids.len().to_string()),
                user.status.clone(),
            ]
        })
        .collect();
    assert!(
        model
            .users
            .iter()
            .any(|user| user.status.as_deref() == Some("DISABLED"))
    );
    let actual = strings(
        &conn,
        "SELECT identity_store_id, user_id, user_name, display_name, given_name, family_name, \
         primary_email, json_array_length(emails), user_type, title, \
         json_array_length(external_ids), status FROM users",
    );
    assert_same(&actual, &expected, "users");

    let groups: BTreeSet<_> = model
        .groups
        .iter()
        .map(|group| {
            vec![
                some(&group.identity_store_id),
                some(&group.id),
                some(&group.display_name),
                group.description.clone(),
            ]
        })
        .collect();
    assert_same(
        &strings(
            &conn,
            "SELECT identity_store_id, group_id, display_name, description FROM groups",
        ),
        &groups,
        "groups",
    );

    let memberships: BTreeSet<_> = model
        .group_memberships
        .iter()
        .map(|membership| {
            vec![
                some(&membership.identity_store_id),
                some(&membership.membership_id),
                some(&membership.group_id),
                some(&membership.user_id),
            ]
        })
        .collect();
    assert_same(
        &strings(
            &conn,
            "SELECT identity_store_id, membership_id, group_id, user_id FROM group_memberships",
        ),
        &memberships,
        "memberships",
    );
}

/// Returns the principals that exist, per identity store, from the model.
fn existing_principals(model: &Model) -> BTreeSet<(String, String)> {
    let store_of: BTreeMap<&str, &str> = model
        .instances
        .iter()
        .map(|instance| (instance.arn.as_str(), instance.identity_store_id.as_str()))
        .collect();
    let _ = store_of;
    model
        .users
        .iter()
        .map(|user| (user.identity_store_id.clone(), user.id.clone()))
        .chain(
            model
                .groups
                .iter()
                .map(|group| (group.identity_store_id.clone(), group.id.clone())),
        )
        .collect()
}

#[test]
fn assignments_and_applications_match_model() {
    let (model, _dir, db) = synced_demo(14);
    let conn = open(&db);
    let principals = existing_principals(&model);
    let store_of: BTreeMap<&str, &str> = model
        .instances
        .iter()
        .map(|instance| (instance.arn.as_str(), instance.identity_store_id.as_str()))
        .collect();
    let missing = |instance_arn: &str, principal_id: &str| {
        let store = store_of[instance_arn].to_string();
        let exists = principals.contains(&(store, principal_id.to_string()));
        some(if exists { "0" } else { "1" })
    };

    let expected: BTreeSet<_> = model
        .account_assignments
        .iter()
        .map(|assignment| {
            vec![
                some(&assignment.instance_arn),
                some(&assignment.account_id),
                some(&assignment.permission_set_arn),
                some(assignment.principal_type.as_str()),
                some(&assignment.principal_id),
                missing(&assignment.instance_arn, &assignment.principal_id),
            ]
        })
        .collect();
    assert!(
        expected.iter().any(|row| row[5] == some("1")),
        "model has orphans"
    );
    assert_same(
        &strings(
            &conn,
            "SELECT instance_arn, account_id, permission_set_arn, principal_type, principal_id, \
             principal_missing FROM account_assignments",
        ),
        &expected,
        "expected",
    );

    let applications: BTreeSet<_> = model
        .applications
        .iter()
        .map(|application| {
            vec![
                some(&application.arn),
                some(&application.instance_arn),
                some(&application.name),
                application.description.clone(),
                some(&application.provider_arn),
                some(&application.application_account),
                some(&application.status),
                some(&application.portal_visibility),
                rfc3339(application.created_date),
                some(if application.assignment_required {
                    "1"
                } else {
                    "0"
                }),
            ]
        })
        .collect();
    assert!(!applications.is_empty());
    assert_same(
        &strings(
            &conn,
            "SELECT application_arn, instance_arn, name, description, application_provider_arn, \
             application_account, status, portal_visibility, created_at, assignment_required \
             FROM applications",
        ),
        &applications,
        "applications",
    );

    let used_providers: BTreeSet<&str> = model
        .applications
        .iter()
        .map(|application| application.provider_arn.as_str())
        .collect();
    let providers: BTreeSet<_> = model
        .application_providers
        .iter()
        .filter(|provider| used_providers.contains(provider.arn.as_str()))
        .map(|provider| {
            vec![
                some(&provider.arn),
                some(&provider.display_name),
                some(&provider.federation_protocol),
            ]
        })
        .collect();
    assert_same(
        &strings(
            &conn,
            "SELECT application_provider_arn, display_name, federation_protocol \
             FROM application_providers",
        ),
        &providers,
        "providers",
    );

    let instance_of: BTreeMap<&str, &str> = model
        .applications
        .iter()
        .map(|application| (application.arn.as_str(), application.instance_arn.as_str()))
        .collect();
    let application_assignments: BTreeSet<_> = model
        .application_assignments
        .iter()
        .map(|assignment| {
            let instance_arn = instance_of[assignment.application_arn.as_str()];
            vec![
                some(&assignment.application_arn),
                some(assignment.principal_type.as_str()),
                some(&assignment.principal_id),
                missing(instance_arn, &assignment.principal_id),
            ]
        })
        .collect();
    assert_same(
        &strings(
            &conn,
            "SELECT application_arn, principal_type, principal_id, principal_missing \
             FROM application_assignments",
        ),
        &application_assignments,
        "application_assignments",
    );

    let orphans = expected.iter().filter(|row| row[5] == some("1")).count()
        + application_assignments
            .iter()
            .filter(|row| row[3] == some("1"))
            .count();
    let listed: i64 = conn
        .query_row("SELECT COUNT(*) FROM orphaned_assignments", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(listed as usize, orphans);
    assert!(
        model
            .account_assignments
            .iter()
            .any(|assignment| assignment.principal_type == PrincipalType::Group)
    );
}

#[test]
fn account_access_report_matches_model() {
    let (model, _dir, db) = synced_demo(15);

    let output = common::idcdb()
        .args(["query", "account-access", "--format", "csv", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let mut actual: Vec<Vec<String>> = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect();
    actual.sort();

    let mut expected: Vec<Vec<String>> = model
        .expected_account_access()
        .iter()
        .map(|row| {
            vec![
                row.user_name.to_string(),
                row.user_id.to_string(),
                row.account_id.to_string(),
                row.account_name.unwrap_or_default().to_string(),
                row.permission_set_name.to_string(),
                row.permission_set_arn.to_string(),
                row.via.to_string(),
            ]
        })
        .collect();
    expected.sort();
    assert!(expected.len() > 100);
    let actual: BTreeSet<Vec<String>> = actual.into_iter().collect();
    let expected: BTreeSet<Vec<String>> = expected.into_iter().collect();
    assert_same(&actual, &expected, "account access");
}

#[test]
fn evidence_shows_coverage_and_gaps() {
    let (model, _dir, db) = synced_demo(16);
    let conn = open(&db);

    let account_instance = model
        .instances
        .iter()
        .find(|instance| instance.kind == InstanceKind::Account)
        .expect("demo has an account instance");
    // An account instance cannot have permission sets: the parts are complete
    // (empty by design), with the reason beside them.
    let incomplete = strings(&conn, "SELECT scope, part FROM coverage WHERE complete = 0");
    assert_eq!(incomplete, BTreeSet::new());
    let explained = strings(
        &conn,
        "SELECT scope, part FROM coverage WHERE detail LIKE '%account instance%'",
    );
    let expected: BTreeSet<_> = ["permission_sets", "account_assignments"]
        .iter()
        .map(|part| vec![some(&account_instance.arn), some(part)])
        .collect();
    assert_eq!(explained, expected);
    let parts = strings(&conn, "SELECT DISTINCT part FROM coverage");
    assert_eq!(parts.len(), 9, "every part has a coverage row: {parts:?}");

    let warnings = strings(&conn, "SELECT code, operation, resource FROM warnings");
    assert_eq!(
        warnings,
        BTreeSet::from([vec![
            some("ValidationException"),
            some("ListPermissionSets"),
            some(&account_instance.arn),
        ]])
    );

    let snapshot = strings(
        &conn,
        "SELECT source, region, schema_version, tool_version IS NOT NULL, \
         finished_at >= started_at FROM snapshot",
    );
    assert_eq!(
        snapshot,
        BTreeSet::from([vec![
            some("aws"),
            some("us-east-1"),
            some(&idcdb::store::schema_version().to_string()),
            some("1"),
            some("1")
        ]])
    );

    let calls: i64 = conn
        .query_row("SELECT SUM(calls) FROM api_calls", [], |row| row.get(0))
        .unwrap();
    assert!(calls > 50, "every call is counted, got {calls}");
    let zero_retries: i64 = conn
        .query_row(
            "SELECT SUM(retries) + SUM(throttled) FROM api_calls",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(zero_retries, 0, "a fast simulator needs no retries");
}

#[test]
fn demo_sync_fills_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let output = common::idcdb()
        .args(["sync", "--demo", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());

    let conn = open(&db);
    let tables = strings(
        &conn,
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') \
         AND name NOT LIKE 'sqlite_%'",
    );
    for table in tables {
        let name = table[0].clone().unwrap();
        if name == "warnings" || name == "refinery_schema_history" {
            continue;
        }
        let count: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM \"{name}\""), [], |row| {
                row.get(0)
            })
            .unwrap();
        assert!(count > 0, "table {name} is empty after the demo sync");
    }
    let source: String = conn
        .query_row("SELECT source FROM snapshot", [], |row| row.get(0))
        .unwrap();
    assert_eq!(source, "demo");
}
