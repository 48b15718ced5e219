import { createHmac, timingSafeEqual } from "node:crypto";

// Checkpoints anchor the audit chain outside the database: an HMAC over (chain_seq, row_hash,
// at) keyed by AUDIT_ANCHOR_KEY, which only the bot's environment and the verifier hold. Whoever
// can write the tables (a superuser, the owner, Django's credentials) can rewrite a row and
// recompute every later hash, but cannot sign the new head, so every checkpoint at or after the
// edit stops matching. Pure functions; the writer and the verifier build on them.

export type AnchorKey = Readonly<{ id: string; secret: Buffer }>;
export type Checkpoint = Readonly<{ id: string; chainSeq: bigint; rowHash: string; at: Date; keyId: string; hmac: string }>;
export type CheckpointFault = "checkpoint signed by an unknown key" | "checkpoint signature invalid";

/** AUDIT_ANCHOR_KEY's keys, first (the signing key) first. */
export function parseAnchorKeys(keys: readonly string[]): AnchorKey[] {
  return keys.map((k) => {
    const secret = Buffer.from(k, "base64url");
    return Object.freeze({ id: anchorKeyId(secret), secret });
  });
}

/**
 * Names a key in each checkpoint, so rotation can keep old keys for verification only. Derived by
 * the HMAC itself (not a plain hash of the key) and cut to 64 bits: it identifies, reveals nothing.
 */
export function anchorKeyId(secret: Buffer): string {
  return createHmac("sha256", secret).update("wl-audit-anchor-key-id").digest("hex").slice(0, 16);
}

/** The signed text: versioned, unit-separated, `at` to the millisecond (what timestamptz keeps of a JS Date). */
export function checkpointMac(secret: Buffer, c: Pick<Checkpoint, "chainSeq" | "rowHash" | "at" | "keyId">): string {
  const text = ["wl-audit-checkpoint/v1", c.chainSeq.toString(), c.rowHash, c.at.toISOString(), c.keyId].join("\u001f");
  return createHmac("sha256", secret).update(text, "utf8").digest("hex");
}

/** A checkpoint's signature against the configured keys; null when it is genuine. */
export function checkpointFault(c: Checkpoint, keys: readonly AnchorKey[]): CheckpointFault | null {
  const key = keys.find((k) => k.id === c.keyId);
  if (!key) return "checkpoint signed by an unknown key";
  const expected = Buffer.from(checkpointMac(key.secret, c), "hex");
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(c.hmac) ? c.hmac : "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : "checkpoint signature invalid";
}

export type AnchorFreshness = {
  /** The newest checkpoint signed by the current (first) key: what anchors the tail. */
  newest: { chainSeq: bigint; at: Date } | null;
  /** Chain rows after it, which no current checkpoint covers yet. */
  unanchoredRows: bigint;
  /** Rows are unanchored and the newest current checkpoint is older than expected (or missing). */
  stale: boolean;
};

/**
 * Whether the tail is anchored recently enough. The bot checkpoints on a schedule and at
 * shutdown; rows after the newest checkpoint can be rewritten undetected (the residual window),
 * so a checkpoint older than `maxAgeMs` with rows after it means the bot is not checkpointing,
 * or someone deleted the checkpoints that would have caught an edit. Checkpoints under retired
 * keys do not count: a leaked old key must not be able to vouch for a new tail.
 */
export function anchorFreshness(
  checkpoints: readonly Pick<Checkpoint, "chainSeq" | "at" | "keyId">[],
  currentKeyId: string,
  headSeq: bigint,
  now: Date,
  maxAgeMs: number,
): AnchorFreshness {
  let newest: AnchorFreshness["newest"] = null;
  for (const c of checkpoints) {
    if (c.keyId !== currentKeyId || c.chainSeq > headSeq) continue;
    if (!newest || c.chainSeq > newest.chainSeq) newest = { chainSeq: c.chainSeq, at: c.at };
  }
  const unanchoredRows = headSeq - (newest?.chainSeq ?? 0n);
  const old = !newest || now.getTime() - newest.at.getTime() > maxAgeMs;
  return { newest, unanchoredRows, stale: unanchoredRows > 0n && old };
}
