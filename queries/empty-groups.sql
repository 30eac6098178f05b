-- title: Empty and unassigned groups
-- question: Which groups have no members, and which groups are not assigned
--   to any account or application?
-- requires: groups, group_memberships, account_assignments, applications
--
-- One row per such group. reason is 'no members', 'no assignments', or
-- 'no members and no assignments'. A group without members that is
-- assigned grants nothing today, but grants access to everyone added to it
-- later. members, account_assignments and application_assignments give the
-- counts behind the reason.
WITH counts AS (
    SELECT
        g.identity_store_id,
        g.group_id,
        g.display_name,
        (SELECT COUNT(*) FROM group_memberships gm
          WHERE gm.identity_store_id = g.identity_store_id
            AND gm.group_id = g.group_id) AS members,
        (SELECT COUNT(*) FROM account_assignments aa
          JOIN instances i ON i.instance_arn = aa.instance_arn
          WHERE aa.principal_type = 'GROUP' AND aa.principal_id = g.group_id
            AND i.identity_store_id = g.identity_store_id) AS account_assignments,
        (SELECT COUNT(*) FROM application_assignments pa
          JOIN instances i ON i.instance_arn = pa.instance_arn
          WHERE pa.principal_type = 'GROUP' AND pa.principal_id = g.group_id
            AND i.identity_store_id = g.identity_store_id) AS application_assignments
    FROM groups g
)
SELECT
    display_name AS group_name,
    group_id,
    identity_store_id,
    CASE
        WHEN members = 0 AND account_assignments + application_assignments = 0
            THEN 'no members and no assignments'
        WHEN members = 0 THEN 'no members'
        ELSE 'no assignments'
    END AS reason,
    members,
    account_assignments,
    application_assignments
FROM counts
WHERE members = 0 OR account_assignments + application_assignments = 0
ORDER BY group_name, group_id;
