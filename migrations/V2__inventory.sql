-- The full inventory auditors ask about, beyond who reaches which account:
-- instance encryption, permission set policies, boundaries, tags and
-- provisioning, applications and their assignments, retry and throttle
-- counts, a coverage table that tells "none" from "not read", and the views
-- of orphaned assignments and effective application access.

ALTER TABLE api_calls ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_calls ADD COLUMN throttled INTEGER NOT NULL DEFAULT 0;

-- From DescribeInstance. A customer managed KMS key that the role cannot use
-- blocks reading the Identity Store, so the key is evidence worth keeping.
CREATE TABLE instance_encryption (
    instance_arn   TEXT PRIMARY KEY REFERENCES instances (instance_arn),
    key_type       TEXT,
    kms_key_arn    TEXT,
    status         TEXT,
    status_reason  TEXT
);

-- NULL when the permission set has no inline policy.
ALTER TABLE permission_sets ADD COLUMN inline_policy TEXT;

CREATE TABLE permission_set_managed_policies (
    permission_set_arn  TEXT NOT NULL REFERENCES permission_sets (permission_set_arn),
    policy_arn          TEXT NOT NULL,
    policy_name         TEXT,
    PRIMARY KEY (permission_set_arn, policy_arn)
);

CREATE TABLE permission_set_customer_managed_policies (
    permission_set_arn  TEXT NOT NULL REFERENCES permission_sets (permission_set_arn),
    policy_name         TEXT NOT NULL,
    policy_path         TEXT NOT NULL DEFAULT '/',
    PRIMARY KEY (permission_set_arn, policy_name, policy_path)
);

-- One row per permission set that has a boundary; a set without one has no
-- row. The boundary is a managed policy ARN or a customer managed reference.
CREATE TABLE permission_set_boundaries (
    permission_set_arn    TEXT PRIMARY KEY REFERENCES permission_sets (permission_set_arn),
    managed_policy_arn    TEXT,
    customer_policy_name  TEXT,
    customer_policy_path  TEXT
);

CREATE TABLE permission_set_tags (
    permission_set_arn  TEXT NOT NULL REFERENCES permission_sets (permission_set_arn),
    key                 TEXT NOT NULL,
    value               TEXT NOT NULL,
    PRIMARY KEY (permission_set_arn, key)
);

-- provisioning_status is LATEST_PERMISSION_SET_PROVISIONED, or
-- LATEST_PERMISSION_SET_NOT_PROVISIONED when the account still runs an older
-- version of the permission set.
CREATE TABLE permission_set_provisioned_accounts (
    instance_arn         TEXT NOT NULL REFERENCES instances (instance_arn),
    permission_set_arn   TEXT NOT NULL,
    account_id           TEXT NOT NULL,
    provisioning_status  TEXT NOT NULL,
    PRIMARY KEY (permission_set_arn, account_id)
);

CREATE TABLE application_providers (
    application_provider_arn  TEXT PRIMARY KEY,
    display_name              TEXT,
    description               TEXT,
    federation_protocol       TEXT
);

-- assignment_required is 1 when users need an assignment to use the
-- application, 0 when every user of the instance may use it, and NULL when
-- it could not be read (see warnings).
CREATE TABLE applications (
    application_arn           TEXT PRIMARY KEY,
    instance_arn              TEXT NOT NULL REFERENCES instances (instance_arn),
    name                      TEXT,
    description               TEXT,
    application_provider_arn  TEXT,
    application_account       TEXT,
    status                    TEXT,
    portal_visibility         TEXT,
    sign_in_origin            TEXT,
    sign_in_url               TEXT,
    created_at                TEXT,
    created_from              TEXT,
    assignment_required       INTEGER
);

-- principal_missing is 1 when the user or group is not in the Identity
-- Store any more; such assignments are kept, as for accounts.
CREATE TABLE application_assignments (
    instance_arn       TEXT NOT NULL REFERENCES instances (instance_arn),
    application_arn    TEXT NOT NULL,
    principal_type     TEXT NOT NULL CHECK (principal_type IN ('USER', 'GROUP')),
    principal_id       TEXT NOT NULL,
    principal_missing  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (application_arn, principal_type, principal_id)
);

-- One row per (scope, part): complete = 1 when the part was read in full,
-- 0 when it could not be read (detail says why, and warnings has the error).
-- scope is an instance ARN, or 'organization' for account names.
CREATE TABLE coverage (
    scope     TEXT NOT NULL,
    part      TEXT NOT NULL,
    complete  INTEGER NOT NULL,
    detail    TEXT,
    PRIMARY KEY (scope, part)
);

-- Account and application assignments whose user or group no longer exists
-- in the Identity Store.
CREATE VIEW orphaned_assignments AS
SELECT
    'account'            AS assignment_type,
    instance_arn,
    account_id           AS target_id,
    permission_set_arn,
    principal_type,
    principal_id
FROM account_assignments
WHERE principal_missing = 1
UNION ALL
SELECT
    'application',
    instance_arn,
    application_arn,
    NULL,
    principal_type,
    principal_id
FROM application_assignments
WHERE principal_missing = 1;

-- Effective application access: one row per (user, application, path), the
-- path being a direct assignment or a group. Applications that do not
-- require assignments are open to every user of the instance and are not
-- expanded here; their assignment_required is 0.
CREATE VIEW application_access AS
SELECT
    u.user_name,
    u.user_id,
    u.display_name      AS user_display_name,
    aa.application_arn,
    app.name            AS application_name,
    'direct'            AS via,
    NULL                AS via_group_id,
    aa.instance_arn,
    i.identity_store_id
FROM application_assignments aa
JOIN instances i ON i.instance_arn = aa.instance_arn
JOIN users u ON u.identity_store_id = i.identity_store_id AND u.user_id = aa.principal_id
LEFT JOIN applications app ON app.application_arn = aa.application_arn
WHERE aa.principal_type = 'USER'
UNION ALL
SELECT
    u.user_name,
    u.user_id,
    u.display_name,
    aa.application_arn,
    app.name,
    g.display_name,
    g.group_id,
    aa.instance_arn,
    i.identity_store_id
FROM application_assignments aa
JOIN instances i ON i.instance_arn = aa.instance_arn
JOIN groups g ON g.identity_store_id = i.identity_store_id AND g.group_id = aa.principal_id
JOIN group_memberships gm ON gm.identity_store_id = g.identity_store_id AND gm.group_id = g.group_id
JOIN users u ON u.identity_store_id = gm.identity_store_id AND u.user_id = gm.user_id
LEFT JOIN applications app ON app.application_arn = aa.application_arn
WHERE aa.principal_type = 'GROUP';
