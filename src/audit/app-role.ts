import type pg from "pg";

// The bot serves requests as a role that can change the studio's data but not its history:
// with a stolen DATABASE_URL nobody can edit, delete or re-chain audit rows, disable the
// triggers, or move the chain head. Migrations run as the tables' owner and then grant this
// role what it may do, so a migration that adds a table needs no grants of its own.

/** Tables the app role may not freely write: exactly these privileges, whatever else it gets. */
export const APP_ROLE_LIMITS: Readonly<Record<string, readonly ("SELECT" | "INSERT")[]>> = {
  studio_crm_auditlog: ["SELECT", "INSERT"],
  wl_audit_checkpoint: ["SELECT", "INSERT"],
  // Written only by the chain trigger, which runs with its owner's rights (SECURITY DEFINER).
  wl_audit_chain_head: ["SELECT"],
  // Written only by the creator table's search triggers (SECURITY DEFINER).
  wl_creator_search_text: ["SELECT"],
  _prisma_migrations: ["SELECT"],
};

export type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

const CHECK_SQL = `
  SELECT r.rolsuper AS superuser,
         r.rolcreaterole AS createrole,
         pg_has_role(r.oid, c.relowner, 'MEMBER') AS owner_member,
         has_table_privilege(r.oid, c.oid, 'UPDATE, DELETE, TRUNCATE, TRIGGER') AS log_writable,
         has_table_privilege(r.oid, to_regclass('wl_audit_chain_head'), 'INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER') AS head_writable,
         coalesce(has_table_privilege(r.oid, to_regclass('wl_audit_checkpoint'), 'UPDATE, DELETE, TRUNCATE, TRIGGER'), false) AS checkpoint_writable,
         has_schema_privilege(r.oid, c.relnamespace, 'CREATE') AS schema_create
    FROM pg_roles r
    LEFT JOIN pg_class c ON c.oid = to_regclass('studio_crm_auditlog')
   WHERE r.rolname = coalesce($1::text, current_user::text)`;

const PROBLEMS: [string, string][] = [
  ["superuser", "is a superuser"],
  ["createrole", "has CREATEROLE (it could grant itself the owner's role)"],
  ["owner_member", "owns the audit log or is a member of its owner"],
  ["log_writable", "may UPDATE, DELETE, TRUNCATE or add triggers to studio_crm_auditlog"],
  ["head_writable", "may write wl_audit_chain_head"],
  ["checkpoint_writable", "may UPDATE, DELETE or TRUNCATE wl_audit_checkpoint"],
  ["schema_create", "may create objects in the tables' schema (PostgreSQL 14 and older grant this to PUBLIC: REVOKE CREATE ON SCHEMA public FROM PUBLIC)"],
];

/**
 * What lets `role` (default: the connected user) rewrite history; empty when it cannot.
 * The bot runs this on its own connection at start-up, the migration runner on the app role.
 */
export async function auditRoleProblems(query: Query, role?: string): Promise<string[]> {
  const rows = await query(CHECK_SQL, [role ?? null]);
  const r = rows[0];
  if (!r) return [`role ${role ?? "(current)"} does not exist`];
  if (r.owner_member === null) return ["studio_crm_auditlog does not exist (were migrations applied?)"];
  return PROBLEMS.filter(([k]) => r[k] === true).map(([, text]) => text);
}

/** Creates the app role (LOGIN, no password: enough under local trust auth) when it is missing. */
export async function ensureAppRole(client: pg.Client, role: string): Promise<boolean> {
  const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (rowCount) return false;
  try {
    await client.query(`CREATE ROLE ${client.escapeIdentifier(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    return true;
  } catch (e) {
    // Roles are cluster-wide: another process (a replica, a parallel test run) created it first.
    const code = (e as { code?: string }).code;
    if (code === "42710" || code === "23505") return false;
    throw e;
  }
}

/**
 * Grants the app role read/write on every table and sequence in the schema, then narrows the
 * tables in APP_ROLE_LIMITS. Idempotent; run by the migration runner after every migration run,
 * as the owner, in one transaction.
 */
export async function grantAppRole(client: pg.Client, role: string): Promise<void> {
  const { rows } = await client.query<{ schema: string }>("SELECT current_schema() AS schema");
  const r = client.escapeIdentifier(role);
  const s = client.escapeIdentifier(rows[0]!.schema);
  await client.query("BEGIN");
  try {
    await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
    await client.query(`REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA ${s} FROM ${r}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
    for (const [table, privileges] of Object.entries(APP_ROLE_LIMITS)) {
      const { rows: found } = await client.query("SELECT to_regclass($1) IS NOT NULL AS found", [`${rows[0]!.schema}.${table}`]);
      if (!found[0]?.found) continue;
      const t = `${s}.${client.escapeIdentifier(table)}`;
      await client.query(`REVOKE ALL ON ${t} FROM ${r}`);
      await client.query(`GRANT ${privileges.join(", ")} ON ${t} TO ${r}`);
    }
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK");
    throw e;
  }
}
