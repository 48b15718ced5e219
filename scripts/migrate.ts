// `npm run db:migrate`: create the database if needed and apply pending migrations.
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrate } from "../src/migrate/migrate-runner.js";
import { loadDatabaseUrl } from "../src/config.js";

const dir = fileURLToPath(new URL("../prisma/migrations/", import.meta.url));
const url = loadDatabaseUrl();
const created = await ensureDatabase(url);
const { applied, alreadyApplied } = await migrate(url, dir);
console.log(
  `${created ? "created the database; " : ""}migrations: ${applied.length} applied${applied.length ? ` (${applied.join(", ")})` : ""}, ${alreadyApplied.length} already applied`,
);
