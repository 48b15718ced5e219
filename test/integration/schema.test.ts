import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { readPrismaSchema } from "../helpers/prisma-schema.js";

let tdb: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  tdb = await createTestDatabase();
  client = new pg.Client({ connectionString: tdb.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await tdb?.drop();
});

const schema = readPrismaSchema(fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url)));

async function dbColumns(table: string) {
  const { rows } = await client.query<{ column_name: string; type: string; is_nullable: string }>(
    `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable
       FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [table],
  );
  return rows.map((r) => ({ name: r.column_name, type: r.type.replace(/\(6\)/, ""), nullable: r.is_nullable === "YES" }));
}

async function dbIndexes(table: string) {
  const { rows } = await client.query<{ cols: string[]; unique: boolean }>(
    `SELECT i.indisunique AS unique,
            array_agg(a.attname || CASE WHEN (i.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END ORDER BY k.ord) AS cols
       FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
        -- Expression and partial indexes (search, urgency) exist only in migrations: Prisma cannot describe them.
        AND i.indexprs IS NULL AND i.indpred IS NULL
      GROUP BY i.indexrelid, i.indisunique`,
    [table],
  );
  return rows.map((r) => `${r.unique ? "UNIQUE " : ""}(${r.cols.join(", ")})`).sort();
}

describe("schema.prisma and the migrated database agree", () => {
  it("has every model's table", async () => {
    const { rows } = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'");
    expect(rows.map((r) => r.tablename).sort()).toEqual(schema.map((t) => t.name).sort());
  });

  for (const table of schema) {
    it(`${table.name}: columns, types, nullability`, async () => {
      const expected = table.columns.map((c) => ({ ...c, type: c.type.replace(/\(6\)/, "") }));
      expect((await dbColumns(table.name)).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        expected.sort((a, b) => a.name.localeCompare(b.name)),
      );
    });
    it(`${table.name}: indexes`, async () => {
      const expected = table.indexes.map((i) => `${i.unique ? "UNIQUE " : ""}(${i.columns.join(", ")})`).sort();
      expect(await dbIndexes(table.name)).toEqual(expected);
    });
  }

  it("keeps the seed's indexes, including (health_score, last_status_change) for the dashboard", async () => {
    const creator = await dbIndexes("studio_crm_creator");
    expect(creator).toEqual(expect.arrayContaining(["(journey_status, health_score)", "(brand_name)", "(last_status_change DESC)", "(health_score, last_status_change)", "UNIQUE (creator_email)"]));
    expect(await dbIndexes("studio_crm_auditlog")).toEqual(expect.arrayContaining(["(timestamp DESC, action_type)", "(user_id, timestamp DESC)"]));
    expect(await dbIndexes("studio_crm_creatorcredential")).toContain("UNIQUE (creator_id, platform_name, account_identifier)");
  });

  it("cascades deletes from a creator to its credentials, milestones and deliverables", async () => {
    const { rows } = await client.query<{ tbl: string; confdeltype: string }>(
      `SELECT conrelid::regclass::text AS tbl, confdeltype FROM pg_constraint WHERE contype = 'f' AND confrelid = 'studio_crm_creator'::regclass`,
    );
    expect(rows.map((r) => `${r.tbl}:${r.confdeltype}`).sort()).toEqual([
      "studio_crm_aideliverable:c", "studio_crm_creatorcredential:c", "studio_crm_milestone:c",
    ]);
  });

  it("guards enum columns with CHECK constraints instead of Postgres enum types", async () => {
    await expect(client.query(`INSERT INTO studio_crm_creator (id, creator_name, creator_email, brand_name, brand_niche, journey_status, health_score, last_status_change)
      VALUES (gen_random_uuid(), 'a', 'a@b.c', 'b', 'n', 'DANCING', 'GREEN', now())`)).rejects.toThrow(/journey_status_check/);
    const { rows } = await client.query("SELECT typname FROM pg_type WHERE typtype = 'e'");
    expect(rows).toHaveLength(0);
  });
});
