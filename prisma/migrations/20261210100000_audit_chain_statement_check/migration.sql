-- A statement's rows are checked against the chain once, after the statement, instead of one
-- lookup of the log per row.
--
-- Since 20261207100000 each row's trigger takes the tail the previous row of its statement left
-- in a transaction-local setting, and checked that hint with a lookup of the log
-- (chain_seq = seq AND row_hash = prev) because any session can set that setting itself.
-- PL/pgSQL caches that lookup's plan per session. Planned while the log looked (nearly) empty,
-- for instance after an ANALYZE of a fresh install's log, the cached plan is a sequential scan,
-- and it stays one until the next ANALYZE: every row of every multi-row insert in that session
-- then scans the whole log. A nightly recompute of 100,000 creators took 166 s instead of 7 on
-- such a copy. Every way to pin that plan (a SET clause, dynamic SQL) costs every row more.
--
-- Now the row trigger uses the hint as it finds it, and the statement trigger, which already
-- reads the statement's rows (its transition table, which no session can write), checks them
-- all in one pass: the first continues the head (seq + 1, prev = its hash) and each next one
-- continues the row before it. A statement whose rows do not (a forged hint) fails whole, so
-- nothing it inserted is kept; before, the row trigger ignored a hint naming no row. The rows,
-- their order and their hashes are as before: the verifier (src/audit/audit-chain.ts) needs no
-- change.
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
    -- Checked with the statement's other rows by wl_audit_chain_head_write().
    seq := pg_catalog.split_part(hint, ':', 1)::bigint;
    prev := pg_catalog.split_part(hint, ':', 2);
  ELSE
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

-- After each statement: its rows must continue the head in one unbroken run; then the head
-- becomes the last of them. The hint is cleared, so the next statement starts from the head.
-- The chain's advisory lock, taken by the first row, is held, so the head is the one that row
-- continued.
CREATE OR REPLACE FUNCTION wl_audit_chain_head_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  head record;
  breaks bigint;
  last record;
BEGIN
  SELECT chain_seq, row_hash INTO head FROM wl_audit_chain_head WHERE id = 1;
  SELECT count(*) INTO breaks
    FROM (SELECT chain_seq, prev_hash,
                 lag(chain_seq) OVER w AS before_seq, lag(row_hash) OVER w AS before_hash
            FROM wl_audit_new_rows WINDOW w AS (ORDER BY chain_seq)) r
   WHERE r.chain_seq IS DISTINCT FROM coalesce(r.before_seq, head.chain_seq) + 1
      OR r.prev_hash IS DISTINCT FROM coalesce(r.before_hash, head.row_hash);
  IF breaks > 0 THEN
    RAISE EXCEPTION 'audit rows do not continue the audit chain (% of them)', breaks
      USING ERRCODE = 'integrity_constraint_violation',
            HINT = 'wl.audit_chain_tail is set by the chain trigger only';
  END IF;
  SELECT chain_seq, row_hash INTO last FROM wl_audit_new_rows ORDER BY chain_seq DESC LIMIT 1;
  IF FOUND THEN
    UPDATE wl_audit_chain_head SET chain_seq = last.chain_seq, row_hash = last.row_hash WHERE id = 1;
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
