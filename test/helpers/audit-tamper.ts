import pg from "pg";

/**
 * What someone holding a superuser's (or the owner's) credential can do to the audit log:
 * switch off the append-only guard, rewrite row `chainSeq`, recompute every later row's hash
 * exactly as the chain trigger does (wl_audit_canonical, sha256), and move the head to match.
 * The hash chain alone cannot tell afterwards.
 */
export async function rewriteAndRechain(ownerUrl: string, chainSeq: bigint | number, notes: string): Promise<void> {
  const seq = BigInt(chainSeq);
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    await c.query("BEGIN");
    await c.query("ALTER TABLE studio_crm_auditlog DISABLE TRIGGER wl_auditlog_no_update_delete");
    await c.query("UPDATE studio_crm_auditlog SET notes = $1 WHERE chain_seq = $2", [notes, String(seq)]);
    await c.query(`DO $$
      DECLARE
        r studio_crm_auditlog;
        prev text := coalesce((SELECT row_hash FROM studio_crm_auditlog WHERE chain_seq = ${seq - 1n}), repeat('0', 64));
      BEGIN
        FOR r IN SELECT * FROM studio_crm_auditlog WHERE chain_seq >= ${seq} ORDER BY chain_seq LOOP
          r.prev_hash := prev;
          r.row_hash := encode(sha256(convert_to(wl_audit_canonical(r), 'UTF8')), 'hex');
          UPDATE studio_crm_auditlog SET prev_hash = r.prev_hash, row_hash = r.row_hash WHERE id = r.id;
          prev := r.row_hash;
        END LOOP;
        UPDATE wl_audit_chain_head SET row_hash = prev WHERE id = 1;
      END $$`);
    await c.query("ALTER TABLE studio_crm_auditlog ENABLE TRIGGER wl_auditlog_no_update_delete");
    await c.query("COMMIT");
  } catch (e) {
    await c.query("ROLLBACK");
    throw e;
  } finally {
    await c.end();
  }
}
