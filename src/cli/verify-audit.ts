// `npm run audit:verify`: checks the audit log's hash chain and its signed checkpoints; names the
// first row or checkpoint that does not match. Exit 0: intact and anchored; 1: broken;
// 2: intact, but rows after the newest checkpoint have waited longer than expected for one.
import { createDb, TOOL_STATEMENT_TIMEOUT_MS } from "../db.js";
import { ConfigError, loadAuditToolConfig, loadDotEnv } from "../config.js";
import { verifyAuditChain } from "../audit/audit-chain.js";
import { parseAnchorKeys } from "../audit/audit-anchor.js";

loadDotEnv();
let config: ReturnType<typeof loadAuditToolConfig>;
try {
  config = loadAuditToolConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
// Two intervals: one checkpoint may be missed (a slow tick, a restart) without an alarm.
const maxAgeMs = 2 * config.checkpointIntervalSeconds * 1000;
const db = createDb(config.databaseUrl, { statementTimeoutMs: TOOL_STATEMENT_TIMEOUT_MS });
try {
  const started = performance.now();
  const report = await verifyAuditChain(db, { anchor: { keys: parseAnchorKeys(config.anchorKeys), now: new Date(), maxAgeMs } });
  const ms = Math.round(performance.now() - started);
  if (!report.ok) {
    const b = report.firstBreak!;
    const where = b.checkpointId ? `checkpoint ${b.checkpointId} (chain_seq ${b.chainSeq})` : `row ${b.id} (chain_seq ${b.chainSeq || "none"})`;
    console.error(`audit chain BROKEN at ${where}: ${b.reason}; ${report.rows} rows before it verified`);
    process.exitCode = 1;
  } else {
    const a = report.anchor!;
    const newest = a.newest ? `newest at chain_seq ${a.newest.chainSeq} (${a.newest.at.toISOString()})` : "none signed by the current key";
    console.log(`audit chain intact: ${report.rows} rows and ${a.checkpoints} checkpoints verified in ${ms} ms; ${newest}, ${a.unanchoredRows} rows after it`);
    if (a.stale) {
      const newestText = a.newest
        ? `the newest checkpoint is from ${a.newest.at.toISOString()}, older than expected (${maxAgeMs / 1000} s), and ${a.unanchoredRows} rows follow it`
        : `no checkpoint signed by the current key covers any of the ${a.unanchoredRows} rows`;
      console.error(
        `WARNING: ${newestText}: they are not anchored, and could have been rewritten undetected. ` +
          "Is the bot running (it checkpoints at start, on its interval and at shutdown)? Were checkpoints deleted?",
      );
      process.exitCode = 2;
    }
  }
} finally {
  await db.$disconnect();
}
