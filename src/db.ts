import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client.js";
import { deferTransactionAnswers } from "./db-pipeline.js";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
/** Either the client or a transaction: services accept this so callers can pass their tx down. */
export type DbOrTx = Db | Tx;
/**
 * node-postgres pool under Prisma's adapter: hot reads use it directly with named prepared
 * statements, and so do the batched writes (group commits, the nightly recompute's chunks).
 */
export type Pool = pg.Pool;

/** Prisma (writes, transactions) and the pg.Pool it runs on (hot reads, batched writes), sharing connections. */
export type Database = Readonly<{ db: Db; pool: Pool }>;

export type PoolOptions = {
  max?: number;
  /**
   * Postgres cancels any statement that runs longer (sent as `statement_timeout` when each
   * connection starts). Requests need answers in seconds; background jobs and operator tools
   * that scan whole tables pass a longer one. 0 turns it off.
   */
  statementTimeoutMs?: number;
  /**
   * The client gives up on a query whose answer never arrives (a hung server or a dead
   * network, where Postgres cannot cancel anything). Defaults to a little after
   * statementTimeoutMs, so a live server always cancels first and says why.
   */
  queryTimeoutMs?: number;
};

export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
/** Operator tools walk whole tables (key rotation, the audit chain): minutes, not seconds. */
export const TOOL_STATEMENT_TIMEOUT_MS = 10 * 60_000;
/** Slack of the client-side backstop over statement_timeout. */
const QUERY_TIMEOUT_MARGIN_MS = 5_000;

/** A node-postgres pool with the bot's timeouts and keep-alive (under Prisma, or on its own). */
export function createPool(databaseUrl: string, opts: PoolOptions = {}, mode: { pipeline?: boolean } = {}): Pool {
  const statementTimeout = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const queryTimeout = opts.queryTimeoutMs ?? (statementTimeout > 0 ? statementTimeout + QUERY_TIMEOUT_MARGIN_MS : 0);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.max ?? 10,
    // A dropped connection must surface as an error, not a hang.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // Probes an idle connection after 10 s of silence, so a vanished server (failover, a cut
    // network) is noticed by the OS instead of leaving sockets half-open for hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
    ...(queryTimeout > 0 ? { query_timeout: queryTimeout } : {}),
    // A transaction left open by a stalled client must not hold its row locks (or the audit
    // chain's head) for ever.
    idle_in_transaction_session_timeout: 60_000,
    // A statement goes on the wire when asked for, not after the previous one's answer (only
    // what one caller sends without waiting overlaps: see db-pipeline.ts).
    ...(mode.pipeline ? { pipeline: true } : {}),
  } as pg.PoolConfig);
  // An idle client that loses its server (restart, failover) emits here; without a listener
  // the process would die. The next checkout gets a fresh connection.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * Raw statements Prisma sends as named prepared statements, by text: parsed and planned once per
 * connection instead of on every call. Only texts registered with `preparedStatement()` (a few
 * hot constants), so what a connection keeps is bounded by the code, never by the queries
 * Prisma builds.
 */
const preparedNames = new Map<string, string>();
const preparedTexts = new Map<string, string>();

/** Registers `sql` to run as the prepared statement `name` whenever Prisma sends it; returns it. */
export function preparedStatement(name: string, sql: string): string {
  if ((preparedNames.get(sql) ?? name) !== name || (preparedTexts.get(name) ?? sql) !== sql) {
    throw new Error(`prepared statement ${name}: one name, one text`);
  }
  preparedNames.set(sql, name);
  preparedTexts.set(name, sql);
  return sql;
}

export function createDatabase(databaseUrl: string, opts: PoolOptions = {}): Database {
  const pool = createPool(databaseUrl, opts, { pipeline: true });
  deferTransactionAnswers(pool);
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    // "" is pg's unnamed statement: every other query is parsed as before.
    statementNameGenerator: (query) => preparedNames.get(query.sql) ?? "",
  });
  const db = new PrismaClient({ adapter });
  return Object.freeze({ db, pool });
}

/** Prisma alone, for tools and tests that never touch the pool directly. */
export function createDb(databaseUrl: string, opts: PoolOptions = {}): Db {
  return createDatabase(databaseUrl, opts).db;
}

/**
 * `work` in one transaction on a pool connection of its own, straight on node-postgres (for a few
 * big statements, where Prisma's interactive transaction costs more CPU than the statements):
 * committed if `work` returns, rolled back if it throws. A connection that cannot even roll back
 * is dropped, never handed back to the pool inside a transaction. `begin` may carry settings
 * ("BEGIN READ ONLY; SET LOCAL …"), sent in the same round trip.
 */
export async function inPoolTransaction<T>(pool: Pool, work: (client: pg.PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const out = await work(client);
    await client.query("COMMIT");
    return out;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * True when the database answers `SELECT 1` within `deadlineMs`. A hung database (it accepts
 * connections and never answers) gets a `false` at the deadline rather than a wait for the
 * pool's own timeouts; the abandoned query ends on those timeouts in the background.
 */
export async function pingDb(db: Db, deadlineMs = 5_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const ping = db.$queryRaw`SELECT 1`.then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * True when a statement's connection broke while it waited for its answer ("Connection terminated
 * unexpectedly", a reset): it may have committed all the same. An error Postgres sent (it carries
 * an SQLSTATE), a failure to connect and a client timeout are not: the first two mean nothing was
 * done, and a server too slow to answer once will not answer a second try sooner.
 */
export function answerLost(e: unknown): boolean {
  if (e instanceof pg.DatabaseError) return false;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ECONNRESET" || code === "EPIPE") return true;
  return e instanceof Error && e.message === "Connection terminated unexpectedly";
}

/**
 * The Postgres error code (SQLSTATE, e.g. "23505") behind an error from a raw statement run
 * through Prisma's pg adapter, which reports it as its driver adapter error's cause.
 */
export function postgresCodeOf(e: unknown): string | undefined {
  return (e as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null)?.meta?.driverAdapterError?.cause?.originalCode;
}
