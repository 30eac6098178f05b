//! Deterministic generator of simulated organizations.
//!
//! The same seed and [`Size`] always give the same [`Model`]. The generator draws
//! only raw 64-bit words from ChaCha8 (whose output is fixed by the algorithm,
//! not by a crate version) and does its own range reduction, so a `rand` upgrade
//! cannot change the data.
//!
//! Every model, however small, contains the cases a sync has to get right. A user
//! is assigned both directly and through a group, and some assignments name
//! deleted users and groups. An empty group is assigned, and one assignment is in
//! an account that has left the organization. Some permission sets are never
//! assigned, and the account instance has no permission sets.

use std::collections::{HashMap, HashSet};

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::model::*;
use crate::names::*;

/// Counts that set how big a generated organization is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Size {
    pub accounts: usize,
    pub permission_sets: usize,
    pub users: usize,
    pub groups: usize,
    /// Average number of groups a user belongs to.
    pub memberships_per_user: f64,
    /// Number of (account, permission set) pairs the permission set is provisioned to.
    pub provisioned_pairs: usize,
    /// Average number of principals assigned to one provisioned pair.
    pub principals_per_pair: f64,
    pub applications: usize,
    /// Whether to add an account instance with its own small identity store.
    pub account_instance: bool,
}

impl Size {
    /// Size for `idcdb sync --demo`: small enough to read the whole report.
    pub fn demo() -> Size {
        Size {
            accounts: 12,
            permission_sets: 15,
            users: 200,
            groups: 25,
            memberships_per_user: 2.5,
            provisioned_pairs: 60,
            principals_per_pair: 2.0,
            applications: 4,
            account_instance: true,
        }
    }

    /// Size for quick tests.
    pub fn small() -> Size {
        Size {
            accounts: 40,
            permission_sets: 30,
            users: 1_000,
            groups: 80,
            memberships_per_user: 3.0,
            provisioned_pairs: 300,
            principals_per_pair: 2.0,
            applications: 6,
            account_instance: true,
        }
    }

    /// Size of a mid-sized company.
    pub fn medium() -> Size {
        Size {
            accounts: 250,
            permission_sets: 80,
            users: 10_000,
            groups: 500,
            memberships_per_user: 3.0,
            provisioned_pairs: 1_500,
            principals_per_pair: 2.0,
            applications: 15,
            account_instance: true,
        }
    }

    /// Size of a large enterprise, used by the benchmarks.
    pub fn large() -> Size {
        Size {
            accounts: 1_000,
            permission_sets: 200,
            users: 50_000,
            groups: 2_000,
            memberships_per_user: 3.0,
            provisioned_pairs: 5_000,
            principals_per_pair: 2.0,
            applications: 30,
            account_instance: true,
        }
    }

    /// Returns the preset with this name (`demo`, `small`, `medium` or `large`).
    pub fn preset(name: &str) -> Option<Size> {
        match name {
            "demo" => Some(Size::demo()),
            "small" => Some(Size::small()),
            "medium" => Some(Size::medium()),
            "large" => Some(Size::large()),
            _ => None,
        }
    }
}

/// Generates an organization of the given size. The same seed and size always
/// give the same model.
pub fn generate(seed: u64, size: &Size) -> Model {
    let mut generator = Generator {
        rng: Random::new(seed),
        used_ids: HashSet::new(),
    };

    let (organization, accounts) = generator.organization(size.accounts.max(1));
    let management_id = organization.management_account_id.clone();
    let organization_instance = generator.instance(
        InstanceKind::Organization,
        &management_id,
        Some("Acme Corp"),
    );
    let mut instances = vec![organization_instance];
    if size.account_instance && accounts.len() > 1 {
        let owner = accounts[1 + generator.rng.below(accounts.len() - 1)]
            .id
            .clone();
        instances.push(generator.instance(
            InstanceKind::Account,
            &owner,
            Some("Sandbox team instance"),
        ));
    }

    let org_store = instances[0].identity_store_id.clone();
    let mut users = generator.users(&org_store, size.users, 0.8);
    let mut groups = generator.groups(&org_store, size.groups);
    let empty_groups = generator.empty_groups(groups.len());
    let mut group_memberships = generator.memberships(
        &org_store,
        &users,
        &groups,
        &empty_groups,
        size.memberships_per_user,
    );

    let permission_sets = generator.permission_sets(&instances[0].arn, size.permission_sets);
    let directory = Directory {
        users: &users,
        groups: &groups,
        memberships: &group_memberships,
        empty_groups: &empty_groups,
    };
    let (permission_sets, account_assignments) =
        generator.assignments(&instances[0], &accounts, permission_sets, &directory, size);

    let application_providers = application_providers();
    let mut applications = generator.applications(
        &instances[0],
        &management_id,
        &application_providers,
        size.applications,
    );
    let mut application_assignments = generator.application_assignments(&applications, &directory);

    if let Some(account_instance) = instances.get(1) {
        let store = account_instance.identity_store_id.clone();
        let store_users = generator.users(&store, 5, 0.0);
        let store_groups = generator.groups(&store, 2);
        let store_memberships =
            generator.memberships(&store, &store_users, &store_groups, &HashSet::new(), 1.0);
        let store_applications = generator.applications(
            account_instance,
            &account_instance.owner_account_id,
            &application_providers,
            1,
        );
        let store_directory = Directory {
            users: &store_users,
            groups: &store_groups,
            memberships: &store_memberships,
            empty_groups: &HashSet::new(),
        };
        let store_assignments =
            generator.application_assignments(&store_applications, &store_directory);

        users.extend(store_users);
        groups.extend(store_groups);
        group_memberships.extend(store_memberships);
        applications.extend(store_applications);
        application_assignments.extend(store_assignments);
    }

    Model {
        organization,
        accounts,
        instances,
        permission_sets,
        account_assignments,
        users,
        groups,
        group_memberships,
        application_providers,
        applications,
        application_assignments,
    }
}

/// Seeded source of the primitive random values the generator needs.
struct Random(ChaCha8Rng);

impl Random {
    fn new(seed: u64) -> Random {
        Random(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Returns a value in `0..n` by multiply-shift reduction; `n` must be positive.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.0.next_u64()) * n as u128) >> 64) as usize
    }

    /// Returns a value in `0.0..1.0` with 53 random bits.
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn hex(&mut self, length: usize) -> String {
        const DIGITS: &[u8] = b"0123456789abcdef";
        (0..length)
            .map(|_| DIGITS[self.below(16)] as char)
            .collect()
    }

    fn alphanumeric(&mut self, length: usize) -> String {
        const DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..length)
            .map(|_| DIGITS[self.below(DIGITS.len())] as char)
            .collect()
    }

    fn digits(&mut self, length: usize) -> String {
        (0..length)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    /// Returns a random version-4 style UUID in lowercase hex.
    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.pick(&['8', '9', 'a', 'b']),
            self.hex(3),
            self.hex(12)
        )
    }

    /// Returns a timestamp between 2019-01-01 and 2024-12-31.
    fn timestamp(&mut self) -> i64 {
        const START: i64 = 1_546_300_800;
        const END: i64 = 1_735_603_200;
        START + self.below((END - START) as usize) as i64
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Identity store contents that assignments draw principals from.
struct Directory<'a> {
    users: &'a [User],
    groups: &'a [Group],
    memberships: &'a [GroupMembership],
    empty_groups: &'a HashSet<usize>,
}

/// Kind of access a permission set grants, which decides its policies.
#[derive(Clone, Copy)]
enum Role {
    Administrator,
    PowerUser,
    ReadOnly,
    ViewOnly,
    Billing,
    SecurityAudit,
    BreakGlass,
    Developer,
    DataEngineer,
    NetworkAdministrator,
    DatabaseAdministrator,
    Support,
    Empty,
}

/// Named permission sets that every model starts with, before team-specific ones.
const PERMISSION_SET_TEMPLATES: &[(&str, Role)] = &[
    ("AdministratorAccess", Role::Administrator),
    ("PowerUserAccess", Role::PowerUser),
    ("ReadOnlyAccess", Role::ReadOnly),
    ("ViewOnlyAccess", Role::ViewOnly),
    ("Billing", Role::Billing),
    ("SecurityAudit", Role::SecurityAudit),
    ("BreakGlass", Role::BreakGlass),
    ("DataEngineer", Role::DataEngineer),
    ("NetworkAdministrator", Role::NetworkAdministrator),
    ("DatabaseAdministrator", Role::DatabaseAdministrator),
    ("Developer", Role::Developer),
    ("SupportUser", Role::Support),
    ("Audit,Compliance", Role::SecurityAudit),
    ("ops@oncall", Role::PowerUser),
    ("EmptyPlaceholder", Role::Empty),
];

const TEAM_ROLES: &[(&str, Role)] = &[
    ("Developer", Role::Developer),
    ("ReadOnly", Role::ReadOnly),
    ("Admin", Role::Administrator),
    ("DataEngineer", Role::DataEngineer),
    ("Support", Role::Support),
];

struct Generator {
    rng: Random,
    used_ids: HashSet<String>,
}

impl Generator {
    /// Draws IDs until one is new, so that no two resources share an ID.
    fn unique(&mut self, mut make: impl FnMut(&mut Random) -> String) -> String {
        loop {
            let id = make(&mut self.rng);
            if self.used_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn organization(&mut self, count: usize) -> (Organization, Vec<Account>) {
        let organization_id = format!("o-{}", self.rng.alphanumeric(10));
        let management_id = self.unique(|rng| rng.digits(12));
        let management_arn = format!(
            "arn:aws:organizations::{management_id}:account/{organization_id}/{management_id}"
        );
        let organization = Organization {
            arn: format!("arn:aws:organizations::{management_id}:organization/{organization_id}"),
            id: organization_id.clone(),
            feature_set: "ALL".to_owned(),
            management_account_id: management_id.clone(),
            management_account_arn: management_arn.clone(),
            management_account_email: "aws-management@example.com".to_owned(),
        };

        let mut accounts = Vec::with_capacity(count);
        accounts.push(Account {
            id: management_id.clone(),
            arn: management_arn,
            name: "Management".to_owned(),
            email: organization.management_account_email.clone(),
            status: AccountStatus::Active,
            joined_method: JoinedMethod::Created,
            joined_timestamp: 1_546_300_800,
        });

        let mut used_names: HashSet<String> = HashSet::from(["Management".to_owned()]);
        for index in 1..count {
            let base = match SPECIAL_ACCOUNT_NAMES.get(index - 1) {
                Some(name) => (*name).to_owned(),
                None => format!("{}-{}", self.rng.pick(TEAMS), self.rng.pick(ENVIRONMENTS)),
            };
            let name = unique_name(&mut used_names, base, " ");
            let id = self.unique(|rng| rng.digits(12));
            let status = if self.rng.chance(0.03) {
                AccountStatus::Suspended
            } else if self.rng.chance(0.01) {
                AccountStatus::PendingClosure
            } else {
                AccountStatus::Active
            };
            let joined_method = if self.rng.chance(0.2) {
                JoinedMethod::Invited
            } else {
                JoinedMethod::Created
            };
            accounts.push(Account {
                arn: format!(
                    "arn:aws:organizations::{management_id}:account/{organization_id}/{id}"
                ),
                email: format!("aws+{}-{index}@example.com", slug(&name)),
                id,
                name,
                status,
                joined_method,
                joined_timestamp: self.rng.timestamp(),
            });
        }

        (organization, accounts)
    }

    fn instance(&mut self, kind: InstanceKind, owner: &str, name: Option<&str>) -> Instance {
        let instance_id = self.unique(|rng| format!("ssoins-{}", rng.hex(16)));
        let store = self.unique(|rng| format!("d-{}", rng.hex(10)));
        Instance {
            arn: format!("arn:aws:sso:::instance/{instance_id}"),
            identity_store_id: store,
            name: name.map(str::to_owned),
            owner_account_id: owner.to_owned(),
            status: "ACTIVE".to_owned(),
            created_date: self.rng.timestamp(),
            kind,
        }
    }

    /// Returns a user, group or membership ID in the identity store's format:
    /// the store's ten hex digits, a hyphen and a UUID.
    fn principal_id(&mut self, store: &str) -> String {
        let prefix = store.trim_start_matches("d-").to_owned();
        self.unique(|rng| format!("{prefix}-{}", rng.uuid()))
    }

    fn users(&mut self, store: &str, count: usize, external_share: f64) -> Vec<User> {
        let mut used_user_names: HashMap<String, usize> = HashMap::new();
        let mut users = Vec::with_capacity(count);
        for index in 0..count {
            let mut user = self.user(store, &mut used_user_names, external_share);
            // Every seventeenth user is disabled. The status draws nothing
            // from the random stream, so the rest of the model is unchanged.
            let status = if index % 17 == 16 {
                "DISABLED"
            } else {
                "ENABLED"
            };
            user.status = Some(status.to_owned());
            users.push(user);
        }
        users
    }

    fn user(
        &mut self,
        store: &str,
        used_user_names: &mut HashMap<String, usize>,
        external_share: f64,
    ) -> User {
        let rng = &mut self.rng;
        let cjk = rng.chance(0.06);
        let (given, family, ascii_given, ascii_family) = if cjk {
            *rng.pick(CJK_NAMES)
        } else {
            let (given, ascii_given) = *rng.pick(GIVEN_NAMES);
            let (family, ascii_family) = *rng.pick(FAMILY_NAMES);
            (given, family, ascii_given, ascii_family)
        };
        let middle = (!cjk && rng.chance(0.1)).then(|| rng.pick(MIDDLE_NAMES).to_string());
        let prefix = rng.chance(0.03).then(|| "Dr.".to_owned());
        let suffix = rng
            .chance(0.01)
            .then(|| rng.pick(&["Jr.", "PhD", "III"]).to_string());

        let formatted = if cjk {
            format!("{family}{given}")
        } else {
            match &middle {
                Some(middle) => format!("{given} {middle} {family}"),
                None => format!("{given} {family}"),
            }
        };
        let display_name = if cjk {
            formatted.clone()
        } else if rng.chance(0.05) {
            format!("{family}, {given}")
        } else if rng.chance(0.02) {
            format!("{given} \"{}\" {family}", rng.pick(NICKNAMES))
        } else {
            formatted.clone()
        };

        let email_style = rng.chance(0.85);
        let base = if email_style {
            format!("{ascii_given}.{ascii_family}")
        } else {
            format!("{}{ascii_family}", &ascii_given[..1])
        };
        let seen = used_user_names.entry(base.clone()).or_insert(0);
        *seen += 1;
        let local = if *seen == 1 {
            base
        } else {
            format!("{base}{seen}")
        };
        let work_email = format!("{local}@example.com");
        let user_name = if email_style {
            work_email.clone()
        } else {
            local.clone()
        };

        let mut emails = vec![Email {
            value: work_email,
            kind: Some("work".to_owned()),
            primary: true,
        }];
        if rng.chance(0.1) {
            emails.push(Email {
                value: format!("{local}@personal.example.net"),
                kind: Some("home".to_owned()),
                primary: false,
            });
        }

        let user_type = if rng.chance(0.8) {
            Some("Employee".to_owned())
        } else if rng.chance(0.75) {
            Some("Contractor".to_owned())
        } else {
            None
        };
        let title = rng.chance(0.7).then(|| rng.pick(TITLES).to_string());
        let external = rng.chance(external_share);
        let external_ids = if external {
            vec![ExternalId {
                issuer: "https://scim.idp.example.com/".to_owned(),
                id: rng.uuid(),
            }]
        } else {
            Vec::new()
        };

        User {
            identity_store_id: store.to_owned(),
            id: self.principal_id(store),
            user_name,
            display_name: Some(display_name),
            name: Some(PersonName {
                formatted: Some(formatted),
                family_name: Some(family.to_owned()),
                given_name: Some(given.to_owned()),
                middle_name: middle,
                honorific_prefix: prefix,
                honorific_suffix: suffix,
            }),
            emails,
            user_type,
            title,
            external_ids,
            status: None,
        }
    }

    fn groups(&mut self, store: &str, count: usize) -> Vec<Group> {
        let mut used_names = HashSet::new();
        let mut groups = Vec::with_capacity(count);
        for index in 0..count {
            let base = match SPECIAL_GROUP_NAMES.get(index) {
                Some(name) => (*name).to_owned(),
                None => {
                    let team = *self.rng.pick(TEAMS);
                    format!("{} {}", title_case(team), self.rng.pick(GROUP_ROLES))
                }
            };
            let display_name = unique_name(&mut used_names, base, " #");
            let description = self
                .rng
                .chance(0.7)
                .then(|| format!("Members of {display_name}; managed in the corporate directory"));
            let external_ids = if self.rng.chance(0.6) {
                vec![ExternalId {
                    issuer: "https://scim.idp.example.com/".to_owned(),
                    id: self.rng.uuid(),
                }]
            } else {
                Vec::new()
            };
            groups.push(Group {
                identity_store_id: store.to_owned(),
                id: self.principal_id(store),
                display_name,
                description,
                external_ids,
            });
        }
        groups
    }

    /// Chooses about 6% of the groups, at least one when there are three or
    /// more, to stay without members.
    fn empty_groups(&mut self, count: usize) -> HashSet<usize> {
        let mut empty = HashSet::new();
        if count < 3 {
            return empty;
        }
        let target = (count * 6 / 100).max(1);
        while empty.len() < target {
            // The first group is "All Employees", which should never be empty.
            empty.insert(1 + self.rng.below(count - 1));
        }
        empty
    }

    fn memberships(
        &mut self,
        store: &str,
        users: &[User],
        groups: &[Group],
        empty_groups: &HashSet<usize>,
        per_user: f64,
    ) -> Vec<GroupMembership> {
        let candidates: Vec<usize> = (0..groups.len())
            .filter(|index| !empty_groups.contains(index))
            .collect();
        if candidates.is_empty() {
            return Vec::new();
        }

        let mut memberships = Vec::with_capacity((users.len() as f64 * per_user) as usize + 1);
        let mut chosen = Vec::new();
        for user in users {
            let wanted =
                ((2.0 * per_user * self.rng.unit()).round() as usize).min(candidates.len());
            chosen.clear();
            // Taking the smaller of two draws makes early groups large and late
            // ones small, as in real directories. Bounded tries keep a user with
            // many groups from looping.
            for _ in 0..wanted * 4 {
                if chosen.len() == wanted {
                    break;
                }
                let position = self
                    .rng
                    .below(candidates.len())
                    .min(self.rng.below(candidates.len()));
                let group = candidates[position];
                if !chosen.contains(&group) {
                    chosen.push(group);
                }
            }
            for &group in &chosen {
                memberships.push(GroupMembership {
                    identity_store_id: store.to_owned(),
                    membership_id: self.principal_id(store),
                    group_id: groups[group].id.clone(),
                    user_id: user.id.clone(),
                });
            }
        }
        memberships
    }

    fn permission_sets(&mut self, instance_arn: &str, count: usize) -> Vec<PermissionSet> {
        let instance_id = instance_arn
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let mut used_names = HashSet::new();
        let mut sets = Vec::with_capacity(count);
        for index in 0..count {
            let (base, role, team) = match PERMISSION_SET_TEMPLATES.get(index) {
                Some((name, role)) => ((*name).to_owned(), *role, None),
                None => {
                    let team = *self.rng.pick(TEAMS);
                    let (suffix, role) = *self.rng.pick(TEAM_ROLES);
                    let mut name = format!("{team}-{suffix}");
                    name.truncate(29);
                    (name, role, Some(team))
                }
            };
            let name = unique_name(&mut used_names, base, "-");
            let arn_id = self.unique(|rng| format!("ps-{}", rng.hex(16)));
            sets.push(self.permission_set(
                format!("arn:aws:sso:::permissionSet/{instance_id}/{arn_id}"),
                instance_arn,
                name,
                role,
                team,
            ));
        }
        sets
    }

    fn permission_set(
        &mut self,
        arn: String,
        instance_arn: &str,
        name: String,
        role: Role,
        team: Option<&str>,
    ) -> PermissionSet {
        let rng = &mut self.rng;
        let mut managed = Vec::new();
        let mut customer = Vec::new();
        let mut inline = None;
        let mut boundary = None;
        let description;

        match role {
            Role::Administrator => {
                managed.push(aws_managed("AdministratorAccess"));
                description = Some("Full access to every service. Use sparingly.".to_owned());
            }
            Role::PowerUser => {
                managed.push(aws_managed("PowerUserAccess"));
                customer.push(customer_managed("deny-iam-changes", "/"));
                description = Some(
                    "Everything except IAM; \"power user\" access for on-call engineers".to_owned(),
                );
            }
            Role::ReadOnly => {
                managed.push(aws_managed("ReadOnlyAccess"));
                description = Some("Accès en lecture seule pour l'équipe".to_owned());
            }
            Role::ViewOnly => {
                managed.push(aws_managed("job-function/ViewOnlyAccess"));
                description = Some("View resources and their metadata, not their data".to_owned());
            }
            Role::Billing => {
                managed.push(aws_managed("job-function/Billing"));
                managed.push(aws_managed("AWSBillingReadOnlyAccess"));
                description = Some("Billing, budgets & cost explorer".to_owned());
            }
            Role::SecurityAudit => {
                managed.push(aws_managed("SecurityAudit"));
                managed.push(aws_managed("ReadOnlyAccess"));
                description =
                    Some("Auditors' read access, incl. security configuration".to_owned());
            }
            Role::BreakGlass => {
                inline = Some(policy(&[("*", "*")]));
                description = Some("\"Break-glass\" access, use only during incidents".to_owned());
            }
            Role::Developer => {
                managed.push(aws_managed("AmazonS3ReadOnlyAccess"));
                inline = Some(policy(&[
                    ("lambda:*", "*"),
                    ("dynamodb:*", "arn:aws:dynamodb:*:*:table/dev-*"),
                    ("logs:*", "*"),
                ]));
                let team = team.unwrap_or("engineering");
                customer.push(customer_managed(&format!("{team}-developer"), "/teams/"));
                boundary = Some(PermissionsBoundary::CustomerManaged(customer_managed(
                    "developer-boundary",
                    "/boundaries/",
                )));
                description = Some(format!("Developer access for {team}"));
            }
            Role::DataEngineer => {
                managed.push(aws_managed("AmazonAthenaFullAccess"));
                managed.push(aws_managed("AWSGlueConsoleFullAccess"));
                inline = Some(policy(&[
                    ("s3:*", "arn:aws:s3:::data-lake-*"),
                    ("glue:*", "*"),
                ]));
                boundary = Some(PermissionsBoundary::ManagedPolicyArn(
                    "arn:aws:iam::aws:policy/PowerUserAccess".to_owned(),
                ));
                description = Some("Données, Athena & Glue".to_owned());
            }
            Role::NetworkAdministrator => {
                managed.push(aws_managed("job-function/NetworkAdministrator"));
                description = Some("VPCs, Transit Gateway, Route 53".to_owned());
            }
            Role::DatabaseAdministrator => {
                managed.push(aws_managed("job-function/DatabaseAdministrator"));
                customer.push(customer_managed("rds-iam-auth", "/db/"));
                description = None;
            }
            Role::Support => {
                managed.push(aws_managed("AWSSupportAccess"));
                managed.push(aws_managed("job-function/ViewOnlyAccess"));
                description = Some("Open and track AWS support cases".to_owned());
            }
            Role::Empty => {
                description = Some("Placeholder without policies".to_owned());
            }
        }

        let session_duration = rng
            .pick(&["PT1H", "PT1H", "PT2H", "PT4H", "PT8H", "PT12H"])
            .to_string();
        let relay_state = rng
            .chance(0.25)
            .then(|| rng.pick(&RELAY_STATES).to_string());
        let mut tags = Vec::new();
        if rng.chance(0.6) {
            tags.push(Tag {
                key: "managed-by".to_owned(),
                value: rng
                    .pick(&["terraform", "cloudformation", "console"])
                    .to_string(),
            });
        }
        if let Some(team) = team {
            tags.push(Tag {
                key: "team".to_owned(),
                value: team.to_owned(),
            });
        }
        if rng.chance(0.3) {
            tags.push(Tag {
                key: "cost-center".to_owned(),
                value: format!("cc-{}", rng.digits(4)),
            });
        }

        PermissionSet {
            arn,
            instance_arn: instance_arn.to_owned(),
            name,
            description,
            session_duration,
            relay_state,
            created_date: rng.timestamp(),
            inline_policy: inline,
            managed_policies: managed,
            customer_managed_policies: customer,
            permissions_boundary: boundary,
            tags,
            provisioned_accounts: Vec::new(),
        }
    }

    /// Provisions permission sets to accounts and assigns principals to each
    /// provisioned pair, then adds the edge cases every model must contain.
    fn assignments(
        &mut self,
        instance: &Instance,
        accounts: &[Account],
        mut permission_sets: Vec<PermissionSet>,
        directory: &Directory<'_>,
        size: &Size,
    ) -> (Vec<PermissionSet>, Vec<AccountAssignment>) {
        if permission_sets.is_empty() {
            return (permission_sets, Vec::new());
        }

        // About a tenth of the permission sets, the last ones, are never provisioned.
        let never_assigned = if permission_sets.len() >= 2 {
            (permission_sets.len() / 10).max(1)
        } else {
            0
        };
        let assignable = permission_sets.len() - never_assigned;
        let pairs = self.provisioned_pairs(accounts.len(), assignable, size.provisioned_pairs);

        // One extra pair targets an account that has left the organization:
        // sso-admin still lists it, but Organizations does not.
        let removed_account = self.unique(|rng| rng.digits(12));
        let mut pair_accounts: Vec<(&str, usize)> = pairs
            .iter()
            .map(|&(account, set)| (accounts[account].id.as_str(), set))
            .collect();
        pair_accounts.push((removed_account.as_str(), self.rng.below(assignable)));

        let live_groups: Vec<usize> = (0..directory.groups.len())
            .filter(|index| !directory.empty_groups.contains(index))
            .collect();
        let mut assignments = Vec::new();
        for (pair_index, &(account_id, set_index)) in pair_accounts.iter().enumerate() {
            let status = if self.rng.chance(0.04) {
                ProvisioningStatus::LatestPermissionSetNotProvisioned
            } else {
                ProvisioningStatus::LatestPermissionSetProvisioned
            };
            permission_sets[set_index]
                .provisioned_accounts
                .push(ProvisionedAccount {
                    account_id: account_id.to_owned(),
                    status,
                });

            let mut principals =
                self.pair_principals(directory, &live_groups, size.principals_per_pair);
            self.add_edge_cases(pair_index, directory, &live_groups, &mut principals);
            for (principal_type, principal_id) in principals {
                assignments.push(AccountAssignment {
                    instance_arn: instance.arn.clone(),
                    account_id: account_id.to_owned(),
                    permission_set_arn: permission_sets[set_index].arn.clone(),
                    principal_type,
                    principal_id,
                });
            }
        }

        (permission_sets, assignments)
    }

    /// Chooses distinct (account index, permission set index) pairs. The first
    /// pair is always the management account with the first permission set.
    fn provisioned_pairs(
        &mut self,
        accounts: usize,
        sets: usize,
        wanted: usize,
    ) -> Vec<(usize, usize)> {
        let total = accounts * sets;
        let wanted = wanted.min(total);
        if wanted == 0 {
            return Vec::new();
        }

        let mut pairs = vec![(0, 0)];
        if total <= wanted * 4 {
            let mut all: Vec<(usize, usize)> = (0..accounts)
                .flat_map(|account| (0..sets).map(move |set| (account, set)))
                .filter(|&pair| pair != (0, 0))
                .collect();
            self.rng.shuffle(&mut all);
            all.truncate(wanted - 1);
            pairs.extend(all);
        } else {
            let mut seen: HashSet<(usize, usize)> = HashSet::from([(0, 0)]);
            while pairs.len() < wanted {
                let pair = (self.rng.below(accounts), self.rng.below(sets));
                if seen.insert(pair) {
                    pairs.push(pair);
                }
            }
        }
        pairs
    }

    /// Chooses the principals of one provisioned pair: none for 3% of pairs,
    /// otherwise mostly groups, some users and about 2% deleted principals.
    fn pair_principals(
        &mut self,
        directory: &Directory<'_>,
        live_groups: &[usize],
        per_pair: f64,
    ) -> Vec<(PrincipalType, String)> {
        let mut principals: Vec<(PrincipalType, String)> = Vec::new();
        if self.rng.chance(0.03) {
            return principals;
        }

        let spread = ((2.0 * per_pair - 1.0).max(1.0)) as usize;
        let count = 1 + self.rng.below(spread);
        for _ in 0..count {
            let principal = if self.rng.chance(0.02) {
                self.deleted_principal(directory)
            } else if !live_groups.is_empty() && self.rng.chance(0.65) {
                let group = live_groups[self.rng.below(live_groups.len())];
                Some((PrincipalType::Group, directory.groups[group].id.clone()))
            } else if !directory.users.is_empty() {
                let user = self.rng.below(directory.users.len());
                Some((PrincipalType::User, directory.users[user].id.clone()))
            } else {
                None
            };
            if let Some(principal) = principal
                && !principals.contains(&principal)
            {
                principals.push(principal);
            }
        }
        principals
    }

    /// Returns an ID in the store's format that names no user or group.
    fn deleted_principal(&mut self, directory: &Directory<'_>) -> Option<(PrincipalType, String)> {
        let store = directory
            .users
            .first()
            .map(|user| user.identity_store_id.clone())?;
        let principal_type = if self.rng.chance(0.5) {
            PrincipalType::User
        } else {
            PrincipalType::Group
        };
        Some((principal_type, self.principal_id(&store)))
    }

    /// Adds the cases that random choice might miss to the first pairs.
    fn add_edge_cases(
        &mut self,
        pair_index: usize,
        directory: &Directory<'_>,
        live_groups: &[usize],
        principals: &mut Vec<(PrincipalType, String)>,
    ) {
        let extra: Vec<(PrincipalType, String)> = match pair_index {
            // A group and one of its members, so that user has two paths.
            0 => live_groups
                .first()
                .and_then(|&group| {
                    let group_id = &directory.groups[group].id;
                    let member = directory
                        .memberships
                        .iter()
                        .find(|m| &m.group_id == group_id)?;
                    Some(vec![
                        (PrincipalType::Group, group_id.clone()),
                        (PrincipalType::User, member.user_id.clone()),
                    ])
                })
                .unwrap_or_default(),
            1 => self.deleted_of_type(directory, PrincipalType::User),
            2 => self.deleted_of_type(directory, PrincipalType::Group),
            3 => directory
                .empty_groups
                .iter()
                .min()
                .map(|&group| vec![(PrincipalType::Group, directory.groups[group].id.clone())])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for principal in extra {
            if !principals.contains(&principal) {
                principals.push(principal);
            }
        }
    }

    fn deleted_of_type(
        &mut self,
        directory: &Directory<'_>,
        principal_type: PrincipalType,
    ) -> Vec<(PrincipalType, String)> {
        match directory.users.first() {
            Some(user) => {
                let store = user.identity_store_id.clone();
                vec![(principal_type, self.principal_id(&store))]
            }
            None => Vec::new(),
        }
    }

    fn applications(
        &mut self,
        instance: &Instance,
        account: &str,
        providers: &[ApplicationProvider],
        count: usize,
    ) -> Vec<Application> {
        let instance_id = instance
            .arn
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let mut used_names = HashSet::new();
        let mut applications = Vec::with_capacity(count);
        for _ in 0..count {
            let name = unique_name(
                &mut used_names,
                self.rng.pick(APPLICATION_NAMES).to_string(),
                " ",
            );
            let application_id = self.unique(|rng| format!("apl-{}", rng.hex(16)));
            let provider = self.rng.pick(providers).arn.clone();
            let status = if self.rng.chance(0.85) {
                "ENABLED"
            } else {
                "DISABLED"
            };
            let portal_visibility = if self.rng.chance(0.8) {
                "ENABLED"
            } else {
                "DISABLED"
            };
            let sign_in_url = self
                .rng
                .chance(0.5)
                .then(|| format!("https://{}.apps.example.com/sso", slug(&name)));
            applications.push(Application {
                arn: format!("arn:aws:sso::{account}:application/{instance_id}/{application_id}"),
                instance_arn: instance.arn.clone(),
                description: self
                    .rng
                    .chance(0.6)
                    .then(|| format!("{name} for the whole company")),
                name,
                provider_arn: provider,
                status: status.to_owned(),
                application_account: account.to_owned(),
                created_date: self.rng.timestamp(),
                assignment_required: self.rng.chance(0.7),
                portal_visibility: portal_visibility.to_owned(),
                sign_in_url,
            });
        }
        applications
    }

    fn application_assignments(
        &mut self,
        applications: &[Application],
        directory: &Directory<'_>,
    ) -> Vec<ApplicationAssignment> {
        let mut assignments = Vec::new();
        for (index, application) in applications.iter().enumerate() {
            if !application.assignment_required {
                continue;
            }
            let mut principals: Vec<(PrincipalType, String)> = Vec::new();
            let count = 1 + self.rng.below(6);
            for _ in 0..count {
                let principal = if !directory.groups.is_empty() && self.rng.chance(0.7) {
                    let group = self.rng.below(directory.groups.len());
                    (PrincipalType::Group, directory.groups[group].id.clone())
                } else if !directory.users.is_empty() {
                    let user = self.rng.below(directory.users.len());
                    (PrincipalType::User, directory.users[user].id.clone())
                } else {
                    continue;
                };
                if !principals.contains(&principal) {
                    principals.push(principal);
                }
            }
            if index == 0 {
                principals.extend(self.deleted_of_type(directory, PrincipalType::User));
            }
            for (principal_type, principal_id) in principals {
                assignments.push(ApplicationAssignment {
                    application_arn: application.arn.clone(),
                    principal_type,
                    principal_id,
                });
            }
        }
        assignments
    }
}

const RELAY_STATES: [&str; 3] = [
    "https://console.aws.amazon.com/s3/home?region=us-east-1",
    "https://us-east-1.console.aws.amazon.com/cloudwatch/home",
    "https://console.aws.amazon.com/billing/home#/",
];

/// Application providers that applications refer to. The ARNs follow the
/// documented `arn:aws:sso::aws:applicationProvider/...` form; the catalog
/// names are illustrative.
fn application_providers() -> Vec<ApplicationProvider> {
    let provider =
        |suffix: &str, protocol: &str, name: &str, description: Option<&str>| ApplicationProvider {
            arn: format!("arn:aws:sso::aws:applicationProvider/{suffix}"),
            federation_protocol: protocol.to_owned(),
            display_name: name.to_owned(),
            description: description.map(str::to_owned),
        };
    vec![
        provider(
            "custom",
            "SAML",
            "Custom SAML 2.0 application",
            Some("Any SAML 2.0 service provider"),
        ),
        provider("catalog/salesforce", "SAML", "Salesforce", None),
        provider("catalog/slack", "SAML", "Slack", None),
        provider(
            "custom-oauth",
            "OAUTH",
            "Customer managed OAuth application",
            None,
        ),
    ]
}

fn aws_managed(name: &str) -> ManagedPolicy {
    let short = name.rsplit('/').next().unwrap_or(name);
    ManagedPolicy {
        name: short.to_owned(),
        arn: format!("arn:aws:iam::aws:policy/{name}"),
    }
}

fn customer_managed(name: &str, path: &str) -> CustomerManagedPolicyReference {
    CustomerManagedPolicyReference {
        name: name.to_owned(),
        path: path.to_owned(),
    }
}

/// Builds an IAM policy document with one Allow statement per (action, resource).
fn policy(statements: &[(&str, &str)]) -> String {
    let statements: Vec<_> = statements
        .iter()
        .map(
            |(action, resource)| json!({"Effect": "Allow", "Action": action, "Resource": resource}),
        )
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// Returns `base`, or `base` with the separator and a counter when the name is taken.
fn unique_name(used: &mut HashSet<String>, base: String, separator: &str) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    let mut counter = 2;
    loop {
        let candidate = format!("{base}{separator}{counter}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        counter += 1;
    }
}

fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for character in name.chars() {
        if character.is_ascii_alphanumeric() {
            slug.push(character.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let trimmed = slug.trim_end_matches('-');
    if trimmed.is_empty() {
        "app".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn title_case(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut characters = word.chars();
            match characters.next() {
                Some(first) => first.to_uppercase().chain(characters).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
