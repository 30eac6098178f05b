-- title: Account access
-- question: Who can reach which AWS account, with which permission set, and
--   through which path (a direct assignment or a group)?
-- params: none
--
-- One row per (user, account, permission set, path). A user reached through
-- several paths gets one row per path. Assignments of users or groups that no
-- longer exist in the Identity Store produce no rows here.
SELECT
    user_name,
    user_id,
    account_id,
    account_name,
    permission_set_name,
    permission_set_arn,
    via
FROM account_access
ORDER BY account_id, permission_set_name, user_name, user_id, via;
