import { appendFileSync } from "node:fs";
import type { Db } from "../../src/db.js";
import type { MultiFernet } from "../../src/crypto/fernet.js";

// After each test file that ran the bot, every credential secret in its database is decrypted
// and searched for in what must never carry one: the captured logs, the audit table, and every
// Slack call except ephemeral answers (the one approved reveal). A hit fails the file.

const SECRET_COLUMNS = ["login_url", "password", "two_factor_backup_codes", "api_keys"] as const;
/** Short values ("hello", "1234") occur innocently in text; real test secrets are longer. */
const MIN_LENGTH = 8;

export async function secretsIn(db: Db, fernet: MultiFernet): Promise<string[]> {
  const rows = await db.$queryRaw<Record<(typeof SECRET_COLUMNS)[number], string | null>[]>`
    SELECT login_url, password, two_factor_backup_codes, api_keys FROM studio_crm_creatorcredential`;
  const out = new Set<string>();
  for (const row of rows) {
    for (const col of SECRET_COLUMNS) {
      const token = row[col];
      if (!token) continue;
      let plain: string;
      try {
        plain = fernet.decryptString(token);
      } catch {
        continue; // a token under a foreign key (fail-closed tests) has no plaintext to leak
      }
      out.add(plain);
      // API keys are JSON: each value is a secret of its own.
      if (col === "api_keys") {
        try {
          for (const v of Object.values(JSON.parse(plain) as Record<string, unknown>)) if (typeof v === "string") out.add(v);
        } catch {
          /* not JSON */
        }
      }
      for (const line of plain.split(/\r?\n/)) out.add(line.trim());
    }
  }
  return [...out].filter((s) => s.length >= MIN_LENGTH);
}

export type Leak = { secretPrefix: string; where: string };

export function findLeaks(secrets: readonly string[], haystacks: Record<string, string>): Leak[] {
  const leaks: Leak[] = [];
  for (const s of secrets) {
    const variants = [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)];
    for (const [where, text] of Object.entries(haystacks)) {
      if (variants.some((v) => text.includes(v))) leaks.push({ secretPrefix: `${s.slice(0, 3)}…`, where });
    }
  }
  return leaks;
}

export const jsonWithBigInt = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

/** One line per scanned file, for the run's summary (printed by the global teardown). */
export function recordScan(reportFile: string | undefined, entry: { file: string; secrets: number; leaks: Leak[] }): void {
  if (reportFile) appendFileSync(reportFile, `${JSON.stringify(entry)}\n`);
}
