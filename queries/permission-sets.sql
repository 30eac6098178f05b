-- title: Permission sets
-- question: What does each permission set contain (policies, boundary,
--   session duration), and how widely is it provisioned and assigned?
-- param permission_set (optional): permission set name or ARN to show
-- requires: permission_sets, account_assignments
--
-- One row per permission set. managed_policies lists the names of the AWS
-- managed policies (the ARN where the name is missing), and
-- customer_managed_policies the path and name of each customer managed
-- policy reference, each list sorted and separated by "; ". The content of
-- customer managed policies is in IAM in each account, not in the snapshot.
-- has_inline_policy is 1 when the permission set has an inline policy.
-- permissions_boundary is the boundary's managed policy ARN or customer
-- managed path and name. account_assignments counts every assignment,
-- including those of deleted users and groups.
--
-- The report uses aggregate ORDER BY, which needs SQLite 3.44 or newer.
WITH managed AS (
    SELECT
        permission_set_arn,
        group_concat(COALESCE(policy_name, policy_arn), '; '
                     ORDER BY COALESCE(policy_name, policy_arn)) AS policies
    FROM permission_set_managed_policies
    GROUP BY permission_set_arn
),
customer AS (
    SELECT
        permission_set_arn,
        group_concat(policy_path || policy_name, '; ' ORDER BY policy_path, policy_name)
            AS policies
    FROM permission_set_customer_managed_policies
    GROUP BY permission_set_arn
),
provisioned AS (
    SELECT permission_set_arn, COUNT(*) AS accounts
    FROM permission_set_provisioned_accounts
    GROUP BY permission_set_arn
),
assigned AS (
    SELECT permission_set_arn, COUNT(*) AS assignments
    FROM account_assignments
    GROUP BY permission_set_arn
)
SELECT
    ps.name                                 AS permission_set_name,
    ps.permission_set_arn,
    ps.description,
    m.policies                              AS managed_policies,
    c.policies                              AS customer_managed_policies,
    ps.inline_policy IS NOT NULL            AS has_inline_policy,
    COALESCE(b.managed_policy_arn, b.customer_policy_path || b.customer_policy_name)
                                            AS permissions_boundary,
    ps.session_duration,
    COALESCE(p.accounts, 0)                 AS provisioned_accounts,
    COALESCE(a.assignments, 0)              AS account_assignments
FROM permission_sets ps
LEFT JOIN managed m ON m.permission_set_arn = ps.permission_set_arn
LEFT JOIN customer c ON c.permission_set_arn = ps.permission_set_arn
LEFT JOIN permission_set_boundaries b ON b.permission_set_arn = ps.permission_set_arn
LEFT JOIN provisioned p ON p.permission_set_arn = ps.permission_set_arn
LEFT JOIN assigned a ON a.permission_set_arn = ps.permission_set_arn
WHERE (:permission_set IS NULL OR ps.name = :permission_set
       OR ps.permission_set_arn = :permission_set)
ORDER BY ps.name, ps.permission_set_arn;
