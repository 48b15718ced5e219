import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, grantRoles, type Harness } from "../helpers/bot-harness.js";
import { rewriteAndRechain } from "../helpers/audit-tamper.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";

// The whole path an operator relies on: the running bot checkpoints its audit chain (on a
// schedule and at shutdown) with AUDIT_ANCHOR_KEY, and `npm run audit:verify` checks them.

const ANCHOR_KEY = "qW8eR7tY6uI5oP4aS3dF2gH1jK0lZ9xC8vB7nM6qW5e";
const root = fileURLToPath(new URL("../../", import.meta.url));

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const head = async (x: Harness) => (await x.tdb.db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } })).chainSeq;
const newestCheckpoint = async (x: Harness) => (await x.tdb.db.auditCheckpoint.aggregate({ _max: { chainSeq: true } }))._max.chainSeq;

/** `npm run audit:verify` (without setup.mjs) with the bot's own DATABASE_URL and the operator's key. */
async function auditVerify(x: Harness): Promise<{ code: number; out: string }> {
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_URL: x.config.databaseUrl, AUDIT_ANCHOR_KEY: ANCHOR_KEY };
  return promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/verify-audit.ts"], { cwd: root, env }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

describe("audit checkpoints, end to end", () => {
  it("the running bot checkpoints the chain's head on a schedule", async () => {
    h = await startHarness({ AUDIT_ANCHOR_KEY: ANCHOR_KEY, AUDIT_CHECKPOINT_INTERVAL_SECONDS: "1" });
    const x = h;
    await grantRoles(x, { USTAFF: "staff", UMANAGER: "manager" });
    const seq = await head(x);
    expect(seq).toBeGreaterThan(0n);
    // No clock to move here: the interval is real time, so poll (1 s interval, 10 s budget).
    const deadline = Date.now() + 10_000;
    while ((await newestCheckpoint(x)) !== seq && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await newestCheckpoint(x)).toBe(seq);
  });

  // Two child processes (tsx compiles the script each time): slow on a busy machine.
  it("checkpoints at shutdown; `npm run audit:verify` passes, then fails a re-chained rewrite at the first checkpoint after it", {
    timeout: 90_000,
  }, async () => {
    h = await startHarness({ AUDIT_ANCHOR_KEY: ANCHOR_KEY });
    await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager", USTAFF2: "staff" });
    await h.bot.stop();
    const seq = await head(h);

    const intact = await auditVerify(h);
    expect(intact.out).toMatch(/audit chain intact/);
    expect(intact.code).toBe(0);

    await rewriteAndRechain(h.tdb.url, 2, "rewritten by someone with the owner's password");
    // The hash chain alone (all that audit:verify checked before checkpoints) cannot tell.
    expect(await verifyAuditChain(h.tdb.db)).toMatchObject({ ok: true, firstBreak: null });

    const broken = await auditVerify(h);
    expect(broken.code, broken.out).toBe(1);
    // The only checkpoint is the one written at shutdown, at the head: the first one after the edit.
    const cp = await h.tdb.db.auditCheckpoint.findFirstOrThrow({ where: { chainSeq: seq } });
    expect(await h.tdb.db.auditCheckpoint.count()).toBe(1);
    expect(broken.out).toContain(`audit chain BROKEN at checkpoint ${cp.id} (chain_seq ${seq}): checkpoint does not match the chain`);
    expect(intact.out).toMatch(new RegExp(`audit chain intact: ${seq} rows and 1 checkpoints verified .*newest at chain_seq ${seq} .*, 0 rows after it`));
  });
});
