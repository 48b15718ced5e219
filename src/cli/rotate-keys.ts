// `npm run keys:rotate [-- --batch-size 200] [-- --dry-run]`: re-encrypts every credential's
// secrets with the first key of FIELD_ENCRYPTION_KEY. Put the new key first, keep the old ones
// after it, run this, and drop an old key only once it reports 0 failed.
import { ConfigError, loadDotEnv, loadKeyToolConfig } from "../config.js";
import { createDb, TOOL_STATEMENT_TIMEOUT_MS } from "../db.js";
import { MultiFernet, parseFernetKeys } from "../crypto/fernet.js";
import { rotateCredentialKeys } from "../features/vault/key-rotation.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

loadDotEnv();
let config: ReturnType<typeof loadKeyToolConfig>;
try {
  config = loadKeyToolConfig();
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : "could not read the configuration");
  process.exit(2);
}
const batchSize = Number(arg("--batch-size") ?? 200);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
  console.error("--batch-size must be an integer from 1 to 10000");
  process.exit(2);
}
const dryRun = process.argv.includes("--dry-run");
const fernet = new MultiFernet(parseFernetKeys(config.encryptionKeys.join(",")));
const db = createDb(config.databaseUrl, { max: 2, statementTimeoutMs: TOOL_STATEMENT_TIMEOUT_MS });
try {
  const summary = await rotateCredentialKeys(db, fernet, {
    batchSize,
    dryRun,
    onBatch: (s) => console.log(`… rotated ${s.rotated}, skipped ${s.skipped}, failed ${s.failed}`),
  });
  for (const f of summary.failures) console.log(`failed ${f.id}: ${f.reason} (${f.fields.join(", ")})`);
  console.log(
    `${dryRun ? "dry run: would rotate" : "rotated"} ${summary.rotated}, skipped ${summary.skipped} (already under the primary key or empty), failed ${summary.failed}`,
  );
  process.exitCode = summary.failed > 0 ? 1 : 0;
} catch (e) {
  // Errors from the database never carry plaintext (only tokens leave this process's memory).
  console.error(`key rotation stopped: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
