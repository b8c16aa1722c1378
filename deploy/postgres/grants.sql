-- Haven: table privileges in the vault database (step 2 of 2; see roles.sql).
--
-- Run as a superuser (or the owner role), connected to the vault database, after the first
-- migration and again after every upgrade that adds a table:
--   psql -v ON_ERROR_STOP=1 -d haven_vault -f deploy/postgres/grants.sql
-- It first takes every privilege away from the app roles, then grants exactly what each app's
-- code uses, so re-running it never leaves a stale grant behind.

\if :{?owner_role} \else \set owner_role haven_owner \endif
\if :{?intake_role} \else \set intake_role haven_intake \endif
\if :{?vault_api_role} \else \set vault_api_role haven_vault_api \endif

BEGIN;

-- Only the owner creates objects; the apps may only use the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE ON SCHEMA public TO %I, %I', :'intake_role', :'vault_api_role')
\gexec
SELECT format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, %I, %I',
              :'intake_role', :'vault_api_role')
\gexec
SELECT format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, %I, %I',
              :'intake_role', :'vault_api_role')
\gexec
-- nextval() on the id sequences of the tables each app inserts into.
SELECT format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I, %I',
              :'intake_role', :'vault_api_role')
\gexec

-- ---- the intake: insert ciphertext; read a report only to answer its receipt holder ----
-- Every app checks the schema revision before it serves.
SELECT format('GRANT SELECT ON alembic_version TO %I, %I', :'intake_role', :'vault_api_role')
\gexec
-- A new report, and a withdrawal by its reporter (state, last change day) — nothing else
-- of a stored report can be changed, and no report can be deleted.
SELECT format('GRANT SELECT, INSERT ON reports TO %I', :'intake_role')
\gexec
SELECT format('GRANT UPDATE (state, last_change_day) ON reports TO %I', :'intake_role')
\gexec
-- Stanzas are written with the report; the intake never reads a sealed key back (it can
-- count a report's readers to tell the reporter, S14).
SELECT format('GRANT INSERT ON stanzas TO %I', :'intake_role')
\gexec
SELECT format('GRANT SELECT (id, report_id, key_id) ON stanzas TO %I', :'intake_role')
\gexec
-- Attachments: resumable uploads, their blob rows, attaching them to the new report.
SELECT format('GRANT SELECT, INSERT ON blobs TO %I', :'intake_role')
\gexec
SELECT format('GRANT UPDATE (report_id, state) ON blobs TO %I', :'intake_role')
\gexec
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON upload_sessions TO %I', :'intake_role')
\gexec
-- Reporter events in, reviewer replies out (both sealed).
SELECT format('GRANT SELECT, INSERT ON events TO %I', :'intake_role')
\gexec
-- Replies served to the receipt holder are stamped with the day (deleted N days later, S6);
-- burning the receipt removes its lookup, the replies, the reporter-sealed status and the
-- chain head. With each reporter event the intake keeps the reporter's new chain head,
-- sealed to the reporter (reports.reporter_head: ciphertext the intake cannot read).
SELECT format('GRANT UPDATE (fetched_day) ON events TO %I', :'intake_role')
\gexec
SELECT format('GRANT UPDATE (replies_fetched_seq, lookup_hash, status_sealed, reporter_head) '
              'ON reports TO %I', :'intake_role')
\gexec
SELECT format('GRANT DELETE ON events TO %I', :'intake_role')
\gexec
-- ... but only replies to the reporter: the reporter's own events are evidence, and the
-- intake must never delete them, whoever drives it.
CREATE OR REPLACE FUNCTION haven_intake_deletes_replies_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_user = TG_ARGV[0] AND OLD.direction <> 'to_reporter' THEN
        RAISE EXCEPTION 'the intake may delete only replies to the reporter'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION haven_intake_deletes_replies_only() FROM PUBLIC;
DROP TRIGGER IF EXISTS haven_events_intake_deletes_replies_only ON events;
SELECT format('CREATE TRIGGER haven_events_intake_deletes_replies_only BEFORE DELETE ON events '
              'FOR EACH ROW EXECUTE FUNCTION haven_intake_deletes_replies_only(%L)',
              :'intake_role')
\gexec
-- ... and a lookup hash can only be removed (a burned receipt), never replaced.
CREATE OR REPLACE FUNCTION haven_intake_lookup_only_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_user = TG_ARGV[0] AND NEW.lookup_hash IS NOT NULL
       AND NEW.lookup_hash IS DISTINCT FROM OLD.lookup_hash THEN
        RAISE EXCEPTION 'the intake may only remove a receipt lookup'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION haven_intake_lookup_only_removed() FROM PUBLIC;
DROP TRIGGER IF EXISTS haven_reports_intake_lookup_only_removed ON reports;
SELECT format('CREATE TRIGGER haven_reports_intake_lookup_only_removed BEFORE UPDATE ON reports '
              'FOR EACH ROW EXECUTE FUNCTION haven_intake_lookup_only_removed(%L)',
              :'intake_role')
\gexec
-- The audit entry of a burned receipt (counts only). vault.audit reads the highest seq and
-- locks the table (which needs UPDATE; the triggers below refuse every actual UPDATE).
SELECT format('GRANT SELECT (seq), INSERT, UPDATE ON audit_entries TO %I', :'intake_role')
\gexec
-- Blob bytes in the database blob store (vault.blobs_pg), when it is used.
SELECT format('GRANT SELECT, INSERT ON blob_store_objects, blob_store_chunks TO %I',
              :'intake_role')
\gexec

-- ---- the vault API: ciphertext out, reviewer records and access grants in ----
SELECT format('GRANT SELECT ON reports, blobs, bundles, purge_log, events, blob_store_objects, blob_store_chunks TO %I',
              :'vault_api_role')
\gexec
-- The reporter-visible status (sealed) and withdrawal; never the envelope, day or lookup.
SELECT format('GRANT UPDATE (state, status_sealed, status_epoch, last_change_day) ON reports TO %I',
              :'vault_api_role')
\gexec
-- Access grants: re-seal on assignment, revoke by deleting the stanza (S14, S6).
SELECT format('GRANT SELECT, INSERT, DELETE ON stanzas TO %I', :'vault_api_role')
\gexec
SELECT format('GRANT UPDATE (sealed_key, epoch) ON stanzas TO %I', :'vault_api_role')
\gexec
-- Replies to reporters, deleted some days after they were fetched (S6).
SELECT format('GRANT INSERT, DELETE ON events TO %I', :'vault_api_role')
\gexec
SELECT format('GRANT INSERT ON bundles TO %I', :'vault_api_role')
\gexec
-- Signed reviewer actions (S17): each accepted statement's nonce is kept a few days so it
-- cannot be replayed; `haven purge` (the owner) prunes them.
SELECT format('GRANT SELECT, INSERT ON action_nonces TO %I', :'vault_api_role')
\gexec
-- The audit log is append-only for every app (S17). vault.audit takes
-- LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE to number entries without gaps, and
-- PostgreSQL allows that lock only with UPDATE or DELETE privilege; so the role gets UPDATE
-- on audit_entries, and the triggers below refuse every UPDATE, DELETE and TRUNCATE of the
-- log, whoever asks (nothing in Haven rewrites it; a purge leaves keyed hashes in place).
SELECT format('GRANT SELECT, INSERT ON audit_entries, audit_heads TO %I', :'vault_api_role')
\gexec
SELECT format('GRANT UPDATE ON audit_entries TO %I', :'vault_api_role')
\gexec
CREATE OR REPLACE FUNCTION haven_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION haven_audit_append_only() FROM PUBLIC;
DROP TRIGGER IF EXISTS haven_audit_entries_append_only ON audit_entries;
CREATE TRIGGER haven_audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION haven_audit_append_only();
DROP TRIGGER IF EXISTS haven_audit_entries_no_truncate ON audit_entries;
CREATE TRIGGER haven_audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION haven_audit_append_only();
DROP TRIGGER IF EXISTS haven_audit_heads_append_only ON audit_heads;
CREATE TRIGGER haven_audit_heads_append_only BEFORE UPDATE OR DELETE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION haven_audit_append_only();
-- Reviewer accounts, sessions, access grants and reviewer records (the tables of this list
-- that the schema has: a table added by a later migration is granted once it exists).
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', t, :'vault_api_role')
  FROM unnest(ARRAY['accounts', 'reviewer_keys', 'recovery_codes', 'api_tokens', 'assignments',
                    'event_grants', 'reviewer_records', 'record_recipients', 'decrypt_opens',
                    'alerts']) AS t
 WHERE to_regclass(format('public.%I', t)) IS NOT NULL
\gexec

COMMIT;
