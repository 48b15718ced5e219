import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDatabase, type Db, type Pool } from "../../src/db.js";
import { appDbUrl, dbUrl, dropDatabase, withAdmin } from "./pg-admin.js";

/**
 * `url` and `db` connect as the owner (a superuser: fixtures, tampering, inspection); `appUrl`
 * as the limited app role, which is what the bot under test must use.
 */
export type TestDatabase = { name: string; url: string; appUrl: string; db: Db; pool: Pool; drop(): Promise<void> };

/** A fresh, migrated database of this test file's own, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject("templateDb");
  const name = testDbName(randomBytes(5).toString("hex"));
  await withAdmin(async (c) => {
    // CREATE DATABASE … TEMPLATE fails while another session is connected to the template.
    for (let i = 0; ; i++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (e) {
        if (i > 50 || !/being accessed by other users/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  const url = dbUrl(name);
  const { db, pool } = createDatabase(url, { max: 5 });
  return {
    name,
    url,
    appUrl: appDbUrl(name),
    db,
    pool,
    async drop() {
      await db.$disconnect();
      await dropDatabase(name);
    },
  };
}

/** Test databases are named after the run's pid, so concurrent runs never drop each other's. */
export function testDbName(tag: string): string {
  return `wl_test_${inject("runPid")}_${tag}`;
}
