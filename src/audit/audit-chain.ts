import { createHash } from "node:crypto";
import type { DbOrTx } from "../db.js";
import { anchorFreshness, checkpointFault, type AnchorFreshness, type AnchorKey, type Checkpoint, type CheckpointFault } from "./audit-anchor.js";

export type ChainBreak = {
  id: string;
  chainSeq: string;
  reason:
    | "hash mismatch"
    | "broken link"
    | "gap in sequence"
    | "unchained row"
    | "tail missing"
    | "checkpoint does not match the chain"
    | "checkpoint beyond the end of the chain"
    | CheckpointFault;
  /** Set when a signed checkpoint is what failed. */
  checkpointId?: string;
};
export type AnchorReport = AnchorFreshness & { checkpoints: number };
/** `anchor` is there when checkpoints were checked and the whole chain verified. */
export type ChainReport = { rows: number; ok: boolean; firstBreak: ChainBreak | null; anchor?: AnchorReport };
/** Check the signed checkpoints too: `keys` from AUDIT_ANCHOR_KEY (the first is current). */
export type AnchorOptions = { keys: readonly AnchorKey[]; now: Date; maxAgeMs: number };

const GENESIS = "0".repeat(64);
const BATCH = 5_000;

/**
 * Walks the audit chain in order and recomputes every hash here, in Node, from the row's
 * canonical text (the same expressions as wl_audit_canonical in the migration). An edited,
 * deleted or inserted-out-of-band row breaks either its own hash or the next row's link.
 * That alone cannot catch someone who can write the table and recomputes every later hash;
 * with `anchor`, every signed checkpoint must also carry a valid HMAC and the hash the chain
 * still has at its seq, so such a rewrite fails at the first checkpoint at or after the edit.
 */
export async function verifyAuditChain(db: DbOrTx, opts: { anchor?: AnchorOptions } = {}): Promise<ChainReport> {
  const unchained = await db.$queryRaw<{ id: string }[]>`SELECT id::text FROM studio_crm_auditlog WHERE chain_seq IS NULL LIMIT 1`;
  if (unchained[0]) return { rows: 0, ok: false, firstBreak: { id: unchained[0].id, chainSeq: "", reason: "unchained row" } };
  const checkpoints = opts.anchor ? await loadCheckpoints(db) : [];
  let next = 0;
  let prev = GENESIS;
  let expectedSeq = 1n;
  let rows = 0;
  for (;;) {
    const batch = await db.$queryRaw<{ id: string; seq: bigint; prev_hash: string; row_hash: string; canon: string }[]>`
      SELECT id::text, chain_seq AS seq, prev_hash, row_hash,
             concat_ws(chr(31),
               prev_hash, chain_seq::text, id::text,
               to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               coalesce(user_id::text, ''), user_email, coalesce(host(ip_address), ''),
               action_type, target_model, target_id::text, target_display,
               changes::text, coalesce(notes, ''), coalesce(slack_user_id, ''), coalesce(slack_team_id, '')) AS canon
        FROM studio_crm_auditlog
       WHERE chain_seq >= ${expectedSeq}
       ORDER BY chain_seq
       LIMIT ${BATCH}`;
    if (batch.length === 0) break;
    for (const r of batch) {
      const at = { id: r.id, chainSeq: String(r.seq) };
      if (r.seq !== expectedSeq) return { rows, ok: false, firstBreak: { ...at, reason: "gap in sequence" } };
      if (r.prev_hash !== prev) return { rows, ok: false, firstBreak: { ...at, reason: "broken link" } };
      const hash = createHash("sha256").update(r.canon, "utf8").digest("hex");
      if (hash !== r.row_hash) return { rows, ok: false, firstBreak: { ...at, reason: "hash mismatch" } };
      prev = r.row_hash;
      expectedSeq++;
      rows++;
      for (; checkpoints[next] && checkpoints[next]!.chainSeq <= r.seq; next++) {
        const c = checkpoints[next]!;
        const fault =
          checkpointFault(c, opts.anchor!.keys) ?? (c.chainSeq === r.seq && c.rowHash === r.row_hash ? null : "checkpoint does not match the chain");
        if (fault)
          return { rows, ok: false, firstBreak: { id: c.chainSeq === r.seq ? r.id : "", chainSeq: String(c.chainSeq), reason: fault, checkpointId: c.id } };
      }
    }
  }
  // Rows cut from the end leave no gap; the head the trigger keeps still remembers the tail.
  const head = await db.$queryRaw<{ chain_seq: bigint; row_hash: string }[]>`SELECT chain_seq, row_hash FROM wl_audit_chain_head WHERE id = 1`;
  if (head[0] && (head[0].chain_seq !== expectedSeq - 1n || head[0].row_hash !== prev)) {
    return { rows, ok: false, firstBreak: { id: "", chainSeq: String(expectedSeq), reason: "tail missing" } };
  }
  if (!opts.anchor) return { rows, ok: true, firstBreak: null };
  // A checkpoint past the last row: rows it covered were cut (and the head moved back to hide it).
  const beyond = checkpoints[next];
  if (beyond) {
    const reason = checkpointFault(beyond, opts.anchor.keys) ?? "checkpoint beyond the end of the chain";
    return { rows, ok: false, firstBreak: { id: "", chainSeq: String(beyond.chainSeq), reason, checkpointId: beyond.id } };
  }
  const { keys, now, maxAgeMs } = opts.anchor;
  const freshness = anchorFreshness(checkpoints, keys[0]!.id, expectedSeq - 1n, now, maxAgeMs);
  return { rows, ok: true, firstBreak: null, anchor: { ...freshness, checkpoints: checkpoints.length } };
}

async function loadCheckpoints(db: DbOrTx): Promise<Checkpoint[]> {
  const rows = await db.$queryRaw<{ id: string; chain_seq: bigint; row_hash: string; at: Date; key_id: string; hmac: string }[]>`
    SELECT id::text, chain_seq, row_hash, at, key_id, hmac FROM wl_audit_checkpoint ORDER BY chain_seq, id`;
  return rows.map((r) => ({ id: r.id, chainSeq: r.chain_seq, rowHash: r.row_hash, at: r.at, keyId: r.key_id, hmac: r.hmac }));
}
