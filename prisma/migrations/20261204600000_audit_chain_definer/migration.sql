-- The bot serves requests as a limited role (INSERT and SELECT on the audit log, SELECT on the
-- chain head; see src/migrate/app-role.ts), so the trigger that appends to the chain writes the
-- head with its owner's rights. SECURITY DEFINER needs a fixed search_path: with the caller's
-- path, a temporary table or function the caller made could stand in for the real ones.
-- pg_temp is named last on purpose: unnamed, it would be searched first.
CREATE OR REPLACE FUNCTION wl_audit_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
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
$$;

-- The schema the tables live in (public unless the connection says otherwise), fixed now.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION wl_audit_chain() SET search_path = %I, pg_temp', current_schema());
END $$;
