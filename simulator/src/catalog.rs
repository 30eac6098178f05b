//! Lookup tables over a [`Model`], built once when the simulator starts so that
//! each call is a hash lookup and a slice, whatever the model size.
//!
//! The tables hold positions into the model's vectors; only the keys are copies.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{InstanceKind, Model};

pub(crate) struct Catalog {
    pub model: Arc<Model>,
    pub instance_by_arn: HashMap<String, usize>,
    pub permission_set_by_arn: HashMap<String, usize>,
    /// Permission sets per instance ARN, in model order.
    pub permission_sets_by_instance: HashMap<String, Vec<usize>>,
    /// Assignments per (account ID, permission set position), in model order.
    pub assignments_by_pair: HashMap<(String, usize), Vec<usize>>,
    /// Provisioned permission set positions per account ID, in model order.
    pub provisioned_by_account: HashMap<String, Vec<usize>>,
    /// Users per identity store ID, in model order.
    pub users_by_store: HashMap<String, Vec<usize>>,
    pub groups_by_store: HashMap<String, Vec<usize>>,
    pub user_by_id: HashMap<String, usize>,
    pub group_by_id: HashMap<String, usize>,
    /// Memberships per group ID, in model order.
    pub memberships_by_group: HashMap<String, Vec<usize>>,
    pub application_by_arn: HashMap<String, usize>,
    pub applications_by_instance: HashMap<String, Vec<usize>>,
    pub application_assignments_by_application: HashMap<String, Vec<usize>>,
    pub provider_by_arn: HashMap<String, usize>,
}

impl Catalog {
    pub(crate) fn new(model: Arc<Model>) -> Catalog {
        let position_by = |keys: &mut dyn Iterator<Item = &String>| -> HashMap<String, usize> {
            keys.enumerate()
                .map(|(index, key)| (key.clone(), index))
                .collect()
        };

        let instance_by_arn =
            position_by(&mut model.instances.iter().map(|instance| &instance.arn));
        let permission_set_by_arn =
            position_by(&mut model.permission_sets.iter().map(|set| &set.arn));
        let user_by_id = position_by(&mut model.users.iter().map(|user| &user.id));
        let group_by_id = position_by(&mut model.groups.iter().map(|group| &group.id));
        let application_by_arn = position_by(
            &mut model
                .applications
                .iter()
                .map(|application| &application.arn),
        );
        let provider_by_arn = position_by(
            &mut model
                .application_providers
                .iter()
                .map(|provider| &provider.arn),
        );

        let permission_sets_by_instance =
            group_positions(model.permission_sets.iter().map(|set| &set.instance_arn));
        let users_by_store =
            group_positions(model.users.iter().map(|user| &user.identity_store_id));
        let groups_by_store =
            group_positions(model.groups.iter().map(|group| &group.identity_store_id));
        let memberships_by_group = group_positions(
            model
                .group_memberships
                .iter()
                .map(|membership| &membership.group_id),
        );
        let applications_by_instance = group_positions(
            model
                .applications
                .iter()
                .map(|application| &application.instance_arn),
        );
        let application_assignments_by_application = group_positions(
            model
                .application_assignments
                .iter()
                .map(|assignment| &assignment.application_arn),
        );

        let mut assignments_by_pair: HashMap<(String, usize), Vec<usize>> = HashMap::new();
        for (index, assignment) in model.account_assignments.iter().enumerate() {
            if let Some(&set) = permission_set_by_arn.get(&assignment.permission_set_arn) {
                assignments_by_pair
                    .entry((assignment.account_id.clone(), set))
                    .or_default()
                    .push(index);
            }
        }

        let mut provisioned_by_account: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, set) in model.permission_sets.iter().enumerate() {
            for provisioned in &set.provisioned_accounts {
                provisioned_by_account
                    .entry(provisioned.account_id.clone())
                    .or_default()
                    .push(index);
            }
        }

        Catalog {
            instance_by_arn,
            permission_set_by_arn,
            permission_sets_by_instance,
            assignments_by_pair,
            provisioned_by_account,
            users_by_store,
            groups_by_store,
            user_by_id,
            group_by_id,
            memberships_by_group,
            application_by_arn,
            applications_by_instance,
            application_assignments_by_application,
            provider_by_arn,
            model,
        }
    }

    /// Returns whether some instance uses this identity store.
    pub(crate) fn has_identity_store(&self, store: &str) -> bool {
        self.model
            .instances
            .iter()
            .any(|instance| instance.identity_store_id == store)
    }

    /// Returns whether the instance is an organization instance, the only kind
    /// that supports permission sets.
    pub(crate) fn supports_permission_sets(&self, instance: usize) -> bool {
        self.model.instances[instance].kind == InstanceKind::Organization
    }
}

/// Groups positions by key, keeping model order within each key.
fn group_positions<'a>(keys: impl Iterator<Item = &'a String>) -> HashMap<String, Vec<usize>> {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, key) in keys.enumerate() {
        match groups.get_mut(key) {
            Some(positions) => positions.push(index),
            None => {
                groups.insert(key.clone(), vec![index]);
            }
        }
    }
    groups
}
