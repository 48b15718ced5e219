import type { DbOrTx } from "../db.js";
import type { Logger } from "../logger.js";
import { checkpointMac, type AnchorKey } from "./audit-anchor.js";

/**
 * Signs the chain's current head with the first anchor key and stores it. One conditional write:
 * replicas checkpointing the same head under the same key store one row, and an unchanged head
 * stores nothing. Returns the checkpointed seq, or null when nothing was written.
 */
export async function writeCheckpoint(db: DbOrTx, key: AnchorKey, now: Date): Promise<bigint | null> {
  const head = await db.$queryRaw<{ chain_seq: bigint; row_hash: string }[]>`SELECT chain_seq, row_hash FROM wl_audit_chain_head WHERE id = 1`;
  const h = head[0];
  if (!h || h.chain_seq === 0n) return null;
  const hmac = checkpointMac(key.secret, { chainSeq: h.chain_seq, rowHash: h.row_hash, at: now, keyId: key.id });
  const written = await db.$executeRaw`
    INSERT INTO wl_audit_checkpoint (chain_seq, row_hash, at, key_id, hmac)
    VALUES (${h.chain_seq}, ${h.row_hash}, ${now}, ${key.id}, ${hmac})
    ON CONFLICT (chain_seq, key_id) DO NOTHING`;
  return written === 1 ? h.chain_seq : null;
}

export type Checkpointer = { stop(): Promise<void> };

/**
 * Checkpoints at start, every `intervalMs`, and once more at stop (after in-flight requests
 * finished), so a clean shutdown leaves no unanchored tail. A failed checkpoint is logged and
 * retried at the next tick: it leaves a wider window, never a wrong anchor.
 */
export async function startCheckpoints(d: { db: DbOrTx; key: AnchorKey; intervalMs: number; clock: { now(): Date }; logger: Logger }): Promise<Checkpointer> {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      try {
        const seq = await writeCheckpoint(d.db, d.key, d.clock.now());
        if (seq !== null) d.logger.debug({ chainSeq: String(seq) }, "audit checkpoint written");
      } catch (e) {
        d.logger.error({ err: e }, "audit checkpoint failed");
      }
    });
    return running;
  };
  await tick();
  const timer = setInterval(() => void tick(), d.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await tick();
    },
  };
}
