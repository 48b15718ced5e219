import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createDatabase, type Db, type Pool } from "../../src/db.js";
import { ensureDatabase, migrate } from "../../src/migrate/migrate-runner.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { createHealthService } from "../../src/features/health/health-service.js";
import { runNightlyHealth } from "../../src/features/health/health-job.js";
import { createCreatorService } from "../../src/features/creators/creator-service.js";
import { creatorFormSchema } from "../../src/features/creators/creator-schemas.js";
import { createMilestoneService } from "../../src/features/milestones/milestone-service.js";
import { createVaultService } from "../../src/features/vault/vault-service.js";
import { credentialFormSchema } from "../../src/features/vault/vault-schemas.js";
import { decryptSecrets, tokensOf } from "../../src/features/vault/secret-fields.js";
import { credentialListBlocks } from "../../src/features/vault/vault-blocks.js";
import { createIdentityService } from "../../src/identity/identity-service.js";
import type { SlackProfile } from "../../src/identity/slack-directory.js";
import type { Actor } from "../../src/identity/actor.js";
import { dateInTz } from "../../src/lib/dates.js";
import { dbUrl, dropDatabase, withAdmin } from "../helpers/pg-admin.js";
import { testDbName } from "../helpers/test-db.js";

// Issue 15: the bot and the studio's Django app on one database, whichever came first, driven
// through the REAL Django ORM (Debian's Django 3.2, /usr/bin/python3) with models written from
// the seed document (test/django/). Both databases start empty: one is built by Django's
// migrations, the other by the bot's migration runner.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MIGRATIONS = `${ROOT}prisma/migrations/`;
const PYTHON = "/usr/bin/python3"; // Debian's: a pyenv python on PATH cannot see Debian's packages
const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const OLD_KEY = "QQrkcEx08w2XkYFChSeTxjY5YwE-7Sj-YhaWwWWqUwE=";
const KEYS = `${KEY},${OLD_KEY}`;
const TODAY = dateInTz(new Date(), "UTC");
const fernet = new MultiFernet(parseFernetKeys(KEYS));

/** Installs Django when it is missing and this may (root or passwordless sudo); else says why not. */
const ensure = spawnSync("sh", [`${ROOT}scripts/ensure-django.sh`], { encoding: "utf8" });
const skipReason =
  ensure.status === 0 ? null : `Django is not available (${ensure.stderr.trim().split("\n").pop()}); CI installs it with scripts/ensure-django.sh`;
if (skipReason) console.warn(`django-interop: SKIPPED: ${skipReason}`);

type StepError = { error: string; trace: string };
const ok = <T>(v: T | StepError): T => {
  if (v && typeof v === "object" && "error" in v) throw new Error(`Django step failed: ${v.error}\n${v.trace}`);
  return v as T;
};

/** One phase of test/django/interop.py: JSON in on stdin, the facts out on stdout. */
function django<T = Record<string, unknown>>(phase: string, url: string, args: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, [`${ROOT}test/django/interop.py`, phase], {
      env: { PATH: "/usr/bin:/bin", DATABASE_URL: url, FIELD_ENCRYPTION_KEY: KEYS, PYTHONDONTWRITEBYTECODE: "1", LANG: "C.UTF-8" },
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`interop.py ${phase} exited ${code}:\n${err}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!) as T);
    });
    p.stdin.end(JSON.stringify(args));
  });
}

const made: string[] = [];
/** The pg.Pool under each Prisma client opened here (the identity service reads through it). */
const pools = new Map<Db, Pool>();
function open(url: string): Db {
  const { db, pool } = createDatabase(url, { max: 4 });
  pools.set(db, pool);
  return db;
}
async function emptyDatabase(tag: string): Promise<string> {
  const name = testDbName(`dj${tag}_${randomBytes(3).toString("hex")}`);
  made.push(name);
  const url = dbUrl(name);
  await ensureDatabase(url);
  // Dozens of small DDL transactions: no fsync wait for each.
  await withAdmin((c) => c.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`));
  return url;
}
afterAll(async () => {
  for (const n of made) await dropDatabase(n);
});

function services(db: Db, profiles: SlackProfile[] = [], bootstrapAdmins: string[] = []) {
  const pool = pools.get(db)!;
  const health = createHealthService({ db, pool, tz: "UTC" });
  return {
    health,
    creators: createCreatorService({ db, pool, health, now: () => new Date(), today: () => TODAY }),
    milestones: createMilestoneService({ db, health, today: () => TODAY }),
    vault: createVaultService({ db, fernet }),
    identity: createIdentityService({ db, pool, directory: { lookup: async (id) => profiles.find((p) => p.slackUserId === id) ?? null }, bootstrapAdmins }),
  };
}

const profile = (slackUserId: string, email: string, name: string): SlackProfile => ({ slackUserId, teamId: "T0STUDIO", email, name, isBot: false });

async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** Audit rows about roles must point at a role row (not an auth_user id padded into a UUID). */
async function roleAuditTargets(url: string) {
  return sql<{ target_id: string; role_row: string | null }>(
    url,
    `SELECT a.target_id::text, r.id::text AS role_row FROM studio_crm_auditlog a LEFT JOIN wl_user_role r ON r.id = a.target_id WHERE a.target_model = 'UserRole'`,
  );
}

/** The catalog of Django's auth/contenttypes tables: columns, constraints and indexes, by name. */
async function authCatalog(url: string) {
  const tables = [
    "auth_user",
    "auth_group",
    "auth_permission",
    "auth_group_permissions",
    "auth_user_groups",
    "auth_user_user_permissions",
    "django_content_type",
    "django_migrations",
  ];
  const columns = await sql(
    url,
    `
    SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS "default"
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE c.relname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2`,
    [tables],
  );
  const constraints = await sql(
    url,
    `
    SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid::regclass::text = ANY($1) ORDER BY 1, 2`,
    [tables],
  );
  const indexes = await sql(url, `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1) ORDER BY 1, 2`, [tables]);
  const migrations = await sql(url, `SELECT app, name FROM django_migrations WHERE app IN ('auth', 'contenttypes') ORDER BY app, name`);
  return { columns, constraints, indexes, migrations };
}

describe.skipIf(skipReason !== null)("shared database with the real Django app (issue 15)", () => {
  let djangoFirstUrl: string;

  describe("Django first (the studio's existing database), then the bot", () => {
    let db: Db;
    let s: ReturnType<typeof services>;
    let setup: {
      aliceId: number;
      overdueId: string;
      doomedId: string;
      vaultId: string;
      vaultCredentialId: string;
      storedBlankPassword: string;
      auditRows: number;
      migrate: { unapplied: string[] } | StepError;
    };
    let alice: Actor;

    beforeAll(async () => {
      djangoFirstUrl = await emptyDatabase("1");
      setup = await django("django_first_setup", djangoFirstUrl, { today: TODAY });
      expect(ok(setup.migrate).unapplied).toEqual([]);
      db = open(djangoFirstUrl);
      s = services(db);
      alice = { userId: setup.aliceId, email: "alice@studio.test", role: "admin", slackUserId: "U0ALICE", slackTeamId: "T0STUDIO", displayName: "Alice" };
    });
    afterAll(async () => {
      await db?.$disconnect();
    });

    it("the bot's migrations apply on top and chain Django's existing audit rows", async () => {
      const r = await migrate(djangoFirstUrl, MIGRATIONS);
      expect(r.alreadyApplied).toEqual([]);
      const chain = await verifyAuditChain(db);
      expect(chain).toMatchObject({ ok: true, rows: setup.auditRows });
      // Django's FKs are still Django's: no cascade, deferred.
      const fks = await sql<{ confdeltype: string; condeferred: boolean }>(
        djangoFirstUrl,
        `SELECT confdeltype, condeferred FROM pg_constraint WHERE contype = 'f' AND confrelid = 'studio_crm_creator'::regclass AND conrelid::regclass::text LIKE 'studio_crm_%'`,
      );
      expect(fks.length).toBe(3);
      expect(fks.every((f) => f.confdeltype === "a" && f.condeferred)).toBe(true);
      // The creators Django made before the bot came are in the search (its text is filled by the migration).
      expect((await s.creators.find("overdue co")).rows.map((r) => r.id)).toEqual([setup.overdueId]);
    });

    it("the nightly recompute writes its audit rows with a timestamp (Django's auditlog has no default)", async () => {
      const r = await runNightlyHealth({ db, health: s.health }, new Date(`${TODAY}T12:00:00Z`));
      expect(r).toMatchObject({ ran: true });
      expect(r.changed).toBeGreaterThanOrEqual(1);
      const [c] = await sql<{ health_score: string }>(djangoFirstUrl, "SELECT health_score FROM studio_crm_creator WHERE id = $1", [setup.overdueId]);
      expect(c!.health_score).toBe("RED");
      const rows = await sql<{ timestamp: Date }>(
        djangoFirstUrl,
        `SELECT "timestamp" FROM studio_crm_auditlog WHERE target_id = $1 AND notes LIKE 'nightly recompute:%'`,
        [setup.overdueId],
      );
      expect(rows).toHaveLength(1);
      expect(Math.abs(rows[0]!.timestamp.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it("deletes a Django creator with milestones, credentials and deliverables (Django's foreign keys do not cascade)", async () => {
      const r = await s.creators.remove(setup.doomedId, alice);
      expect(r).toMatchObject({ credentials: 1, milestones: 1, deliverables: 1 });
      const left = await sql<{ n: number }>(
        djangoFirstUrl,
        `
        SELECT (SELECT count(*) FROM studio_crm_creator WHERE id = $1) + (SELECT count(*) FROM studio_crm_milestone WHERE creator_id = $1)
             + (SELECT count(*) FROM studio_crm_creatorcredential WHERE creator_id = $1) + (SELECT count(*) FROM studio_crm_aideliverable WHERE creator_id = $1) AS n`,
        [setup.doomedId],
      );
      expect(Number(left[0]!.n)).toBe(0);
      const [audit] = await sql<{ changes: { credentials: unknown[]; milestones: unknown[]; deliverables: unknown[] } }>(
        djangoFirstUrl,
        "SELECT changes FROM studio_crm_auditlog WHERE target_id = $1 AND action_type = 'DELETE'",
        [setup.doomedId],
      );
      expect([audit!.changes.credentials.length, audit!.changes.milestones.length, audit!.changes.deliverables.length]).toEqual([1, 1, 1]);
    });

    it("a secret Django saved blank (a Fernet token of '') is not set, and is never shown as a value", async () => {
      expect(setup.storedBlankPassword).toMatch(/^gAAAAA/); // Django did store a token, not NULL
      const list = await s.vault.list(setup.vaultId);
      const cred = list!.credentials[0]!;
      expect(cred.secretsSet).toEqual(["login_url", "api_keys"]);
      const shown = JSON.stringify(credentialListBlocks(list!.creator, list!.credentials, list!.receipts, { isAdmin: true }));
      expect(shown).toContain("holds: Login URL, API keys");
      const row = await db.creatorCredential.findUniqueOrThrow({ where: { id: setup.vaultCredentialId } });
      expect(decryptSecrets(fernet, tokensOf(row))).toEqual({
        ok: true,
        values: { login_url: "https://tiktok.com/login", password: null, two_factor_backup_codes: null, api_keys: '{"key": "ünïcødé-k3y"}' },
      });
    });

    it("the bot's writes on Django's tables set every value (no database defaults) and Django reads them", async () => {
      const newbie = profile("U0NEWBIE", "newbie@studio.test", "New Bie");
      s = services(db, [newbie]);
      // Role changes re-check, under their lock, that the actor is an admin in the database.
      await db.userRole.create({ data: { userId: setup.aliceId, role: "admin" } });
      await s.identity.setRole(alice, newbie, "staff");
      const created = await s.creators.create(
        creatorFormSchema.parse({ creator_name: "Bo Bot", creator_email: "bo@creators.test", brand_name: "Bot Brand", brand_niche: "games" }),
        alice,
      );
      await s.milestones.add(created.id, { title: "First video", description: null, targetDate: TODAY, relatedJourneyStage: "ONBOARDING" }, alice);
      const cred = await s.vault.create(
        alice,
        setup.vaultId,
        credentialFormSchema.parse({ platform_name: "Twitch", account_identifier: "vaultlive", password: "bot-s3cret ✓" }),
      );
      const [u] = await sql<{ id: number; username: string }>(djangoFirstUrl, "SELECT id, username FROM auth_user WHERE email = 'newbie@studio.test'");
      expect(u!.username).toBe("slack.U0NEWBIE");

      const after = await django<Record<string, unknown>>("django_first_after", djangoFirstUrl, {
        aliceId: setup.aliceId,
        doomedId: setup.doomedId,
        overdueId: setup.overdueId,
        botCredentialId: cred.id,
        botCreatorId: created.id,
        botUserId: u!.id,
      });
      expect(ok(after.doomed)).toEqual({ creator: 0, milestones: 0, credentials: 0, deliverables: 0 });
      expect(ok(after.overdueScore)).toBe("RED");
      expect(ok(after.botCredential)).toEqual({ password: "bot-s3cret ✓", api_keys: null, login_url: null });
      expect(ok(after.botCreator)).toEqual({ brand: "Bot Brand", tags: [], custom_fields: {}, priority: 3 });
      expect(ok(after.botUser)).toEqual({ username: "slack.U0NEWBIE" });
      const edit = ok(after.djangoEdit) as { auditId: string };

      // Django's write after the bot migrated joined the chain, and the chain holds.
      const [row] = await sql<{ chain_seq: string | null }>(djangoFirstUrl, "SELECT chain_seq FROM studio_crm_auditlog WHERE id = $1", [edit.auditId]);
      expect(row!.chain_seq).not.toBeNull();
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
      for (const r of await roleAuditTargets(djangoFirstUrl)) expect(r.role_row).toBe(r.target_id);
    });
  });

  describe("the bot first, then the Django app adopts the database", () => {
    let url: string;
    let db: Db;
    let facts: Record<string, unknown>;
    let roleTargets: Awaited<ReturnType<typeof roleAuditTargets>>;
    let usernames: string[];
    const ids = { boss: 0, target: 0, creator: "", credential: "", doomed: "" };

    beforeAll(async () => {
      url = await emptyDatabase("2");
      await migrate(url, MIGRATIONS);
      db = open(url);
      const boss = profile("U0BOSS", "boss@studio.test", "Bo Boss");
      const target = profile("U0TARGET", "target@studio.test", "Tara Target");
      const s = services(db, [boss, target], ["U0BOSS"]);
      const actor = await s.identity.resolve("U0BOSS", "T0STUDIO");
      expect(actor.role).toBe("admin");
      await s.identity.setRole(actor, target, "staff");
      ids.boss = actor.userId!;
      ids.target = (await db.authUser.findFirstOrThrow({ where: { email: "target@studio.test" } })).id;

      const c = await s.creators.create(
        creatorFormSchema.parse({ creator_name: "Kim Keep", creator_email: "kim@creators.test", brand_name: "Keep Brand", brand_niche: "art" }),
        actor,
      );
      ids.creator = c.id;
      ids.credential = (
        await s.vault.create(actor, c.id, credentialFormSchema.parse({ platform_name: "Instagram", account_identifier: "@keep", password: "s3cret-from-bot" }))
      ).id;
      const d = await s.creators.create(
        creatorFormSchema.parse({ creator_name: "Dan Doomed", creator_email: "dan@creators.test", brand_name: "Doomed Co", brand_niche: "art" }),
        actor,
      );
      ids.doomed = d.id;
      await s.milestones.add(d.id, { title: "Shoot", description: null, targetDate: TODAY, relatedJourneyStage: "ONBOARDING" }, actor);
      await s.vault.create(actor, d.id, credentialFormSchema.parse({ platform_name: "X", account_identifier: "@dan", password: "pw" }));

      // Before Django deletes the target (and, by cascade, its role row).
      roleTargets = await roleAuditTargets(url);
      usernames = (await sql<{ username: string }>(url, "SELECT username FROM auth_user ORDER BY id")).map((u) => u.username);
      facts = await django("bot_first_adopt", url, {
        bossUserId: ids.boss,
        targetUserId: ids.target,
        creatorId: ids.creator,
        credentialId: ids.credential,
        doomedId: ids.doomed,
      });
    });
    afterAll(async () => {
      await db?.$disconnect();
    });

    it("audits role changes against the role row, and creates usernames Django's validator accepts", async () => {
      expect(roleTargets).toHaveLength(2); // the bootstrap admin and the role given to the target
      for (const r of roleTargets) expect(r.role_row).toBe(r.target_id);
      expect(usernames).toEqual(["slack.U0BOSS", "slack.U0TARGET"]);
    });

    it("`manage.py migrate --fake-initial` adopts the database, and a later `migrate` has nothing to do", () => {
      const adopt = ok(facts.adopt) as { output: string; unapplied: string[] };
      expect(adopt.unapplied).toEqual([]);
      expect(adopt.output).toMatch(/studio_crm\.0001_initial\.\.\. FAKED/);
      expect(adopt.output).not.toMatch(/(auth|contenttypes)\.0\d+/); // recorded by the bot's migration
      expect(ok(facts.migrateAgain)).toEqual({ unapplied: [] });
    });

    it("Django's auth and contenttypes tables are exactly what Django's own migrations make", async () => {
      const [mine, djangos] = await Promise.all([authCatalog(url), authCatalog(djangoFirstUrl)]);
      expect(mine).toEqual(djangos);
    });

    it("Django saves a bot-created user through full_clean (username validator)", () => {
      expect(ok(facts.botUserSaved)).toEqual({ username: "slack.U0TARGET" });
    });

    it("Django deletes a bot-created user (auth_user_groups exists; the bot's own rows cascade)", async () => {
      expect(ok(facts.deleteBotUser)).toEqual({ left: 0 });
      expect(await sql(url, "SELECT 1 FROM wl_slack_user WHERE slack_user_id = 'U0TARGET'")).toEqual([]);
      expect(await sql(url, "SELECT 1 FROM wl_user_role WHERE user_id = $1", [ids.target])).toEqual([]);
    });

    it("Django reads and decrypts the bot's credential, and deletes a bot creator with its children", () => {
      expect(ok(facts.botCredential)).toEqual({ password: "s3cret-from-bot", api_keys: null, two_factor_backup_codes: null });
      expect(ok(facts.deleteBotCreator)).toEqual({ left: 0 });
    });

    it("a user with audit history cannot be deleted by either system (the log is append-only): deactivate instead", () => {
      expect(ok(facts.deleteUserWithHistory)).toEqual({ refused: expect.stringMatching(/append-only/), left: 1 });
    });

    it("Django's audit writes are chained and the chain verifies; the bot reads Django's rows", async () => {
      const w = ok(facts.djangoWrites) as { creatorId: string; credentialId: string; auditIds: string[] };
      expect(w.auditIds.length).toBeGreaterThanOrEqual(3);
      const rows = await sql<{ chain_seq: string | null }>(url, "SELECT chain_seq FROM studio_crm_auditlog WHERE id = ANY($1::uuid[])", [w.auditIds]);
      expect(rows).toHaveLength(w.auditIds.length);
      expect(rows.every((r) => r.chain_seq !== null)).toBe(true);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
      const list = await createVaultService({ db, fernet }).list(w.creatorId);
      expect(list!.credentials.map((c) => c.secretsSet)).toEqual([["api_keys"]]);
    });
  });
});
