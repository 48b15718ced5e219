-- Tamper evidence: every audit row carries a SHA-256 over its content and the previous row's
-- hash. The chain is built by a BEFORE INSERT trigger, so rows the Django app inserts are
-- chained too. One advisory lock per transaction serialises writers into one chain.

ALTER TABLE "studio_crm_auditlog" ADD COLUMN IF NOT EXISTS "chain_seq" BIGINT;
ALTER TABLE "studio_crm_auditlog" ADD COLUMN IF NOT EXISTS "prev_hash" CHAR(64);
ALTER TABLE "studio_crm_auditlog" ADD COLUMN IF NOT EXISTS "row_hash" CHAR(64);
CREATE UNIQUE INDEX IF NOT EXISTS "studio_crm_auditlog_chain_seq_key" ON "studio_crm_auditlog"("chain_seq");

-- The canonical text of a row: the verifier (scripts/verify-audit.ts) rebuilds it with the same
-- expressions and hashes it itself, so replacing this function cannot hide an edit.
CREATE OR REPLACE FUNCTION wl_audit_canonical(r studio_crm_auditlog) RETURNS text AS $$
  SELECT concat_ws(chr(31),
    r.prev_hash, r.chain_seq::text, r.id::text,
    to_char(r."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    coalesce(r.user_id::text, ''), r.user_email, coalesce(host(r.ip_address), ''),
    r.action_type, r.target_model, r.target_id::text, r.target_display,
    r.changes::text, coalesce(r.notes, ''), coalesce(r.slack_user_id, ''), coalesce(r.slack_team_id, ''))
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION wl_audit_chain() RETURNS trigger AS $$
DECLARE
  last record;
BEGIN
  -- Key 0x776c6175 ("wlau"): held to commit, so the next writer sees this row as the tail.
  PERFORM pg_advisory_xact_lock(2003591541);
  SELECT chain_seq, row_hash INTO last FROM studio_crm_auditlog WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(last.chain_seq, 0) + 1;
  NEW.prev_hash := coalesce(last.row_hash, repeat('0', 64));
  NEW.row_hash := encode(sha256(convert_to(wl_audit_canonical(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- Rows written before this migration join the chain in time order.
ALTER TABLE "studio_crm_auditlog" DISABLE TRIGGER wl_auditlog_no_update_delete;
DO $$
DECLARE
  r studio_crm_auditlog;
  prev text := repeat('0', 64);
  seq bigint := 0;
BEGIN
  FOR r IN SELECT * FROM studio_crm_auditlog WHERE chain_seq IS NULL ORDER BY "timestamp", id LOOP
    seq := seq + 1;
    r.chain_seq := seq;
    r.prev_hash := prev;
    r.row_hash := encode(sha256(convert_to(wl_audit_canonical(r), 'UTF8')), 'hex');
    UPDATE studio_crm_auditlog SET chain_seq = r.chain_seq, prev_hash = r.prev_hash, row_hash = r.row_hash WHERE id = r.id;
    prev := r.row_hash;
  END LOOP;
END $$;
ALTER TABLE "studio_crm_auditlog" ENABLE TRIGGER wl_auditlog_no_update_delete;

DROP TRIGGER IF EXISTS wl_auditlog_chain ON "studio_crm_auditlog";
CREATE TRIGGER wl_auditlog_chain BEFORE INSERT ON "studio_crm_auditlog"
  FOR EACH ROW EXECUTE FUNCTION wl_audit_chain();
