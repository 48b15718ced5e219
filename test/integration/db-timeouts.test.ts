import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, DEFAULT_STATEMENT_TIMEOUT_MS, pingDb } from "../../src/db.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { startMutePostgres } from "../helpers/stalling-postgres.js";

// A hung database must produce errors, not requests that wait for ever.

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

/** Settles with the promise's outcome, or "still waiting" after `ms`. */
async function outcomeWithin<T>(p: Promise<T>, ms: number): Promise<{ ok: T } | { error: string } | "still waiting"> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<"still waiting">((r) => (timer = setTimeout(() => r("still waiting"), ms)));
  try {
    return await Promise.race([
      p.then(
        (ok) => ({ ok }),
        (e: unknown) => ({ error: String((e as Error)?.message ?? e) }),
      ),
      waiting,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe("the pool's timeouts", () => {
  it("every connection carries a statement_timeout (15 s by default)", async () => {
    const { db, pool } = createDatabase(tdb.url, { max: 1 });
    try {
      const { rows } = await pool.query<{ statement_timeout: string }>("SHOW statement_timeout");
      expect(rows[0]!.statement_timeout).toBe(`${DEFAULT_STATEMENT_TIMEOUT_MS / 1000}s`);
      const viaPrisma = await db.$queryRaw<{ statement_timeout: string }[]>`SHOW statement_timeout`;
      expect(viaPrisma[0]!.statement_timeout).toBe("15s");
    } finally {
      await db.$disconnect();
    }
  });

  it("Postgres cancels a statement that outlives it, through Prisma and through the pool", async () => {
    const { db, pool } = createDatabase(tdb.url, { max: 2, statementTimeoutMs: 200 });
    try {
      expect(await outcomeWithin(pool.query("SELECT pg_sleep(3)"), 2_500)).toEqual({ error: expect.stringMatching(/statement timeout/) });
      expect(await outcomeWithin(db.$queryRaw`SELECT pg_sleep(3)`, 2_500)).toEqual({ error: expect.stringMatching(/statement timeout/) });
      // The pool is still usable afterwards.
      expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]!.one).toBe(1);
    } finally {
      await db.$disconnect();
    }
  });

  it("background work can ask for a longer statement timeout", async () => {
    const { db, pool } = createDatabase(tdb.url, { max: 1, statementTimeoutMs: 600_000 });
    try {
      expect((await pool.query<{ statement_timeout: string }>("SHOW statement_timeout")).rows[0]!.statement_timeout).toBe("10min");
    } finally {
      await db.$disconnect();
    }
  });

  it("a server that accepted the connection and never answers gets an error from the client (query_timeout)", async () => {
    const mute = await startMutePostgres();
    const { db, pool } = createDatabase(mute.url, { max: 1, statementTimeoutMs: 200, queryTimeoutMs: 300 });
    try {
      expect(await outcomeWithin(pool.query("SELECT 1"), 2_500)).toEqual({ error: expect.stringMatching(/timeout/i) });
    } finally {
      void db.$disconnect().catch(() => undefined);
      await mute.stop();
    }
  });

  it("pingDb answers false at its deadline when the database hangs", async () => {
    const mute = await startMutePostgres();
    const { db } = createDatabase(mute.url, { max: 1 });
    try {
      expect(await outcomeWithin(pingDb(db, 300), 2_500)).toEqual({ ok: false });
    } finally {
      void db.$disconnect().catch(() => undefined);
      await mute.stop();
    }
  });
});
