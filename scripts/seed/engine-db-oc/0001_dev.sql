-- Local dev seed for engine-db-oc: the operator, a member of org_rtopacks_ops (RTO 45329,
-- inserted by the migration). Idempotent.
INSERT INTO users (id, email, display_name, org_id, status, created_at)
VALUES ('usr_dev_operator', 'ops@rtopacks.com.au', 'Dev Operator', 'org_rtopacks_ops', 'active', '2026-04-13T00:00:00Z')
ON CONFLICT (id) DO NOTHING;
INSERT INTO memberships (org_id, user_id, role, created_at)
VALUES ('org_rtopacks_ops', 'usr_dev_operator', 'owner', '2026-04-13T00:00:00Z')
ON CONFLICT (org_id, user_id) DO NOTHING;
