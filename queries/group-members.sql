-- title: Group members
-- question: Which users are members of which group?
-- param group (optional): group display name or group ID to show
-- requires: users, groups, group_memberships
--
-- One row per (group, member). A group without members gets one row with
-- empty user columns. A membership whose user is not in the snapshot shows
-- the user ID with an empty user_name. Group names are unique within one
-- identity store only, so a name can match groups of two instances;
-- group_id and identity_store_id distinguish them.
SELECT
    g.display_name          AS group_name,
    g.group_id,
    g.identity_store_id,
    u.user_name,
    gm.user_id
FROM groups g
LEFT JOIN group_memberships gm
    ON gm.identity_store_id = g.identity_store_id AND gm.group_id = g.group_id
LEFT JOIN users u
    ON u.identity_store_id = gm.identity_store_id AND u.user_id = gm.user_id
WHERE (:group IS NULL OR g.display_name = :group OR g.group_id = :group)
ORDER BY g.display_name, g.group_id, u.user_name, gm.user_id;
