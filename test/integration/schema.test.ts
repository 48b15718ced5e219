import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { catalogTables, dmmfOf, drift, schemaTables, tablesFromDmmf, type Table } from "../helpers/schema-drift.js";

// schema.prisma (read by Prisma's own parser) and the database the migrations build must
// describe the same tables, columns, types, nullability, keys, indexes and foreign keys.

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

const schemaPath = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
const schemaText = readFileSync(schemaPath, "utf8");

/** The catalog as it would be after `ddl`, without keeping it: DDL is transactional in Postgres. */
async function catalogAfter(ddl: string): Promise<Table[]> {
  await client.query("BEGIN");
  try {
    await client.query(ddl);
    return await catalogTables(client);
  } finally {
    await client.query("ROLLBACK");
  }
}

describe("schema.prisma and the migrated database agree", () => {
  it("no drift: every table, column, type, nullability, key, index and foreign key matches", async () => {
    expect(drift(schemaTables(schemaPath), await catalogTables(client))).toEqual([]);
  });

  it("reads the schema through Prisma's parser: every model, with its mapped names and native types", () => {
    const creator = schemaTables(schemaPath).find((t) => t.name === "studio_crm_creator")!;
    expect(creator.columns).toContainEqual({ name: "creator_email", type: "character varying(254)", nullable: false });
    expect(creator.columns).toContainEqual({ name: "next_follow_up_date", type: "date", nullable: true });
    expect(creator.indexes).toContainEqual({ columns: ["last_status_change DESC"], unique: false });
    expect(() => dmmfOf("model Broken { id Int @id @default(nope()) }")).toThrow();
  });

  describe("catches drift both ways (scratch copies)", () => {
    it("a column added to schema.prisma but to no migration", async () => {
      const scratch = schemaText.replace(/(model Milestone \{\n)/, `$1  reminderNote String? @map("reminder_note") @db.VarChar(300)\n`);
      expect(scratch).not.toBe(schemaText);
      expect(drift(tablesFromDmmf(dmmfOf(scratch)), await catalogTables(client))).toEqual([
        "studio_crm_milestone.reminder_note: in schema.prisma, missing from the database",
      ]);
    });

    it("a column added by a migration but not to schema.prisma", async () => {
      const after = await catalogAfter("ALTER TABLE studio_crm_milestone ADD COLUMN reminder_note varchar(300)");
      expect(drift(schemaTables(schemaPath), after)).toEqual(["studio_crm_milestone.reminder_note: in the database, not in schema.prisma"]);
    });

    it("a changed length, nullability, index or cascade", async () => {
      const scratch = schemaText
        .replace(/creatorName(\s+)String(\s+)@map\("creator_name"\) @db\.VarChar\(200\)/, 'creatorName$1String$2@map("creator_name") @db.VarChar(250)')
        .replace(/description(\s+)String\?/, "description$1String ")
        .replace("  @@index([brandName])\n", "");
      expect(drift(tablesFromDmmf(dmmfOf(scratch)), await catalogTables(client)).sort()).toEqual([
        "studio_crm_creator.creator_name: type character varying(250) in schema.prisma, character varying(200) in the database",
        "studio_crm_creator: index (brand_name) in the database, not in schema.prisma",
        "studio_crm_milestone.description: NOT NULL in schema.prisma, nullable in the database",
      ]);
      const after = await catalogAfter(`ALTER TABLE studio_crm_milestone DROP CONSTRAINT ${await fkName("studio_crm_milestone")},
        ADD FOREIGN KEY (creator_id) REFERENCES studio_crm_creator(id) ON DELETE RESTRICT`);
      expect(drift(schemaTables(schemaPath), after).sort()).toEqual([
        "studio_crm_milestone: foreign key (creator_id) -> studio_crm_creator(id) ON DELETE Cascade in schema.prisma, missing from the database",
        "studio_crm_milestone: foreign key (creator_id) -> studio_crm_creator(id) ON DELETE Restrict in the database, not in schema.prisma",
      ]);
    });

    it("a table only one side has", async () => {
      const after = await catalogAfter("CREATE TABLE wl_scratch (id int PRIMARY KEY)");
      expect(drift(schemaTables(schemaPath), after)).toEqual(["table wl_scratch: in the database, not in schema.prisma"]);
    });
  });

  it("keeps the seed's indexes, including (health_score, last_status_change) for the dashboard", async () => {
    const indexes = (t: string) =>
      catalogTables(client).then((ts) => ts.find((x) => x.name === t)!.indexes.map((i) => `${i.unique ? "UNIQUE " : ""}(${i.columns.join(", ")})`));
    expect(await indexes("studio_crm_creator")).toEqual(
      expect.arrayContaining([
        "(journey_status, health_score)",
        "(brand_name)",
        "(last_status_change DESC)",
        "(health_score, last_status_change)",
        "UNIQUE (creator_email)",
      ]),
    );
    expect(await indexes("studio_crm_auditlog")).toEqual(expect.arrayContaining(["(timestamp DESC, action_type)", "(user_id, timestamp DESC)"]));
    expect(await indexes("studio_crm_creatorcredential")).toContain("UNIQUE (creator_id, platform_name, account_identifier)");
  });

  it("cascades deletes from a creator to its credentials, milestones, deliverables and follows", async () => {
    const { rows } = await client.query<{ tbl: string; confdeltype: string }>(
      `SELECT conrelid::regclass::text AS tbl, confdeltype FROM pg_constraint WHERE contype = 'f' AND confrelid = 'studio_crm_creator'::regclass`,
    );
    expect(rows.map((r) => `${r.tbl}:${r.confdeltype}`).sort()).toEqual([
      "studio_crm_aideliverable:c",
      "studio_crm_creatorcredential:c",
      "studio_crm_milestone:c",
      "wl_contact_note:c",
      // The bot's own: a follow goes with its creator (Django deletes creators without knowing of it).
      "wl_creator_follow:c",
    ]);
  });

  it("guards enum columns with CHECK constraints instead of Postgres enum types", async () => {
    await expect(
      client.query(`INSERT INTO studio_crm_creator (id, creator_name, creator_email, brand_name, brand_niche, journey_status, health_score, last_status_change)
      VALUES (gen_random_uuid(), 'a', 'a@b.c', 'b', 'n', 'DANCING', 'GREEN', now())`),
    ).rejects.toThrow(/journey_status_check/);
    const { rows } = await client.query("SELECT typname FROM pg_type WHERE typtype = 'e'");
    expect(rows).toHaveLength(0);
  });
});

async function fkName(table: string): Promise<string> {
  const { rows } = await client.query<{ conname: string }>(
    `SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = $1::regclass AND confrelid = 'studio_crm_creator'::regclass`,
    [table],
  );
  return `"${rows[0]!.conname}"`;
}
