import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client.js";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
/** Either the client or a transaction: services accept this so callers can pass their tx down. */
export type DbOrTx = Db | Tx;
/** node-postgres pool under Prisma's adapter: hot reads use it directly with named prepared statements. */
export type Pool = pg.Pool;

/** Prisma (writes, transactions) and the pg.Pool it runs on (hot reads), sharing connections. */
export type Database = Readonly<{ db: Db; pool: Pool }>;

export type PoolOptions = { max?: number };

export function createDatabase(databaseUrl: string, opts: PoolOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.max ?? 10,
    // A dropped connection must surface as an error, not a hang.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  // An idle client that loses its server (restart, failover) emits here; without a listener
  // the process would die. The next checkout gets a fresh connection.
  pool.on("error", () => undefined);
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return Object.freeze({ db, pool });
}

/** Prisma alone, for tools and tests that never touch the pool directly. */
export function createDb(databaseUrl: string, opts: PoolOptions = {}): Db {
  return createDatabase(databaseUrl, opts).db;
}

export async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
