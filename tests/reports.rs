//! The bundled reports against the simulator's ground truth. The real binary
//! syncs a generated organization from the in-process simulator and runs
//! each report. Its rows must equal the rows computed here in plain Rust from
//! the simulator's model, never by SQL, so a wrong join cannot agree with
//! itself. Also covers the output formats with hard characters, the report
//! catalog, the query errors and the coverage warnings.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use idcdb_simulator::model::{
    Account, Application, Group, PermissionSet, PermissionsBoundary, PrincipalType, User,
};
use idcdb_simulator::{AccessRow, Fault, FaultKind, Model, Options, Simulator, Size, generate};
use rusqlite::Connection;

/// Seeds of the demo-size organizations the reports run against. Both
/// contain every hard case that `model_has_hard_cases` checks.
const SEEDS: [u64; 2] = [3, 7];

/// The `via` value of application access that needs no assignment.
const VIA_OPEN: &str = "(assignment not required)";

/// Exit code of `idcdb query` for a query error.
const QUERY_ERROR: i32 = 6;

/// A simulator served from its own runtime for the length of a test.
struct Served {
    simulator: Option<Simulator>,
    runtime: tokio::runtime::Runtime,
}

impl Served {
    fn start(model: Model, options: Options) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let simulator = runtime
            .block_on(async { Simulator::start(model, options) })
            .expect("simulator starts");
        Served {
            simulator: Some(simulator),
            runtime,
        }
    }

    fn sync(&self, db: &Path) -> Output {
        let simulator = self.simulator.as_ref().expect("simulator is running");
        let mut command = common::idcdb();
        common::set_aws_env(&mut command, &simulator.endpoint_url());
        // The simulator runs without rate limits here, so the client need not pace.
        command
            .args(["sync", "--max-rps", "1000", "--db"])
            .arg(db)
            .output()
            .expect("run idcdb sync")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(simulator) = self.simulator.take() {
            self.runtime.block_on(simulator.shutdown());
        }
    }
}

/// A snapshot synced from a generated organization, with the model it came
/// from. The folder is removed on drop.
struct Synced {
    model: Model,
    dir: tempfile::TempDir,
    db: PathBuf,
}

fn sync_with(seed: u64, options: Options) -> Synced {
    let model = generate(seed, &Size::demo());
    let served = Served::start(model.clone(), options);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snapshot.db");
    let output = served.sync(&db);
    assert!(
        output.status.success(),
        "sync of seed {seed} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Synced { model, dir, db }
}

fn synced(seed: u64) -> Synced {
    sync_with(seed, Options::fast())
}

impl Synced {
    /// Copies the snapshot and opens the copy for writing, for tests that
    /// change a few values and change the model the same way.
    fn writable_copy(&self, name: &str) -> (PathBuf, Connection) {
        let copy = self.dir.path().join(name);
        std::fs::copy(&self.db, &copy).unwrap();
        let conn = Connection::open(&copy).unwrap();
        (copy, conn)
    }
}

/// Runs `idcdb query REPORT --db DB` with `--param` pairs and a format.
fn run_report(db: &Path, report: &str, params: &[(&str, &str)], format: &str) -> Output {
    let mut command = common::idcdb();
    command
        .args(["query", report, "--format", format, "--db"])
        .arg(db);
    for (name, value) in params {
        command.arg("--param").arg(format!("{name}={value}"));
    }
    command.output().expect("run idcdb query")
}

/// Rows of a report as text: NULL and the empty string both read as "".
struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    stderr: String,
}

fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let columns = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect();
    (columns, rows)
}

fn query(db: &Path, report: &str, params: &[(&str, &str)]) -> Rows {
    let output = run_report(db, report, params, "csv");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "{report} {params:?} failed: {stderr}"
    );
    let (columns, rows) = parse_csv(&output.stdout);
    Rows {
        columns,
        rows,
        stderr,
    }
}

/// Asserts that a report has these columns and exactly these rows, each as
/// often as expected, and prints the first rows that differ.
fn assert_rows(actual: &Rows, columns: &[&str], expected: Vec<Vec<String>>, label: &str) {
    assert_eq!(actual.columns, columns, "{label}: columns");

    let count = |rows: &[Vec<String>]| {
        let mut counts: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        for row in rows {
            *counts.entry(row.clone()).or_default() += 1;
        }
        counts
    };
    let actual_counts = count(&actual.rows);
    let expected_counts = count(&expected);
    let missing: Vec<_> = expected_counts
        .iter()
        .filter(|(row, n)| actual_counts.get(*row) != Some(n))
        .take(5)
        .collect();
    let unexpected: Vec<_> = actual_counts
        .iter()
        .filter(|(row, n)| expected_counts.get(*row) != Some(n))
        .take(5)
        .collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "{label}: {} rows from the report, {} expected; first expected rows missing or \
         miscounted {missing:?}; first report rows not expected {unexpected:?}",
        actual.rows.len(),
        expected.len(),
    );
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_string()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|cell| cell.to_string()).collect()
}

/// One path by which a user can use an application.
struct ApplicationPath<'a> {
    user: &'a User,
    application: &'a Application,
    via: &'a str,
    via_group_id: Option<&'a str>,
}

/// The ground truth of one model, indexed for the reports' questions.
struct Truth<'a> {
    model: &'a Model,
    users: HashMap<(&'a str, &'a str), &'a User>,
    groups: HashMap<(&'a str, &'a str), &'a Group>,
    /// User IDs of each group's memberships, keyed by (identity store, group ID).
    members: HashMap<(&'a str, &'a str), Vec<&'a str>>,
    accounts: HashMap<&'a str, &'a Account>,
    permission_sets: HashMap<&'a str, &'a PermissionSet>,
    /// Identity store ID of each instance ARN.
    stores: HashMap<&'a str, &'a str>,
    applications: HashMap<&'a str, &'a Application>,
    account_access: Vec<AccessRow<'a>>,
}

impl<'a> Truth<'a> {
    fn new(model: &'a Model) -> Truth<'a> {
        let mut members: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
        for membership in &model.group_memberships {
            members
                .entry((&membership.identity_store_id, &membership.group_id))
                .or_default()
                .push(&membership.user_id);
        }
        Truth {
            model,
            users: model
                .users
                .iter()
                .map(|user| ((user.identity_store_id.as_str(), user.id.as_str()), user))
                .collect(),
            groups: model
                .groups
                .iter()
                .map(|group| ((group.identity_store_id.as_str(), group.id.as_str()), group))
                .collect(),
            members,
            accounts: model
                .accounts
                .iter()
                .map(|account| (account.id.as_str(), account))
                .collect(),
            permission_sets: model
                .permission_sets
                .iter()
                .map(|set| (set.arn.as_str(), set))
                .collect(),
            stores: model
                .instances
                .iter()
                .map(|instance| (instance.arn.as_str(), instance.identity_store_id.as_str()))
                .collect(),
            applications: model
                .applications
                .iter()
                .map(|application| (application.arn.as_str(), application))
                .collect(),
            account_access: model.expected_account_access(),
        }
    }

    fn principal_exists(&self, store: &str, principal_type: PrincipalType, id: &str) -> bool {
        match principal_type {
            PrincipalType::User => self.users.contains_key(&(store, id)),
            PrincipalType::Group => self.groups.contains_key(&(store, id)),
        }
    }

    /// Returns whether the user or group of an account assignment still exists.
    fn account_assignment_live(&self, index: usize) -> bool {
        let assignment = &self.model.account_assignments[index];
        let store = self.stores[assignment.instance_arn.as_str()];
        self.principal_exists(store, assignment.principal_type, &assignment.principal_id)
    }

    fn application_store(&self, application: &Application) -> &'a str {
        self.stores[application.instance_arn.as_str()]
    }

    /// Existing users that are members of a group, in membership order.
    fn group_users(&self, store: &'a str, group_id: &'a str) -> Vec<&'a User> {
        self.members
            .get(&(store, group_id))
            .into_iter()
            .flatten()
            .filter_map(|user_id| self.users.get(&(store, *user_id)).copied())
            .collect()
    }

    /// Paths to applications through assignments: direct or through a
    /// group. Deleted principals give none.
    fn assigned_application_paths(&self) -> Vec<ApplicationPath<'a>> {
        let mut paths = Vec::new();
        for assignment in &self.model.application_assignments {
            let application = self.applications[assignment.application_arn.as_str()];
            let store = self.application_store(application);
            let id = assignment.principal_id.as_str();
            match assignment.principal_type {
                PrincipalType::User => {
                    if let Some(user) = self.users.get(&(store, id)) {
                        paths.push(ApplicationPath {
                            user,
                            application,
                            via: "direct",
                            via_group_id: None,
                        });
                    }
                }
                PrincipalType::Group => {
                    let Some(group) = self.groups.get(&(store, id)) else {
                        continue;
                    };
                    for user in self.group_users(store, &group.id) {
                        paths.push(ApplicationPath {
                            user,
                            application,
                            via: &group.display_name,
                            via_group_id: Some(&group.id),
                        });
                    }
                }
            }
        }
        paths
    }

    /// Assigned paths plus one path per user of the instance for each
    /// application that does not require an assignment.
    fn application_paths(&self) -> Vec<ApplicationPath<'a>> {
        let mut paths = self.assigned_application_paths();
        for application in &self.model.applications {
            if application.assignment_required {
                continue;
            }
            let store = self.application_store(application);
            for user in self
                .model
                .users
                .iter()
                .filter(|user| user.identity_store_id == store)
            {
                paths.push(ApplicationPath {
                    user,
                    application,
                    via: VIA_OPEN,
                    via_group_id: None,
                });
            }
        }
        paths
    }

    fn account_name(&self, account_id: &str) -> String {
        text(
            self.accounts
                .get(account_id)
                .map(|account| account.name.as_str()),
        )
    }
}

/// Reasons why a permission set is administrator-level, by the rules the
/// privileged-access header states, computed with serde_json.
fn privilege_reasons(set: &PermissionSet) -> BTreeSet<String> {
    let mut reasons = BTreeSet::new();
    for policy in &set.managed_policies {
        for name in ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"] {
            let aws_managed = policy.arn.starts_with("arn:aws")
                && policy.arn.ends_with(&format!(":iam::aws:policy/{name}"));
            if aws_managed {
                reasons.insert(format!("AWS managed policy {name}"));
            }
        }
    }

    let Some(document) = set
        .inline_policy
        .as_deref()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
    else {
        return reasons;
    };
    let statements = match &document["Statement"] {
        serde_json::Value::Array(items) => items.iter().collect(),
        statement @ serde_json::Value::Object(_) => vec![statement],
        _ => Vec::new(),
    };
    for statement in statements {
        let allows = statement["Effect"]
            .as_str()
            .is_some_and(|effect| effect.eq_ignore_ascii_case("allow"));
        if !allows {
            continue;
        }
        let actions: Vec<&str> = match &statement["Action"] {
            serde_json::Value::String(action) => vec![action],
            serde_json::Value::Array(items) => items.iter().filter_map(|a| a.as_str()).collect(),
            _ => Vec::new(),
        };
        for action in actions {
            let action = action.to_lowercase();
            if action == "*" || action == "iam:*" {
                reasons.insert(format!("inline policy allows {action}"));
            }
        }
    }
    reasons
}

fn boundary_text(set: &PermissionSet) -> String {
    match &set.permissions_boundary {
        Some(PermissionsBoundary::ManagedPolicyArn(arn)) => arn.clone(),
        Some(PermissionsBoundary::CustomerManaged(reference)) => {
            format!("{}{}", reference.path, reference.name)
        }
        None => String::new(),
    }
}

fn customer_policies_text(set: &PermissionSet) -> String {
    let mut references: Vec<(&str, &str)> = set
        .customer_managed_policies
        .iter()
        .map(|reference| (reference.path.as_str(), reference.name.as_str()))
        .collect();
    references.sort();
    references
        .iter()
        .map(|(path, name)| format!("{path}{name}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn access_row(access: &AccessRow<'_>) -> Vec<String> {
    vec![
        access.user_name.to_string(),
        access.user_id.to_string(),
        access.account_id.to_string(),
        text(access.account_name),
        access.permission_set_name.to_string(),
        access.permission_set_arn.to_string(),
        access.via.to_string(),
    ]
}

const ACCOUNT_ACCESS_COLUMNS: [&str; 7] = [
    "user_name",
    "user_id",
    "account_id",
    "account_name",
    "permission_set_name",
    "permission_set_arn",
    "via",
];

#[test]
fn model_has_hard_cases() {
    for seed in SEEDS {
        let model = generate(seed, &Size::demo());
        let truth = Truth::new(&model);

        let orphans = (0..model.account_assignments.len())
            .filter(|&index| !truth.account_assignment_live(index))
            .map(|index| model.account_assignments[index].principal_type)
            .collect::<HashSet<_>>();
        assert!(
            orphans.contains(&PrincipalType::User),
            "seed {seed}: deleted user"
        );
        assert!(
            orphans.contains(&PrincipalType::Group),
            "seed {seed}: deleted group"
        );
        let orphaned_application = model.application_assignments.iter().any(|assignment| {
            let application = truth.applications[assignment.application_arn.as_str()];
            let store = truth.application_store(application);
            !truth.principal_exists(store, assignment.principal_type, &assignment.principal_id)
        });
        assert!(
            orphaned_application,
            "seed {seed}: application assignment of a deleted user"
        );

        let empty_assigned = model.account_assignments.iter().any(|assignment| {
            let store = truth.stores[assignment.instance_arn.as_str()];
            assignment.principal_type == PrincipalType::Group
                && truth
                    .groups
                    .contains_key(&(store, assignment.principal_id.as_str()))
                && !truth
                    .members
                    .contains_key(&(store, assignment.principal_id.as_str()))
        });
        assert!(empty_assigned, "seed {seed}: assigned empty group");

        let mut paths: HashMap<(&str, &str, &str), Vec<&str>> = HashMap::new();
        for access in &truth.account_access {
            paths
                .entry((access.user_id, access.account_id, access.permission_set_arn))
                .or_default()
                .push(access.via);
        }
        assert!(
            paths
                .values()
                .any(|vias| vias.contains(&"direct") && vias.len() > 1),
            "seed {seed}: user both direct and through a group"
        );
        assert!(
            paths
                .values()
                .any(|vias| vias.iter().filter(|via| **via != "direct").count() > 1),
            "seed {seed}: user reaching one account and permission set through two groups"
        );
        assert!(
            truth
                .account_access
                .iter()
                .any(|access| access.account_name.is_none()),
            "seed {seed}: access to an account that left the organization"
        );

        assert!(
            model.applications.iter().any(|a| !a.assignment_required),
            "seed {seed}: application open to every user"
        );
        assert!(
            model.applications.iter().any(|a| a.assignment_required),
            "seed {seed}: application that requires assignments"
        );
        let mut stores_per_name: HashMap<&str, HashSet<&str>> = HashMap::new();
        for group in &model.groups {
            stores_per_name
                .entry(&group.display_name)
                .or_default()
                .insert(&group.identity_store_id);
        }
        assert!(
            stores_per_name.values().any(|stores| stores.len() > 1),
            "seed {seed}: one group name in two identity stores"
        );
    }
}

#[test]
fn account_access_filters_match_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let truth = Truth::new(&synced.model);

        let all = query(&synced.db, "account-access", &[]);
        let expected = truth.account_access.iter().map(access_row).collect();
        assert_rows(&all, &ACCOUNT_ACCESS_COLUMNS, expected, "account-access");

        let group = truth
            .account_access
            .iter()
            .find(|access| access.via != "direct")
            .expect("access through a group")
            .via;
        let filtered = query(&synced.db, "account-access", &[("group", group)]);
        let expected = truth
            .account_access
            .iter()
            .filter(|access| access.via == group)
            .map(access_row)
            .collect();
        assert_rows(
            &filtered,
            &ACCOUNT_ACCESS_COLUMNS,
            expected,
            "account-access by group",
        );

        let sample = truth
            .account_access
            .iter()
            .find(|access| access.account_name.is_some())
            .unwrap();
        let (account_id, set_name) = (sample.account_id, sample.permission_set_name);
        let filtered = query(
            &synced.db,
            "account-access",
            &[
                ("account", sample.account_name.unwrap()),
                ("permission_set", set_name),
            ],
        );
        let expected: Vec<Vec<String>> = truth
            .account_access
            .iter()
            .filter(|access| {
                access.account_id == account_id && access.permission_set_name == set_name
            })
            .map(access_row)
            .collect();
        assert!(!expected.is_empty());
        assert_rows(
            &filtered,
            &ACCOUNT_ACCESS_COLUMNS,
            expected,
            "account-access by account name and permission set",
        );
    }
}

fn expected_access_by_account(truth: &Truth<'_>) -> Vec<Vec<String>> {
    let model = truth.model;
    let mut known: BTreeSet<&str> = model.accounts.iter().map(|a| a.id.as_str()).collect();
    known.extend(
        model
            .account_assignments
            .iter()
            .map(|assignment| assignment.account_id.as_str()),
    );
    for set in &model.permission_sets {
        known.extend(
            set.provisioned_accounts
                .iter()
                .map(|provisioned| provisioned.account_id.as_str()),
        );
    }

    known
        .into_iter()
        .map(|account_id| {
            let mut permission_sets = HashSet::new();
            let mut groups = HashSet::new();
            let mut direct = 0;
            let mut orphaned = 0;
            for (index, assignment) in model.account_assignments.iter().enumerate() {
                if assignment.account_id != account_id {
                    continue;
                }
                if !truth.account_assignment_live(index) {
                    orphaned += 1;
                    continue;
                }
                permission_sets.insert(assignment.permission_set_arn.as_str());
                match assignment.principal_type {
                    PrincipalType::Group => {
                        groups.insert(assignment.principal_id.as_str());
                    }
                    PrincipalType::User => direct += 1,
                }
            }
            let users: HashSet<&str> = truth
                .account_access
                .iter()
                .filter(|access| access.account_id == account_id)
                .map(|access| access.user_id)
                .collect();
            let account = truth.accounts.get(account_id);
            vec![
                account_id.to_string(),
                text(account.map(|a| a.name.as_str())),
                text(account.map(|a| a.status.as_str())),
                permission_sets.len().to_string(),
                users.len().to_string(),
                groups.len().to_string(),
                direct.to_string(),
                orphaned.to_string(),
            ]
        })
        .collect()
}

const ACCESS_BY_ACCOUNT_COLUMNS: [&str; 8] = [
    "account_id",
    "account_name",
    "account_status",
    "permission_sets",
    "users_with_access",
    "groups_assigned",
    "direct_user_assignments",
    "orphaned_assignments",
];

#[test]
fn access_by_account_matches_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let truth = Truth::new(&synced.model);
        let expected = expected_access_by_account(&truth);
        assert!(
            expected.iter().any(|row| row[1].is_empty()),
            "an account that left the organization"
        );

        let actual = query(&synced.db, "access-by-account", &[]);
        assert_rows(
            &actual,
            &ACCESS_BY_ACCOUNT_COLUMNS,
            expected.clone(),
            "access-by-account",
        );

        let account = &synced.model.accounts[3];
        let actual = query(
            &synced.db,
            "access-by-account",
            &[("account", &account.name)],
        );
        let expected = expected
            .into_iter()
            .filter(|row| row[0] == account.id)
            .collect();
        assert_rows(
            &actual,
            &ACCESS_BY_ACCOUNT_COLUMNS,
            expected,
            "access-by-account by name",
        );
    }
}

fn expected_user_access(truth: &Truth<'_>, lookup: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for user in &truth.model.users {
        if user.user_name != lookup && user.id != lookup {
            continue;
        }
        let mut user_rows = Vec::new();
        for access in &truth.account_access {
            if access.user_id == user.id {
                user_rows.push(vec![
                    "account".to_string(),
                    access.account_id.to_string(),
                    text(access.account_name),
                    access.permission_set_name.to_string(),
                    access.permission_set_arn.to_string(),
                    access.via.to_string(),
                ]);
            }
        }
        for path in truth.application_paths() {
            if path.user.id == user.id {
                user_rows.push(vec![
                    "application".to_string(),
                    path.application.arn.clone(),
                    path.application.name.clone(),
                    String::new(),
                    String::new(),
                    path.via.to_string(),
                ]);
            }
        }
        if user_rows.is_empty() {
            user_rows.push(row(&["none", "", "", "", "", ""]));
        }
        for user_row in user_rows {
            let mut full = vec![user.user_name.clone(), user.id.clone()];
            full.extend(user_row);
            rows.push(full);
        }
    }
    rows
}

const USER_ACCESS_COLUMNS: [&str; 8] = [
    "user_name",
    "user_id",
    "access_type",
    "target_id",
    "target_name",
    "permission_set_name",
    "permission_set_arn",
    "via",
];

#[test]
fn user_access_matches_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let model = &synced.model;
        let truth = Truth::new(model);

        // The user assigned both directly and through a group.
        let mut vias: HashMap<(&str, &str, &str), Vec<&str>> = HashMap::new();
        for access in &truth.account_access {
            vias.entry((
                access.user_name,
                access.account_id,
                access.permission_set_arn,
            ))
            .or_default()
            .push(access.via);
        }
        let (&(both_paths, _, _), _) = vias
            .iter()
            .find(|(_, vias)| vias.contains(&"direct") && vias.len() > 1)
            .expect("a user with a direct and a group path");
        let account_instance_user = model
            .users
            .iter()
            .find(|user| user.identity_store_id != model.users[0].identity_store_id)
            .expect("a user of the account instance");
        let without_access = model
            .users
            .iter()
            .find(|user| {
                expected_user_access(&truth, &user.id)
                    .iter()
                    .all(|row| row[2] == "none")
            })
            .expect("a user without access");

        let lookups = [
            both_paths.to_string(),
            account_instance_user.user_name.clone(),
            account_instance_user.id.clone(),
            without_access.user_name.clone(),
            model.users[7].id.clone(),
            "nobody@example.com".to_string(),
        ];
        for lookup in &lookups {
            let actual = query(&synced.db, "user-access", &[("user", lookup)]);
            let expected = expected_user_access(&truth, lookup);
            if lookup != "nobody@example.com" {
                assert!(!expected.is_empty(), "{lookup} is a user");
            }
            assert_rows(
                &actual,
                &USER_ACCESS_COLUMNS,
                expected,
                &format!("user-access for {lookup}"),
            );
        }
    }
}

const PRIVILEGED_ACCESS_COLUMNS: [&str; 10] = [
    "user_name",
    "user_id",
    "account_id",
    "account_name",
    "permission_set_name",
    "permission_set_arn",
    "via",
    "reason",
    "permissions_boundary",
    "unevaluated_customer_managed_policies",
];

fn expected_privileged_access(truth: &Truth<'_>) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for access in &truth.account_access {
        let set = truth.permission_sets[access.permission_set_arn];
        let reasons = privilege_reasons(set);
        if reasons.is_empty() {
            continue;
        }
        let mut full = access_row(access);
        full.push(reasons.into_iter().collect::<Vec<_>>().join("; "));
        full.push(boundary_text(set));
        full.push(customer_policies_text(set));
        rows.push(full);
    }
    rows
}

#[test]
fn privileged_access_matches_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let truth = Truth::new(&synced.model);
        let expected = expected_privileged_access(&truth);

        let reasons: BTreeSet<&str> = expected.iter().map(|row| row[7].as_str()).collect();
        for reason in [
            "AWS managed policy AdministratorAccess",
            "AWS managed policy PowerUserAccess",
            "inline policy allows *",
        ] {
            assert!(reasons.contains(reason), "seed {seed}: {reason}");
        }
        assert!(
            expected.iter().any(|row| !row[9].is_empty()),
            "seed {seed}: a privileged set with a customer managed policy reference"
        );
        let power_user_boundary = synced.model.permission_sets.iter().any(|set| {
            privilege_reasons(set).is_empty()
                && boundary_text(set).ends_with(":policy/PowerUserAccess")
        });
        assert!(
            power_user_boundary,
            "seed {seed}: a PowerUserAccess boundary alone is not privileged"
        );

        let actual = query(&synced.db, "privileged-access", &[]);
        assert_rows(
            &actual,
            &PRIVILEGED_ACCESS_COLUMNS,
            expected.clone(),
            "privileged-access",
        );

        let (user, set) = (expected[0][0].clone(), expected[0][5].clone());
        let actual = query(
            &synced.db,
            "privileged-access",
            &[("user", &user), ("permission_set", &set)],
        );
        let filtered = expected
            .into_iter()
            .filter(|row| row[0] == user && row[5] == set)
            .collect();
        assert_rows(
            &actual,
            &PRIVILEGED_ACCESS_COLUMNS,
            filtered,
            "privileged-access by user and permission set",
        );
    }
}

#[test]
fn privileged_access_reads_policy_variants() {
    let synced = synced(SEEDS[0]);
    let mut model = synced.model.clone();

    // Permission sets that some user reaches and that are not privileged yet.
    let reached: Vec<String> = {
        let truth = Truth::new(&synced.model);
        let mut seen = BTreeSet::new();
        truth
            .account_access
            .iter()
            .map(|access| access.permission_set_arn)
            .filter(|arn| privilege_reasons(truth.permission_sets[arn]).is_empty())
            .filter(|arn| seen.insert(*arn))
            .map(str::to_string)
            .collect()
    };
    let variants = [
        // One Statement object, upper-case service prefix.
        Some(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"IAM:*","Resource":"*"}}"#,
        ),
        // Action as an array, Effect in lower case.
        Some(r#"{"Statement":[{"Effect":"allow","Action":["s3:GetObject","*"],"Resource":"*"}]}"#),
        // A Deny of everything grants nothing.
        Some(r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#),
        // A narrower IAM action is not iam:*.
        Some(r#"{"Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#),
        // NotAction is not evaluated.
        Some(r#"{"Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}"#),
        // A policy that is not JSON is not evaluated.
        Some("Statement: Allow *"),
        // A statement that is a string, not an object.
        Some(r#"{"Statement":["*"]}"#),
        // The last variant adds the AWS managed IAMFullAccess policy instead.
        None,
    ];
    assert!(reached.len() >= variants.len(), "enough reached sets");

    let (copy, conn) = synced.writable_copy("variants.db");
    for (arn, variant) in reached.iter().zip(variants) {
        let set = model
            .permission_sets
            .iter_mut()
            .find(|set| &set.arn == arn)
            .unwrap();
        match variant {
            Some(policy) => {
                set.inline_policy = Some(policy.to_string());
                conn.execute(
                    "UPDATE permission_sets SET inline_policy = ?1 WHERE permission_set_arn = ?2",
                    [policy, arn.as_str()],
                )
                .unwrap();
            }
            None => {
                let policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess";
                set.managed_policies
                    .push(idcdb_simulator::model::ManagedPolicy {
                        name: "IAMFullAccess".to_string(),
                        arn: policy_arn.to_string(),
                    });
                conn.execute(
                    "INSERT INTO permission_set_managed_policies \
                     (permission_set_arn, policy_arn, policy_name) VALUES (?1, ?2, 'IAMFullAccess')",
                    [arn.as_str(), policy_arn],
                )
                .unwrap();
            }
        }
    }
    drop(conn);

    let truth = Truth::new(&model);
    let expected = expected_privileged_access(&truth);
    let flagged: BTreeSet<&str> = expected.iter().map(|row| row[5].as_str()).collect();
    for (index, arn) in reached.iter().take(variants.len()).enumerate() {
        let should_flag = matches!(index, 0 | 1 | 7);
        assert_eq!(
            flagged.contains(arn.as_str()),
            should_flag,
            "policy variant {index} is flagged by the Rust rules"
        );
    }

    let actual = query(&copy, "privileged-access", &[]);
    assert_rows(
        &actual,
        &PRIVILEGED_ACCESS_COLUMNS,
        expected,
        "privileged-access with policy variants",
    );
}

const PERMISSION_SETS_COLUMNS: [&str; 10] = [
    "permission_set_name",
    "permission_set_arn",
    "description",
    "managed_policies",
    "customer_managed_policies",
    "has_inline_policy",
    "permissions_boundary",
    "session_duration",
    "provisioned_accounts",
    "account_assignments",
];

#[test]
fn permission_sets_match_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let model = &synced.model;
        let expected: Vec<Vec<String>> = model
            .permission_sets
            .iter()
            .map(|set| {
                let mut managed: Vec<&str> = set
                    .managed_policies
                    .iter()
                    .map(|policy| policy.name.as_str())
                    .collect();
                managed.sort();
                let assignments = model
                    .account_assignments
                    .iter()
                    .filter(|assignment| assignment.permission_set_arn == set.arn)
                    .count();
                vec![
                    set.name.clone(),
                    set.arn.clone(),
                    text(set.description.as_deref()),
                    managed.join("; "),
                    customer_policies_text(set),
                    if set.inline_policy.is_some() {
                        "1"
                    } else {
                        "0"
                    }
                    .to_string(),
                    boundary_text(set),
                    set.session_duration.clone(),
                    set.provisioned_accounts.len().to_string(),
                    assignments.to_string(),
                ]
            })
            .collect();
        assert!(expected.iter().any(|row| row[3].contains("; ")));

        let actual = query(&synced.db, "permission-sets", &[]);
        assert_rows(
            &actual,
            &PERMISSION_SETS_COLUMNS,
            expected.clone(),
            "permission-sets",
        );

        let actual = query(
            &synced.db,
            "permission-sets",
            &[("permission_set", "Audit,Compliance")],
        );
        let filtered = expected
            .into_iter()
            .filter(|row| row[0] == "Audit,Compliance")
            .collect();
        assert_rows(
            &actual,
            &PERMISSION_SETS_COLUMNS,
            filtered,
            "permission-sets by name",
        );
    }
}

const GROUP_MEMBERS_COLUMNS: [&str; 5] = [
    "group_name",
    "group_id",
    "identity_store_id",
    "user_name",
    "user_id",
];

fn expected_group_members(truth: &Truth<'_>, lookup: Option<&str>) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for group in &truth.model.groups {
        if lookup.is_some_and(|lookup| lookup != group.display_name && lookup != group.id) {
            continue;
        }
        let prefix = vec![
            group.display_name.clone(),
            group.id.clone(),
            group.identity_store_id.clone(),
        ];
        let members = truth
            .members
            .get(&(group.identity_store_id.as_str(), group.id.as_str()));
        match members {
            None => {
                let mut full = prefix.clone();
                full.extend([String::new(), String::new()]);
                rows.push(full);
            }
            Some(user_ids) => {
                for user_id in user_ids {
                    let user = truth
                        .users
                        .get(&(group.identity_store_id.as_str(), user_id));
                    let mut full = prefix.clone();
                    full.push(text(user.map(|user| user.user_name.as_str())));
                    full.push(user_id.to_string());
                    rows.push(full);
                }
            }
        }
    }
    rows
}

#[test]
fn group_members_match_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let truth = Truth::new(&synced.model);

        let actual = query(&synced.db, "group-members", &[]);
        assert_rows(
            &actual,
            &GROUP_MEMBERS_COLUMNS,
            expected_group_members(&truth, None),
            "group-members",
        );
        assert!(
            !actual.stderr.contains("warning"),
            "no coverage gap: {}",
            actual.stderr
        );

        // A name shared by groups of both identity stores lists both.
        let shared = "All Employees";
        let expected = expected_group_members(&truth, Some(shared));
        let stores: HashSet<&str> = expected.iter().map(|row| row[2].as_str()).collect();
        assert_eq!(stores.len(), 2, "{shared} is in both identity stores");
        let actual = query(&synced.db, "group-members", &[("group", shared)]);
        assert_rows(
            &actual,
            &GROUP_MEMBERS_COLUMNS,
            expected,
            "group-members by shared name",
        );

        let empty = synced
            .model
            .groups
            .iter()
            .find(|group| {
                !truth
                    .members
                    .contains_key(&(group.identity_store_id.as_str(), group.id.as_str()))
            })
            .expect("an empty group");
        let actual = query(&synced.db, "group-members", &[("group", &empty.id)]);
        assert_rows(
            &actual,
            &GROUP_MEMBERS_COLUMNS,
            expected_group_members(&truth, Some(&empty.id)),
            "group-members of an empty group",
        );
    }
}

const APPLICATION_ACCESS_COLUMNS: [&str; 6] = [
    "user_name",
    "user_id",
    "application_name",
    "application_arn",
    "application_status",
    "via",
];

fn application_row(path: &ApplicationPath<'_>) -> Vec<String> {
    vec![
        path.user.user_name.clone(),
        path.user.id.clone(),
        path.application.name.clone(),
        path.application.arn.clone(),
        path.application.status.clone(),
        path.via.to_string(),
    ]
}

#[test]
fn application_access_matches_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let truth = Truth::new(&synced.model);
        let paths = truth.application_paths();
        assert!(paths.iter().any(|path| path.via == VIA_OPEN));
        assert!(paths.iter().any(|path| path.via == "direct"));
        assert!(paths.iter().any(|path| path.via_group_id.is_some()));

        let actual = query(&synced.db, "application-access", &[]);
        assert_rows(
            &actual,
            &APPLICATION_ACCESS_COLUMNS,
            paths.iter().map(application_row).collect(),
            "application-access",
        );

        let open = synced
            .model
            .applications
            .iter()
            .find(|application| !application.assignment_required)
            .unwrap();
        let actual = query(
            &synced.db,
            "application-access",
            &[("application", &open.arn)],
        );
        assert_rows(
            &actual,
            &APPLICATION_ACCESS_COLUMNS,
            paths
                .iter()
                .filter(|path| path.application.arn == open.arn)
                .map(application_row)
                .collect(),
            "application-access of an open application",
        );

        let group = paths
            .iter()
            .find_map(|path| path.via_group_id)
            .expect("a group path");
        let actual = query(&synced.db, "application-access", &[("group", group)]);
        assert_rows(
            &actual,
            &APPLICATION_ACCESS_COLUMNS,
            paths
                .iter()
                .filter(|path| path.via_group_id == Some(group))
                .map(application_row)
                .collect(),
            "application-access by group",
        );
    }
}

const ORPHANED_COLUMNS: [&str; 8] = [
    "assignment_type",
    "target_id",
    "target_name",
    "permission_set_name",
    "permission_set_arn",
    "principal_type",
    "principal_id",
    "instance_arn",
];

#[test]
fn orphaned_assignments_match_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let model = &synced.model;
        let truth = Truth::new(model);

        let mut expected = Vec::new();
        for (index, assignment) in model.account_assignments.iter().enumerate() {
            if truth.account_assignment_live(index) {
                continue;
            }
            let set = truth.permission_sets[assignment.permission_set_arn.as_str()];
            expected.push(vec![
                "account".to_string(),
                assignment.account_id.clone(),
                truth.account_name(&assignment.account_id),
                set.name.clone(),
                set.arn.clone(),
                assignment.principal_type.as_str().to_string(),
                assignment.principal_id.clone(),
                assignment.instance_arn.clone(),
            ]);
        }
        for assignment in &model.application_assignments {
            let application = truth.applications[assignment.application_arn.as_str()];
            let store = truth.application_store(application);
            if truth.principal_exists(store, assignment.principal_type, &assignment.principal_id) {
                continue;
            }
            expected.push(vec![
                "application".to_string(),
                application.arn.clone(),
                application.name.clone(),
                String::new(),
                String::new(),
                assignment.principal_type.as_str().to_string(),
                assignment.principal_id.clone(),
                application.instance_arn.clone(),
            ]);
        }

        let actual = query(&synced.db, "orphaned-assignments", &[]);
        assert_rows(
            &actual,
            &ORPHANED_COLUMNS,
            expected.clone(),
            "orphaned-assignments",
        );

        let actual = query(
            &synced.db,
            "orphaned-assignments",
            &[("assignment_type", "application")],
        );
        let filtered: Vec<_> = expected
            .into_iter()
            .filter(|row| row[0] == "application")
            .collect();
        assert!(!filtered.is_empty());
        assert_rows(
            &actual,
            &ORPHANED_COLUMNS,
            filtered,
            "orphaned-assignments of applications",
        );
    }
}

const UNUSED_COLUMNS: [&str; 5] = [
    "permission_set_name",
    "permission_set_arn",
    "status",
    "provisioned_accounts",
    "account_assignments",
];

fn expected_unused_permission_sets(model: &Model) -> Vec<Vec<String>> {
    let truth = Truth::new(model);
    let reached: HashSet<&str> = truth
        .account_access
        .iter()
        .map(|access| access.permission_set_arn)
        .collect();

    let mut expected = Vec::new();
    for set in &model.permission_sets {
        let provisioned = set.provisioned_accounts.len();
        let assignments = model
            .account_assignments
            .iter()
            .filter(|assignment| assignment.permission_set_arn == set.arn)
            .count();
        let status = match (provisioned, assignments) {
            (0, 0) => "not provisioned",
            (_, 0) => "provisioned, no assignments",
            _ if !reached.contains(set.arn.as_str()) => "assigned, reaches no user",
            _ => continue,
        };
        expected.push(vec![
            set.name.clone(),
            set.arn.clone(),
            status.to_string(),
            provisioned.to_string(),
            assignments.to_string(),
        ]);
    }
    expected
}

#[test]
fn unused_permission_sets_match_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let expected = expected_unused_permission_sets(&synced.model);
        assert!(expected.iter().any(|row| row[2] == "not provisioned"));

        let actual = query(&synced.db, "unused-permission-sets", &[]);
        assert_rows(&actual, &UNUSED_COLUMNS, expected, "unused-permission-sets");
    }
}

#[test]
fn unused_permission_sets_every_status() {
    let synced = synced(SEEDS[0]);
    let mut model = synced.model.clone();

    // Two permission sets that users reach: the first loses every
    // assignment, the second keeps only assignments of deleted principals
    // and gets one of an empty group.
    let (emptied, unreached, empty_group, live) = {
        let truth = Truth::new(&synced.model);
        let mut reached: Vec<&str> = truth
            .account_access
            .iter()
            .map(|access| access.permission_set_arn)
            .collect();
        reached.sort();
        reached.dedup();
        let empty_group = synced
            .model
            .groups
            .iter()
            .find(|group| {
                group.identity_store_id == synced.model.users[0].identity_store_id
                    && !truth
                        .members
                        .contains_key(&(group.identity_store_id.as_str(), group.id.as_str()))
            })
            .expect("an empty group")
            .id
            .clone();
        let live: Vec<bool> = (0..synced.model.account_assignments.len())
            .map(|index| truth.account_assignment_live(index))
            .collect();
        (
            reached[0].to_string(),
            reached[1].to_string(),
            empty_group,
            live,
        )
    };

    let (copy, conn) = synced.writable_copy("unused.db");
    conn.execute(
        "DELETE FROM account_assignments WHERE permission_set_arn = ?1",
        [&emptied],
    )
    .unwrap();
    let mut kept = Vec::new();
    for (assignment, live) in model.account_assignments.iter().zip(&live) {
        let removed = assignment.permission_set_arn == emptied
            || (assignment.permission_set_arn == unreached && *live);
        if removed {
            conn.execute(
                "DELETE FROM account_assignments WHERE instance_arn = ?1 AND account_id = ?2 \
                 AND permission_set_arn = ?3 AND principal_type = ?4 AND principal_id = ?5",
                [
                    assignment.instance_arn.as_str(),
                    &assignment.account_id,
                    &assignment.permission_set_arn,
                    assignment.principal_type.as_str(),
                    &assignment.principal_id,
                ],
            )
            .unwrap();
        } else {
            kept.push(assignment.clone());
        }
    }
    let template = model
        .account_assignments
        .iter()
        .find(|assignment| assignment.permission_set_arn == unreached)
        .unwrap();
    let added = idcdb_simulator::model::AccountAssignment {
        principal_type: PrincipalType::Group,
        principal_id: empty_group,
        ..template.clone()
    };
    conn.execute(
        "INSERT INTO account_assignments (instance_arn, account_id, permission_set_arn, \
         principal_type, principal_id, principal_missing) VALUES (?1, ?2, ?3, 'GROUP', ?4, 0)",
        [
            added.instance_arn.as_str(),
            &added.account_id,
            &added.permission_set_arn,
            &added.principal_id,
        ],
    )
    .unwrap();
    drop(conn);
    kept.push(added);
    model.account_assignments = kept;

    let expected = expected_unused_permission_sets(&model);
    let statuses: HashSet<&str> = expected.iter().map(|row| row[2].as_str()).collect();
    for status in [
        "not provisioned",
        "provisioned, no assignments",
        "assigned, reaches no user",
    ] {
        assert!(statuses.contains(status), "{status} is in the fixture");
    }

    let actual = query(&copy, "unused-permission-sets", &[]);
    assert_rows(
        &actual,
        &UNUSED_COLUMNS,
        expected,
        "unused-permission-sets of every status",
    );
}

#[test]
fn empty_groups_match_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let model = &synced.model;
        let truth = Truth::new(model);

        let mut expected = Vec::new();
        for group in &model.groups {
            let store = group.identity_store_id.as_str();
            let members = truth
                .members
                .get(&(store, group.id.as_str()))
                .map_or(0, Vec::len);
            let account_assignments = model
                .account_assignments
                .iter()
                .filter(|assignment| {
                    assignment.principal_type == PrincipalType::Group
                        && assignment.principal_id == group.id
                        && truth.stores[assignment.instance_arn.as_str()] == store
                })
                .count();
            let application_assignments = model
                .application_assignments
                .iter()
                .filter(|assignment| {
                    let application = truth.applications[assignment.application_arn.as_str()];
                    assignment.principal_type == PrincipalType::Group
                        && assignment.principal_id == group.id
                        && truth.application_store(application) == store
                })
                .count();
            let unassigned = account_assignments + application_assignments == 0;
            let reason = match (members == 0, unassigned) {
                (true, true) => "no members and no assignments",
                (true, false) => "no members",
                (false, true) => "no assignments",
                (false, false) => continue,
            };
            expected.push(vec![
                group.display_name.clone(),
                group.id.clone(),
                group.identity_store_id.clone(),
                reason.to_string(),
                members.to_string(),
                account_assignments.to_string(),
                application_assignments.to_string(),
            ]);
        }
        let reasons: HashSet<&str> = expected.iter().map(|row| row[3].as_str()).collect();
        assert!(reasons.contains("no members"), "seed {seed}");
        assert!(reasons.contains("no assignments"), "seed {seed}");

        let actual = query(&synced.db, "empty-groups", &[]);
        assert_rows(
            &actual,
            &[
                "group_name",
                "group_id",
                "identity_store_id",
                "reason",
                "members",
                "account_assignments",
                "application_assignments",
            ],
            expected,
            "empty-groups",
        );
    }
}

const DISABLED_COLUMNS: [&str; 9] = [
    "user_name",
    "user_id",
    "status",
    "access_type",
    "target_id",
    "target_name",
    "permission_set_name",
    "permission_set_arn",
    "via",
];

/// Builds the expected disabled-users-with-access rows for the users whose
/// status (compared case-insensitively, as the report does) is DISABLED.
fn disabled_rows(
    model: &Model,
    truth: &Truth<'_>,
    application_paths: &[ApplicationPath<'_>],
    statuses: &[(&str, &str)],
) -> Vec<Vec<String>> {
    let mut expected = Vec::new();
    for (user_id, status) in statuses {
        if !status.eq_ignore_ascii_case("DISABLED") {
            continue;
        }
        let user = model.users.iter().find(|user| user.id == *user_id).unwrap();
        let prefix = [user.user_name.as_str(), user_id, status];
        for access in truth
            .account_access
            .iter()
            .filter(|a| a.user_id == *user_id)
        {
            let mut full = row(&prefix);
            full.extend([
                "account".to_string(),
                access.account_id.to_string(),
                text(access.account_name),
                access.permission_set_name.to_string(),
                access.permission_set_arn.to_string(),
                access.via.to_string(),
            ]);
            expected.push(full);
        }
        for path in application_paths.iter().filter(|p| p.user.id == *user_id) {
            let mut full = row(&prefix);
            full.extend([
                "application".to_string(),
                path.application.arn.clone(),
                path.application.name.clone(),
                String::new(),
                String::new(),
                path.via.to_string(),
            ]);
            expected.push(full);
        }
    }
    expected
}

#[test]
fn disabled_users_with_access_match_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let model = &synced.model;
        let truth = Truth::new(model);

        // The simulator disables some users; their rows come from the model.
        let application_paths = truth.assigned_application_paths();
        let model_statuses: Vec<(&str, &str)> = model
            .users
            .iter()
            .filter_map(|user| Some((user.id.as_str(), user.status.as_deref()?)))
            .collect();
        let expected = disabled_rows(model, &truth, &application_paths, &model_statuses);
        assert!(
            !expected.is_empty(),
            "seed {seed}: no disabled user has access"
        );
        let actual = query(&synced.db, "disabled-users-with-access", &[]);
        assert_rows(
            &actual,
            &DISABLED_COLUMNS,
            expected,
            "disabled-users-with-access with the simulator's statuses",
        );

        // Mark chosen users in a copy, after clearing every status: one with
        // account access through a group and directly, one with application
        // access only, one without access, and one enabled user with access.
        let both = truth
            .account_access
            .iter()
            .find(|access| {
                access.via == "direct"
                    && truth
                        .account_access
                        .iter()
                        .any(|other| other.user_id == access.user_id && other.via != "direct")
            })
            .unwrap()
            .user_id;
        let application_only = application_paths
            .iter()
            .map(|path| path.user.id.as_str())
            .find(|id| !truth.account_access.iter().any(|a| a.user_id == *id))
            .expect("a user with application access only");
        let without_access = model
            .users
            .iter()
            .map(|user| user.id.as_str())
            .find(|id| {
                !truth.account_access.iter().any(|a| a.user_id == *id)
                    && !application_paths.iter().any(|path| path.user.id == *id)
            })
            .expect("a user without access");
        let enabled = truth
            .account_access
            .iter()
            .map(|access| access.user_id)
            .find(|id| *id != both)
            .unwrap();
        let statuses = [
            (both, "DISABLED"),
            (application_only, "Disabled"),
            (without_access, "DISABLED"),
            (enabled, "ENABLED"),
        ];

        let (copy, conn) = synced.writable_copy("statuses.db");
        conn.execute("UPDATE users SET status = NULL", []).unwrap();
        for (user_id, status) in statuses {
            conn.execute(
                "UPDATE users SET status = ?1 WHERE user_id = ?2",
                [status, user_id],
            )
            .unwrap();
        }
        drop(conn);

        let expected = disabled_rows(model, &truth, &application_paths, &statuses);
        assert!(expected.iter().any(|row| row[3] == "application"));
        assert!(expected.iter().any(|row| row[3] == "account"));

        let actual = query(&copy, "disabled-users-with-access", &[]);
        assert_rows(
            &actual,
            &DISABLED_COLUMNS,
            expected,
            "disabled-users-with-access",
        );
    }
}

#[test]
fn users_without_access_match_model() {
    for seed in SEEDS {
        let synced = synced(seed);
        let model = &synced.model;
        let truth = Truth::new(model);

        let with_access: HashSet<&str> = truth
            .account_access
            .iter()
            .map(|access| access.user_id)
            .chain(
                truth
                    .assigned_application_paths()
                    .iter()
                    .map(|path| path.user.id.as_str()),
            )
            .collect();
        let expected: Vec<Vec<String>> = model
            .users
            .iter()
            .filter(|user| !with_access.contains(user.id.as_str()))
            .map(|user| {
                let groups = model
                    .group_memberships
                    .iter()
                    .filter(|membership| {
                        membership.user_id == user.id
                            && membership.identity_store_id == user.identity_store_id
                    })
                    .count();
                let open = model
                    .applications
                    .iter()
                    .filter(|application| {
                        !application.assignment_required
                            && truth.application_store(application) == user.identity_store_id
                    })
                    .count();
                vec![
                    user.user_name.clone(),
                    user.id.clone(),
                    text(user.display_name.as_deref()),
                    user.identity_store_id.clone(),
                    text(user.status.as_deref()),
                    groups.to_string(),
                    open.to_string(),
                ]
            })
            .collect();
        assert!(
            expected.iter().any(|row| row[5] != "0"),
            "a member of unassigned groups only"
        );

        let actual = query(&synced.db, "users-without-access", &[]);
        assert_rows(
            &actual,
            &[
                "user_name",
                "user_id",
                "display_name",
                "identity_store_id",
                "status",
                "group_count",
                "open_applications",
            ],
            expected,
            "users-without-access",
        );
    }
}

/// Parameters that make every report return rows on the test snapshot.
fn report_params(model: &Model) -> HashMap<&'static str, Vec<(&'static str, String)>> {
    let truth = Truth::new(model);
    let user = truth
        .account_access
        .iter()
        .find(|access| access.via != "direct")
        .unwrap()
        .user_name
        .to_string();
    HashMap::from([("user-access", vec![("user", user)])])
}

/// Names of the reports in `queries/`, from the file names.
fn report_files() -> BTreeSet<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".sql").map(str::to_string))
        .collect()
}

/// Splits one Markdown table line into its cells, undoing the escapes of
/// `\|` and `\\`.
fn markdown_cells(line: &str) -> Vec<String> {
    let inner = line
        .strip_prefix("| ")
        .and_then(|line| line.strip_suffix(" |"))
        .unwrap_or_else(|| panic!("not a table row: {line:?}"));
    let mut cells = vec![String::new()];
    let mut characters = inner.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\\' => cells
                .last_mut()
                .unwrap()
                .push(characters.next().expect("escaped character")),
            ' ' if characters.peek() == Some(&'|') => {
                characters.next();
                assert_eq!(characters.next(), Some(' '), "cell separator in {line:?}");
                cells.push(String::new());
            }
            '|' => panic!("unescaped pipe in {line:?}"),
            _ => cells.last_mut().unwrap().push(character),
        }
    }
    cells
}

fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Runs one report in every format and checks that each format contains
/// the same rows as CSV. Returns the CSV rows.
fn check_formats(db: &Path, report: &str, params: &[(&str, &str)]) -> Vec<Vec<String>> {
    let run = |format: &str| {
        let output = run_report(db, report, params, format);
        assert!(
            output.status.success(),
            "{report} as {format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("output is UTF-8")
    };

    let (columns, rows) = parse_csv(run("csv").as_bytes());

    let json: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&run("json")).expect("JSON output is valid");
    let ndjson: Vec<serde_json::Map<String, serde_json::Value>> = run("ndjson")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each NDJSON line is valid"))
        .collect();
    assert_eq!(json, ndjson, "{report}: JSON and NDJSON hold the same rows");
    let json_rows: Vec<Vec<String>> = json
        .iter()
        .map(|object| {
            assert_eq!(object.len(), columns.len(), "{report}: JSON keys");
            columns
                .iter()
                .map(|column| json_text(&object[column]))
                .collect()
        })
        .collect();
    assert_eq!(json_rows, rows, "{report}: JSON and CSV hold the same rows");

    let markdown = run("markdown");
    let lines: Vec<&str> = markdown.lines().collect();
    assert_eq!(
        lines.len(),
        rows.len() + 2,
        "{report}: Markdown has a header, a separator and one line per row"
    );
    assert_eq!(
        markdown_cells(lines[0]),
        columns,
        "{report}: Markdown header"
    );
    for (line, csv_row) in lines[2..].iter().zip(&rows) {
        let expected: Vec<String> = csv_row
            .iter()
            .map(|cell| cell.replace("\r\n", "<br>").replace('\n', "<br>"))
            .collect();
        assert_eq!(markdown_cells(line), expected, "{report}: Markdown row");
    }

    let table = run("table");
    for csv_row in &rows {
        for cell in csv_row {
            for part in cell.lines() {
                assert!(table.contains(part), "{report}: the table lacks {part:?}");
            }
        }
    }
    rows
}

#[test]
fn formats_keep_special_characters() {
    let synced = synced(SEEDS[0]);
    let mut model = synced.model.clone();

    // Give a group that grants access and an account that is reached names
    // with a pipe, a backslash, quotes, commas, accents, CJK text and a line
    // break, in the copy and in the model alike.
    let (group_id, account_id) = {
        let access = model
            .expected_account_access()
            .into_iter()
            .find(|access| access.via != "direct" && access.account_name.is_some())
            .map(|access| (access.via.to_string(), access.account_id.to_string()))
            .unwrap();
        let group = model
            .groups
            .iter()
            .find(|group| group.display_name == access.0)
            .unwrap();
        (group.id.clone(), access.1)
    };
    let group_name = "Ops | \"Tier 1\", Zürich 東京 \\ team";
    let account_name = "Prod | EU, \"west\"\nÅlesund 開発";

    let (copy, conn) = synced.writable_copy("special.db");
    conn.execute(
        "UPDATE groups SET display_name = ?1 WHERE group_id = ?2",
        [group_name, group_id.as_str()],
    )
    .unwrap();
    // A disabled member of that group gives disabled-users-with-access rows.
    conn.execute(
        "UPDATE users SET status = 'DISABLED' WHERE user_id IN \
         (SELECT user_id FROM group_memberships WHERE group_id = ?1)",
        [group_id.as_str()],
    )
    .unwrap();
    conn.execute(
        "UPDATE accounts SET name = ?1 WHERE account_id = ?2",
        [account_name, account_id.as_str()],
    )
    .unwrap();
    drop(conn);
    for group in model.groups.iter_mut().filter(|group| group.id == group_id) {
        group.display_name = group_name.to_string();
    }
    for account in model
        .accounts
        .iter_mut()
        .filter(|account| account.id == account_id)
    {
        account.name = account_name.to_string();
    }

    let params = report_params(&model);
    for report in report_files() {
        let params: Vec<(&str, &str)> = params
            .get(report.as_str())
            .map(|pairs| {
                pairs
                    .iter()
                    .map(|(name, value)| (*name, value.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let rows = check_formats(&copy, &report, &params);
        assert!(!rows.is_empty(), "{report} returns rows on the demo");
    }

    // The edited names come out exactly as the model has them.
    let truth = Truth::new(&model);
    let actual = query(&copy, "account-access", &[]);
    let expected: Vec<Vec<String>> = truth.account_access.iter().map(access_row).collect();
    assert!(expected.iter().any(|row| row[6] == group_name));
    assert!(expected.iter().any(|row| row[3] == account_name));
    assert_rows(
        &actual,
        &ACCOUNT_ACCESS_COLUMNS,
        expected,
        "account-access with special characters",
    );
    let actual = query(&copy, "group-members", &[("group", group_name)]);
    assert_rows(
        &actual,
        &GROUP_MEMBERS_COLUMNS,
        expected_group_members(&truth, Some(group_name)),
        "group-members of the renamed group",
    );
}

#[test]
fn reports_lists_every_report() {
    let output = common::idcdb()
        .args(["reports", "--format", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let (columns, rows) = parse_csv(&output.stdout);
    assert_eq!(columns, ["name", "title", "question", "params"]);

    let listed: BTreeSet<String> = rows.iter().map(|row| row[0].clone()).collect();
    assert_eq!(listed, report_files());
    assert_eq!(listed.len(), 12);
    for row in &rows {
        assert!(!row[1].is_empty(), "{} has a title", row[0]);
        assert!(row[2].ends_with('?'), "{} asks a question", row[0]);
    }
    let user_access = rows.iter().find(|row| row[0] == "user-access").unwrap();
    assert!(
        user_access[3].starts_with("user (required):"),
        "{}",
        user_access[3]
    );
}

/// Asserts a failed query: exit code 6, nothing on stdout, and stderr
/// containing each of `needles`.
fn assert_query_error(output: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(QUERY_ERROR), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "stdout stays empty");
    for needle in needles {
        assert!(stderr.contains(needle), "stderr lacks {needle:?}: {stderr}");
    }
}

#[test]
fn unknown_report_lists_reports() {
    let synced = synced(SEEDS[0]);
    let output = run_report(&synced.db, "who-is-admin", &[], "csv");
    let mut needles = vec!["unknown report \"who-is-admin\""];
    let names = report_files();
    needles.extend(names.iter().map(String::as_str));
    assert_query_error(&output, &needles);
}

#[test]
fn missing_required_param_is_named() {
    let synced = synced(SEEDS[0]);
    let output = run_report(&synced.db, "user-access", &[], "csv");
    assert_query_error(
        &output,
        &["missing parameter \"user\"", "--param user=VALUE"],
    );
}

#[test]
fn unknown_param_lists_known_params() {
    let synced = synced(SEEDS[0]);
    let output = run_report(&synced.db, "group-members", &[("grop", "Admins")], "csv");
    assert_query_error(
        &output,
        &["unknown parameter \"grop\"", "this query takes: group"],
    );

    let output = run_report(
        &synced.db,
        "privileged-access",
        &[("user", "someone"), ("reason", "x")],
        "csv",
    );
    assert_query_error(
        &output,
        &[
            "unknown parameter \"reason\"",
            "account, user, permission_set",
        ],
    );
}

#[test]
fn denied_account_names_warn() {
    let options = Options::fast().with_fault(Fault::on("ListAccounts", FaultKind::AccessDenied));
    let synced = sync_with(SEEDS[0], options);

    // Without ListAccounts the snapshot has accounts only from assignments
    // and provisioned permission sets, by ID.
    let mut model = synced.model.clone();
    model.accounts.clear();
    let truth = Truth::new(&model);
    let actual = query(&synced.db, "access-by-account", &[]);
    assert_rows(
        &actual,
        &ACCESS_BY_ACCOUNT_COLUMNS,
        expected_access_by_account(&truth),
        "access-by-account without account names",
    );
    assert!(
        actual
            .stderr
            .contains("warning: this report depends on accounts"),
        "stderr: {}",
        actual.stderr
    );
    assert!(
        actual
            .stderr
            .contains("organizations:ListAccounts was denied")
    );

    let params = report_params(&model);
    for report in report_files() {
        let params: Vec<(&str, &str)> = params
            .get(report.as_str())
            .map(|pairs| pairs.iter().map(|(n, v)| (*n, v.as_str())).collect())
            .unwrap_or_default();
        let output = query(&synced.db, &report, &params);
        let requires_accounts = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("queries")
                .join(format!("{report}.sql")),
        )
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix("-- requires:"))
        .is_some_and(|parts| parts.split(',').any(|part| part.trim() == "accounts"));
        assert_eq!(
            output.stderr.contains("depends on accounts"),
            requires_accounts,
            "{report} warns exactly when it requires accounts: {}",
            output.stderr
        );
    }
}
