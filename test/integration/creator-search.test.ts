import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { createDatabase, type Database } from "../../src/db.js";
import { createHealthService } from "../../src/features/health/health-service.js";
import { createCreatorService } from "../../src/features/creators/creator-service.js";
import { resolveCreatorRef } from "../../src/features/creators/creator-lookup.js";

// `/wl find` and `/wl show` search through wl_creator_search (migration 20261208100000), and
// find, list and the card read over the pg.Pool: the search must use the trigram index with
// data the planner misjudges, see rows Django writes at once (the search text is kept by
// triggers), and the pooled reads must return exactly what Prisma would.

const TODAY = "2026-06-15";
let tdb: TestDatabase;
let app: Database;

const ADVERSARIAL = 4_000;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // Served as the limited app role, as the bot is.
  app = createDatabase(tdb.appUrl, { max: 3 });
  // Realistic names and emails, and the shape that made the planner choose a sequential scan:
  // one word ("Brand") in every brand, so any text containing it is estimated to match all rows.
  await tdb.pool.query(
    `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, creator_timezone, brand_name, brand_niche,
       journey_status, health_score, last_status_change, priority_level, other_social_links, primary_communication_channel,
       custom_fields, is_active, tags)
     SELECT gen_random_uuid(), now(), now(),
            (ARRAY['Ava','Liam','Maya','Noah','Zoe','Ethan'])[1 + i % 6] || ' ' || (ARRAY['Okafor','Moreau','Tanaka','Haddad','Reyes'])[1 + i % 5],
            'person' || i || '@example.test', 'UTC',
            'Brand ' || (ARRAY['Luna','Sol','Terra','Wild','Golden','Velvet','Urban'])[1 + i % 7] || ' ' || i,
            'Fitness', 'LIVE', 'GREEN', now(), 3, '{}'::jsonb, 'Email', '{}'::jsonb, true, '[]'::jsonb
       FROM generate_series(1, $1::int) i`,
    [ADVERSARIAL],
  );
  await tdb.pool.query("ANALYZE studio_crm_creator");
  await tdb.pool.query("ANALYZE wl_creator_search_text");
});
afterAll(async () => {
  await app?.db.$disconnect();
  await tdb?.drop();
});

/** The plan of a function's own statement, under the settings the function carries. */
async function functionPlan(proname: string, argTypes: string, args: string): Promise<string> {
  const c = await tdb.pool.connect();
  try {
    const { rows } = await c.query<{ src: string; config: string[] | null }>("SELECT prosrc AS src, proconfig AS config FROM pg_proc WHERE proname = $1", [
      proname,
    ]);
    expect(rows).toHaveLength(1);
    await c.query("BEGIN");
    for (const setting of rows[0]!.config ?? []) {
      const [name, value] = setting.split("=");
      await c.query(`SELECT set_config($1, $2, true)`, [name, value]);
    }
    // The function's one statement (PL/pgSQL: what it returns), planned as the function keeps
    // it once cached: without its arguments' values, a generic plan.
    const src = rows[0]!.src;
    const statement = /RETURN QUERY\s+([\s\S]*?);\s*END;/.exec(src)?.[1] ?? /RETURN \(([\s\S]*)\);\s*END;/.exec(src)?.[1];
    expect(statement, `no statement found in ${proname}`).toBeDefined();
    await c.query("SET LOCAL plan_cache_mode = force_generic_plan");
    await c.query(`PREPARE wl_fn_plan${argTypes ? `(${argTypes})` : ""} AS ${statement}`);
    const plan = await c.query<{ "QUERY PLAN": string }>(`EXPLAIN EXECUTE wl_fn_plan${args ? `(${args})` : ""}`);
    return plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await c.query("ROLLBACK").catch(() => undefined);
    await c.query("DEALLOCATE wl_fn_plan").catch(() => undefined);
    c.release();
  }
}

const searchPlan = (q: string, limit: number | null) => functionPlan("wl_creator_search", "text, integer", `${pg.escapeLiteral(q)}, ${limit ?? "NULL"}`);

function services(db: Database) {
  const health = createHealthService({ ...db, tz: "UTC" });
  return createCreatorService({ db: db.db, pool: db.pool, health, now: () => new Date(), today: () => TODAY });
}

/** A creator row written by SQL alone, as the Django app or a psql session would. */
async function insertByHand(name: string, email: string, brand: string) {
  await tdb.pool.query(
    `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, creator_timezone, brand_name, brand_niche,
       journey_status, health_score, last_status_change, priority_level, other_social_links, primary_communication_channel,
       custom_fields, is_active, tags)
     VALUES (gen_random_uuid(), now(), now(), $1, $2, 'UTC', $3, 'Food',
             'LIVE', 'GREEN', now(), 3, '{}'::jsonb, 'Email', '{}'::jsonb, true, '[]'::jsonb)`,
    [name, email, brand],
  );
}

describe("creator search", () => {
  it.each([
    ["a word in every brand", "brand", 25],
    ["a brand", "Brand Luna 17", 25],
    ["an email fragment", "person12@", 25],
    ["two letters", "lu", 25],
    ["every match (show)", "brand", null],
  ])("wl_creator_search reads the trigram index for %s, never a sequential scan", async (_what, q, limit) => {
    const plan = await searchPlan(q, limit);
    expect(plan).toContain("wl_creator_search_text_trgm_idx");
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("find and show: the right rows through the function, as the app role", async () => {
    const creators = services(app);
    const all = await creators.find("brand");
    expect(all.total).toBe(ADVERSARIAL);
    expect(all.rows).toHaveLength(20);
    const one = await creators.find("Brand Luna 3500");
    expect(one.rows.map((r) => r.brandName)).toEqual(["Brand Luna 3500"]);
    expect(await resolveCreatorRef(app.pool, "brand luna 3500")).toMatchObject({ kind: "one", creator: { brandName: "Brand Luna 3500" } });
  });

  it("a creator Django inserts with plain SQL is found by find and show at once", async () => {
    const { rows } = await tdb.pool.query<{ id: string }>(
      `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, creator_timezone, brand_name, brand_niche,
         journey_status, health_score, last_status_change, priority_level, instagram_handle, other_social_links,
         primary_communication_channel, custom_fields, is_active, tags)
       VALUES (gen_random_uuid(), now(), now(), 'Quinn Zephyr', 'quinn@zephyr.test', 'UTC', 'Zephyr Kombucha', 'Food',
               'LAUNCH', 'GREEN', now(), 2, '@zephyr_brews', '{}'::jsonb, 'Email', '{}'::jsonb, true, '[]'::jsonb)
       RETURNING id`,
    );
    const creators = services(app);
    expect((await creators.find("zephyr_brews")).rows.map((r) => r.id)).toEqual([rows[0]!.id]);
    expect(await resolveCreatorRef(app.pool, "Zephyr Kombucha")).toMatchObject({ kind: "one", creator: { id: rows[0]!.id } });
  });

  it("a creator Django renames or deletes with plain SQL is found by its new name at once, and no longer by the old", async () => {
    const { rows } = await tdb.pool.query<{ id: string }>(
      `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, creator_timezone, brand_name, brand_niche,
         journey_status, health_score, last_status_change, priority_level, other_social_links, primary_communication_channel,
         custom_fields, is_active, tags)
       VALUES (gen_random_uuid(), now(), now(), 'Rey Old', 'rey@old.test', 'UTC', 'Oldname Candles', 'Home',
               'LIVE', 'GREEN', now(), 3, '{}'::jsonb, 'Email', '{}'::jsonb, true, '[]'::jsonb)
       RETURNING id`,
    );
    const id = rows[0]!.id;
    const creators = services(app);
    expect((await creators.find("oldname")).rows.map((r) => r.id)).toEqual([id]);
    // Django's save() writes every column, changed or not.
    await tdb.pool.query(
      `UPDATE studio_crm_creator SET brand_name = 'Newname Candles', creator_name = creator_name, creator_email = creator_email,
              instagram_handle = '@newname_lights', health_score = 'RED', updated_at = now() WHERE id = $1`,
      [id],
    );
    expect((await creators.find("oldname")).total).toBe(0);
    expect((await creators.find("newname candles")).rows.map((r) => r.id)).toEqual([id]);
    expect((await creators.find("newname_lights")).rows.map((r) => r.id)).toEqual([id]);
    await tdb.pool.query("DELETE FROM studio_crm_creator WHERE id = $1", [id]);
    expect((await creators.find("newname")).total).toBe(0);
    expect((await tdb.pool.query("SELECT 1 FROM wl_creator_search_text WHERE creator_id = $1", [id])).rowCount).toBe(0);
  });

  it("a score, status or notes change leaves the search text alone (no new row version, no trigram index entries)", async () => {
    const { rows } = await tdb.pool.query<{ id: string }>("SELECT id FROM studio_crm_creator WHERE brand_name = 'Brand Luna 3500'");
    const id = rows[0]!.id;
    const version = async () =>
      (await tdb.pool.query<{ v: string }>("SELECT xmin::text AS v FROM wl_creator_search_text WHERE creator_id = $1", [id])).rows[0]?.v;
    const before = await version();
    expect(before).toBeDefined();
    await tdb.pool.query("UPDATE studio_crm_creator SET health_score = 'YELLOW', journey_status = 'PAUSED', internal_notes = 'x' WHERE id = $1", [id]);
    expect(await version()).toBe(before);
    await tdb.pool.query("UPDATE studio_crm_creator SET health_score = 'GREEN', journey_status = 'LIVE', internal_notes = NULL WHERE id = $1", [id]);
    await tdb.pool.query("UPDATE studio_crm_creator SET creator_name = creator_name WHERE id = $1", [id]);
    expect(await version()).toBe(before);
  });

  it("find: LIKE's wildcards and escape in the text match themselves", async () => {
    await insertByHand("Pat Percent", "pat@percent.test", "100% Pure\\Raw");
    const creators = services(app);
    expect((await creators.find("0% p")).rows.map((r) => r.brandName)).toEqual(["100% Pure\\Raw"]);
    expect((await creators.find("e\\r")).rows.map((r) => r.brandName)).toEqual(["100% Pure\\Raw"]);
    expect((await creators.find("%_%")).total).toBe(0);
  });
});

describe("the list's total", () => {
  it("counts the active creators from the urgency index alone (an index-only scan), never the table", async () => {
    // As autovacuum leaves the table: pages all-visible, so the index can answer by itself.
    await tdb.pool.query("VACUUM ANALYZE studio_crm_creator");
    const plan = await functionPlan("wl_creator_active_count", "", "");
    expect(plan).toContain("Index Only Scan using studio_crm_creator_urgency_idx");
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("is every active creator's, whoever wrote them, and no archived one's", async () => {
    await insertByHand("Ari Archived", "ari@archived.test", "Archived Goods");
    await tdb.pool.query("UPDATE studio_crm_creator SET is_active = false WHERE creator_email = 'ari@archived.test'");
    const { rows } = await tdb.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM studio_crm_creator WHERE is_active");
    expect(rows[0]!.n).toBeGreaterThan(ADVERSARIAL);
    const list = await services(app).list({}, 0);
    expect(list.total).toBe(rows[0]!.n);
    expect(list.pages).toBe(Math.ceil(rows[0]!.n / list.rows.length));
  });
});

describe("pooled reads return what Prisma returns", () => {
  it("the card's creator row equals Prisma's, every column (dates, JSON, nulls)", async () => {
    const { rows } = await tdb.pool.query<{ id: string }>(
      `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, creator_phone, creator_location,
         creator_timezone, brand_name, brand_tagline, brand_niche, brand_website, journey_status, health_score, last_status_change,
         priority_level, instagram_handle, youtube_channel, other_social_links, primary_communication_channel, last_contacted_date,
         next_follow_up_date, communication_notes, custom_fields, is_active, internal_notes, tags)
       VALUES (gen_random_uuid(), now(), now(), 'Card Person', 'card@person.test', '+1 555', 'Lisbon', 'Europe/Lisbon', 'Card Brand',
               'tag line', 'Beauty', 'https://card.test', 'LIVE', 'GREEN', now(), 1, '@card', 'yt', '{"x": 1}'::jsonb, 'Slack',
               '2026-06-01', '2026-06-20', 'notes', '{"k": "v"}'::jsonb, true, 'internal', '["VIP"]'::jsonb)
       RETURNING id`,
    );
    const id = rows[0]!.id;
    await tdb.pool.query(
      `INSERT INTO studio_crm_milestone (id, creator_id, created_at, title, target_date, is_completed, related_journey_stage)
       SELECT gen_random_uuid(), $1::uuid, now() + k * interval '1 second', 'M' || k, DATE '2026-06-10' + k * 3, false, 'LIVE'
         FROM generate_series(1, 7) k`,
      [id],
    );
    const card = await services(app).card(id);
    expect(card!.creator).toEqual(await tdb.db.creator.findUniqueOrThrow({ where: { id } }));
    expect(card!.openMilestoneCount).toBe(7);
    expect(card!.openMilestones.map((m) => [m.title, m.targetDate])).toEqual([
      ["M1", "2026-06-13"],
      ["M2", "2026-06-16"],
      ["M3", "2026-06-19"],
      ["M4", "2026-06-22"],
      ["M5", "2026-06-25"],
    ]);
    expect(card!.health.reasons.join(" ")).toMatch(/overdue/i);
    expect(await services(app).card("not-a-uuid")).toBeNull();
  });

  it("a list row's dates are the calendar dates Prisma reads", async () => {
    const page = await services(app).list({ status: "LIVE" }, 0, 50);
    const ids = page.rows.map((r) => r.id);
    const prisma = await tdb.db.creator.findMany({
      where: { id: { in: ids } },
      select: { id: true, lastContactedDate: true, nextFollowUpDate: true, createdAt: true },
    });
    const byId = new Map(prisma.map((p) => [p.id, p]));
    for (const r of page.rows) {
      expect([r.lastContactedDate, r.nextFollowUpDate, r.createdAt]).toEqual([
        byId.get(r.id)!.lastContactedDate,
        byId.get(r.id)!.nextFollowUpDate,
        byId.get(r.id)!.createdAt,
      ]);
    }
    expect(page.rows.some((r) => r.lastContactedDate !== null)).toBe(true);
  });
});

describe("the search text after a TRUNCATE (Django's test flush)", () => {
  it("is emptied with the creators, and fills again as creators are added", async () => {
    await tdb.pool.query("TRUNCATE studio_crm_creator CASCADE");
    expect((await tdb.pool.query("SELECT 1 FROM wl_creator_search_text")).rowCount).toBe(0);
    await insertByHand("After Flush", "after@flush.test", "Fresh Start");
    const found = await services(app).find("fresh start");
    expect(found.rows.map((r) => r.brandName)).toEqual(["Fresh Start"]);
  });
});
