-- Haven: PostgreSQL roles and databases with least privilege per app (step 1 of 2).
--
-- Run ONCE as a superuser, connected to the maintenance database:
--   psql -v ON_ERROR_STOP=1 -d postgres -f deploy/postgres/roles.sql
-- then migrate the vault as its owner (`HAVEN_DATABASE_URL=postgresql://haven_owner@…/haven_vault
-- haven init …`), then grant the app roles their tables:
--   psql -v ON_ERROR_STOP=1 -d haven_vault -f deploy/postgres/grants.sql
-- Names can be changed with -v (owner_role, intake_role, vault_api_role, casebase_role,
-- vault_db, casebase_db); grants.sql takes the same variables.
--
-- Who is who:
--   owner_role     owns the vault schema; only migrations, `haven purge`, backup/restore use it.
--   intake_role    the public intake: inserts ciphertext, reads a report by its receipt's
--                  keyed lookup hash, appends reporter events. Never reads stanzas' sealed
--                  keys, reviewer accounts, reviewer records or the audit log.
--   vault_api_role the reviewers' vault API (the reviewer app reaches the vault only through
--                  it, S13): reads ciphertext, writes reviewer records, grants, audit entries;
--                  cannot rewrite or delete the audit log, change a stored envelope, insert or
--                  delete reports.
--   casebase_role  owns the case base's own database and cannot even connect to the vault.
-- No role may log in without a credential in production: set passwords with \password or use
-- client certificates (pg_hba.conf), never trust. Each role gets its own connection limit.

\if :{?owner_role} \else \set owner_role haven_owner \endif
\if :{?intake_role} \else \set intake_role haven_intake \endif
\if :{?vault_api_role} \else \set vault_api_role haven_vault_api \endif
\if :{?casebase_role} \else \set casebase_role haven_casebase \endif
\if :{?vault_db} \else \set vault_db haven_vault \endif
\if :{?casebase_db} \else \set casebase_db haven_casebase \endif

-- Roles: log in, nothing else (no superuser, no createdb/createrole, no replication).
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION', r)
  FROM unnest(ARRAY[:'owner_role', :'intake_role', :'vault_api_role', :'casebase_role']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
\gexec
SELECT format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', r)
  FROM unnest(ARRAY[:'owner_role', :'intake_role', :'vault_api_role', :'casebase_role']) AS r
\gexec
-- Statement timeouts: a stuck request must not hold locks for ever.
SELECT format('ALTER ROLE %I SET statement_timeout = %L', r, '60s')
  FROM unnest(ARRAY[:'intake_role', :'vault_api_role', :'casebase_role']) AS r
\gexec

-- Databases: the vault (owned by the owner role) and the case base (its own role, S19).
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'vault_db', :'owner_role', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'vault_db')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'casebase_db', :'casebase_role', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'casebase_db')
\gexec

-- Nobody connects by default (PUBLIC has CONNECT and TEMP on new databases).
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', d)
  FROM unnest(ARRAY[:'vault_db', :'casebase_db']) AS d
\gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'vault_db', r)
  FROM unnest(ARRAY[:'owner_role', :'intake_role', :'vault_api_role']) AS r
\gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'vault_db', :'owner_role')
\gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'casebase_db', :'casebase_role')
\gexec
