import { z } from "zod";
import { invalid } from "../../errors.js";
import { isIsoDate, type IsoDate } from "../../lib/dates.js";
import type { SecretField } from "./vault-fns.js";

// Modal input -> typed input. Every message here is our own: zod's and JSON.parse's default
// messages can quote the input, and the input is a password.

type StateValues = Record<string, Record<string, { type?: string; value?: string | null; selected_date?: string | null }>>;

/** The raw string of each input (block_id = action_id = column name); null when empty. */
export function readState(values: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [blockId, actions] of Object.entries((values ?? {}) as StateValues)) {
    const a = actions?.[blockId] ?? Object.values(actions ?? {})[0];
    const raw = a?.value ?? a?.selected_date ?? null;
    out[blockId] = typeof raw === "string" && raw !== "" ? raw : null;
  }
  return out;
}

const text = (max: number, label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label}: at most ${max} characters.`);

const optionalText = (max: number, label: string) =>
  z
    .string()
    .max(max, `${label}: at most ${max} characters.`)
    .nullable()
    .optional()
    .transform((v) => (v == null || v.trim() === "" ? null : v.trim()));

// Secrets are kept byte for byte (a password may end in a space); only "all blank" means empty.
const secretText = (max: number, label: string) =>
  z
    .string()
    .max(max, `${label}: at most ${max} characters.`)
    .nullable()
    .optional()
    .transform((v) => (v == null || v.trim() === "" ? null : v));

const loginUrl = secretText(2000, "Login URL").refine(
  (v) => {
    if (v === null) return true;
    try {
      const u = new URL(v.trim());
      return u.protocol === "https:" || u.protocol === "http:";
    } catch {
      return false;
    }
  },
  { message: "Login URL must be a full http(s) link, such as https://instagram.com/accounts/login." },
);

const apiKeys = secretText(3000, "API keys").refine(
  (v) => {
    if (v === null) return true;
    try {
      const j = JSON.parse(v) as unknown;
      return typeof j === "object" && j !== null;
    } catch {
      return false;
    }
  },
  { message: 'API keys must be JSON, such as {"key": "…", "secret": "…"}.' },
);

const isoDate = (label: string) =>
  z
    .string()
    .nullable()
    .optional()
    .refine((v) => v == null || isIsoDate(v), `${label} must be a date.`)
    .transform((v) => (v == null ? null : (v as IsoDate)));

export const credentialFormSchema = z.object({
  platform_name: text(100, "Platform"),
  account_identifier: text(200, "Account"),
  login_url: loginUrl,
  password: secretText(3000, "Password"),
  two_factor_backup_codes: secretText(3000, "2FA backup codes"),
  api_keys: apiKeys,
  notes: optionalText(3000, "Notes"),
  last_verified_date: isoDate("Last verified"),
  expires_on: isoDate("Expires on"),
});

export type CredentialForm = z.infer<typeof credentialFormSchema>;
export type CredentialMetaInput = Omit<CredentialForm, SecretField>;

export const reasonSchema = z.object({
  reason: text(500, "Reason"),
});

/** Parses a modal's state; invalid input becomes inline errors on the offending blocks. */
export function parseForm<S extends z.ZodType>(schema: S, values: unknown): z.infer<S> {
  const parsed = schema.safeParse(readState(values));
  if (parsed.success) return parsed.data as z.infer<S>;
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "");
    if (key && !fieldErrors[key]) fieldErrors[key] = issue.message.slice(0, 150);
  }
  throw invalid("Please fix the highlighted fields.", fieldErrors);
}

export const uuidSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** A button's value that must be one of our UUIDs; anything else is a forged or stale click. */
export function idFrom(value: unknown): string {
  const r = uuidSchema.safeParse(value);
  if (!r.success) throw invalid("That button is out of date. Run the command again.");
  return r.data.toLowerCase();
}

export const metaSchema = z.object({ id: uuidSchema });
