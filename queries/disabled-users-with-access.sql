-- title: Disabled users with access
-- question: Which disabled users are still assigned, directly or through a
--   group, to an account or an application?
-- requires: accounts, users, user_status, groups, group_memberships, permission_sets, account_assignments, applications
--
-- One row per (user, account and permission set, or application, path) for
-- each user whose status is DISABLED. access_type is 'account' or
-- 'application'; via is 'direct' or the display name of the group.
-- Applications that do not require an assignment are open to every user
-- and have no assignment to remove, so they are left out.
--
-- Known limit: the status comes from the Identity Store's ListUsers. Users
-- whose status the snapshot lacks (status is NULL) are not listed, so an
-- empty result means only that no user is known to be disabled. When no user
-- of an instance has a status, the user_status part of coverage is
-- incomplete and `idcdb query` warns.
WITH disabled_users AS (
    SELECT identity_store_id, user_id, status
    FROM users
    WHERE upper(status) = 'DISABLED'
),
paths AS (
    SELECT
        identity_store_id,
        user_id,
        user_name,
        'account'               AS access_type,
        account_id              AS target_id,
        account_name            AS target_name,
        permission_set_name,
        permission_set_arn,
        via
    FROM account_access
    WHERE user_id IN (SELECT user_id FROM disabled_users)
    UNION ALL
    SELECT
        identity_store_id,
        user_id,
        user_name,
        'application',
        application_arn,
        application_name,
        NULL,
        NULL,
        via
    FROM application_access
    WHERE user_id IN (SELECT user_id FROM disabled_users)
)
SELECT
    p.user_name,
    p.user_id,
    d.status,
    p.access_type,
    p.target_id,
    p.target_name,
    p.permission_set_name,
    p.permission_set_arn,
    p.via
FROM paths p
JOIN disabled_users d ON d.identity_store_id = p.identity_store_id AND d.user_id = p.user_id
ORDER BY p.user_name, p.user_id, p.access_type, p.target_id, p.permission_set_name, p.via;
