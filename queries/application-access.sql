-- title: Application access
-- question: Who can use which application managed by IAM Identity Center, and
--   through which path?
-- param application (optional): application name or ARN to show
-- param user (optional): user name or user ID to show
-- param group (optional): group display name or group ID, to show only access
--   granted through that group
-- requires: users, groups, group_memberships, applications
--
-- One row per (user, application, path). via is 'direct', the display name
-- of the group that grants the access, or '(assignment not required)'.
-- An application whose assignment_required is 0 is open to every user of
-- its instance's identity store, so each of those users gets a row with
-- via '(assignment not required)', besides any assignment paths. Where
-- assignment_required could not be read (NULL), only assignments are
-- listed. Assignments of deleted users or groups produce no rows here; the
-- orphaned-assignments report lists them.
WITH paths AS (
    SELECT
        user_name,
        user_id,
        application_arn,
        via,
        via_group_id
    FROM application_access
    UNION ALL
    SELECT
        u.user_name,
        u.user_id,
        app.application_arn,
        '(assignment not required)',
        NULL
    FROM applications app
    JOIN instances i ON i.instance_arn = app.instance_arn
    JOIN users u ON u.identity_store_id = i.identity_store_id
    WHERE app.assignment_required = 0
)
SELECT
    p.user_name,
    p.user_id,
    app.name                AS application_name,
    p.application_arn,
    app.status              AS application_status,
    p.via
FROM paths p
LEFT JOIN applications app ON app.application_arn = p.application_arn
WHERE (:application IS NULL OR app.name = :application
       OR p.application_arn = :application)
  AND (:user IS NULL OR p.user_name = :user OR p.user_id = :user)
  AND (:group IS NULL OR p.via_group_id = :group
       OR (p.via_group_id IS NOT NULL AND p.via = :group))
ORDER BY app.name, p.application_arn, p.user_name, p.user_id, p.via;
