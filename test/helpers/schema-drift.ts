import { readFileSync } from "node:fs";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import type pg from "pg";

// schema.prisma as Prisma itself reads it, against the live catalog of a migrated database.
// The schema side comes from Prisma's own parser (the prisma-schema Wasm module that
// `prisma generate` and @prisma/internals' getDMMF run; it needs no engine binary): its DMMF
// has every model's table, columns, native types, nullability, ids, uniques, indexes and
// relations. The database side comes from pg_catalog. Both become the same plain shape,
// and drift() lists every difference in words.

export type Column = { name: string; type: string; nullable: boolean };
export type Index = { columns: string[]; unique: boolean };
export type ForeignKey = { columns: string[]; references: string; refColumns: string[]; onDelete: string };
export type Table = { name: string; columns: Column[]; primaryKey: string[]; indexes: Index[]; foreignKeys: ForeignKey[] };

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type DmmfIndex = { model: string; type: "id" | "unique" | "normal" | "fulltext"; fields: { name: string; sortOrder?: "asc" | "desc" }[] };
type Dmmf = { datamodel: { models: DmmfModel[]; indexes: DmmfIndex[] } };

/** Prisma's DMMF of a schema text (throws Prisma's own validation errors). */
export function dmmfOf(schemaText: string): Dmmf {
  return JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schemaText]] }))) as Dmmf;
}

export function schemaTables(schemaPath: string): Table[] {
  return tablesFromDmmf(dmmfOf(readFileSync(schemaPath, "utf8")));
}

export function tablesFromDmmf(dmmf: Dmmf): Table[] {
  const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
  const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
  const columnOf = (m: DmmfModel, field: string) => {
    const f = m.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };
  return dmmf.datamodel.models.map((m) => {
    const scalars = m.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    const own = dmmf.datamodel.indexes.filter((i) => i.model === m.name);
    const cols = (i: DmmfIndex) => i.fields.map((f) => `${columnOf(m, f.name)}${f.sortOrder === "desc" ? " DESC" : ""}`);
    return {
      name: tableOf(m),
      columns: scalars.map((f) => ({ name: f.dbName ?? f.name, type: pgType(f), nullable: !f.isRequired })),
      primaryKey: own.filter((i) => i.type === "id").flatMap(cols),
      indexes: own.filter((i) => i.type === "unique" || i.type === "normal").map((i) => ({ columns: cols(i), unique: i.type === "unique" })),
      foreignKeys: m.fields
        .filter((f) => f.kind === "object" && (f.relationFromFields?.length ?? 0) > 0)
        .map((f) => {
          const target = models.get(f.type)!;
          const optional = f.relationFromFields!.some((name) => !m.fields.find((x) => x.name === name)!.isRequired);
          return {
            columns: f.relationFromFields!.map((name) => columnOf(m, name)),
            references: tableOf(target),
            refColumns: f.relationToFields!.map((name) => columnOf(target, name)),
            // Prisma's defaults when the schema names none: SetNull for optional relations, Restrict otherwise.
            onDelete: f.relationOnDelete ?? (optional ? "SetNull" : "Restrict"),
          };
        }),
    };
  });
}

/** Postgres's spelling (format_type) of a Prisma scalar with its @db attribute. */
function pgType(f: DmmfField): string {
  const [native, args = []] = f.nativeType ?? [];
  const n = args.length ? `(${args.join(",")})` : "";
  let t: string;
  switch (native) {
    case "VarChar":
      t = `character varying${n}`;
      break;
    case "Char":
      t = `character${n}`;
      break;
    case "Timestamptz":
      t = `timestamp${n} with time zone`;
      break;
    case "Timestamp":
      t = `timestamp${n} without time zone`;
      break;
    case "Uuid":
    case "Inet":
    case "Date":
    case "Text":
    case "Xml":
    case "Money":
      t = native.toLowerCase();
      break;
    case "SmallInt":
      t = "smallint";
      break;
    case "Integer":
      t = "integer";
      break;
    case "BigInt":
      t = "bigint";
      break;
    case "JsonB":
      t = "jsonb";
      break;
    case "Json":
      t = "json";
      break;
    case "Decimal":
      t = `numeric${n}`;
      break;
    case "DoublePrecision":
      t = "double precision";
      break;
    case "Real":
      t = "real";
      break;
    case undefined:
      t =
        {
          String: "text",
          Int: "integer",
          BigInt: "bigint",
          Boolean: "boolean",
          DateTime: "timestamp(3) without time zone",
          Json: "jsonb",
          Float: "double precision",
          Decimal: "numeric(65,30)",
          Bytes: "bytea",
        }[f.type] ?? f.type;
      break;
    default:
      t = native.toLowerCase();
  }
  return normaliseType(f.isList ? `${t}[]` : t);
}

/** Precision 6 is Postgres's default for timestamps: `timestamp(6) with time zone` is `timestamp with time zone`. */
function normaliseType(t: string): string {
  return t.replace(/^timestamp\(6\)/, "timestamp");
}

const ON_DELETE: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };

/** The live database's tables (public schema, Prisma's bookkeeping table aside). */
export async function catalogTables(c: pg.Client): Promise<Table[]> {
  const { rows: tables } = await c.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations' ORDER BY 1`,
  );
  const out: Table[] = [];
  for (const { name } of tables) {
    const { rows: columns } = await c.query<{ name: string; type: string; nullable: boolean }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
         FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [name],
    );
    const { rows: indexes } = await c.query<{ cols: string[]; unique: boolean; primary: boolean }>(
      `SELECT i.indisunique AS unique, i.indisprimary AS primary,
              array_agg(a.attname || CASE WHEN (i.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END ORDER BY k.ord) AS cols
         FROM pg_index i
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1::regclass
          -- Expression and partial indexes (search, urgency) exist only in migrations: Prisma cannot describe them.
          AND i.indexprs IS NULL AND i.indpred IS NULL
        GROUP BY i.indexrelid, i.indisunique, i.indisprimary`,
      [name],
    );
    const { rows: fks } = await c.query<{ cols: string[]; references: string; ref_cols: string[]; deltype: string }>(
      `SELECT ct.confrelid::regclass::text AS references, ct.confdeltype AS deltype,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(ct.conkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = ct.conrelid AND a.attnum = k.n) AS cols,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(ct.confkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = ct.confrelid AND a.attnum = k.n) AS ref_cols
         FROM pg_constraint ct WHERE ct.conrelid = $1::regclass AND ct.contype = 'f'`,
      [name],
    );
    out.push({
      name,
      columns: columns.map((col) => ({ ...col, type: normaliseType(col.type) })),
      primaryKey: indexes.find((i) => i.primary)?.cols ?? [],
      indexes: indexes.filter((i) => !i.primary).map((i) => ({ columns: i.cols, unique: i.unique })),
      foreignKeys: fks.map((f) => ({ columns: f.cols, references: f.references, refColumns: f.ref_cols, onDelete: ON_DELETE[f.deltype] ?? f.deltype })),
    });
  }
  return out;
}

/** Every difference between what schema.prisma declares and what the database has, in words. */
export function drift(schema: Table[], db: Table[]): string[] {
  const out: string[] = [];
  const dbTables = new Map(db.map((t) => [t.name, t]));
  const schemaNames = new Set(schema.map((t) => t.name));
  for (const t of db) if (!schemaNames.has(t.name)) out.push(`table ${t.name}: in the database, not in schema.prisma`);
  for (const s of schema) {
    const d = dbTables.get(s.name);
    if (!d) {
      out.push(`table ${s.name}: in schema.prisma, missing from the database`);
      continue;
    }
    const dbCols = new Map(d.columns.map((c) => [c.name, c]));
    const schemaCols = new Set(s.columns.map((c) => c.name));
    for (const c of d.columns) if (!schemaCols.has(c.name)) out.push(`${s.name}.${c.name}: in the database, not in schema.prisma`);
    for (const c of s.columns) {
      const dc = dbCols.get(c.name);
      if (!dc) out.push(`${s.name}.${c.name}: in schema.prisma, missing from the database`);
      else {
        if (dc.type !== c.type) out.push(`${s.name}.${c.name}: type ${c.type} in schema.prisma, ${dc.type} in the database`);
        if (dc.nullable !== c.nullable)
          out.push(`${s.name}.${c.name}: ${c.nullable ? "nullable" : "NOT NULL"} in schema.prisma, ${dc.nullable ? "nullable" : "NOT NULL"} in the database`);
      }
    }
    if (s.primaryKey.join(",") !== d.primaryKey.join(","))
      out.push(`${s.name}: primary key (${s.primaryKey.join(", ")}) in schema.prisma, (${d.primaryKey.join(", ")}) in the database`);
    compareSets(out, s.name, "index", s.indexes.map(indexKey), d.indexes.map(indexKey));
    compareSets(out, s.name, "foreign key", s.foreignKeys.map(fkKey), d.foreignKeys.map(fkKey));
  }
  return out;
}

const indexKey = (i: Index) => `${i.unique ? "UNIQUE " : ""}(${i.columns.join(", ")})`;
const fkKey = (f: ForeignKey) => `(${f.columns.join(", ")}) -> ${f.references}(${f.refColumns.join(", ")}) ON DELETE ${f.onDelete}`;

function compareSets(out: string[], table: string, what: string, schema: string[], db: string[]): void {
  const left = [...db];
  for (const k of schema) {
    const at = left.indexOf(k);
    if (at >= 0) left.splice(at, 1);
    else out.push(`${table}: ${what} ${k} in schema.prisma, missing from the database`);
  }
  for (const k of left) out.push(`${table}: ${what} ${k} in the database, not in schema.prisma`);
}
