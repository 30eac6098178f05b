//! Every simulated operation called through the real AWS SDK for Rust, with
//! pagination to the end and results compared with the model.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_identitystore::types::MemberId;
use aws_sdk_ssoadmin::error::ProvideErrorMetadata;
use aws_sdk_ssoadmin::types::{ListApplicationsFilter, ProvisioningStatus};
use common::{ClientSettings, sdk_config};
use idcdb_simulator::model::{InstanceKind, PermissionsBoundary, PrincipalType, VIA_DIRECT};
use idcdb_simulator::{Model, Options, Simulator, Size, generate};

struct Clients {
    organizations: aws_sdk_organizations::Client,
    sso_admin: aws_sdk_ssoadmin::Client,
    identity_store: aws_sdk_identitystore::Client,
    sts: aws_sdk_sts::Client,
}

fn start(size: &Size) -> (Simulator, Clients) {
    let simulator =
        Simulator::start(generate(31, size), Options::fast()).expect("simulator starts");
    let config = sdk_config(&simulator, ClientSettings::default());
    let clients = Clients {
        organizations: aws_sdk_organizations::Client::new(&config),
        sso_admin: aws_sdk_ssoadmin::Client::new(&config),
        identity_store: aws_sdk_identitystore::Client::new(&config),
        sts: aws_sdk_sts::Client::new(&config),
    };
    (simulator, clients)
}

fn organization_instance(model: &Model) -> (&str, &str) {
    let instance = model
        .organization_instance()
        .expect("organization instance");
    (instance.arn.as_str(), instance.identity_store_id.as_str())
}

#[tokio::test]
async fn list_accounts_pages_of_20() {
    let (simulator, clients) = start(&Size::small());
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut token = None;

    loop {
        let page = clients
            .organizations
            .list_accounts()
            .set_next_token(token)
            .send()
            .await
            .expect("ListAccounts succeeds");
        assert!(
            page.accounts().len() <= 20,
            "page of {} accounts",
            page.accounts().len()
        );
        ids.extend(
            page.accounts()
                .iter()
                .filter_map(|a| a.id().map(str::to_owned)),
        );
        pages += 1;
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }

    let expected: Vec<String> = simulator
        .model()
        .accounts
        .iter()
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(pages, expected.len().div_ceil(20));
}

#[tokio::test]
async fn organizations_account_fields() {
    let (simulator, clients) = start(&Size::demo());
    let pages = clients
        .organizations
        .list_accounts()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .expect("ListAccounts succeeds");
    let accounts: Vec<_> = pages.iter().flat_map(|page| page.accounts()).collect();

    for (account, expected) in accounts.iter().zip(&simulator.model().accounts) {
        assert_eq!(account.name(), Some(expected.name.as_str()));
        assert_eq!(account.email(), Some(expected.email.as_str()));
        assert_eq!(account.arn(), Some(expected.arn.as_str()));
        assert_eq!(
            account.status().map(|s| s.as_str()),
            Some(expected.status.as_str())
        );
        assert_eq!(
            account.joined_timestamp().map(|t| t.secs()),
            Some(expected.joined_timestamp)
        );
    }
    assert_eq!(accounts.len(), simulator.model().accounts.len());
}

#[tokio::test]
async fn organizations_describe_organization() {
    let (simulator, clients) = start(&Size::demo());

    let output = clients
        .organizations
        .describe_organization()
        .send()
        .await
        .expect("DescribeOrganization succeeds");

    let organization = output.organization().expect("organization");
    let expected = &simulator.model().organization;
    assert_eq!(organization.id(), Some(expected.id.as_str()));
    assert_eq!(
        organization.master_account_id(),
        Some(expected.management_account_id.as_str())
    );
    assert_eq!(organization.feature_set().map(|f| f.as_str()), Some("ALL"));
}

#[tokio::test]
async fn sso_admin_instances() {
    let (simulator, clients) = start(&Size::demo());

    let output = clients
        .sso_admin
        .list_instances()
        .send()
        .await
        .expect("ListInstances succeeds");

    let model = simulator.model();
    assert_eq!(output.instances().len(), model.instances.len());
    for (listed, expected) in output.instances().iter().zip(&model.instances) {
        assert_eq!(listed.instance_arn(), Some(expected.arn.as_str()));
        assert_eq!(
            listed.identity_store_id(),
            Some(expected.identity_store_id.as_str())
        );
        assert_eq!(
            listed.owner_account_id(),
            Some(expected.owner_account_id.as_str())
        );
        assert_eq!(
            listed.created_date().map(|d| d.secs()),
            Some(expected.created_date)
        );

        let described = clients
            .sso_admin
            .describe_instance()
            .instance_arn(&expected.arn)
            .send()
            .await
            .expect("DescribeInstance succeeds");
        assert_eq!(
            described.identity_store_id(),
            Some(expected.identity_store_id.as_str())
        );
        assert_eq!(described.name(), expected.name.as_deref());
        assert_eq!(described.status().map(|s| s.as_str()), Some("ACTIVE"));
    }
}

#[tokio::test]
async fn sso_admin_permission_sets_and_policies() {
    let (simulator, clients) = start(&Size::demo());
    let model = simulator.model();
    let (instance_arn, _) = organization_instance(model);

    let arns = clients
        .sso_admin
        .list_permission_sets()
        .instance_arn(instance_arn)
        .max_results(7)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("ListPermissionSets succeeds");
    let expected: Vec<&str> = model
        .permission_sets
        .iter()
        .map(|s| s.arn.as_str())
        .collect();
    assert_eq!(arns, expected);

    for set in &model.permission_sets {
        let described = clients
            .sso_admin
            .describe_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(&set.arn)
            .send()
            .await
            .expect("DescribePermissionSet succeeds");
        let described = described.permission_set().expect("permission set");
        assert_eq!(described.name(), Some(set.name.as_str()));
        assert_eq!(described.description(), set.description.as_deref());
        assert_eq!(
            described.session_duration(),
            Some(set.session_duration.as_str())
        );
        assert_eq!(described.relay_state(), set.relay_state.as_deref());
        assert_eq!(
            described.created_date().map(|d| d.secs()),
            Some(set.created_date)
        );

        let inline = clients
            .sso_admin
            .get_inline_policy_for_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(&set.arn)
            .send()
            .await
            .expect("GetInlinePolicyForPermissionSet succeeds");
        assert_eq!(
            inline.inline_policy().unwrap_or(""),
            set.inline_policy.as_deref().unwrap_or("")
        );

        let managed = clients
            .sso_admin
            .list_managed_policies_in_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(&set.arn)
            .send()
            .await
            .expect("ListManagedPoliciesInPermissionSet succeeds");
        let managed: Vec<(&str, &str)> = managed
            .attached_managed_policies()
            .iter()
            .map(|p| (p.name().unwrap_or(""), p.arn().unwrap_or("")))
            .collect();
        let expected: Vec<(&str, &str)> = set
            .managed_policies
            .iter()
            .map(|p| (p.name.as_str(), p.arn.as_str()))
            .collect();
        assert_eq!(managed, expected, "managed policies of {}", set.name);

        let customer = clients
            .sso_admin
            .list_customer_managed_policy_references_in_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(&set.arn)
            .send()
            .await
            .expect("ListCustomerManagedPolicyReferencesInPermissionSet succeeds");
        let customer: Vec<(&str, Option<&str>)> = customer
            .customer_managed_policy_references()
            .iter()
            .map(|r| (r.name(), r.path()))
            .collect();
        let expected: Vec<(&str, Option<&str>)> = set
            .customer_managed_policies
            .iter()
            .map(|r| (r.name.as_str(), Some(r.path.as_str())))
            .collect();
        assert_eq!(
            customer, expected,
            "customer managed policies of {}",
            set.name
        );

        let boundary = clients
            .sso_admin
            .get_permissions_boundary_for_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(&set.arn)
            .send()
            .await;
        match (&set.permissions_boundary, boundary) {
            (None, Err(error)) => assert_eq!(error.code(), Some("ResourceNotFoundException")),
            (Some(PermissionsBoundary::ManagedPolicyArn(arn)), Ok(output)) => {
                let boundary = output.permissions_boundary().expect("boundary");
                assert_eq!(boundary.managed_policy_arn(), Some(arn.as_str()));
            }
            (Some(PermissionsBoundary::CustomerManaged(reference)), Ok(output)) => {
                let boundary = output.permissions_boundary().expect("boundary");
                let listed = boundary
                    .customer_managed_policy_reference()
                    .expect("reference");
                assert_eq!(listed.name(), reference.name);
                assert_eq!(listed.path(), Some(reference.path.as_str()));
            }
            (expected, actual) => panic!(
                "boundary of {}: expected {expected:?}, got {actual:?}",
                set.name
            ),
        }

        let tags = clients
            .sso_admin
            .list_tags_for_resource()
            .instance_arn(instance_arn)
            .resource_arn(&set.arn)
            .send()
            .await
            .expect("ListTagsForResource succeeds");
        let tags: Vec<(&str, &str)> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
        let expected: Vec<(&str, &str)> = set
            .tags
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        assert_eq!(tags, expected, "tags of {}", set.name);
    }
}

#[tokio::test]
async fn sso_admin_provisioning_listings() {
    let (simulator, clients) = start(&Size::demo());
    let model = simulator.model();
    let (instance_arn, _) = organization_instance(model);

    for set in &model.permission_sets {
        let all = clients
            .sso_admin
            .list_accounts_for_provisioned_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(&set.arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("ListAccountsForProvisionedPermissionSet succeeds");
        let expected: Vec<&str> = set
            .provisioned_accounts
            .iter()
            .map(|p| p.account_id.as_str())
            .collect();
        assert_eq!(all, expected, "accounts of {}", set.name);

        let outdated = clients
            .sso_admin
            .list_accounts_for_provisioned_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(&set.arn)
            .provisioning_status(ProvisioningStatus::LatestPermissionSetNotProvisioned)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("filtered ListAccountsForProvisionedPermissionSet succeeds");
        let expected: Vec<&str> = set
            .provisioned_accounts
            .iter()
            .filter(|p| p.status.as_str() == "LATEST_PERMISSION_SET_NOT_PROVISIONED")
            .map(|p| p.account_id.as_str())
            .collect();
        assert_eq!(outdated, expected, "outdated accounts of {}", set.name);
    }

    let mut per_account: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for set in &model.permission_sets {
        for provisioned in &set.provisioned_accounts {
            per_account
                .entry(provisioned.account_id.as_str())
                .or_default()
                .insert(set.arn.as_str());
        }
    }
    for account in &model.accounts {
        let listed = clients
            .sso_admin
            .list_permission_sets_provisioned_to_account()
            .instance_arn(instance_arn)
            .account_id(&account.id)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("ListPermissionSetsProvisionedToAccount succeeds");
        let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
        let expected = per_account
            .get(account.id.as_str())
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            listed, expected,
            "permission sets of account {}",
            account.id
        );
    }
}

#[tokio::test]
async fn account_assignments_of_every_pair() {
    let (simulator, clients) = start(&Size::small());
    let model = simulator.model();
    let (instance_arn, _) = organization_instance(model);
    let mut listed = 0;

    for set in &model.permission_sets {
        for provisioned in &set.provisioned_accounts {
            let assignments = clients
                .sso_admin
                .list_account_assignments()
                .instance_arn(instance_arn)
                .account_id(&provisioned.account_id)
                .permission_set_arn(&set.arn)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .expect("ListAccountAssignments succeeds");
            let expected: Vec<(&str, &str)> = model
                .account_assignments
                .iter()
                .filter(|a| {
                    a.account_id == provisioned.account_id && a.permission_set_arn == set.arn
                })
                .map(|a| (a.principal_type.as_str(), a.principal_id.as_str()))
                .collect();
            let actual: Vec<(&str, &str)> = assignments
                .iter()
                .map(|a| {
                    (
                        a.principal_type().map_or("", |t| t.as_str()),
                        a.principal_id().unwrap_or(""),
                    )
                })
                .collect();
            assert_eq!(
                actual, expected,
                "assignments of {} in {}",
                set.name, provisioned.account_id
            );
            listed += actual.len();
        }
    }

    assert_eq!(listed, model.account_assignments.len());
}

#[tokio::test]
async fn sso_admin_applications() {
    let (simulator, clients) = start(&Size::demo());
    let model = simulator.model();
    let mut seen = 0;
    let mut assignments_seen = 0;

    for instance in &model.instances {
        let applications = clients
            .sso_admin
            .list_applications()
            .instance_arn(&instance.arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("ListApplications succeeds");
        let expected: Vec<_> = model
            .applications
            .iter()
            .filter(|a| a.instance_arn == instance.arn)
            .collect();
        assert_eq!(applications.len(), expected.len());

        for (listed, application) in applications.iter().zip(expected) {
            assert_eq!(listed.application_arn(), Some(application.arn.as_str()));
            assert_eq!(listed.name(), Some(application.name.as_str()));
            assert_eq!(
                listed.application_provider_arn(),
                Some(application.provider_arn.as_str())
            );
            assert_eq!(
                listed.application_account(),
                Some(application.application_account.as_str())
            );
            assert_eq!(
                listed.status().map(|s| s.as_str()),
                Some(application.status.as_str())
            );
            let visibility = listed.portal_options().map(|p| p.visibility().as_str());
            assert_eq!(visibility, Some(application.portal_visibility.as_str()));

            let described = clients
                .sso_admin
                .describe_application()
                .application_arn(&application.arn)
                .send()
                .await
                .expect("DescribeApplication succeeds");
            assert_eq!(described.description(), application.description.as_deref());

            let configuration = clients
                .sso_admin
                .get_application_assignment_configuration()
                .application_arn(&application.arn)
                .send()
                .await
                .expect("GetApplicationAssignmentConfiguration succeeds");
            assert_eq!(
                configuration.assignment_required(),
                application.assignment_required
            );

            let assignments = clients
                .sso_admin
                .list_application_assignments()
                .application_arn(&application.arn)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .expect("ListApplicationAssignments succeeds");
            let expected = model
                .application_assignments
                .iter()
                .filter(|a| a.application_arn == application.arn)
                .count();
            assert_eq!(assignments.len(), expected);
            assignments_seen += assignments.len();
            seen += 1;
        }
    }

    assert_eq!(seen, model.applications.len());
    assert_eq!(assignments_seen, model.application_assignments.len());
}

#[tokio::test]
async fn sso_admin_list_applications_filter() {
    let (simulator, clients) = start(&Size::demo());
    let model = simulator.model();
    let (instance_arn, _) = organization_instance(model);
    let provider = &model.applications[0].provider_arn;

    let filtered = clients
        .sso_admin
        .list_applications()
        .instance_arn(instance_arn)
        .filter(
            ListApplicationsFilter::builder()
                .application_provider(provider)
                .build(),
        )
        .send()
        .await
        .expect("filtered ListApplications succeeds");

    let expected = model
        .applications
        .iter()
        .filter(|a| a.instance_arn == instance_arn && &a.provider_arn == provider)
        .count();
    assert_eq!(filtered.applications().len(), expected);
}

#[tokio::test]
async fn sso_admin_application_providers() {
    let (simulator, clients) = start(&Size::demo());
    let model = simulator.model();

    let providers = clients
        .sso_admin
        .list_application_providers()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("ListApplicationProviders succeeds");
    assert_eq!(providers.len(), model.application_providers.len());

    for provider in &model.application_providers {
        let described = clients
            .sso_admin
            .describe_application_provider()
            .application_provider_arn(&provider.arn)
            .send()
            .await
            .expect("DescribeApplicationProvider succeeds");
        assert_eq!(described.application_provider_arn(), provider.arn);
        let display = described.display_data().expect("display data");
        assert_eq!(display.display_name(), Some(provider.display_name.as_str()));
    }
}

#[tokio::test]
async fn list_users_pages_of_100() {
    let (simulator, clients) = start(&Size::small());
    let model = simulator.model();
    let (_, store) = organization_instance(model);
    let mut users = Vec::new();
    let mut token = None;

    loop {
        let page = clients
            .identity_store
            .list_users()
            .identity_store_id(store)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .expect("ListUsers succeeds");
        assert!(page.users().len() <= 100);
        users.extend(page.users().iter().cloned());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }

    let expected: Vec<_> = model
        .users
        .iter()
        .filter(|u| u.identity_store_id == store)
        .collect();
    assert_eq!(users.len(), expected.len());
    for (listed, user) in users.iter().zip(expected) {
        assert_eq!(listed.user_id(), user.id);
        assert_eq!(listed.user_name(), Some(user.user_name.as_str()));
        assert_eq!(listed.display_name(), user.display_name.as_deref());
        let primary = listed
            .emails()
            .iter()
            .find(|e| e.primary())
            .and_then(|e| e.value());
        let expected_primary = user
            .emails
            .iter()
            .find(|e| e.primary)
            .map(|e| e.value.as_str());
        assert_eq!(primary, expected_primary);
        let given = listed.name().and_then(|n| n.given_name());
        assert_eq!(
            given,
            user.name.as_ref().and_then(|n| n.given_name.as_deref())
        );
        assert_eq!(listed.external_ids().len(), user.external_ids.len());
    }
}

#[tokio::test]
async fn identity_store_groups_and_memberships() {
    let (simulator, clients) = start(&Size::small());
    let model = simulator.model();
    let (_, store) = organization_instance(model);

    let groups = clients
        .identity_store
        .list_groups()
        .identity_store_id(store)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("ListGroups succeeds");
    let expected: Vec<(&str, &str)> = model
        .groups
        .iter()
        .filter(|g| g.identity_store_id == store)
        .map(|g| (g.id.as_str(), g.display_name.as_str()))
        .collect();
    let actual: Vec<(&str, &str)> = groups
        .iter()
        .map(|g| (g.group_id(), g.display_name().unwrap_or("")))
        .collect();
    assert_eq!(actual, expected);

    let mut memberships = 0;
    for group in &groups {
        let members = clients
            .identity_store
            .list_group_memberships()
            .identity_store_id(store)
            .group_id(group.group_id())
            .max_results(25)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("ListGroupMemberships succeeds");
        for member in &members {
            assert!(
                matches!(member.member_id(), Some(MemberId::UserId(_))),
                "member is a user"
            );
            assert_eq!(member.group_id(), Some(group.group_id()));
        }
        memberships += members.len();
    }
    let expected = model
        .group_memberships
        .iter()
        .filter(|m| m.identity_store_id == store)
        .count();
    assert_eq!(memberships, expected);
}

#[tokio::test]
async fn identity_store_describe_user_and_group() {
    let (simulator, clients) = start(&Size::demo());
    let model = simulator.model();
    let user = &model.users[0];
    let group = &model.groups[0];

    let described_user = clients
        .identity_store
        .describe_user()
        .identity_store_id(&user.identity_store_id)
        .user_id(&user.id)
        .send()
        .await
        .expect("DescribeUser succeeds");
    let described_group = clients
        .identity_store
        .describe_group()
        .identity_store_id(&group.identity_store_id)
        .group_id(&group.id)
        .send()
        .await
        .expect("DescribeGroup succeeds");

    assert_eq!(described_user.user_name(), Some(user.user_name.as_str()));
    assert_eq!(described_user.title(), user.title.as_deref());
    assert_eq!(described_user.user_type(), user.user_type.as_deref());
    assert_eq!(
        described_group.display_name(),
        Some(group.display_name.as_str())
    );
    assert_eq!(described_group.description(), group.description.as_deref());
}

#[tokio::test]
async fn account_instance_has_own_identity_store() {
    let (simulator, clients) = start(&Size::demo());
    let model = simulator.model();
    let account_instance = model
        .instances
        .iter()
        .find(|i| i.kind == InstanceKind::Account)
        .expect("account instance");

    let users = clients
        .identity_store
        .list_users()
        .identity_store_id(&account_instance.identity_store_id)
        .send()
        .await
        .expect("ListUsers succeeds");

    let expected = model
        .users
        .iter()
        .filter(|u| u.identity_store_id == account_instance.identity_store_id)
        .count();
    assert_eq!(users.users().len(), expected);
}

#[tokio::test]
async fn sts_get_caller_identity_without_role() {
    let (simulator, clients) = start(&Size::demo());

    let identity = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity succeeds");

    let management = &simulator.model().organization.management_account_id;
    assert_eq!(identity.account(), Some(management.as_str()));
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:iam::{management}:user/idcdb-simulator").as_str())
    );
}

/// Rebuilds who-can-access-what from SDK responses alone, the way a sync does,
/// and compares it with the ground truth computed from the model.
#[tokio::test]
async fn sdk_data_reproduces_expected_access() {
    let (simulator, clients) = start(&Size::demo());
    let model = simulator.model();
    let (instance_arn, store) = organization_instance(model);

    let users = clients
        .identity_store
        .list_users()
        .identity_store_id(store)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("ListUsers succeeds");
    let user_names: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.user_id(), u.user_name().unwrap_or("")))
        .collect();
    let groups = clients
        .identity_store
        .list_groups()
        .identity_store_id(store)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("ListGroups succeeds");
    let mut members: HashMap<String, Vec<String>> = HashMap::new();
    for group in &groups {
        let memberships = clients
            .identity_store
            .list_group_memberships()
            .identity_store_id(store)
            .group_id(group.group_id())
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("ListGroupMemberships succeeds");
        let users = memberships
            .iter()
            .filter_map(|m| m.member_id().and_then(|id| id.as_user_id().ok()).cloned())
            .collect();
        members.insert(group.group_id().to_owned(), users);
    }
    let group_names: HashMap<&str, &str> = groups
        .iter()
        .map(|g| (g.group_id(), g.display_name().unwrap_or("")))
        .collect();

    let set_arns = clients
        .sso_admin
        .list_permission_sets()
        .instance_arn(instance_arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("ListPermissionSets succeeds");
    let mut actual = Vec::new();
    for set_arn in &set_arns {
        let set = clients
            .sso_admin
            .describe_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(set_arn)
            .send()
            .await
            .expect("DescribePermissionSet succeeds");
        let set_name = set
            .permission_set()
            .and_then(|s| s.name())
            .unwrap_or("")
            .to_owned();
        let accounts = clients
            .sso_admin
            .list_accounts_for_provisioned_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(set_arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("ListAccountsForProvisionedPermissionSet succeeds");
        for account in &accounts {
            let assignments = clients
                .sso_admin
                .list_account_assignments()
                .instance_arn(instance_arn)
                .account_id(account)
                .permission_set_arn(set_arn)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .expect("ListAccountAssignments succeeds");
            for assignment in &assignments {
                let principal = assignment.principal_id().unwrap_or("");
                let is_group = assignment.principal_type().map(|t| t.as_str())
                    == Some(PrincipalType::Group.as_str());
                if is_group {
                    let Some(group_name) = group_names.get(principal) else {
                        continue;
                    };
                    for user in members.get(principal).into_iter().flatten() {
                        if let Some(name) = user_names.get(user.as_str()) {
                            actual.push((
                                name.to_string(),
                                account.clone(),
                                set_name.clone(),
                                group_name.to_string(),
                            ));
                        }
                    }
                } else if let Some(name) = user_names.get(principal) {
                    actual.push((
                        name.to_string(),
                        account.clone(),
                        set_name.clone(),
                        VIA_DIRECT.to_owned(),
                    ));
                }
            }
        }
    }
    actual.sort();

    let mut expected: Vec<(String, String, String, String)> = model
        .expected_account_access()
        .iter()
        .map(|r| {
            (
                r.user_name.to_owned(),
                r.account_id.to_owned(),
                r.permission_set_name.to_owned(),
                r.via.to_owned(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(actual, expected);
}
