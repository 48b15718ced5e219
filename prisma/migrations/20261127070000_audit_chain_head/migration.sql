-- The chain's tail lives in a one-row table. Finding it with ORDER BY chain_seq DESC LIMIT 1
-- inside the trigger used a plan cached per connection; a plan made while the log was small
-- scans the whole table on every insert later. A primary-key read never does.
CREATE TABLE "wl_audit_chain_head" (
    "id" SMALLINT NOT NULL,
    "chain_seq" BIGINT NOT NULL,
    "row_hash" CHAR(64) NOT NULL,
    CONSTRAINT "wl_audit_chain_head_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "wl_audit_chain_head_one_row" CHECK ("id" = 1)
);

INSERT INTO "wl_audit_chain_head" (id, chain_seq, row_hash)
SELECT 1, coalesce(max(chain_seq), 0),
       coalesce((SELECT row_hash FROM studio_crm_auditlog WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1), repeat('0', 64))
  FROM studio_crm_auditlog;

CREATE OR REPLACE FUNCTION wl_audit_chain() RETURNS trigger AS $$
DECLARE
  last record;
BEGIN
  -- Key 0x776c6175 ("wlau"): held to commit, so writers form one chain in commit order.
  PERFORM pg_advisory_xact_lock(2003591541);
  SELECT chain_seq, row_hash INTO last FROM wl_audit_chain_head WHERE id = 1;
  NEW.chain_seq := last.chain_seq + 1;
  NEW.prev_hash := last.row_hash;
  NEW.row_hash := encode(sha256(convert_to(wl_audit_canonical(NEW), 'UTF8')), 'hex');
  UPDATE wl_audit_chain_head SET chain_seq = NEW.chain_seq, row_hash = NEW.row_hash WHERE id = 1;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
