-- title: Users without access
-- question: Which users reach no account and have no application assignment,
--   directly or through a group?
-- requires: users, groups, group_memberships, account_assignments, applications
--
-- One row per such user. Applications that do not require an assignment
-- are open to every user of their instance. open_applications counts them
-- for the user's instance, and a user listed here may still use them.
-- group_count counts the user's groups, none of which has an account or
-- application assignment. Users of an account instance cannot reach AWS
-- accounts, only applications.
WITH reached_users AS (
    SELECT identity_store_id, user_id FROM account_access
    UNION
    SELECT identity_store_id, user_id FROM application_access
),
group_counts AS (
    SELECT identity_store_id, user_id, COUNT(*) AS group_count
    FROM group_memberships
    GROUP BY identity_store_id, user_id
),
open_application_counts AS (
    SELECT i.identity_store_id, COUNT(*) AS open_applications
    FROM applications app
    JOIN instances i ON i.instance_arn = app.instance_arn
    WHERE app.assignment_required = 0
    GROUP BY i.identity_store_id
)
SELECT
    u.user_name,
    u.user_id,
    u.display_name,
    u.identity_store_id,
    u.status,
    COALESCE(g.group_count, 0)              AS group_count,
    COALESCE(o.open_applications, 0)        AS open_applications
FROM users u
LEFT JOIN reached_users r
    ON r.identity_store_id = u.identity_store_id AND r.user_id = u.user_id
LEFT JOIN group_counts g
    ON g.identity_store_id = u.identity_store_id AND g.user_id = u.user_id
LEFT JOIN open_application_counts o ON o.identity_store_id = u.identity_store_id
WHERE r.user_id IS NULL
ORDER BY u.user_name, u.user_id;
