import type pg from "pg";

// Prisma's transactions, minus the round trips nobody waits on. Prisma's pg adapter sends BEGIN
// and waits for its answer before the first statement, and every audited() change ends with an
// audit INSERT whose answer nothing reads, waited for before COMMIT is sent. On a pool in pg's
// pipeline mode a statement goes on the wire as soon as it is asked for, so here BEGIN and those
// INSERTs are answered at once and their real answers are collected by the next statement on
// the connection: BEGIN travels with the first statement, the audit INSERT with COMMIT. An
// audited() change is then one round trip plus one per statement of its own.
//
// Nothing commits that would not have: a statement whose answer was deferred fails the next one
// (Postgres has aborted the transaction, so that COMMIT rolls back, and it is this error that
// Prisma's COMMIT reports). BEGIN cannot fail alone on a working connection: the errors it can
// raise (an aborted transaction block, a dead session) fail the statements behind it too.

/** Texts whose answer may be collected by the next statement (the caller never reads it), with their command tag. */
const deferrable = new Map<string, string>();

/** Registers `sql` (a statement whose result its callers ignore) as deferrable inside a transaction; returns it. */
export function answerLater(sql: string): string {
  deferrable.set(sql, (/[a-z]+/i.exec(sql)?.[0] ?? "").toUpperCase());
  return sql;
}

type QueryConfig = { text?: unknown; submit?: unknown };
type Result = Pick<pg.QueryResult, "command" | "rowCount" | "rows" | "fields" | "oid">;

const answered = (command: string): Result => ({ command, rowCount: null, rows: [], fields: [], oid: 0 });

/**
 * Makes each new connection of `pool` (created with `pipeline: true`) send BEGIN and the
 * deferrable statements without waiting for their answers.
 */
export function deferTransactionAnswers(pool: pg.Pool): void {
  pool.on("connect", (client) => {
    const send = client.query.bind(client) as (config: unknown, values?: unknown, cb?: unknown) => unknown;
    /** Sent, and not yet collected: in the order they went out. */
    let unread: Promise<unknown>[] = [];
    let inTransaction = false;
    client.query = ((config: unknown, values?: unknown, cb?: unknown) => {
      // Callback style (pg-pool's own query()) and custom query objects pass straight through.
      const c = config as QueryConfig | null;
      if (cb !== undefined || typeof values === "function" || typeof c !== "object" || c === null || typeof c.text !== "string" || c.submit) {
        return send(config, values, cb);
      }
      const text = c.text;
      const sent = send(config, values) as Promise<unknown>;
      if (text === "BEGIN" || (inTransaction && deferrable.has(text))) {
        inTransaction = true;
        sent.catch(() => undefined); // collected by the next statement
        unread.push(sent);
        return Promise.resolve(answered(text === "BEGIN" ? "BEGIN" : (deferrable.get(text) ?? "")));
      }
      if (text === "COMMIT" || text === "ROLLBACK") inTransaction = false;
      const earlier = unread;
      unread = [];
      if (earlier.length === 0) return sent;
      return collect(earlier, sent, text === "ROLLBACK");
    }) as typeof client.query;
  });
}

/**
 * `sent`'s answer once every earlier one has arrived (the connection is idle when this settles);
 * an earlier failure is the one reported, unless the transaction is being rolled back anyway.
 */
async function collect(earlier: Promise<unknown>[], sent: Promise<unknown>, rollingBack: boolean): Promise<unknown> {
  const settled = await Promise.allSettled([...earlier, sent]);
  const failed = rollingBack ? undefined : settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  const last = settled[settled.length - 1]!;
  if (last.status === "rejected") throw last.reason;
  return last.value;
}
