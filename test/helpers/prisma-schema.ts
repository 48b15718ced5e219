import { readFileSync } from "node:fs";

// A small reader for this project's schema.prisma: enough to compare it with the migrated
// database (tables, columns, types, nullability, indexes). It understands the subset we use.

export type SchemaColumn = { name: string; type: string; nullable: boolean };
export type SchemaIndex = { columns: string[]; unique: boolean };
export type SchemaTable = { name: string; columns: SchemaColumn[]; indexes: SchemaIndex[] };

const SCALARS = new Set(["String", "Int", "Boolean", "DateTime", "Json", "BigInt", "Float", "Decimal"]);

export function readPrismaSchema(path: string): SchemaTable[] {
  const text = readFileSync(path, "utf8").replace(/\/\/.*$/gm, "");
  const tables: SchemaTable[] = [];
  for (const m of text.matchAll(/model\s+(\w+)\s*\{([\s\S]*?)\n\}/g)) {
    const body = m[2]!;
    const fieldToColumn = new Map<string, string>();
    const columns: SchemaColumn[] = [];
    const indexes: SchemaIndex[] = [];
    let table = m[1]!;
    for (const raw of body.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith("@@map")) {
        table = /"([^"]+)"/.exec(line)![1]!;
        continue;
      }
      if (line.startsWith("@@")) continue;
      const f = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!f) continue;
      const [, field, type, list, optional, attrs] = f as unknown as [string, string, string, string | undefined, string | undefined, string];
      if (!SCALARS.has(type) || list) continue;
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? field;
      fieldToColumn.set(field, column);
      columns.push({ name: column, type: pgType(type, attrs), nullable: Boolean(optional) });
      if (/@unique\b/.test(attrs)) indexes.push({ columns: [column], unique: true });
    }
    for (const raw of body.split("\n")) {
      const im = /^\s*@@(index|unique)\(\[([^\]]+)\]/.exec(raw);
      if (!im) continue;
      const cols = im[2]!.split(/,(?![^(]*\))/).map((c) => {
        const cm = /(\w+)(\(sort:\s*Desc\))?/.exec(c.trim())!;
        return `${fieldToColumn.get(cm[1]!) ?? cm[1]}${cm[2] ? " DESC" : ""}`;
      });
      indexes.push({ columns: cols, unique: im[1] === "unique" });
    }
    tables.push({ name: table, columns, indexes });
  }
  return tables;
}

function pgType(type: string, attrs: string): string {
  const db = /@db\.(\w+)(?:\((\d+)\))?/.exec(attrs);
  if (db) {
    const [, t, n] = db;
    switch (t) {
      case "VarChar": return `character varying(${n})`;
      case "Char": return `character(${n})`;
      case "Uuid": return "uuid";
      case "Inet": return "inet";
      case "Date": return "date";
      case "Timestamptz": return "timestamp with time zone";
      default: return t!.toLowerCase();
    }
  }
  switch (type) {
    case "String": return "text";
    case "Int": return "integer";
    case "Boolean": return "boolean";
    case "DateTime": return "timestamp without time zone";
    case "Json": return "jsonb";
    case "BigInt": return "bigint";
    default: return type.toLowerCase();
  }
}
