import type { Actor } from "../identity/actor.js";
import { preparedStatement, type Db, type DbOrTx, type Tx } from "../db.js";
import { answerLater } from "../db-pipeline.js";
import { clip, type AuditEntry } from "./audit-fns.js";
import { jsonbSafe } from "../lib/jsonb.js";

export type { AuditEntry };

const AUDIT_INSERT_BASE = `
  INSERT INTO studio_crm_auditlog (id, "timestamp", user_id, user_email, action_type, target_model, target_id, target_display, changes, notes, slack_user_id, slack_team_id)
  SELECT coalesce(r.id, gen_random_uuid()), now(), r.user_id, r.user_email, r.action_type, r.target_model, r.target_id::uuid, r.target_display,
         coalesce(r.changes, '{}'::jsonb), r.notes, r.slack_user_id, r.slack_team_id
    FROM jsonb_to_recordset($1::jsonb)
      AS r(id uuid, user_id int, user_email text, action_type text, target_model text, target_id text, target_display text,
           changes jsonb, notes text, slack_user_id text, slack_team_id text)`;

/**
 * One INSERT … SELECT FROM jsonb_to_recordset, however many rows and actors: no per-row round
 * trips. Every seed column is set here (timestamp included): the Django app's schema has no
 * database defaults. The chain trigger hashes the rows in this order. A row may bring its own id
 * (the group commit's rows do, see AUDIT_INSERT_ONCE_SQL); the others get one here. Prepared once
 * per connection when Prisma sends it (every audited() change does); inside a transaction its
 * answer (a count nobody reads) is collected by the COMMIT it travels with.
 */
export const AUDIT_INSERT_SQL = answerLater(preparedStatement("wl_audit_insert", AUDIT_INSERT_BASE));

/**
 * AUDIT_INSERT_SQL for rows written again after their batch failed: a row whose id is already
 * stored is skipped, so a batch that committed but whose answer was lost (a connection dropped
 * after the commit) records no request twice. Skipped before the chain trigger sees the row (ON
 * CONFLICT would decide after the trigger had chained it), by one primary-key probe per row: a
 * LATERAL with LIMIT, which the planner cannot turn into a join (as NOT EXISTS it became a hashed
 * subplan reading the whole log). Only for these rare retries: on a freshly analyzed, nearly empty
 * log the planner probes by sequential scan, which every ordinary insert must never do.
 */
export const AUDIT_INSERT_ONCE_SQL = `${AUDIT_INSERT_BASE}
    LEFT JOIN LATERAL (SELECT true AS stored FROM studio_crm_auditlog a WHERE a.id = r.id LIMIT 1) s ON true
   WHERE s.stored IS NULL`;

/** The rows for AUDIT_INSERT_SQL's one parameter, as JSON text; `id` when the caller chose the row's id. */
export function auditRowsJson(rows: readonly { id?: string; actor: Actor; entry: AuditEntry }[]): string {
  return JSON.stringify(
    rows.map(({ id, actor, entry: e }) => ({
      id: id ?? null,
      user_id: actor.userId,
      user_email: clip(actor.email, 254),
      action_type: e.action,
      target_model: clip(e.targetModel, 50),
      target_id: e.targetId,
      target_display: clip(e.targetDisplay || "(unnamed)", 200),
      changes: e.changes ?? {},
      notes: e.notes ?? null,
      slack_user_id: actor.slackUserId,
      slack_team_id: actor.slackTeamId,
    })),
    jsonbSafe,
  );
}

/**
 * Writes audit rows inside the caller's transaction: the change and its record commit together.
 * Outside a transaction the one statement is its own.
 */
export async function writeAudit(tx: DbOrTx, actor: Actor, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (list.length === 0) return;
  await tx.$executeRawUnsafe(AUDIT_INSERT_SQL, auditRowsJson(list.map((entry) => ({ actor, entry }))));
  // Inside audited()'s transaction the rows count once it commits; anywhere else (the client
  // itself, or a transaction audited() did not open) they are treated as written now. Prisma's
  // transaction client answers `"$transaction" in tx` like the client does, so the open
  // transactions are known by identity instead.
  const open = wroteIn.get(tx);
  if (open !== undefined) wroteIn.set(tx, open + list.length);
  else {
    markCommitted(actor);
    rowObservers.get(tx)?.(list.length);
  }
}

/** audited()'s open transactions and the audit rows each wrote (by any path), reported at commit. */
const wroteIn = new WeakMap<DbOrTx, number>();

/**
 * Who counts committed audit rows per client (the metrics of the bot that built it). Keyed by
 * the client, so two bots in one process count their own; a client nobody observes counts nothing.
 */
const rowObservers = new WeakMap<DbOrTx, (rows: number) => void>();

export function observeAuditRows(db: Db, onCommitted: (rows: number) => void): void {
  rowObservers.set(db, onCommitted);
}

/**
 * Which requests committed an audited change. The request pipeline registers the actor object
 * it hands a handler; `audited()` marks it after commit. The pipeline then knows (a) the change
 * wrote its own audit rows, so no VIEW row is due, and (b) a later failure must not say
 * "nothing was saved". Keyed by object identity, so nothing leaks between requests.
 */
const commits = new WeakMap<Actor, { committed: number }>();

function markCommitted(actor: Actor): void {
  const w = commits.get(actor);
  if (w) w.committed += 1;
}

export function watchCommits(actor: Actor): { readonly committed: number } {
  const w = { committed: 0 };
  commits.set(actor, w);
  return w;
}

/**
 * The one way to make a change: `work` runs in a transaction and returns its result with the
 * audit rows describing it; both commit or neither does. Slack posts and AI calls belong
 * after this returns, never inside `work`.
 */
export async function audited<T>(
  db: Db,
  actor: Actor,
  work: (tx: Tx) => Promise<{ result: T; audit: AuditEntry | readonly AuditEntry[] }>,
  opts: { timeoutMs?: number; maxWaitMs?: number } = {},
): Promise<T> {
  let wrote = 0;
  const result = await db.$transaction(
    async (tx) => {
      wroteIn.set(tx, 0);
      const { result, audit } = await work(tx);
      await writeAudit(tx, actor, audit);
      wrote = wroteIn.get(tx) ?? 0;
      return result;
    },
    { timeout: opts.timeoutMs ?? 10_000, maxWait: opts.maxWaitMs ?? 5_000 },
  );
  if (wrote > 0) {
    markCommitted(actor);
    rowObservers.get(db)?.(wrote);
  }
  return result;
}
