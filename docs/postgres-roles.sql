-- The roles and grants of a PostgreSQL deployment (docs/deploy.md), run by a DBA as a superuser.
-- tests/storage/postgres_test.cpp runs this file as it stands and checks each grant.

-- The owner runs upgrades: casegate migrates the schema when it connects as this role.
CREATE ROLE casegate_owner LOGIN;
CREATE SCHEMA casegate AUTHORIZATION casegate_owner;
ALTER ROLE casegate_owner SET search_path = casegate;
-- Every casegate serve connects as the application role.
CREATE ROLE casegate_app LOGIN;
ALTER ROLE casegate_app SET search_path = casegate;
GRANT USAGE ON SCHEMA casegate TO casegate_app;

-- After the owner's first connection has created the tables (and again after an upgrade that
-- adds one): the application reads and appends everywhere, updates only what changes in place,
-- deletes only expired idempotency keys, and can never update, delete or truncate the audit log.
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA casegate TO casegate_app;
GRANT UPDATE ON casegate.users, casegate.cases, casegate.case_stages, casegate.clocks, casegate.clock_counts,
  casegate.case_counts,
  casegate.settings, casegate.access_grants, casegate.audit_head TO casegate_app;
GRANT DELETE ON casegate.idempotency_keys TO casegate_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA casegate TO casegate_app;
