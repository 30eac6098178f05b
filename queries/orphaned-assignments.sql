-- title: Orphaned assignments
-- question: Which account and application assignments name a user or group
--   that no longer exists in the Identity Store?
-- param assignment_type (optional): 'account' or 'application' to show only
--   that kind
-- requires: users, groups, account_assignments, applications
--
-- One row per assignment. AWS keeps an assignment after its user or group
-- is deleted, until someone removes the assignment. target_id is the account ID or the
-- application ARN, and target_name the account or application name where
-- the snapshot has it. permission_set_name and permission_set_arn are empty
-- for application assignments.
SELECT
    o.assignment_type,
    o.target_id,
    COALESCE(a.name, app.name)    AS target_name,
    ps.name                       AS permission_set_name,
    o.permission_set_arn,
    o.principal_type,
    o.principal_id,
    o.instance_arn
FROM orphaned_assignments o
LEFT JOIN accounts a
    ON o.assignment_type = 'account' AND a.account_id = o.target_id
LEFT JOIN applications app
    ON o.assignment_type = 'application' AND app.application_arn = o.target_id
LEFT JOIN permission_sets ps ON ps.permission_set_arn = o.permission_set_arn
WHERE (:assignment_type IS NULL OR o.assignment_type = :assignment_type)
ORDER BY o.assignment_type, o.target_id, ps.name, o.principal_type, o.principal_id;
