import { createHash } from "node:crypto";

export const AUDIT_ACTIONS = ["CREATE", "UPDATE", "DELETE", "VIEW"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEntry = Readonly<{
  action: AuditAction;
  targetModel: string;
  targetId: string;
  targetDisplay: string;
  changes?: Record<string, unknown>;
  notes?: string | null;
}>;

/** The row an audit entry is about; pseudo-models (SlackCommand, …) name things without a row. */
export type AuditTarget = Readonly<{ targetModel: string; targetId: string; targetDisplay: string }>;

export type FieldChange = { from: unknown; to: unknown } | { changed: true };

/**
 * `{field: {from, to}}` for the fields whose value differs. Encrypted fields are only marked
 * `{changed: true}`: an audit row must never carry a secret, not even a ciphertext (a token
 * plus a leaked key is the plaintext).
 */
export function diffChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  opts: { secretFields?: readonly string[] } = {},
): Record<string, FieldChange> {
  const secret = new Set(opts.secretFields ?? []);
  const out: Record<string, FieldChange> = {};
  for (const key of Object.keys(after)) {
    if (!(key in before)) continue;
    const a = normalise(before[key]);
    const b = normalise(after[key]);
    if (stableJson(a) === stableJson(b)) continue;
    out[key] = secret.has(key) ? { changed: true } : { from: a, to: b };
  }
  return out;
}

/** A snapshot of a row for CREATE/DELETE audit rows, with secrets masked. */
export function snapshot(row: Record<string, unknown>, secretFields: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = secretFields.includes(k) ? (v == null || v === "" ? null : "[encrypted]") : normalise(v);
  }
  return out;
}

function normalise(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v === undefined || v === "") return null;
  return v;
}

export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as object).sort(([a], [b]) => a.localeCompare(b))) : val,
  );
}

/** A stable UUID for things that have no row of their own (a Slack user, a command). */
export function nameToUuid(name: string): string {
  const h = createHash("sha1").update(`wavelaunch:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** Audit text from user input: no control characters (NUL is refused by Postgres), within the column. */
export function auditText(s: string, max = 200): string {
  return clip(s.replace(/[\u0000-\u001f\u007f]/g, " ").trim(), max);
}

/** Fits audit text into the seed's column lengths without breaking a surrogate pair. */
export function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}
