-- The chain's head is written once per statement instead of once per row. The per-row UPDATE
-- of wl_audit_chain_head cost about 40 µs a row (a new version of the one head row each time),
-- half the audit rows' cost in the nightly recompute, which writes tens of thousands of rows in
-- statements of a thousand. The rows, their order and their hashes are exactly as before: the
-- verifier (src/audit/audit-chain.ts) needs no change, and rows the Django app inserts one at a
-- time are chained the same way.
--
-- Within a statement each row's trigger hands the next the tail it just made through a
-- transaction-local setting. Any session can set that setting itself (set_config in the same
-- statement), so it is only a hint: it is used when the row it names exists with that hash,
-- and then the new row's sequence number is the next one, which the unique index on chain_seq
-- holds to one row. A forged hint naming an older row can only make its own insert fail; one
-- naming no row is ignored and the head is read as before.
--
-- The row trigger now only reads (the head and the log, which the app role may SELECT), so it
-- runs with the inserter's rights and without a SET clause (a function with SET saves and
-- restores settings on every call: about 10 µs a row); the names in it are schema-qualified
-- instead. Only the statement trigger writes the head, with its owner's rights and a fixed
-- search_path.
-- Created through format() so every table and function it names carries this schema: a
-- temporary table of the caller's (searched first) cannot stand in for the head or the log.
DO $do$
BEGIN
  EXECUTE format($fn$
CREATE OR REPLACE FUNCTION wl_audit_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER AS $body$
DECLARE
  hint text := pg_catalog.current_setting('wl.audit_chain_tail', true);
  seq bigint;
  prev text;
BEGIN
  -- Key 0x776c6175 ("wlau"): held to commit, so writers form one chain in commit order.
  -- Taken on every row (a second take in the same transaction costs nothing), so no path skips it.
  PERFORM pg_catalog.pg_advisory_xact_lock(2003591541);
  IF hint IS NOT NULL AND hint <> '' THEN
    seq := pg_catalog.split_part(hint, ':', 1)::bigint;
    prev := pg_catalog.split_part(hint, ':', 2);
    -- Rows inserted earlier in this statement are visible here.
    PERFORM 1 FROM %1$I.studio_crm_auditlog WHERE chain_seq = seq AND row_hash = prev;
    IF NOT FOUND THEN hint := NULL; END IF;
  END IF;
  IF hint IS NULL OR hint = '' THEN
    SELECT chain_seq, row_hash INTO seq, prev FROM %1$I.wl_audit_chain_head WHERE id = 1;
  END IF;
  NEW.chain_seq := seq + 1;
  NEW.prev_hash := prev;
  NEW.row_hash := pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(%1$I.wl_audit_canonical(NEW), 'UTF8')), 'hex');
  PERFORM pg_catalog.set_config('wl.audit_chain_tail', NEW.chain_seq::text || ':' || NEW.row_hash, true);
  RETURN NEW;
END;
$body$ $fn$, current_schema());
  EXECUTE 'ALTER FUNCTION wl_audit_chain() RESET search_path';
END $do$;

-- After each statement: the head becomes the statement's last row, read from the rows the
-- statement really inserted (its transition table, which no session can write), never from the
-- hint. The hint is cleared, so the next statement starts from the head.
CREATE OR REPLACE FUNCTION wl_audit_chain_head_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  last record;
BEGIN
  SELECT chain_seq, row_hash INTO last FROM wl_audit_new_rows ORDER BY chain_seq DESC LIMIT 1;
  IF FOUND THEN
    UPDATE wl_audit_chain_head SET chain_seq = last.chain_seq, row_hash = last.row_hash WHERE id = 1 AND chain_seq < last.chain_seq;
  END IF;
  PERFORM set_config('wl.audit_chain_tail', '', true);
  RETURN NULL;
END;
$$;

-- SECURITY DEFINER needs a fixed search_path (see 20261204600000_audit_chain_definer).
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION wl_audit_chain_head_write() SET search_path = %I, pg_temp', current_schema());
END $$;

DROP TRIGGER IF EXISTS wl_auditlog_chain_head ON "studio_crm_auditlog";
CREATE TRIGGER wl_auditlog_chain_head AFTER INSERT ON "studio_crm_auditlog"
  REFERENCING NEW TABLE AS wl_audit_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION wl_audit_chain_head_write();
