import { createHmac, timingSafeEqual } from "node:crypto";

export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Slack's v0 request signature. Stricter than Bolt's check: a timestamp more than five
 * minutes in the *future* is refused too, so a request signed ahead of time (a captured
 * secret, a skewed signer) cannot be replayed for a long window later.
 */
export function verifySlackSignature(args: {
  signingSecret: string;
  rawBody: Buffer | string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  nowSeconds: number;
}): SignatureVerdict {
  const headers = checkSignatureHeaders(args);
  if (!headers.ok) return headers;
  // Both headers are present and well-formed (checked above): "v0=" + 64 hex digits.
  const ts = args.timestampHeader!;
  const hash = args.signatureHeader!.slice(3);
  const expected = createHmac("sha256", args.signingSecret).update(`v0:${ts}:`).update(args.rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) return { ok: false, reason: "signature mismatch" };
  return { ok: true };
}

/**
 * Everything about a signature that can be checked without the body: both headers present
 * and well-formed, the timestamp inside the window. The receiver asks this BEFORE reading a
 * body, so an unsigned or stale request costs no more than its headers.
 */
export function checkSignatureHeaders(args: {
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  nowSeconds: number;
}): SignatureVerdict {
  const { timestampHeader: ts, signatureHeader: sig } = args;
  if (!ts || !sig) return { ok: false, reason: "missing signature headers" };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: "malformed timestamp" };
  if (Math.abs(args.nowSeconds - Number(ts)) > MAX_SKEW_SECONDS) return { ok: false, reason: "timestamp outside the 5 minute window" };
  if (!/^v0=[0-9a-f]{64}$/.test(sig)) return { ok: false, reason: "unknown signature version or format" };
  return { ok: true };
}

/** Signs a body as Slack does (for the local sandbox, tests and benchmarks). */
export function signSlackRequest(signingSecret: string, body: string, timestampSeconds: number): Record<string, string> {
  const signature = createHmac("sha256", signingSecret).update(`v0:${timestampSeconds}:${body}`).digest("hex");
  return { "x-slack-request-timestamp": String(timestampSeconds), "x-slack-signature": `v0=${signature}` };
}
