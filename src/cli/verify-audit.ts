// `npm run audit:verify`: checks the audit log's hash chain; names the first row that does not match.
import { createDb, TOOL_STATEMENT_TIMEOUT_MS } from "../db.js";
import { loadDatabaseUrl, loadDotEnv } from "../config.js";
import { verifyAuditChain } from "../audit/audit-chain.js";

loadDotEnv();
const db = createDb(loadDatabaseUrl(), { statementTimeoutMs: TOOL_STATEMENT_TIMEOUT_MS });
try {
  const started = performance.now();
  const report = await verifyAuditChain(db);
  const ms = Math.round(performance.now() - started);
  if (report.ok) {
    console.log(`audit chain intact: ${report.rows} rows verified in ${ms} ms`);
  } else {
    const b = report.firstBreak!;
    console.error(`audit chain BROKEN at row ${b.id} (chain_seq ${b.chainSeq || "none"}): ${b.reason}; ${report.rows} rows before it verified`);
    process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
}
