// `npm run seed:demo`: fills the database with a demo studio (the sandbox's people and roles,
// ~40 creators across every status and health, milestones, encrypted credentials, audit history).
// Safe to re-run: nothing already there is added twice. Refused with NODE_ENV=production.
import { ConfigError, loadConfig, loadDotEnv } from "../src/config.js";
import { createDatabase } from "../src/db.js";
import { MultiFernet, parseFernetKeys } from "../src/crypto/fernet.js";
import { createHealthService } from "../src/features/health/health-service.js";
import { dateInTz } from "../src/lib/dates.js";
import { seedDemoStudio, seedDemoUsers } from "../src/sandbox/demo-data.js";

loadDotEnv();
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
if (config.nodeEnv === "production") {
  console.error("seed:demo refuses to write demo data with NODE_ENV=production.");
  process.exit(1);
}

const { db, pool } = createDatabase(config.databaseUrl);
try {
  const started = performance.now();
  const people = await seedDemoUsers(db);
  const now = new Date();
  const studio = await seedDemoStudio({
    db,
    fernet: new MultiFernet(parseFernetKeys(config.encryptionKeys.join(","))),
    health: createHealthService({ db, pool, tz: config.digest.tz }),
    today: dateInTz(now, config.digest.tz),
    now,
  });
  const byHealth = await db.creator.groupBy({ by: ["healthScore"], where: { isActive: true }, _count: true });
  console.log(
    [
      `demo people: ${people.created} added, ${people.rolesGranted} roles granted`,
      `creators: ${studio.creatorsCreated} added, ${studio.creatorsSkipped} already there`,
      `milestones: ${studio.milestones} added; credentials: ${studio.credentials} added (encrypted with the first FIELD_ENCRYPTION_KEY${config.sandbox && !process.env.FIELD_ENCRYPTION_KEY ? ", the public sandbox key" : ""})`,
      `audit rows written: ${studio.auditRows}`,
      `active creators by health: ${byHealth.map((g) => `${g.healthScore} ${g._count}`).join(", ")}`,
      `done in ${Math.round(performance.now() - started)} ms`,
    ].join("\n"),
  );
} finally {
  await db.$disconnect();
}
