import type { Db } from "../../db.js";
import type { MultiFernet } from "../../crypto/fernet.js";
import type { Actor } from "../../identity/actor.js";
import { SYSTEM_ACTOR } from "../../identity/actor.js";
import { writeAudit, type AuditEntry } from "../../audit/audit-service.js";
import { SECRET_FIELDS, type SecretField } from "./vault-fns.js";
import { CREDENTIAL_VERSION } from "./reveal-request-view.js";

// Re-encrypts every credential's secrets under the first key of FIELD_ENCRYPTION_KEY, so an
// old key can then be dropped from the list. Restartable: a row already under the primary key
// is skipped, so a run cut short is simply run again.

export type RotationFailure = { id: string; fields: SecretField[]; reason: "undecryptable" | "verify_failed" | "changed_during_rotation" };
export type RotationSummary = { rotated: number; skipped: number; failed: number; failures: RotationFailure[] };

type Row = { id: string; display: string } & Record<SecretField, string | null>;

type Plan =
  | { kind: "skip" }
  | { kind: "fail"; failure: RotationFailure }
  | { kind: "rotate"; updates: Partial<Record<SecretField, { from: string; to: string }>> };

/** What one row needs; pure apart from the cipher. Never returns or throws a plaintext. */
export function planRow(fernet: MultiFernet, row: Row): Plan {
  const updates: Partial<Record<SecretField, { from: string; to: string }>> = {};
  const bad: SecretField[] = [];
  const unverified: SecretField[] = [];
  for (const f of SECRET_FIELDS) {
    const token = row[f];
    if (token == null || fernet.encryptsWithPrimary(token)) continue;
    let next: string;
    try {
      next = fernet.rotate(token);
    } catch {
      // No configured key opens it: leave it as it is, and say so (never guess, never blank it).
      bad.push(f);
      continue;
    }
    // Verify before anything is written: the new token must open under the primary key alone
    // and give back exactly the old bytes, or the row is left untouched.
    if (!fernet.encryptsWithPrimary(next) || !fernet.decrypt(next).equals(fernet.decrypt(token))) {
      unverified.push(f);
      continue;
    }
    updates[f] = { from: token, to: next };
  }
  if (bad.length) return { kind: "fail", failure: { id: row.id, fields: bad, reason: "undecryptable" } };
  if (unverified.length) return { kind: "fail", failure: { id: row.id, fields: unverified, reason: "verify_failed" } };
  return Object.keys(updates).length ? { kind: "rotate", updates } : { kind: "skip" };
}

export async function rotateCredentialKeys(
  db: Db,
  fernet: MultiFernet,
  opts: { batchSize?: number; actor?: Actor; dryRun?: boolean; onBatch?: (s: RotationSummary) => void } = {},
): Promise<RotationSummary> {
  const batchSize = opts.batchSize ?? 200;
  const actor = opts.actor ?? SYSTEM_ACTOR;
  const summary: RotationSummary = { rotated: 0, skipped: 0, failed: 0, failures: [] };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    // Keyset pagination: stable under concurrent inserts, and no OFFSET scans.
    const rows = await db.$queryRaw<Row[]>`
      SELECT c.id::text AS id, c.login_url, c.password, c.two_factor_backup_codes, c.api_keys,
             c.platform_name || ' · ' || c.account_identifier || ' (' || k.brand_name || ')' AS display
        FROM studio_crm_creatorcredential c JOIN studio_crm_creator k ON k.id = c.creator_id
       WHERE c.id > ${after}::uuid ORDER BY c.id LIMIT ${batchSize}::int`;
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;

    const toWrite: { row: Row; updates: Partial<Record<SecretField, { from: string; to: string }>> }[] = [];
    for (const row of rows) {
      const plan = planRow(fernet, row);
      if (plan.kind === "skip") summary.skipped += 1;
      else if (plan.kind === "fail") summary.failures.push(plan.failure);
      else toWrite.push({ row, updates: plan.updates });
    }

    if (!opts.dryRun && toWrite.length) {
      const batch = await db.$transaction(
        async (tx) => {
          const audits: AuditEntry[] = [];
          const conflicts: RotationFailure[] = [];
          for (const { row, updates } of toWrite) {
            const f = (name: SecretField) => updates[name];
            // Each column is replaced only if it still holds the token we verified: an edit made
            // since the read is never overwritten with the older secret.
            const n = await tx.$executeRaw`
              UPDATE studio_crm_creatorcredential SET
                login_url = COALESCE(${f("login_url")?.to ?? null}::text, login_url),
                password = COALESCE(${f("password")?.to ?? null}::text, password),
                two_factor_backup_codes = COALESCE(${f("two_factor_backup_codes")?.to ?? null}::text, two_factor_backup_codes),
                api_keys = COALESCE(${f("api_keys")?.to ?? null}::text, api_keys)
               WHERE id = ${row.id}::uuid
                 AND login_url IS NOT DISTINCT FROM ${f("login_url")?.from ?? row.login_url}::text
                 AND password IS NOT DISTINCT FROM ${f("password")?.from ?? row.password}::text
                 AND two_factor_backup_codes IS NOT DISTINCT FROM ${f("two_factor_backup_codes")?.from ?? row.two_factor_backup_codes}::text
                 AND api_keys IS NOT DISTINCT FROM ${f("api_keys")?.from ?? row.api_keys}::text`;
            if (n === 0) {
              conflicts.push({ id: row.id, fields: Object.keys(updates) as SecretField[], reason: "changed_during_rotation" });
              continue;
            }
            // Re-encryption changes the stored tokens, not the secret (verified above): open
            // requests made for the old tokens move to the new version, or rotating would end
            // every approval as if the credential had been edited.
            await tx.$executeRaw`
              UPDATE wl_reveal_request r SET credential_version = ${CREDENTIAL_VERSION}
                FROM studio_crm_creatorcredential c
               WHERE c.id = r.credential_id AND r.credential_id = ${row.id}::uuid AND r.status IN ('PENDING','APPROVED')
                 AND r.credential_version = wl_credential_version(c.platform_name, c.account_identifier,
                       ${row.login_url}::text, ${row.password}::text, ${row.two_factor_backup_codes}::text, ${row.api_keys}::text)`;
            audits.push({
              action: "UPDATE",
              targetModel: "CreatorCredential",
              targetId: row.id,
              targetDisplay: row.display,
              changes: Object.fromEntries(Object.keys(updates).map((k) => [k, { changed: true }])),
              notes: "key rotation: re-encrypted with the primary FIELD_ENCRYPTION_KEY",
            });
          }
          // The rows and their audit rows commit together, or the batch is retried on the next run.
          await writeAudit(tx, actor, audits);
          return { rotated: audits.length, conflicts };
        },
        { timeout: 60_000, maxWait: 10_000 },
      );
      summary.rotated += batch.rotated;
      summary.failures.push(...batch.conflicts);
    } else if (opts.dryRun) {
      summary.rotated += toWrite.length;
    }
    summary.failed = summary.failures.length;
    opts.onBatch?.({ ...summary });
    if (rows.length < batchSize) break;
  }
  summary.failed = summary.failures.length;
  return summary;
}
