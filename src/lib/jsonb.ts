/**
 * A JSON.stringify replacer for text bound for a jsonb column: jsonb refuses NUL and lone
 * surrogates, and a row must never fail over what a user typed. NUL is dropped; a lone
 * surrogate becomes U+FFFD (what String.prototype.toWellFormed does on newer targets).
 */
export function jsonbSafe(_key: string, v: unknown): unknown {
  return typeof v === "string" ? v.replace(/\u0000/g, "").replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd") : v;
}
