import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { Fernet, MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { rotateCredentialKeys, planRow } from "../../src/features/vault/key-rotation.js";
import { djangoDecrypt, djangoEncryptMany, insertCredential, makeCreator, newKey } from "../e2e/vault-support.js";

// Key rotation: put a new key first in FIELD_ENCRYPTION_KEY, keep the old one second, rotate;
// afterwards every token opens under the new key ALONE (checked by Python's cryptography too).

let tdb: TestDatabase;
let creatorId: string;
const OLD = newKey();
const NEW = newKey();
const STRANGER = newKey();
const both = new MultiFernet(parseFernetKeys(`${NEW},${OLD}`));
const newOnly = new Fernet(parseFernetKeys(NEW)[0]!);
const root = fileURLToPath(new URL("../../", import.meta.url));

type Fields = { loginUrl?: string | null; password?: string | null; twoFactor?: string | null; apiKeys?: string | null };
const plain = new Map<string, Fields>();

/** Seeds credentials whose secrets are encrypted by Python's cryptography, in one Python run. */
async function seed(rows: { label: string; values: Fields; key: string }[]): Promise<string[]> {
  const items = rows.flatMap((r) =>
    (Object.entries(r.values).filter(([, v]) => v != null) as [keyof Fields, string][]).map(([k, v]) => ({ row: r, k, key: r.key, value: v })),
  );
  const tokens = items.length ? djangoEncryptMany(items.map((i) => ({ key: i.key, value: i.value }))) : [];
  const ids: string[] = [];
  for (const r of rows) {
    const enc: Fields = {};
    items.forEach((it, n) => {
      if (it.row === r) enc[it.k] = tokens[n]!;
    });
    const id = await insertCredential(tdb.db, creatorId, { platform: r.label, ...enc });
    plain.set(id, r.values);
    ids.push(id);
  }
  return ids;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  creatorId = await makeCreator(tdb.db, "Rotation Ltd");
});
afterAll(async () => {
  await tdb?.drop();
});

const secretCols = (r: { loginUrl: string | null; password: string | null; twoFactorBackupCodes: string | null; apiKeys: string | null }) => ({
  loginUrl: r.loginUrl,
  password: r.password,
  twoFactor: r.twoFactorBackupCodes,
  apiKeys: r.apiKeys,
});

describe("key rotation", () => {
  let undecryptable: string;
  let alreadyNew: string;
  let empty: string;
  let undecryptableToken: string;

  it("re-encrypts every token under the first key in batches, verified, audited; skips what needs nothing; reports what it can't open", async () => {
    const olds = Array.from({ length: 7 }, (_, i) => ({
      label: `Old ${i}`,
      values: { loginUrl: `https://old${i}.example.com/login`, password: `old-pw-${i}-ü`, twoFactor: `OLD2FA-${i}`, apiKeys: `{"k":"old-${i}"}` },
      key: OLD,
    }));
    let mixed: string;
    [alreadyNew, mixed, undecryptable] = (
      await seed([
        ...olds,
        { label: "Already new", values: { password: "already-new-pw" }, key: NEW },
        // Mixed: the password under the old key; its login URL (set below) already under the new.
        { label: "Mixed", values: { password: "mixed-old-pw" }, key: OLD },
        { label: "Stranger", values: { password: "stranger-pw" }, key: STRANGER },
      ])
    ).slice(7) as [string, string, string];
    empty = await insertCredential(tdb.db, creatorId, { platform: "Empty" });
    await tdb.db.creatorCredential.update({ where: { id: mixed }, data: { loginUrl: newOnly.encrypt("https://mixed.example.com") } });
    plain.set(mixed, { password: "mixed-old-pw", loginUrl: "https://mixed.example.com" });
    undecryptableToken = (await tdb.db.creatorCredential.findUniqueOrThrow({ where: { id: undecryptable } })).password!;

    const batches: number[] = [];
    const summary = await rotateCredentialKeys(tdb.db, both, { batchSize: 3, onBatch: (s) => batches.push(s.rotated + s.skipped + s.failed) });
    expect(summary).toMatchObject({ rotated: 8, skipped: 2, failed: 1 });
    expect(summary.failures).toEqual([{ id: undecryptable, fields: ["password"], reason: "undecryptable" }]);
    expect(batches).toEqual([3, 6, 9, 11]); // 11 rows in batches of 3

    for (const row of await tdb.db.creatorCredential.findMany()) {
      const cols = secretCols(row);
      if (row.id === undecryptable) {
        expect(cols.password).toBe(undecryptableToken); // left exactly as it was
        continue;
      }
      const want = plain.get(row.id) ?? {};
      for (const k of ["loginUrl", "password", "twoFactor", "apiKeys"] as const) {
        if (want[k] == null) {
          expect(cols[k]).toBeNull();
          continue;
        }
        expect(newOnly.decryptString(cols[k]!)).toBe(want[k]);
      }
    }
    // Python, holding ONLY the new key, opens every rotated token.
    const rotatedTokens = (await tdb.db.creatorCredential.findMany({ where: { id: { not: undecryptable } } }))
      .flatMap((r) => Object.values(secretCols(r)))
      .filter((t): t is string => !!t);
    const pyPlain = djangoDecrypt(NEW, rotatedTokens);
    expect(pyPlain.every((p) => p !== null)).toBe(true);
    expect(pyPlain).toContain("old-pw-3-ü");
    expect(pyPlain).toContain("mixed-old-pw");
  });

  it("writes one UPDATE audit row per rotated credential, under the system actor, with fields only marked changed", async () => {
    const rows = await tdb.db.auditLog.findMany({ where: { notes: { startsWith: "key rotation" } } });
    expect(rows).toHaveLength(8);
    for (const r of rows) {
      expect(r).toMatchObject({ actionType: "UPDATE", targetModel: "CreatorCredential", userId: null, userEmail: "system@wavelaunch.bot" });
      for (const v of Object.values(r.changes as Record<string, unknown>)) expect(v).toEqual({ changed: true });
    }
    const mixed = rows.find((r) => r.targetDisplay.startsWith("Mixed"));
    expect(mixed?.changes).toEqual({ password: { changed: true } });
    const old0 = rows.find((r) => r.targetDisplay.startsWith("Old 0"));
    expect(old0?.changes).toEqual({
      login_url: { changed: true },
      password: { changed: true },
      two_factor_backup_codes: { changed: true },
      api_keys: { changed: true },
    });
    expect(rows.map((r) => r.targetId)).not.toContain(alreadyNew);
    expect(rows.map((r) => r.targetId)).not.toContain(empty);
    const text = JSON.stringify(rows.map((r) => ({ changes: r.changes, notes: r.notes, targetDisplay: r.targetDisplay })));
    expect(text).not.toMatch(/old-pw-|gAAAAA/);
  });

  it("is restartable: a second run rotates nothing and skips everything it rotated", async () => {
    const before = await tdb.db.auditLog.count();
    const summary = await rotateCredentialKeys(tdb.db, both, { batchSize: 200 });
    expect(summary).toMatchObject({ rotated: 0, skipped: 10, failed: 1 });
    expect(await tdb.db.auditLog.count()).toBe(before);
  });

  it("a dry run counts without writing", async () => {
    await seed([{ label: "Dry", values: { password: "dry-pw" }, key: OLD }]);
    const summary = await rotateCredentialKeys(tdb.db, both, { dryRun: true });
    expect(summary).toMatchObject({ rotated: 1, failed: 1 });
    const row = await tdb.db.creatorCredential.findFirstOrThrow({ where: { platformName: "Dry" } });
    expect(both.encryptsWithPrimary(row.password!)).toBe(false);
  });

  it("planRow never rewrites a token it cannot verify, and leaves primary-key tokens alone", () => {
    const t = both.encrypt("x");
    expect(planRow(both, { id: "a", display: "a", login_url: null, password: t, two_factor_backup_codes: null, api_keys: null })).toEqual({ kind: "skip" });
    const bad = planRow(both, { id: "b", display: "b", login_url: null, password: "not-a-token", two_factor_backup_codes: null, api_keys: null });
    expect(bad).toEqual({ kind: "fail", failure: { id: "b", fields: ["password"], reason: "undecryptable" } });
  });

  it("npm run keys:rotate: reads its config via loadConfig, prints the summary, exits 1 while a row failed", async () => {
    await seed([{ label: "Cli", values: { password: "cli-pw" }, key: OLD }]);
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATABASE_URL: tdb.appUrl,
      FIELD_ENCRYPTION_KEY: `${NEW},${OLD}`,
      SLACK_BOT_TOKEN: "xoxb-rotation",
      SLACK_SIGNING_SECRET: "rotation-secret",
    };
    const run = promisify(execFile);
    const failed = await run(process.execPath, ["--import", "tsx", "src/cli/rotate-keys.ts", "--batch-size", "2"], { cwd: root, env }).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1); // the Stranger row still fails
    expect(failed?.stdout).toMatch(/rotated 2, skipped 10 \(already under the primary key or empty\), failed 1/);
    expect(failed?.stdout).toContain(`failed ${undecryptable}: undecryptable (password)`);
    expect(failed?.stdout).not.toMatch(/cli-pw|dry-pw|stranger-pw/);
    const cli = await tdb.db.creatorCredential.findFirstOrThrow({ where: { platformName: "Cli" } });
    expect(newOnly.decryptString(cli.password!)).toBe("cli-pw");

    const noKey = await run(process.execPath, ["--import", "tsx", "src/cli/rotate-keys.ts"], { cwd: root, env: { ...env, FIELD_ENCRYPTION_KEY: "" } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(noKey?.code).toBe(2);
    expect(noKey?.stderr).toContain("FIELD_ENCRYPTION_KEY");
  }, 60_000);
});
