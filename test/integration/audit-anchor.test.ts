import { afterEach, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { rewriteAndRechain } from "../helpers/audit-tamper.js";
import { createDb, type Db } from "../../src/db.js";
import { writeAudit } from "../../src/audit/audit-service.js";
import { verifyAuditChain, type AnchorOptions } from "../../src/audit/audit-chain.js";
import { checkpointMac, parseAnchorKeys } from "../../src/audit/audit-anchor.js";
import { writeCheckpoint } from "../../src/audit/audit-checkpoint.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";

// The bot writes and checkpoints as the app role (`app`); `tdb.url` is the superuser who tampers.
const keys = parseAnchorKeys([
  "pQ3k0v7mX2r9sT4wY6zA1bC8dE5fG0hJ2kL4mN6pR8s",
  "Zy9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8bA7zY6x",
  "Mn4bV5cX6zL7kJ8hG9fD0sA1pO2iU3yT4rE5wQ6eR7t",
]);
const [KEY, OLD_KEY, STRANGER] = [keys[0]!, keys[1]!, keys[2]!];
const T0 = new Date("2026-12-04T09:00:00.000Z");
const MAX_AGE = 10 * 60_000;
const anchor = (o: Partial<AnchorOptions> = {}): { anchor: AnchorOptions } => ({ anchor: { keys: [KEY], now: T0, maxAgeMs: MAX_AGE, ...o } });

let tdb: TestDatabase;
let app: Db;
beforeEach(async () => {
  tdb = await createTestDatabase();
  app = createDb(tdb.appUrl, { max: 8 });
});
afterEach(async () => {
  await app?.$disconnect();
  await tdb?.drop();
});

const audit = (n: number) =>
  writeAudit(
    app,
    SYSTEM_ACTOR,
    Array.from({ length: n }, (_, i) => ({
      action: "UPDATE" as const,
      targetModel: "Creator",
      targetId: "00000000-0000-0000-0000-000000000001",
      targetDisplay: `row ${i}`,
      changes: { i },
    })),
  );

async function asOwner<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: tdb.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe("signed checkpoints anchor the audit chain outside the database", () => {
  it("a superuser who rewrites row 5 and re-chains every later row: the chain walk alone says ok, the checkpoints name the first one at or after the edit", async () => {
    const cps: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      await audit(3);
      cps.push((await writeCheckpoint(app, KEY, T0))!);
    }
    expect(cps).toEqual([3n, 6n, 9n]);
    expect(await verifyAuditChain(app, anchor())).toMatchObject({ rows: 9, ok: true, anchor: { checkpoints: 3, unanchoredRows: 0n, stale: false } });

    await rewriteAndRechain(tdb.url, 5, "nothing to see here");

    // What `npm run audit:verify` checked before checkpoints: every hash and link still holds.
    expect(await verifyAuditChain(app)).toEqual({ rows: 9, ok: true, firstBreak: null });
    expect((await tdb.db.auditLog.findFirstOrThrow({ where: { chainSeq: 5n } })).notes).toBe("nothing to see here");

    const report = await verifyAuditChain(app, anchor());
    const cp6 = await tdb.db.auditCheckpoint.findFirstOrThrow({ where: { chainSeq: 6n } });
    const row6 = await tdb.db.auditLog.findFirstOrThrow({ where: { chainSeq: 6n } });
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toEqual({ id: row6.id, chainSeq: "6", reason: "checkpoint does not match the chain", checkpointId: String(cp6.id) });
  });

  it("race: replicas checkpointing the same head store one checkpoint, and an unchanged head stores none", async () => {
    await audit(4);
    const replicas = Array.from({ length: 6 }, () => createDb(tdb.appUrl, { max: 1 }));
    try {
      const results = await Promise.all(replicas.map((r) => writeCheckpoint(r, KEY, T0)));
      expect(results.filter((r) => r !== null)).toEqual([4n]);
    } finally {
      await Promise.all(replicas.map((r) => r.$disconnect()));
    }
    expect(await writeCheckpoint(app, KEY, new Date(T0.getTime() + 60_000))).toBeNull();
    expect(await tdb.db.auditCheckpoint.count()).toBe(1);
  });

  it("writes nothing for an empty chain", async () => {
    expect(await writeCheckpoint(app, KEY, T0)).toBeNull();
    expect(await verifyAuditChain(app, anchor())).toMatchObject({ ok: true, anchor: { checkpoints: 0, newest: null, unanchoredRows: 0n, stale: false } });
  });

  it("a checkpoint with a forged signature fails (the app role may insert checkpoints, not sign them)", async () => {
    await audit(3);
    const head = await tdb.db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    const forged = await app.auditCheckpoint.create({ data: { chainSeq: head.chainSeq, rowHash: head.rowHash, at: T0, keyId: KEY.id, hmac: "f".repeat(64) } });
    expect((await verifyAuditChain(app, anchor())).firstBreak).toMatchObject({
      chainSeq: "3",
      reason: "checkpoint signature invalid",
      checkpointId: String(forged.id),
    });
  });

  it("a checkpoint signed with a key AUDIT_ANCHOR_KEY does not hold fails", async () => {
    await audit(2);
    await writeCheckpoint(app, STRANGER, T0);
    expect((await verifyAuditChain(app, anchor())).firstBreak).toMatchObject({ chainSeq: "2", reason: "checkpoint signed by an unknown key" });
  });

  it("a signature covers seq, hash, time and key: moving a genuine checkpoint to another head fails", async () => {
    await audit(2);
    await writeCheckpoint(app, KEY, T0);
    await audit(1);
    const moved = await asOwner(async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO wl_audit_checkpoint (chain_seq, row_hash, at, key_id, hmac)
         SELECT 3, (SELECT row_hash FROM wl_audit_chain_head), at, key_id, hmac FROM wl_audit_checkpoint WHERE chain_seq = 2 RETURNING id::text`,
      );
      return rows[0]!.id;
    });
    expect((await verifyAuditChain(app, anchor())).firstBreak).toMatchObject({ chainSeq: "3", reason: "checkpoint signature invalid", checkpointId: moved });
  });

  it("rows cut after a checkpoint, the head moved back to hide it: the checkpoint lies beyond the end of the chain", async () => {
    await audit(5);
    await writeCheckpoint(app, KEY, T0);
    await asOwner(async (c) => {
      await c.query("ALTER TABLE studio_crm_auditlog DISABLE TRIGGER wl_auditlog_no_update_delete");
      await c.query("DELETE FROM studio_crm_auditlog WHERE chain_seq > 3");
      await c.query("UPDATE wl_audit_chain_head SET chain_seq = 3, row_hash = (SELECT row_hash FROM studio_crm_auditlog WHERE chain_seq = 3)");
      await c.query("ALTER TABLE studio_crm_auditlog ENABLE TRIGGER wl_auditlog_no_update_delete");
    });
    expect((await verifyAuditChain(app)).ok).toBe(true);
    expect((await verifyAuditChain(app, anchor())).firstBreak).toMatchObject({ chainSeq: "5", reason: "checkpoint beyond the end of the chain" });
  });

  it("reports an unanchored tail when the newest checkpoint is older than expected, or when every checkpoint is gone", async () => {
    await audit(3);
    await writeCheckpoint(app, KEY, T0);
    expect((await verifyAuditChain(app, anchor({ now: new Date(T0.getTime() + 60 * 60_000) }))).anchor).toMatchObject({ unanchoredRows: 0n, stale: false });
    await audit(2);
    const soon = await verifyAuditChain(app, anchor({ now: new Date(T0.getTime() + MAX_AGE) }));
    expect(soon.anchor).toEqual({ checkpoints: 1, newest: { chainSeq: 3n, at: T0 }, unanchoredRows: 2n, stale: false });
    const late = await verifyAuditChain(app, anchor({ now: new Date(T0.getTime() + MAX_AGE + 1) }));
    expect(late).toMatchObject({ ok: true, anchor: { unanchoredRows: 2n, stale: true } });

    // Deleting the checkpoints that would catch an edit leaves no checkpoint to fail, but an unanchored log.
    await asOwner(async (c) => {
      await c.query("ALTER TABLE wl_audit_checkpoint DISABLE TRIGGER wl_audit_checkpoint_no_truncate");
      await c.query("TRUNCATE wl_audit_checkpoint");
    });
    expect((await verifyAuditChain(app, anchor())).anchor).toEqual({ checkpoints: 0, newest: null, unanchoredRows: 5n, stale: true });
  });

  it("key rotation: checkpoints signed by the previous key still verify; only the current key's keep the tail fresh", async () => {
    await audit(3);
    await writeCheckpoint(app, OLD_KEY, T0);
    const rotated = anchor({ keys: [KEY, OLD_KEY] });
    expect(await verifyAuditChain(app, anchor({ keys: [OLD_KEY] }))).toMatchObject({ ok: true, anchor: { newest: { chainSeq: 3n }, stale: false } });
    // A leaked old key must not vouch for a new tail: after rotation it anchors nothing.
    expect(await verifyAuditChain(app, rotated)).toMatchObject({ ok: true, anchor: { newest: null, unanchoredRows: 3n, stale: true } });
    // The bot restarted with the new key first checkpoints the same head again, under the new key.
    expect(await writeCheckpoint(app, KEY, T0)).toBe(3n);
    expect(await verifyAuditChain(app, rotated)).toMatchObject({ ok: true, anchor: { checkpoints: 2, newest: { chainSeq: 3n }, stale: false } });
    // Dropping the old key from the list too early makes its checkpoints unverifiable: refused, not skipped.
    expect((await verifyAuditChain(app, anchor())).firstBreak).toMatchObject({ reason: "checkpoint signed by an unknown key" });
  });

  it("checkpoint times survive the database exactly (the HMAC covers them to the millisecond)", async () => {
    await audit(1);
    const at = new Date("2026-12-04T09:00:00.123Z");
    await writeCheckpoint(app, KEY, at);
    const cp = await tdb.db.auditCheckpoint.findFirstOrThrow();
    expect(cp.at.toISOString()).toBe(at.toISOString());
    expect(cp.hmac).toBe(checkpointMac(KEY.secret, { chainSeq: cp.chainSeq, rowHash: cp.rowHash, at, keyId: KEY.id }));
  });
});
