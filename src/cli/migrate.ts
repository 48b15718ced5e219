// `npm run db:migrate` (or `node dist/cli/migrate.js` in production): create the database if
// needed and apply pending migrations. The folder is found relative to this file, which sits
// two levels below the repository root both as src/cli/ and as dist/cli/.
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrate } from "../migrate/migrate-runner.js";
import { loadDatabaseUrl, loadDotEnv } from "../config.js";

const dir = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));
loadDotEnv();
const url = loadDatabaseUrl();
const created = await ensureDatabase(url);
const { applied, alreadyApplied } = await migrate(url, dir);
console.log(
  `${created ? "created the database; " : ""}migrations: ${applied.length} applied${applied.length ? ` (${applied.join(", ")})` : ""}, ${alreadyApplied.length} already applied`,
);
