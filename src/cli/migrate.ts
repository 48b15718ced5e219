// `npm run db:migrate` (or `node dist/cli/migrate.js` in production): create the database if
// needed, apply pending migrations as the tables' owner (MIGRATION_DATABASE_URL), then grant the
// bot's role (DATABASE_URL's user) what it may do. The folder is found relative to this file,
// which sits two levels below the repository root both as src/cli/ and as dist/cli/.
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrate } from "../migrate/migrate-runner.js";
import { ConfigError, loadDotEnv, loadMigrationConfig } from "../config.js";

loadDotEnv();
let config: ReturnType<typeof loadMigrationConfig>;
try {
  config = loadMigrationConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
const dir = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));
const created = await ensureDatabase(config.ownerUrl);
const { applied, alreadyApplied, appRole } = await migrate(config.ownerUrl, dir, { appRole: config.appRole, createAppRole: config.createAppRole });
console.log(
  `${created ? "created the database; " : ""}migrations: ${applied.length} applied${applied.length ? ` (${applied.join(", ")})` : ""}, ${alreadyApplied.length} already applied`,
);
if (appRole?.granted) {
  console.log(`app role ${appRole.name}: ${appRole.created ? "created, " : ""}granted (the audit log: INSERT and SELECT only)`);
} else if (appRole) {
  console.warn(
    `WARNING: DATABASE_URL connects as ${appRole.name}, the tables' owner: the bot would serve requests with rights to rewrite the audit log (README, "Database roles").`,
  );
}
