-- title: Access by account
-- question: For each AWS account, how many permission sets are assigned, how
--   many distinct users can reach it, and how many groups and users are
--   assigned to it directly?
-- param account (optional): account ID or account name to show
-- requires: accounts, users, groups, group_memberships, account_assignments
--
-- One row per account in the snapshot: every account that AWS
-- Organizations listed, and every account that an assignment or a
-- provisioned permission set names. An account that has left the
-- organization has no account_name and no account_status, as has every
-- account when ListAccounts was denied.
--
-- permission_sets, groups_assigned and direct_user_assignments count only
-- assignments whose user or group still exists; orphaned_assignments counts
-- the others. users_with_access counts distinct users, however many paths
-- each one has. A group without members counts as assigned but adds no user.
WITH known_accounts AS (
    SELECT account_id FROM accounts
    UNION
    SELECT account_id FROM account_assignments
    UNION
    SELECT account_id FROM permission_set_provisioned_accounts
),
assignment_counts AS (
    SELECT
        account_id,
        COUNT(DISTINCT CASE WHEN principal_missing = 0 THEN permission_set_arn END)
            AS permission_sets,
        COUNT(DISTINCT CASE WHEN principal_missing = 0 AND principal_type = 'GROUP'
                            THEN principal_id END) AS groups_assigned,
        SUM(principal_missing = 0 AND principal_type = 'USER') AS direct_user_assignments,
        SUM(principal_missing = 1) AS orphaned_assignments
    FROM account_assignments
    GROUP BY account_id
),
user_counts AS (
    SELECT account_id, COUNT(DISTINCT user_id) AS users_with_access
    FROM account_access
    GROUP BY account_id
)
SELECT
    k.account_id,
    a.name                                    AS account_name,
    a.status                                  AS account_status,
    COALESCE(c.permission_sets, 0)            AS permission_sets,
    COALESCE(u.users_with_access, 0)          AS users_with_access,
    COALESCE(c.groups_assigned, 0)            AS groups_assigned,
    COALESCE(c.direct_user_assignments, 0)    AS direct_user_assignments,
    COALESCE(c.orphaned_assignments, 0)       AS orphaned_assignments
FROM known_accounts k
LEFT JOIN accounts a ON a.account_id = k.account_id
LEFT JOIN assignment_counts c ON c.account_id = k.account_id
LEFT JOIN user_counts u ON u.account_id = k.account_id
WHERE (:account IS NULL OR k.account_id = :account OR a.name = :account)
ORDER BY k.account_id;
