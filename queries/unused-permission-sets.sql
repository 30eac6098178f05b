-- title: Unused permission sets
-- question: Which permission sets are never provisioned, provisioned without
--   any account assignment, or assigned without reaching any user?
-- requires: users, groups, group_memberships, permission_sets, account_assignments
--
-- One row per unused permission set. status is one of:
-- - 'not provisioned': no account has the permission set and no assignment
--   uses it.
-- - 'provisioned, no assignments': provisioned to at least one account,
--   but no account assignment uses it.
-- - 'assigned, reaches no user': every assignment names a deleted user or
--   group, or a group without members.
-- provisioned_accounts counts the accounts the permission set is
-- provisioned to, and account_assignments every assignment that uses it.
WITH reached_sets AS (
    SELECT DISTINCT permission_set_arn FROM account_access
),
counts AS (
    SELECT
        ps.name,
        ps.permission_set_arn,
        (SELECT COUNT(*) FROM permission_set_provisioned_accounts p
          WHERE p.permission_set_arn = ps.permission_set_arn) AS provisioned_accounts,
        (SELECT COUNT(*) FROM account_assignments aa
          WHERE aa.permission_set_arn = ps.permission_set_arn) AS account_assignments,
        ps.permission_set_arn IN (SELECT permission_set_arn FROM reached_sets)
            AS reaches_users
    FROM permission_sets ps
)
SELECT
    name AS permission_set_name,
    permission_set_arn,
    CASE
        WHEN account_assignments = 0 AND provisioned_accounts = 0 THEN 'not provisioned'
        WHEN account_assignments = 0 THEN 'provisioned, no assignments'
        ELSE 'assigned, reaches no user'
    END AS status,
    provisioned_accounts,
    account_assignments
FROM counts
WHERE account_assignments = 0 OR NOT reaches_users
ORDER BY status, permission_set_name, permission_set_arn;
