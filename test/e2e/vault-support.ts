import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../../src/db.js";
import { answerTo, type Harness } from "../helpers/bot-harness.js";

// Fixtures shared by the vault's tests (not a test file itself).

export async function makeCreator(db: Db, brand: string): Promise<string> {
  const c = await db.creator.create({
    data: {
      creatorName: `${brand} Person`,
      creatorEmail: `${brand.toLowerCase().replace(/[^a-z0-9]+/g, "")}-${randomBytes(3).toString("hex")}@creators.test`,
      brandName: brand,
      brandNiche: "Fitness",
      journeyStatus: "ONBOARDING",
      healthScore: "GREEN",
      lastStatusChange: new Date(),
    },
  });
  return c.id;
}

/** A credential row written straight to the table (as Django, or an older bot, would). */
export async function insertCredential(
  db: Db,
  creatorId: string,
  f: {
    platform?: string;
    account?: string;
    loginUrl?: string | null;
    password?: string | null;
    twoFactor?: string | null;
    apiKeys?: string | null;
    notes?: string | null;
  },
): Promise<string> {
  const id = randomUUID();
  await db.creatorCredential.create({
    data: {
      id,
      creatorId,
      platformName: f.platform ?? "Instagram",
      accountIdentifier: f.account ?? `acct-${randomBytes(3).toString("hex")}`,
      loginUrl: f.loginUrl ?? null,
      password: f.password ?? null,
      twoFactorBackupCodes: f.twoFactor ?? null,
      apiKeys: f.apiKeys ?? null,
      notes: f.notes ?? null,
    },
  });
  return id;
}

/** Slack's view_submission state for plain-text inputs and date pickers (block_id = action_id). */
export function formValues(v: Record<string, string | null>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, value] of Object.entries(v)) {
    out[k] = { [k]: k.endsWith("_date") || k === "expires_on" ? { type: "datepicker", selected_date: value } : { type: "plain_text_input", value } };
  }
  return out;
}

/** Runs Python's `cryptography` (stdin/stdout JSON): `inp` in, assign `out`. */
export function py<T>(body: string, input: unknown): T {
  const script = [
    "import sys, json",
    "from cryptography.fernet import Fernet, MultiFernet, InvalidToken",
    "inp = json.loads(sys.stdin.buffer.read().decode('utf-8'))",
    body,
    "sys.stdout.buffer.write(json.dumps(out).encode('ascii'))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script], { input: JSON.stringify(input), encoding: "utf8" })) as T;
}

/** Encrypts as django-encrypted-model-fields does: MultiFernet over the keys, token text of the UTF-8 value. */
export function djangoEncrypt(keysCsv: string, values: string[]): string[] {
  return py<string[]>(
    "crypter = MultiFernet([Fernet(k.strip().encode()) for k in inp['keys'].split(',') if k.strip()])\nout = [crypter.encrypt(v.encode('utf-8')).decode('utf-8') for v in inp['values']]",
    { keys: keysCsv, values },
  );
}

/** Decrypts as django-encrypted-model-fields does; null where no key opens the token. */
export function djangoDecrypt(keysCsv: string, tokens: string[]): (string | null)[] {
  return py<(string | null)[]>(
    [
      "crypter = MultiFernet([Fernet(k.strip().encode()) for k in inp['keys'].split(',') if k.strip()])",
      "def dec(t):",
      "    try:",
      "        return crypter.decrypt(t.encode('utf-8')).decode('utf-8')",
      "    except InvalidToken:",
      "        return None",
      "out = [dec(t) for t in inp['tokens']]",
    ].join("\n"),
    { keys: keysCsv, tokens },
  );
}

export const newKey = (): string => `${randomBytes(32).toString("base64url")}=`;

/** Walks a Slack message's blocks for button values by action_id. */
export function buttons(msg: unknown): { action_id: string; value?: string; text: string; confirm?: unknown }[] {
  const out: { action_id: string; value?: string; text: string; confirm?: unknown }[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) walk(y);
      return;
    }
    if (x && typeof x === "object") {
      const o = x as Record<string, unknown>;
      if (o.type === "button" && typeof o.action_id === "string") {
        out.push({ action_id: o.action_id, value: o.value as string | undefined, text: (o.text as { text: string }).text, confirm: o.confirm });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(msg);
  return out;
}

/** Clicks a button and returns the ephemeral answer to that click. */
export async function click(h: Harness, user: string, action_id: string, value: string, extra?: Record<string, unknown>) {
  const { responseUrl } = await h.action(user, { action_id, value }, extra);
  return { responseUrl, answer: await answerTo(h, responseUrl) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls an async condition (FakeSlack.waitFor takes only synchronous ones). */
export async function until(fn: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error("until: timed out");
    await sleep(20);
  }
}

/** Like djangoEncrypt, many values under their own keys in ONE Python process (spawning is slow). */
export function djangoEncryptMany(items: { key: string; value: string }[]): string[] {
  return py<string[]>("out = [MultiFernet([Fernet(i['key'].encode())]).encrypt(i['value'].encode('utf-8')).decode('utf-8') for i in inp]", items);
}

/** A request by `requester`, approved by `approver`, through the bot's own forms and buttons. */
export async function approvedRequest(h: Harness, credentialId: string, requester = "USTAFF", approver = "UADMIN"): Promise<string> {
  const r = await h.submit(requester, {
    callback_id: "reveal_reason",
    private_metadata: JSON.stringify({ id: credentialId }),
    values: formValues({ reason: "jobs test" }),
  });
  if (r.body !== null) throw new Error(`reveal request refused: ${JSON.stringify(r.body)}`);
  const { id } = await h.tdb.db.revealRequest.findFirstOrThrow({ where: { credentialId, requesterSlackId: requester }, orderBy: { createdAt: "desc" } });
  await click(h, approver, "reveal_approve", id);
  const row = await h.tdb.db.revealRequest.findUniqueOrThrow({ where: { id } });
  if (row.status !== "APPROVED") throw new Error(`request is ${row.status}, not APPROVED`);
  return id;
}
