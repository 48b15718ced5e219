import type { MultiFernet } from "../../crypto/fernet.js";
import { SECRET_FIELDS, type SecretField } from "./vault-fns.js";

// Plaintext exists only between these two functions and the Slack call that shows it: rows
// carry tokens, services pass tokens, and nothing here ever puts a value into an error.

export type SecretValues = Readonly<Partial<Record<SecretField, string | null>>>;
export type SecretTokens = Readonly<Record<SecretField, string | null>>;

/** Prisma field names of the secret columns. */
export const SECRET_PROPS = {
  login_url: "loginUrl",
  password: "password",
  two_factor_backup_codes: "twoFactorBackupCodes",
  api_keys: "apiKeys",
} as const satisfies Record<SecretField, string>;

/**
 * Tokens exactly as django-encrypted-model-fields writes them: Fernet over the UTF-8 value,
 * stored as text. Empty and missing stay NULL (not a token of ""), so "not set" is visible
 * without a reveal. Only the fields present in `values` are returned.
 */
export function encryptSecrets(fernet: MultiFernet, values: SecretValues): Partial<Record<SecretField, string | null>> {
  const out: Partial<Record<SecretField, string | null>> = {};
  for (const f of SECRET_FIELDS) {
    if (!(f in values)) continue;
    const v = values[f];
    out[f] = v == null || v === "" ? null : fernet.encrypt(v);
  }
  return out;
}

export type Decrypted = { ok: true; values: Record<SecretField, string | null> } | { ok: false; failed: SecretField[] };

/**
 * Fail closed. django-encrypted-model-fields hands back the raw token when no key opens it;
 * we never do: a token no configured key opens is a failure naming the field, not a value.
 */
export function decryptSecrets(fernet: MultiFernet, tokens: SecretTokens): Decrypted {
  const values = {} as Record<SecretField, string | null>;
  const failed: SecretField[] = [];
  for (const f of SECRET_FIELDS) {
    const t = tokens[f];
    if (t == null) {
      values[f] = null;
      continue;
    }
    try {
      values[f] = fernet.decryptString(t);
    } catch {
      failed.push(f);
    }
  }
  return failed.length ? { ok: false, failed } : { ok: true, values };
}

/** Which secrets a row holds (for metadata: "password, API keys"), never their values. */
export function secretsPresent(tokens: SecretTokens): SecretField[] {
  return SECRET_FIELDS.filter((f) => tokens[f] != null);
}

export function tokensOf(row: { loginUrl: string | null; password: string | null; twoFactorBackupCodes: string | null; apiKeys: string | null }): SecretTokens {
  return { login_url: row.loginUrl, password: row.password, two_factor_backup_codes: row.twoFactorBackupCodes, api_keys: row.apiKeys };
}
