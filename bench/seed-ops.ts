// Part 2 of `npm run bench`: the seed's "Performance Metrics (Expected)" table, each operation
// timed in process over many iterations against a database of 10,000 creators.
import { createDatabase } from "../src/db.js";
import { createAuditBatcher } from "../src/audit/audit-batcher.js";
import { createLogger } from "../src/logger.js";
import { MultiFernet, parseFernetKeys } from "../src/crypto/fernet.js";
import { computeHealth } from "../src/features/health/health-fns.js";
import { audited } from "../src/audit/audit-service.js";
import { SYSTEM_ACTOR } from "../src/identity/actor.js";
import { timeIt, timeWindows, type Summary } from "./lib/stats.js";

/** Calls made before an audit insert is timed as a running bot's (see the audited() row below). */
const WARM_AFTER = 3_000;

export type SeedOpRow = { operation: string; seedExpectsMs: number; goalMs: number; result: Summary; figureOnly?: boolean };

export type SeedOpsExtra = Record<string, { seedExpectsMs: number; goalMs: number; fn: (db: ReturnType<typeof createDatabase>["db"]) => Promise<unknown> }>;

export async function runSeedOps(databaseUrl: string, key: string, extra: SeedOpsExtra = {}): Promise<SeedOpRow[]> {
  const { db, pool } = createDatabase(databaseUrl);
  const fernet = new MultiFernet(parseFernetKeys(key));
  const token = fernet.encrypt("correct-horse-battery-staple-2026!");
  const ids = (await db.creator.findMany({ select: { id: true }, take: 500 })).map((c) => c.id);
  let i = 0;
  const rows: SeedOpRow[] = [];
  try {
    for (const [operation, spec] of Object.entries(extra)) {
      rows.push({ operation, seedExpectsMs: spec.seedExpectsMs, goalMs: spec.goalMs, result: await timeIt(() => spec.fn(db), { iterations: 500 }) });
    }
    rows.push({
      operation: "Credential decrypt (per field)",
      seedExpectsMs: 10,
      goalMs: 1,
      result: await timeIt(() => fernet.decryptString(token), { iterations: 20_000, warmup: 1_000 }),
    });
    const input = {
      journeyStatus: "LAUNCH",
      isActive: true,
      lastContactedDate: "2026-10-01",
      nextFollowUpDate: "2026-11-01",
      createdAt: new Date("2026-01-01T00:00:00Z"),
      lastStatusChange: new Date("2026-08-01T00:00:00Z"),
      milestones: { overdueCount: 2, oldestOverdueTarget: "2026-11-10" },
    };
    rows.push({
      operation: "Health score calculation",
      seedExpectsMs: 5,
      goalMs: 0.5,
      result: await timeIt(() => computeHealth(input, "2026-11-27", "Europe/London"), { iterations: 50_000, warmup: 5_000 }),
    });
    // A change's audit row: audited()'s transaction (BEGIN, the row, COMMIT). Its first 1,500 or
    // so transactions in a process are slower (measured 2.0-2.9 ms p95 over transactions
    // 500-1,500 against 1.2 ms over 4,000-5,000, three runs): V8 is still compiling Prisma's
    // transaction path, on two cores beside Postgres, and the pool's connections are new. A
    // running bot's figure is the warm one, so that is the goal's row; the fresh process's
    // window is kept beside it, so neither figure is hidden.
    const [fresh, warm] = await timeWindows(
      () =>
        audited(db, SYSTEM_ACTOR, async () => ({
          result: null,
          audit: { action: "VIEW", targetModel: "Creator", targetId: ids[i++ % ids.length]!, targetDisplay: "bench" },
        })),
      WARM_AFTER + 1_000,
      [
        [500, 1_500],
        [WARM_AFTER, WARM_AFTER + 1_000],
      ],
    );
    rows.push({ operation: "Audit log insertion (audited(), a warm process: a transaction holding the row)", seedExpectsMs: 20, goalMs: 2, result: warm! });
    rows.push({ operation: "audited() in a fresh process (its transactions 500-1,500)", seedExpectsMs: 20, goalMs: 2, result: fresh!, figureOnly: true });
    // The other way the bot writes an audit row: a request's VIEW or refusal row through the
    // group commit (one multi-row INSERT on the pool, no transaction of Prisma's), here one at a
    // time as a lone request would. Changes keep the row above: audited()'s transaction.
    const batcher = createAuditBatcher({ pool, logger: createLogger({ level: "silent" }), metrics: { auditRows: () => undefined } });
    rows.push({
      operation: "VIEW row, group-committed (a request's read or refusal)",
      seedExpectsMs: 20,
      goalMs: 2,
      result: await timeIt(
        () => batcher.record(SYSTEM_ACTOR, { action: "VIEW", targetModel: "Creator", targetId: ids[i++ % ids.length]!, targetDisplay: "bench" }),
        { iterations: 1_000, warmup: WARM_AFTER },
      ),
    });
  } finally {
    await db.$disconnect();
  }
  return rows;
}
