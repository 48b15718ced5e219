import { fileURLToPath } from "node:url";
import pg from "pg";
import { ensureDatabase, migrate } from "../../src/migrate/migrate-runner.js";

const ADMIN = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** The limited role the benchmarked bot serves requests as, as production does (README, "Database roles"). */
export const BENCH_APP_ROLE = "wl_bench_app";

/** `url` (a bench database, as its owner) as the bench app role. */
export function asAppRole(url: string): string {
  const u = new URL(url);
  u.username = BENCH_APP_ROLE;
  u.password = "";
  return u.toString();
}

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
  await migrate(url, fileURLToPath(new URL("../../prisma/migrations/", import.meta.url)), { appRole: BENCH_APP_ROLE, createAppRole: true });
  return { url, drop: () => dropDb(name) };
}

async function dropDb(name: string) {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
}

// Word lists for realistic rows: names, brands and niches vary the way a studio's do, so the
// planner sees real trigram frequencies (a shared word in every brand made it prefer a
// sequential scan to the search index). Sizes are pairwise coprime: (i mod 43, i mod 31, i mod 8)
// is unique for i below 10,664, so brands are distinct without a visible counter until then.
const sqlArray = (xs: readonly string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(",")}]`;
export const FIRST = [
  "Ava",
  "Liam",
  "Maya",
  "Noah",
  "Zoe",
  "Ethan",
  "Chloe",
  "Lucas",
  "Isla",
  "Mateo",
  "Priya",
  "Kenji",
  "Amara",
  "Diego",
  "Sofia",
  "Omar",
  "Hana",
  "Leo",
  "Nia",
  "Felix",
  "Ines",
  "Ravi",
  "Elena",
  "Kofi",
  "Yara",
  "Jonas",
  "Mei",
  "Tariq",
  "Lena",
  "Santi",
  "Aisha",
  "Finn",
  "Rosa",
  "Idris",
  "Clara",
  "Arjun",
  "Freya",
  "Malik",
  "Noor",
  "Theo",
  "Luz",
];
export const LAST = [
  "Okafor",
  "Lindqvist",
  "Moreau",
  "Tanaka",
  "Haddad",
  "Kowalski",
  "Reyes",
  "Nakamura",
  "Brennan",
  "Adeyemi",
  "Castillo",
  "Varga",
  "Fischer",
  "Osei",
  "Rossi",
  "Novak",
  "Duarte",
  "Ahmed",
  "Sato",
  "Mbeki",
  "Larsen",
  "Petrova",
  "Quinn",
  "Alvarez",
  "Kaur",
  "Dubois",
  "Mendes",
  "Yilmaz",
  "Park",
  "Oduya",
  "Hughes",
  "Silva",
  "Jensen",
  "Ibrahim",
  "Costa",
  "Walsh",
  "Romero",
  "Chen",
  "Abara",
  "Nilsen",
  "Ferreira",
  "Kim",
  "Bauer",
];
export const BRAND_A = [
  "Luna",
  "Sol",
  "Terra",
  "Wild",
  "Golden",
  "Velvet",
  "Urban",
  "Coastal",
  "Ember",
  "Sage",
  "Nomad",
  "Bloom",
  "Iron",
  "Cedar",
  "Aurora",
  "Moss",
  "Saffron",
  "Indigo",
  "Copper",
  "Fable",
  "Kinetic",
  "Hearth",
  "Juniper",
  "Atlas",
  "Marigold",
  "Drift",
  "Citrus",
  "Onyx",
  "Willow",
  "Harbor",
  "Pulse",
  "Maple",
  "Tidal",
  "Quartz",
  "Fern",
  "Solace",
  "Rumi",
  "Koa",
  "Nectar",
  "Zest",
  "Basil",
  "Orbit",
  "Prism",
];
export const BRAND_B = [
  "Botanica",
  "Kitchen",
  "Fit",
  "Threads",
  "Skin",
  "Roasters",
  "Wander",
  "Beauty",
  "Lab",
  "Home",
  "Outdoors",
  "Wellness",
  "Bakes",
  "Studio",
  "Gear",
  "Journeys",
  "Pantry",
  "Motion",
  "Glow",
  "Crafts",
  "Tea",
  "Yoga",
  "Supply",
  "Plates",
  "Trails",
  "Apothecary",
  "Cycle",
  "Garden",
  "Sound",
  "Ink",
  "Pets",
];
const BRAND_C = ["Co", "Collective", "House", "Club", "Works", "Society", "Edit", "Project"];
const NICHES = [
  "Fitness",
  "Beauty",
  "Food",
  "Travel",
  "Tech",
  "Fashion",
  "Wellness",
  "Parenting",
  "Gaming",
  "Home & Garden",
  "Finance",
  "Music",
  "Pets",
  "Outdoors",
  "Skincare",
];
const DOMAINS = ["gmail.com", "outlook.com", "icloud.com", "proton.me", "yahoo.com", "hey.com", "fastmail.com"];

/**
 * n creators with `milestones` milestones each, in one SQL statement each: a realistic spread of
 * names, brands, niches, emails, statuses, priorities, contact and follow-up dates, so health
 * lands ~10% RED/YELLOW.
 */
export async function seedCreators(url: string, n: number, milestones = 10): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `
      INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, brand_name, brand_niche,
        journey_status, health_score, last_status_change, priority_level, instagram_handle, tiktok_handle,
        last_contacted_date, next_follow_up_date, tags, custom_fields, is_active)
      SELECT gen_random_uuid(), now() - interval '200 days', now(),
             w.first || ' ' || w.last,
             lower(w.first) || '.' || lower(w.last) || i || '@' || (${sqlArray(DOMAINS)})[1 + i % ${DOMAINS.length}],
             w.brand || CASE WHEN i >= 10664 THEN ' ' || (i / 10664)::text ELSE '' END,
             (${sqlArray(NICHES)})[1 + (i * 7) % ${NICHES.length}],
             (ARRAY['ONBOARDING','BRAND_BUILDING','LAUNCH','LIVE','LIVE','LIVE','PAUSED','CLOSED'])[1 + i % 8],
             'GREEN', now() - ((i % 40) || ' days')::interval, 1 + i % 5,
             CASE WHEN i % 4 <> 0 THEN '@' || lower(replace(w.brand, ' ', '')) || (i % 97) END,
             CASE WHEN i % 3 = 0 THEN '@' || lower(w.first) || lower(w.last) END,
             CASE WHEN i % 10 = 0 THEN current_date - 40 WHEN i % 10 = 1 THEN current_date - 20 ELSE current_date - (i % 7) END,
             CASE WHEN i % 17 = 0 THEN current_date - 3 ELSE current_date + (i % 30) END,
             CASE WHEN i % 3 = 0 THEN '["VIP"]'::jsonb ELSE '[]'::jsonb END, '{}'::jsonb, true
        FROM generate_series(1, $1::int) AS i
        CROSS JOIN LATERAL (SELECT
             (${sqlArray(FIRST)})[1 + (i * 11) % ${FIRST.length}] AS first,
             (${sqlArray(LAST)})[1 + (i * 5) % ${LAST.length}] AS last,
             (${sqlArray(BRAND_A)})[1 + i % ${BRAND_A.length}] || ' ' || (${sqlArray(BRAND_B)})[1 + i % ${BRAND_B.length}] || ' ' ||
               (${sqlArray(BRAND_C)})[1 + i % ${BRAND_C.length}] AS brand) AS w`,
      [n],
    );
    if (milestones > 0) {
      await c.query(
        `
        INSERT INTO studio_crm_milestone (id, creator_id, created_at, title, target_date, is_completed, completed_date, related_journey_stage)
        SELECT gen_random_uuid(), c.id, now(), 'Milestone ' || k,
               current_date + (k * 7 - 20 + (hashtext(c.id::text) % 5)),
               k <= 3, CASE WHEN k <= 3 THEN current_date - 30 END, c.journey_status
          FROM studio_crm_creator c CROSS JOIN generate_series(1, $1::int) AS k`,
        [milestones],
      );
    }
    await c.query("ANALYZE");
  } finally {
    await c.end();
  }
}
