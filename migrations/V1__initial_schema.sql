-- Initial snapshot schema: the evidence metadata of one sync, the Identity
-- Center instances, permission sets, account assignments, the Identity Store
-- users, groups and memberships, account names from AWS Organizations, and the
-- effective account access view that reports build on.
--
-- AWS identifiers keep AWS's names and values. Timestamps are RFC 3339 UTC
-- text. Lists that auditors rarely filter on are JSON text.

-- One row: what this file is evidence of. Never a secret.
CREATE TABLE snapshot (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    started_at      TEXT NOT NULL,
    finished_at     TEXT NOT NULL,
    tool_version    TEXT NOT NULL,
    schema_version  INTEGER NOT NULL,
    region          TEXT NOT NULL,
    caller_arn      TEXT NOT NULL,
    caller_account  TEXT NOT NULL,
    role_arn        TEXT,
    source          TEXT NOT NULL
);

-- API calls made during the sync, per operation.
CREATE TABLE api_calls (
    service    TEXT NOT NULL,
    operation  TEXT NOT NULL,
    calls      INTEGER NOT NULL,
    PRIMARY KEY (service, operation)
);

-- Parts of the configuration that could not be read, and why. A report that
-- depends on such a part must be read with its warning.
CREATE TABLE warnings (
    code       TEXT NOT NULL,
    service    TEXT NOT NULL,
    operation  TEXT NOT NULL,
    resource   TEXT,
    message    TEXT NOT NULL
);

CREATE TABLE instances (
    instance_arn       TEXT PRIMARY KEY,
    identity_store_id  TEXT NOT NULL,
    identity_store_arn TEXT,
    name               TEXT,
    owner_account_id   TEXT,
    status             TEXT,
    status_reason      TEXT,
    created_at         TEXT,
    primary_region     TEXT,
    -- JSON array of the regions the instance is replicated to, when AWS
    -- returns them.
    regions            TEXT
);

-- Accounts as AWS Organizations ListAccounts returns them. Empty when that
-- call was denied (see warnings); assignments then name accounts by ID only.
CREATE TABLE accounts (
    account_id  TEXT PRIMARY KEY,
    name        TEXT,
    email       TEXT,
    status      TEXT,
    joined_at   TEXT
);

CREATE TABLE permission_sets (
    permission_set_arn  TEXT PRIMARY KEY,
    instance_arn        TEXT NOT NULL REFERENCES instances (instance_arn),
    name                TEXT NOT NULL,
    description         TEXT,
    session_duration    TEXT,
    relay_state         TEXT,
    created_at          TEXT
);

-- principal_missing is 1 when the assigned user or group is not in the
-- Identity Store any more. AWS keeps such assignments, so this file does too.
CREATE TABLE account_assignments (
    instance_arn        TEXT NOT NULL REFERENCES instances (instance_arn),
    account_id          TEXT NOT NULL,
    permission_set_arn  TEXT NOT NULL,
    principal_type      TEXT NOT NULL CHECK (principal_type IN ('USER', 'GROUP')),
    principal_id        TEXT NOT NULL,
    principal_missing   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (instance_arn, account_id, permission_set_arn, principal_type, principal_id)
);
CREATE INDEX account_assignments_principal ON account_assignments (principal_id);

CREATE TABLE users (
    identity_store_id   TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    user_name           TEXT,
    display_name        TEXT,
    given_name          TEXT,
    family_name         TEXT,
    formatted_name      TEXT,
    primary_email       TEXT,
    emails              TEXT NOT NULL DEFAULT '[]',
    user_type           TEXT,
    title               TEXT,
    status              TEXT,
    external_ids        TEXT NOT NULL DEFAULT '[]',
    created_at          TEXT,
    updated_at          TEXT,
    PRIMARY KEY (identity_store_id, user_id)
);

CREATE TABLE groups (
    identity_store_id  TEXT NOT NULL,
    group_id           TEXT NOT NULL,
    display_name       TEXT,
    description        TEXT,
    external_ids       TEXT NOT NULL DEFAULT '[]',
    created_at         TEXT,
    updated_at         TEXT,
    PRIMARY KEY (identity_store_id, group_id)
);

CREATE TABLE group_memberships (
    identity_store_id  TEXT NOT NULL,
    membership_id      TEXT NOT NULL,
    group_id           TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    PRIMARY KEY (identity_store_id, membership_id)
);
CREATE INDEX group_memberships_group ON group_memberships (identity_store_id, group_id);

-- Effective account access: one row per (user, account, permission set,
-- path). The path is a direct assignment (via = 'direct') or the group that
-- grants it (via = the group's display name, via_group_id its ID).
-- Assignments of deleted principals produce no rows here.
CREATE VIEW account_access AS
SELECT
    u.user_name,
    u.user_id,
    u.display_name        AS user_display_name,
    aa.account_id,
    a.name                AS account_name,
    ps.name               AS permission_set_name,
    aa.permission_set_arn,
    'direct'              AS via,
    NULL                  AS via_group_id,
    aa.instance_arn,
    i.identity_store_id
FROM account_assignments aa
JOIN instances i ON i.instance_arn = aa.instance_arn
JOIN users u ON u.identity_store_id = i.identity_store_id AND u.user_id = aa.principal_id
LEFT JOIN accounts a ON a.account_id = aa.account_id
LEFT JOIN permission_sets ps ON ps.permission_set_arn = aa.permission_set_arn
WHERE aa.principal_type = 'USER'
UNION ALL
SELECT
    u.user_name,
    u.user_id,
    u.display_name,
    aa.account_id,
    a.name,
    ps.name,
    aa.permission_set_arn,
    g.display_name,
    g.group_id,
    aa.instance_arn,
    i.identity_store_id
FROM account_assignments aa
JOIN instances i ON i.instance_arn = aa.instance_arn
JOIN groups g ON g.identity_store_id = i.identity_store_id AND g.group_id = aa.principal_id
JOIN group_memberships gm ON gm.identity_store_id = g.identity_store_id AND gm.group_id = g.group_id
JOIN users u ON u.identity_store_id = gm.identity_store_id AND u.user_id = gm.user_id
LEFT JOIN accounts a ON a.account_id = aa.account_id
LEFT JOIN permission_sets ps ON ps.permission_set_arn = aa.permission_set_arn
WHERE aa.principal_type = 'GROUP';
