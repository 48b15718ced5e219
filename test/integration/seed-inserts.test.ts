import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";

// The Django app keeps its defaults in Python: on a database Django created, the seed's tables
// have no column defaults at all. So every raw INSERT the bot makes into a seed table must name
// every NOT NULL column itself (Prisma's creates fill their defaults client-side; the
// django-interop test runs those against Django's tables). This reads every INSERT in src/.

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const SEED_TABLES = [
  "auth_user",
  "studio_crm_creator",
  "studio_crm_creatorcredential",
  "studio_crm_milestone",
  "studio_crm_auditlog",
  "studio_crm_aideliverable",
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(p);
    return /\.(ts|js)$/.test(e.name) ? [p] : [];
  });
}

/** Every `INSERT INTO <seed table>` in src/, with the columns it names (null: no column list). */
function seedInserts(): { file: string; table: string; columns: string[] | null }[] {
  const found: { file: string; table: string; columns: string[] | null }[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/INSERT\s+INTO\s+"?(\w+)"?(?:\s+AS\s+\w+)?\s*(\(([^)]*)\))?/gi)) {
      const table = m[1]!.toLowerCase();
      if (!SEED_TABLES.includes(table)) continue;
      const columns = m[3] === undefined ? null : m[3].split(",").map((c) => c.trim().replace(/"/g, ""));
      found.push({ file: path.relative(SRC, file), table, columns });
    }
  }
  return found;
}

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe("raw INSERTs into the seed's tables", () => {
  it("name every NOT NULL column (no reliance on a database default Django never creates)", async () => {
    const inserts = seedInserts();
    expect(inserts.length).toBeGreaterThan(0); // the audit writers at least
    const required = await tdb.db.$queryRaw<{ table: string; column: string }[]>`
      SELECT c.relname AS table, a.attname AS column FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE c.relname = ANY(${SEED_TABLES}) AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull`;
    const missing = inserts.flatMap((i) => {
      if (i.columns === null) return [`${i.file}: INSERT INTO ${i.table} without a column list`];
      const need = required.filter((r) => r.table === i.table).map((r) => r.column);
      return need.filter((c) => !i.columns!.includes(c)).map((c) => `${i.file}: INSERT INTO ${i.table} leaves ${c} to a default`);
    });
    expect(missing).toEqual([]);
  });
});
