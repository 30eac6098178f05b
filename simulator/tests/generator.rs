//! Tests of the model generator and the ground truth computed from a model.

use std::collections::{HashMap, HashSet};

use idcdb_simulator::model::{InstanceKind, PrincipalType, ProvisioningStatus, VIA_DIRECT};
use idcdb_simulator::{Model, Size, generate};

#[test]
fn same_seed_gives_same_model() {
    let first = generate(42, &Size::demo());
    let second = generate(42, &Size::demo());

    assert_eq!(first, second);
}

#[test]
fn different_seeds_give_different_models() {
    let first = generate(1, &Size::demo());
    let second = generate(2, &Size::demo());

    assert_ne!(first.organization.id, second.organization.id);
    assert_ne!(first.users, second.users);
}

/// Pins a few generated values, so that a change of the random stream or of
/// the generator shows up here before it silently changes benchmark data.
/// Update the literals only for an intended change of the generated data.
#[test]
fn seed_output_is_stable() {
    let model = generate(3, &Size::demo());

    assert_eq!(model.organization.id, "o-wcldv3hhki");
    assert_eq!(
        model.users[0].id,
        "01178e9a09-da1e52ac-fd9e-42c0-8c78-0bb43ffac646"
    );
    assert_eq!(model.users[0].user_name, "chloe.smith@example.com");
    assert_eq!(model.account_assignments.len(), 131);
}

#[test]
fn demo_size_counts() {
    let size = Size::demo();
    let model = generate(3, &size);
    let org_store = &model.instances[0].identity_store_id;

    assert_eq!(model.accounts.len(), size.accounts);
    assert_eq!(model.permission_sets.len(), size.permission_sets);
    assert_eq!(
        model
            .users
            .iter()
            .filter(|u| &u.identity_store_id == org_store)
            .count(),
        size.users
    );
    assert_eq!(
        model
            .groups
            .iter()
            .filter(|g| &g.identity_store_id == org_store)
            .count(),
        size.groups
    );
    assert_eq!(model.instances.len(), 2);
    assert_eq!(model.instances[0].kind, InstanceKind::Organization);
    assert_eq!(model.instances[1].kind, InstanceKind::Account);
    assert!(model.applications.len() > size.applications);

    // The provisioned pairs plus the one pair in a removed account.
    let pairs: usize = model
        .permission_sets
        .iter()
        .map(|s| s.provisioned_accounts.len())
        .sum();
    assert_eq!(pairs, size.provisioned_pairs + 1);
}

#[test]
fn identifiers_follow_aws_formats() {
    let model = generate(5, &Size::demo());

    for account in &model.accounts {
        assert_eq!(account.id.len(), 12, "account {}", account.id);
        assert!(
            account.id.bytes().all(|b| b.is_ascii_digit()),
            "account {}",
            account.id
        );
        assert!(
            account.name.bytes().all(|b| (0x20..0x7f).contains(&b)),
            "account name {}",
            account.name
        );
    }
    for set in &model.permission_sets {
        assert!(
            set.arn.starts_with("arn:aws:sso:::permissionSet/ssoins-"),
            "{}",
            set.arn
        );
        assert!(set.name.len() <= 32, "{}", set.name);
        assert!(
            set.session_duration.starts_with("PT"),
            "{}",
            set.session_duration
        );
    }
    for instance in &model.instances {
        assert!(
            instance.arn.starts_with("arn:aws:sso:::instance/ssoins-"),
            "{}",
            instance.arn
        );
        assert!(
            instance.identity_store_id.starts_with("d-"),
            "{}",
            instance.identity_store_id
        );
    }
    let mut ids = HashSet::new();
    for id in model
        .users
        .iter()
        .map(|u| &u.id)
        .chain(model.groups.iter().map(|g| &g.id))
    {
        assert!(ids.insert(id), "duplicate principal id {id}");
    }
}

#[test]
fn users_have_one_primary_email() {
    let model = generate(9, &Size::small());

    for user in &model.users {
        let primary = user.emails.iter().filter(|email| email.primary).count();
        assert_eq!(primary, 1, "user {}", user.user_name);
    }
}

#[test]
fn user_names_are_unique_per_store() {
    let model = generate(9, &Size::small());
    let mut seen = HashSet::new();

    for user in &model.users {
        assert!(
            seen.insert((&user.identity_store_id, &user.user_name)),
            "duplicate user name {}",
            user.user_name
        );
    }
}

#[test]
fn names_contain_hard_characters() {
    let model = generate(11, &Size::small());
    let display_names: Vec<&str> = model
        .users
        .iter()
        .filter_map(|u| u.display_name.as_deref())
        .collect();
    let group_names: Vec<&str> = model
        .groups
        .iter()
        .map(|g| g.display_name.as_str())
        .collect();

    assert!(
        display_names.iter().any(|n| n.contains(',')),
        "no comma in user display names"
    );
    assert!(
        display_names.iter().any(|n| n.contains('"')),
        "no quote in user display names"
    );
    assert!(
        display_names
            .iter()
            .any(|n| n.chars().any(|c| ('\u{c0}'..='\u{24f}').contains(&c))),
        "no accent"
    );
    assert!(
        display_names
            .iter()
            .any(|n| n.chars().any(|c| c >= '\u{3040}')),
        "no CJK user name"
    );
    assert!(
        group_names.iter().any(|n| n.contains(',')),
        "no comma in group names"
    );
    assert!(
        group_names
            .iter()
            .any(|n| n.chars().any(|c| c >= '\u{3040}')),
        "no CJK group name"
    );
    assert!(
        model.accounts.iter().any(|a| a.name.contains('"')),
        "no quote in account names"
    );
}

#[test]
fn policies_cover_common_cases() {
    let model = generate(13, &Size::demo());
    let managed: HashSet<&str> = model
        .permission_sets
        .iter()
        .flat_map(|s| s.managed_policies.iter().map(|p| p.name.as_str()))
        .collect();

    assert!(managed.contains("AdministratorAccess"));
    assert!(managed.contains("PowerUserAccess"));
    assert!(managed.contains("ReadOnlyAccess"));
    assert!(
        model
            .permission_sets
            .iter()
            .filter_map(|s| s.inline_policy.as_deref())
            .any(|policy| policy.contains("\"Action\":\"*\""))
    );
    assert!(
        model
            .permission_sets
            .iter()
            .any(|s| s.permissions_boundary.is_some())
    );
    assert!(
        model
            .permission_sets
            .iter()
            .any(|s| s.permissions_boundary.is_none())
    );
    assert!(
        model
            .permission_sets
            .iter()
            .any(|s| !s.customer_managed_policies.is_empty())
    );

    for policy in model
        .permission_sets
        .iter()
        .filter_map(|s| s.inline_policy.as_deref())
    {
        let parsed: serde_json::Value =
            serde_json::from_str(policy).expect("inline policy is JSON");
        assert_eq!(parsed["Version"], "2012-10-17");
    }
}

#[test]
fn edge_cases_are_present() {
    let model = generate(17, &Size::demo());
    let user_ids: HashSet<&str> = model.users.iter().map(|u| u.id.as_str()).collect();
    let group_ids: HashSet<&str> = model.groups.iter().map(|g| g.id.as_str()).collect();
    let account_ids: HashSet<&str> = model.accounts.iter().map(|a| a.id.as_str()).collect();
    let members: HashSet<&str> = model
        .group_memberships
        .iter()
        .map(|m| m.group_id.as_str())
        .collect();

    let deleted_user = model.account_assignments.iter().any(|a| {
        a.principal_type == PrincipalType::User && !user_ids.contains(a.principal_id.as_str())
    });
    let deleted_group = model.account_assignments.iter().any(|a| {
        a.principal_type == PrincipalType::Group && !group_ids.contains(a.principal_id.as_str())
    });
    let removed_account = model
        .account_assignments
        .iter()
        .any(|a| !account_ids.contains(a.account_id.as_str()));
    let empty_group = model
        .groups
        .iter()
        .any(|g| !members.contains(g.id.as_str()));
    let never_assigned = model
        .permission_sets
        .iter()
        .any(|s| s.provisioned_accounts.is_empty());
    let not_provisioned = model
        .permission_sets
        .iter()
        .flat_map(|s| &s.provisioned_accounts)
        .any(|p| p.status == ProvisioningStatus::LatestPermissionSetNotProvisioned);

    assert!(deleted_user, "no assignment of a deleted user");
    assert!(deleted_group, "no assignment of a deleted group");
    assert!(removed_account, "no assignment in a removed account");
    assert!(empty_group, "no empty group");
    assert!(never_assigned, "no permission set that is never assigned");
    assert!(
        not_provisioned,
        "no pair with an outdated provisioning status"
    );
}

#[test]
fn expected_access_matches_hand_count() {
    let model = generate(19, &Size::demo());
    let rows = model.expected_account_access();
    let expected = count_paths(&model);

    assert_eq!(rows.len(), expected);
    assert!(
        rows.windows(2).all(|pair| pair[0] < pair[1]),
        "rows are not sorted and unique"
    );
}

#[test]
fn expected_access_has_direct_and_group_paths() {
    let model = generate(19, &Size::demo());
    let rows = model.expected_account_access();
    let mut paths: HashMap<(&str, &str, &str), Vec<&str>> = HashMap::new();
    for row in &rows {
        paths
            .entry((row.user_id, row.account_id, row.permission_set_arn))
            .or_default()
            .push(row.via);
    }

    let both = paths
        .values()
        .any(|vias| vias.contains(&VIA_DIRECT) && vias.iter().any(|via| *via != VIA_DIRECT));
    assert!(
        both,
        "no user reaches a pair both directly and through a group"
    );
    assert!(
        rows.iter().any(|row| row.account_name.is_none()),
        "no row for a removed account"
    );
}

#[test]
fn expected_access_skips_deleted_principals() {
    let model = generate(23, &Size::demo());
    let user_ids: HashSet<&str> = model.users.iter().map(|u| u.id.as_str()).collect();

    for row in model.expected_account_access() {
        assert!(
            user_ids.contains(row.user_id),
            "row for unknown user {}",
            row.user_id
        );
    }
}

#[test]
fn write_json_round_trips() {
    let model = generate(29, &Size::demo());
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = directory.path().join("model.json");

    model.write_json(&path).expect("model written");
    let text = std::fs::read_to_string(&path).expect("model read");
    let parsed: Model = serde_json::from_str(&text).expect("model parsed");

    assert_eq!(parsed, model);
}

#[test]
fn large_size_counts() {
    let size = Size::large();
    let model = generate(1, &size);
    let org_store = &model.instances[0].identity_store_id;

    assert_eq!(model.accounts.len(), 1_000);
    assert_eq!(model.permission_sets.len(), 200);
    assert_eq!(
        model
            .users
            .iter()
            .filter(|u| &u.identity_store_id == org_store)
            .count(),
        50_000
    );
    assert_eq!(
        model
            .groups
            .iter()
            .filter(|g| &g.identity_store_id == org_store)
            .count(),
        2_000
    );
    let pairs: usize = model
        .permission_sets
        .iter()
        .map(|s| s.provisioned_accounts.len())
        .sum();
    assert_eq!(pairs, 5_001);
    assert!(!model.expected_account_access().is_empty());
}

/// Counts access paths with plain loops, independently of
/// `expected_account_access`.
fn count_paths(model: &Model) -> usize {
    let mut count = 0;
    for assignment in &model.account_assignments {
        match assignment.principal_type {
            PrincipalType::User => {
                if model.users.iter().any(|u| u.id == assignment.principal_id) {
                    count += 1;
                }
            }
            PrincipalType::Group => {
                if !model.groups.iter().any(|g| g.id == assignment.principal_id) {
                    continue;
                }
                count += model
                    .group_memberships
                    .iter()
                    .filter(|m| m.group_id == assignment.principal_id)
                    .filter(|m| model.users.iter().any(|u| u.id == m.user_id))
                    .count();
            }
        }
    }
    count
}
