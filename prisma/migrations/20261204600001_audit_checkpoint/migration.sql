-- Signed checkpoints of the audit chain's head. The hash chain alone cannot stop someone who can
-- write the table (a superuser, the owner): they can edit a row and recompute every later hash.
-- The bot signs (chain_seq, row_hash, at) with AUDIT_ANCHOR_KEY, a key the database never holds,
-- so a re-chained log no longer matches a checkpoint and `npm run audit:verify` names it.
CREATE TABLE "wl_audit_checkpoint" (
    "id" BIGSERIAL NOT NULL,
    "chain_seq" BIGINT NOT NULL,
    "row_hash" CHAR(64) NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL,
    "key_id" CHAR(16) NOT NULL,
    "hmac" CHAR(64) NOT NULL,
    CONSTRAINT "wl_audit_checkpoint_pkey" PRIMARY KEY ("id")
);
-- Replicas checkpointing the same head write one row per key (ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX "wl_audit_checkpoint_chain_seq_key_id_key" ON "wl_audit_checkpoint"("chain_seq", "key_id");

-- Insert-only like the log itself, for the owner (and so Django) too; the app role is only
-- granted INSERT and SELECT.
CREATE OR REPLACE FUNCTION wl_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER wl_audit_checkpoint_no_update_delete BEFORE UPDATE OR DELETE ON "wl_audit_checkpoint"
  FOR EACH ROW EXECUTE FUNCTION wl_refuse_change();
CREATE TRIGGER wl_audit_checkpoint_no_truncate BEFORE TRUNCATE ON "wl_audit_checkpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION wl_refuse_change();
