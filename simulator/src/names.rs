//! Word lists for the generator: teams, people and products, chosen so that
//! generated data carries the characters a sync must store unchanged (commas,
//! quotes, apostrophes, accents and CJK text).
//!
//! Account names stay in printable ASCII and permission set descriptions in
//! Latin-1, because the Organizations and sso-admin APIs reject other
//! characters there.

/// Team slugs used in account names, permission set names and group names.
pub(crate) const TEAMS: &[&str] = &[
    "payments",
    "data-platform",
    "identity",
    "search",
    "mobile",
    "web",
    "ml-research",
    "security",
    "networking",
    "logging",
    "billing",
    "marketing",
    "analytics",
    "edge",
    "iot",
    "devtools",
    "hr-systems",
    "finance",
    "legal",
    "support",
    "growth",
    "content",
    "media",
    "ads",
    "maps",
    "checkout",
    "inventory",
    "shipping",
    "fraud",
    "risk",
    "platform",
    "sre",
    "observability",
    "compliance",
    "backup",
    "shared-services",
    "audit",
    "core-banking",
    "partner-api",
    "customer-360",
];

/// Environment suffixes for account names.
pub(crate) const ENVIRONMENTS: &[&str] = &[
    "prod", "staging", "dev", "test", "qa", "sandbox", "dr", "perf",
];

/// Account names with punctuation that the first accounts of every model get.
pub(crate) const SPECIAL_ACCOUNT_NAMES: &[&str] = &[
    "Log Archive",
    "Audit",
    "Finance, Billing & Ops",
    "Acme \"Legacy\" Account",
    "O'Reilly Labs",
    "Data Lake (EU)",
];

/// Given names as (display form, ASCII form for user names).
pub(crate) const GIVEN_NAMES: &[(&str, &str)] = &[
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Ana", "ana"),
    ("Łukasz", "lukasz"),
    ("Søren", "soren"),
    ("François", "francois"),
    ("Björn", "bjorn"),
    ("Siobhán", "siobhan"),
    ("Mary", "mary"),
    ("John", "john"),
    ("Priya", "priya"),
    ("Wei", "wei"),
    ("Aisha", "aisha"),
    ("Oluwaseun", "oluwaseun"),
    ("Mateo", "mateo"),
    ("Chloé", "chloe"),
    ("Noah", "noah"),
    ("Emma", "emma"),
    ("Liam", "liam"),
    ("Olivia", "olivia"),
    ("Hiroshi", "hiroshi"),
    ("Yuki", "yuki"),
    ("Dmitri", "dmitri"),
    ("Ingrid", "ingrid"),
    ("Fatima", "fatima"),
    ("Carlos", "carlos"),
    ("Kofi", "kofi"),
    ("Sven", "sven"),
    ("Ngọc", "ngoc"),
    ("Jürgen", "jurgen"),
    ("Amélie", "amelie"),
    ("Rajesh", "rajesh"),
    ("Sarah", "sarah"),
    ("David", "david"),
    ("Elena", "elena"),
    ("Mohammed", "mohammed"),
    ("Lucía", "lucia"),
    ("Tomás", "tomas"),
    ("Anna", "anna"),
    ("Michael", "michael"),
    ("Grace", "grace"),
    ("Kwame", "kwame"),
    ("Leilani", "leilani"),
    ("Mei", "mei"),
    ("Astrid", "astrid"),
    ("Rafael", "rafael"),
];

/// Family names as (display form, ASCII form for user names).
pub(crate) const FAMILY_NAMES: &[(&str, &str)] = &[
    ("García", "garcia"),
    ("O'Brien", "obrien"),
    ("Müller", "muller"),
    ("Smith", "smith"),
    ("Nguyễn", "nguyen"),
    ("Kowalski", "kowalski"),
    ("Johansson", "johansson"),
    ("Dubois", "dubois"),
    ("Patel", "patel"),
    ("Okafor", "okafor"),
    ("Rossi", "rossi"),
    ("Tanaka", "tanaka"),
    ("Ivanova", "ivanova"),
    ("de la Cruz", "delacruz"),
    ("van der Berg", "vanderberg"),
    ("Ó Súilleabháin", "osullivan"),
    ("Brown", "brown"),
    ("Wilson", "wilson"),
    ("Chen", "chen"),
    ("Kim", "kim"),
    ("Andersson", "andersson"),
    ("Silva", "silva"),
    ("Haddad", "haddad"),
    ("Cohen", "cohen"),
    ("Schmidt", "schmidt"),
    ("Lefèvre", "lefevre"),
    ("Yılmaz", "yilmaz"),
    ("Novák", "novak"),
    ("Murphy", "murphy"),
    ("D'Angelo", "dangelo"),
    ("Mensah", "mensah"),
    ("Fernández", "fernandez"),
    ("Nakamura", "nakamura"),
    ("Larsen", "larsen"),
    ("Jones", "jones"),
    ("Singh", "singh"),
    ("Moreau", "moreau"),
    ("Kaur", "kaur"),
];

/// CJK names as (family, given, ASCII family, ASCII given). They are shown
/// family name first and without a space, as is usual for these languages.
pub(crate) const CJK_NAMES: &[(&str, &str, &str, &str)] = &[
    ("王", "伟", "wang", "wei"),
    ("李", "娜", "li", "na"),
    ("张", "敏", "zhang", "min"),
    ("佐藤", "花子", "sato", "hanako"),
    ("鈴木", "一郎", "suzuki", "ichiro"),
    ("김", "민준", "kim", "minjun"),
    ("이", "서연", "lee", "seoyeon"),
    ("陈", "静", "chen", "jing"),
];

/// Nicknames that some display names carry in double quotes.
pub(crate) const NICKNAMES: &[&str] = &["Bob", "Liz", "DJ", "Sunny", "Ace", "Mo"];

/// Middle names.
pub(crate) const MIDDLE_NAMES: &[&str] =
    &["Marie", "James", "Anne", "Lee", "Jean-Luc", "María José"];

/// Job titles.
pub(crate) const TITLES: &[&str] = &[
    "Software Engineer",
    "Senior Software Engineer",
    "Staff Engineer",
    "Engineering Manager",
    "Site Reliability Engineer",
    "Data Scientist",
    "Security Analyst",
    "Product Manager",
    "Director, Platform",
    "VP of Engineering",
    "Support Specialist",
    "Financial Analyst",
    "Ingénieur DevOps",
];

/// Group names with punctuation and non-Latin text, used before generated ones.
pub(crate) const SPECIAL_GROUP_NAMES: &[&str] = &[
    "All Employees",
    "Platform Engineering",
    "Data, Analytics & ML",
    "\"Break-glass\" Admins",
    "Équipe Sécurité",
    "開発チーム",
    "Security Auditors",
    "Network Admins",
    "On-call SREs",
    "Billing Viewers",
    "Contractors",
    "Interns (Summer)",
    "Read-only, everyone",
    "Zürich Office",
    "São Paulo Office",
    "東京オフィス",
    "Leadership",
    "DBAs",
    "Support Tier 1",
    "Support Tier 2",
];

/// Roles combined with team names to make further group names.
pub(crate) const GROUP_ROLES: &[&str] = &[
    "Developers",
    "Admins",
    "Readers",
    "Owners",
    "On-call",
    "Contractors",
];

/// Application names.
pub(crate) const APPLICATION_NAMES: &[&str] = &[
    "Salesforce",
    "Slack",
    "GitHub Enterprise",
    "Jira, Confluence",
    "Zoom",
    "Tableau",
    "Internal Wiki",
    "Grafana (prod)",
    "Datadog",
    "社内ポータル",
    "PagerDuty",
    "Workday",
];
