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
      // Django saves a blank secret as a token of '' (django-encrypted-model-fields encrypts
      // whatever is not None): that is "not set", never a value to show.
      values[f] = fernet.decryptString(t) || null;
    } catch {
      failed.push(f);
    }
  }
  return failed.length ? { ok: false, failed } : { ok: true, values };
}

/** Length of a token with one cipher block (version, time, IV, block, MAC; base64): 100 chars. */
const ONE_BLOCK_TOKEN_CHARS = Math.ceil((1 + 8 + 16 + 16 + 32) / 3) * 4;

/**
 * Which secrets a row holds (for metadata: "password, API keys"), never their values. A token
 * of '' (what the Django app stores for a blank field) holds nothing. Only a one-block token can
 * be one, so only those are opened, and only their length is looked at. A token no configured
 * key opens still holds something: it counts as set (the reveal then fails closed).
 */
export function secretsPresent(fernet: MultiFernet, tokens: SecretTokens): SecretField[] {
  return SECRET_FIELDS.filter((f) => {
    const t = tokens[f];
    if (t == null) return false;
    if (t.length > ONE_BLOCK_TOKEN_CHARS) return true;
    try {
      const plain = fernet.decrypt(t);
      const empty = plain.length === 0;
      plain.fill(0);
      return !empty;
    } catch {
      return true;
    }
  });
}

export function tokensOf(row: { loginUrl: string | null; password: string | null; twoFactorBackupCodes: string | null; apiKeys: string | null }): SecretTokens {
  return { login_url: row.loginUrl, password: row.password, two_factor_backup_codes: row.twoFactorBackupCodes, api_keys: row.apiKeys };
}
