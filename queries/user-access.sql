-- title: User access
-- question: Which accounts (with which permission set) and which applications
--   can one user reach, and through which path?
-- param user (required): user name or user ID
-- requires: accounts, users, groups, group_memberships, permission_sets, account_assignments, applications
--
-- One row per (account and permission set, or application, path).
-- access_type is 'account' or 'application'. via is 'direct', the display
-- name of the group that grants the access, or '(assignment not required)'
-- for an application that every user of its instance may use. A user who
-- reaches nothing gets one row with access_type 'none', so that an unknown
-- user (no rows) differs from a user without access. User names are unique
-- within one identity store only, so a name can match users of two
-- instances; user_id distinguishes them.
WITH matched_users AS (
    SELECT identity_store_id, user_id, user_name
    FROM users
    WHERE user_name = :user OR user_id = :user
),
paths AS (
    SELECT
        identity_store_id,
        user_id,
        'account'               AS access_type,
        account_id              AS target_id,
        account_name            AS target_name,
        permission_set_name,
        permission_set_arn,
        via
    FROM account_access
    WHERE user_id IN (SELECT user_id FROM matched_users)
    UNION ALL
    SELECT
        identity_store_id,
        user_id,
        'application',
        application_arn,
        application_name,
        NULL,
        NULL,
        via
    FROM application_access
    WHERE user_id IN (SELECT user_id FROM matched_users)
    UNION ALL
    SELECT
        m.identity_store_id,
        m.user_id,
        'application',
        app.application_arn,
        app.name,
        NULL,
        NULL,
        '(assignment not required)'
    FROM applications app
    JOIN instances i ON i.instance_arn = app.instance_arn
    JOIN matched_users m ON m.identity_store_id = i.identity_store_id
    WHERE app.assignment_required = 0
)
SELECT
    m.user_name,
    m.user_id,
    COALESCE(p.access_type, 'none')   AS access_type,
    p.target_id,
    p.target_name,
    p.permission_set_name,
    p.permission_set_arn,
    p.via
FROM matched_users m
LEFT JOIN paths p ON p.identity_store_id = m.identity_store_id AND p.user_id = m.user_id
ORDER BY m.user_name, m.user_id, access_type, p.target_id, p.permission_set_name, p.via;
