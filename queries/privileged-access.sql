-- title: Privileged access
-- question: Who can reach an account with an administrator-level permission
--   set, why is that permission set administrator-level, and through which
--   path?
-- param account (optional): account ID or account name to show
-- param user (optional): user name or user ID to show
-- param permission_set (optional): permission set name or ARN to show
-- requires: accounts, users, groups, group_memberships, permission_sets, account_assignments
--
-- A permission set is administrator-level when it has the AWS managed
-- policy AdministratorAccess, PowerUserAccess or IAMFullAccess attached, or
-- an inline policy with an Allow statement whose Action is "*" or "iam:*".
-- Statement may be one object or an array, and Action one string or an
-- array. Effect and Action are compared case-insensitively, because IAM
-- action names are not case-sensitive. reason lists every such finding of
-- the permission set, separated by "; ".
-- One row per (user, account, permission set, path), as in account-access.
--
-- Known limits:
-- - Customer managed policies live in IAM in each account, so Identity
--   Center, and this snapshot, hold only their names. They are not
--   evaluated: unevaluated_customer_managed_policies lists the references of
--   each row's permission set, and a permission set whose only broad grant
--   is a customer managed policy is not listed at all. The permission-sets
--   report lists every permission set with its references.
-- - Only the inline policy's Effect and Action are read. Resource,
--   Condition, Deny statements and the permissions boundary (shown in
--   permissions_boundary) can narrow what a listed permission set allows,
--   and are not evaluated.
-- - An Allow statement with NotAction grants every action but the listed
--   ones. It is not evaluated, so such a permission set is not listed.
-- - An inline policy that is not valid JSON is not evaluated.
--
-- The report uses aggregate ORDER BY, which needs SQLite 3.44 or newer.
WITH policy_documents AS (
    SELECT
        permission_set_arn,
        CASE WHEN json_valid(inline_policy) THEN inline_policy END AS document
    FROM permission_sets
    WHERE inline_policy IS NOT NULL
),
policy_statements AS (
    SELECT d.permission_set_arn, s.value AS statement
    FROM policy_documents d, json_each(d.document, '$.Statement') s
    WHERE json_type(d.document, '$.Statement') = 'array'
      AND s.type = 'object'
    UNION ALL
    SELECT permission_set_arn, json_extract(document, '$.Statement')
    FROM policy_documents
    WHERE json_type(document, '$.Statement') = 'object'
),
-- json_each on a string returns that one string, so Action may be a string
-- or an array of strings.
allowed_actions AS (
    SELECT st.permission_set_arn, lower(a.value) AS action
    FROM policy_statements st, json_each(st.statement, '$.Action') a
    WHERE lower(json_extract(st.statement, '$.Effect')) = 'allow'
      AND a.type = 'text'
),
findings AS (
    SELECT
        permission_set_arn,
        'AWS managed policy ' || substr(policy_arn, instr(policy_arn, ':policy/') + 8) AS reason
    FROM permission_set_managed_policies
    WHERE policy_arn GLOB 'arn:aws*:iam::aws:policy/AdministratorAccess'
       OR policy_arn GLOB 'arn:aws*:iam::aws:policy/PowerUserAccess'
       OR policy_arn GLOB 'arn:aws*:iam::aws:policy/IAMFullAccess'
    UNION
    SELECT permission_set_arn, 'inline policy allows ' || action
    FROM allowed_actions
    WHERE action IN ('*', 'iam:*')
),
privileged_sets AS (
    SELECT permission_set_arn, group_concat(reason, '; ' ORDER BY reason) AS reason
    FROM findings
    GROUP BY permission_set_arn
),
customer_references AS (
    SELECT
        permission_set_arn,
        group_concat(policy_path || policy_name, '; ' ORDER BY policy_path, policy_name)
            AS policies
    FROM permission_set_customer_managed_policies
    GROUP BY permission_set_arn
)
SELECT
    ac.user_name,
    ac.user_id,
    ac.account_id,
    ac.account_name,
    ac.permission_set_name,
    ac.permission_set_arn,
    ac.via,
    p.reason,
    COALESCE(b.managed_policy_arn, b.customer_policy_path || b.customer_policy_name)
        AS permissions_boundary,
    cr.policies AS unevaluated_customer_managed_policies
FROM account_access ac
JOIN privileged_sets p ON p.permission_set_arn = ac.permission_set_arn
LEFT JOIN permission_set_boundaries b ON b.permission_set_arn = ac.permission_set_arn
LEFT JOIN customer_references cr ON cr.permission_set_arn = ac.permission_set_arn
WHERE (:account IS NULL OR ac.account_id = :account OR ac.account_name = :account)
  AND (:user IS NULL OR ac.user_name = :user OR ac.user_id = :user)
  AND (:permission_set IS NULL OR ac.permission_set_name = :permission_set
       OR ac.permission_set_arn = :permission_set)
ORDER BY ac.account_id, ac.permission_set_name, ac.user_name, ac.user_id, ac.via;
