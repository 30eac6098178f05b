-- title: Account access
-- question: Who can reach which AWS account, with which permission set, and
--   through which path (a direct assignment or a group)?
-- param account (optional): account ID or account name to show
-- param user (optional): user name or user ID to show
-- param group (optional): group display name or group ID, to show only access
--   granted through that group
-- param permission_set (optional): permission set name or ARN to show
-- requires: accounts, users, groups, group_memberships, permission_sets, account_assignments
--
-- One row per (user, account, permission set, path). A user reached through
-- several paths gets one row per path. Assignments of users or groups that no
-- longer exist in the Identity Store produce no rows here; the
-- orphaned-assignments report lists them.
SELECT
    user_name,
    user_id,
    account_id,
    account_name,
    permission_set_name,
    permission_set_arn,
    via
FROM account_access
WHERE (:account IS NULL OR account_id = :account OR account_name = :account)
  AND (:user IS NULL OR user_name = :user OR user_id = :user)
  AND (:group IS NULL OR via_group_id = :group OR (via_group_id IS NOT NULL AND via = :group))
  AND (:permission_set IS NULL OR permission_set_name = :permission_set
       OR permission_set_arn = :permission_set)
ORDER BY account_id, permission_set_arn, user_name, user_id, via;
