import { fileURLToPath } from "node:url";
import pg from "pg";
import { ensureDatabase, migrate } from "../../src/migrate/migrate-runner.js";

const ADMIN = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function benchDbUrl(name: string): string {
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A throwaway, migrated database for one benchmark run. */
export async function createBenchDb(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const url = benchDbUrl(name);
  await dropDb(name);
  await ensureDatabase(url);
  await migrate(url, fileURLToPath(new URL("../../prisma/migrations/", import.meta.url)));
  return { url, drop: () => dropDb(name) };
}

async function dropDb(name: string) {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
}

/**
 * n creators with `milestones` milestones each, in one SQL statement each: a realistic spread of
 * statuses, priorities, contact and follow-up dates, so health lands ~10% RED/YELLOW.
 */
export async function seedCreators(url: string, n: number, milestones = 10): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`
      INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, brand_name, brand_niche,
        journey_status, health_score, last_status_change, priority_level, instagram_handle, tiktok_handle,
        last_contacted_date, next_follow_up_date, tags, custom_fields, is_active)
      SELECT gen_random_uuid(), now() - interval '200 days', now(),
             'Creator ' || i, 'creator' || i || '@bench.test', 'Brand ' || i || ' ' || (ARRAY['Glow','Peak','Nova','Vida','Luxe'])[1 + i % 5],
             (ARRAY['Fitness','Beauty','Food','Travel','Tech'])[1 + i % 5],
             (ARRAY['ONBOARDING','BRAND_BUILDING','LAUNCH','LIVE','LIVE','LIVE','PAUSED','CLOSED'])[1 + i % 8],
             'GREEN', now() - ((i % 40) || ' days')::interval, 1 + i % 5, '@brand' || i, '@tt' || i,
             CASE WHEN i % 10 = 0 THEN current_date - 40 WHEN i % 10 = 1 THEN current_date - 20 ELSE current_date - (i % 7) END,
             CASE WHEN i % 17 = 0 THEN current_date - 3 ELSE current_date + (i % 30) END,
             CASE WHEN i % 3 = 0 THEN '["VIP"]'::jsonb ELSE '[]'::jsonb END, '{}'::jsonb, true
        FROM generate_series(1, $1::int) AS i`, [n]);
    if (milestones > 0) {
      await c.query(`
        INSERT INTO studio_crm_milestone (id, creator_id, created_at, title, target_date, is_completed, completed_date, related_journey_stage)
        SELECT gen_random_uuid(), c.id, now(), 'Milestone ' || k,
               current_date + (k * 7 - 20 + (hashtext(c.id::text) % 5)),
               k <= 3, CASE WHEN k <= 3 THEN current_date - 30 END, c.journey_status
          FROM studio_crm_creator c CROSS JOIN generate_series(1, $1::int) AS k`, [milestones]);
    }
    await c.query("ANALYZE");
  } finally {
    await c.end();
  }
}
