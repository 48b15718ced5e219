import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import type { WebClient } from "@slack/web-api";
import type { Db } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { writeAudit } from "../../audit/audit-service.js";
import type { JobQueue } from "../../jobs/job-types.js";
import { PermanentJobError } from "../../jobs/job-types.js";
import { uploadPath, withTempFile } from "../../slack/file-upload.js";
import { esc } from "../../slack/mrkdwn.js";
import { ALL_TARGET } from "./audit-query-service.js";
import { csvLine, describeChange, EXPORT_BATCH_SIZE, EXPORT_COLUMNS, exportFileName, type ExportRange } from "./export-fns.js";

// `/wl audit export`: the access review's CSV. The command only stores a job; the job (any
// replica, resumed after a crash) reads the range in keyset batches into a temp file, streams
// that file to the admin's DM, and audits the export. Neither the rows nor the file are ever
// held whole in memory.

export const EXPORT_JOB = "audit.export";

export type AuditExportService = ReturnType<typeof createAuditExportService>;

type Row = {
  key: string;
  id: string;
  timestamp: Date;
  userEmail: string;
  slackUserId: string | null;
  actionType: string;
  targetModel: string;
  targetId: string;
  targetDisplay: string;
  changes: unknown;
  notes: string | null;
  reason: string | null;
  approverEmail: string | null;
  approverSlackId: string | null;
};

export type ExportResult = { rows: number; batches: number; fileId: string } | { refused: "not_admin" };

/**
 * Reveal requests (made, decided, revealed, cancelled, expired: every row about a
 * RevealRequest), reveals of a credential (VIEW rows that name what was revealed or failed to
 * open) and role changes. The reason and approver come from the request itself.
 */
const BATCH_SQL = `
  SELECT a.timestamp::text AS key, a.id::text AS id, a.timestamp, a.user_email AS "userEmail", a.slack_user_id AS "slackUserId",
         a.action_type AS "actionType", a.target_model AS "targetModel", a.target_id::text AS "targetId",
         a.target_display AS "targetDisplay", a.changes, a.notes,
         r.reason, du.email AS "approverEmail", dsu.slack_user_id AS "approverSlackId"
    FROM studio_crm_auditlog a
    LEFT JOIN wl_reveal_request r ON a.target_model = 'RevealRequest' AND r.id = a.target_id
    LEFT JOIN auth_user du ON du.id = r.decided_by_id
    LEFT JOIN wl_slack_user dsu ON dsu.user_id = r.decided_by_id
   WHERE a.timestamp >= ($1::date)::timestamp AT TIME ZONE $3
     AND a.timestamp < ($2::date + 1)::timestamp AT TIME ZONE $3
     AND (a.target_model IN ('RevealRequest', 'UserRole')
          OR (a.target_model = 'CreatorCredential' AND a.action_type = 'VIEW'
              AND (a.changes -> 'revealed' IS NOT NULL OR a.changes -> 'undecryptable' IS NOT NULL)))
     AND ($4::timestamptz IS NULL OR (a.timestamp, a.id) > ($4::timestamptz, $5::uuid))
   ORDER BY a.timestamp, a.id
   LIMIT $6`;

export function createAuditExportService(deps: {
  db: Db;
  client: Pick<WebClient, "files" | "conversations">;
  jobs: Pick<JobQueue, "enqueue">;
  tz: string;
  batchSize?: number;
}) {
  const { db, tz } = deps;
  const batchSize = deps.batchSize ?? EXPORT_BATCH_SIZE;

  /** Writes with backpressure: a slow disk slows the reads instead of buffering them. */
  async function write(out: WriteStream, chunk: string): Promise<void> {
    if (!out.write(chunk)) await once(out, "drain");
  }

  /** Every matching row, a batch at a time, as CSV into `path`. */
  async function writeCsv(path: string, range: ExportRange, signal?: AbortSignal): Promise<{ rows: number; batches: number }> {
    const out = createWriteStream(path, { mode: 0o600 });
    let rows = 0;
    let batches = 0;
    try {
      await write(out, csvLine(EXPORT_COLUMNS));
      let after: { key: string; id: string } | null = null;
      for (;;) {
        signal?.throwIfAborted();
        const batch: Row[] = await db.$queryRawUnsafe<Row[]>(BATCH_SQL, range.from, range.to, tz, after?.key ?? null, after?.id ?? null, batchSize);
        batches++;
        if (batch.length === 0) break;
        await write(
          out,
          batch
            .map((r) =>
              csvLine([
                r.timestamp,
                r.userEmail,
                r.slackUserId,
                r.actionType,
                r.targetModel,
                r.targetId,
                r.targetDisplay,
                describeChange(r.changes),
                r.reason,
                r.approverEmail,
                r.approverSlackId,
                r.notes,
              ]),
            )
            .join(""),
        );
        rows += batch.length;
        const last = batch[batch.length - 1]!;
        after = { key: last.key, id: last.id };
        if (batch.length < batchSize) break;
      }
    } finally {
      out.end();
      await once(out, "close");
    }
    return { rows, batches };
  }

  /** The requester is re-checked when the job runs: an admin demoted since gets nothing. */
  async function stillAdmin(actor: Actor): Promise<boolean> {
    if (actor.userId === null) return false;
    const rows = await db.$queryRaw<{ role: string }[]>`SELECT role FROM wl_user_role WHERE user_id = ${actor.userId}::int`;
    return rows[0]?.role === "admin";
  }

  async function recordExport(
    actor: Actor,
    range: ExportRange,
    display: string,
    fileId: string,
    rows: number | null,
  ): Promise<{ rows: number; fileId: string }> {
    await writeAudit(db, actor, {
      action: "VIEW",
      targetModel: "AuditLog",
      targetId: ALL_TARGET,
      targetDisplay: display,
      changes: { from: range.from, to: range.to, rows, file_id: fileId },
      notes: `audit export uploaded to ${actor.displayName}'s DM`,
    });
    return { rows: rows ?? 0, fileId };
  }

  return {
    batchSize,

    /** Stores the export as a job; the command answers at once. */
    async enqueue(actor: Actor, range: ExportRange, requestKey: string): Promise<void> {
      await deps.jobs.enqueue(db, { kind: EXPORT_JOB, payload: { actor, range }, dedupeKey: requestKey, maxAttempts: 3 });
    },

    /** Builds the CSV, uploads it to the requester's DM and audits the export (under the requester). */
    async run(
      actor: Actor,
      range: ExportRange,
      opts: { signal?: AbortSignal; uploaded?: string | null; onUploaded?: (fileId: string) => Promise<unknown> } = {},
    ): Promise<ExportResult> {
      if (!actor.slackUserId) throw new PermanentJobError("an export needs a Slack user to deliver to");
      const display = `/wl audit export ${range.from} ${range.to}`;
      if (!(await stillAdmin(actor))) {
        await writeAudit(db, actor, {
          action: "VIEW",
          targetModel: "AuditLog",
          targetId: ALL_TARGET,
          targetDisplay: display,
          notes: "refused: audit export needs admin (role changed after it was queued)",
        });
        return { refused: "not_admin" };
      }
      // Delivered by an earlier attempt that stopped before its audit row: only the row is missing.
      if (opts.uploaded) return { ...(await recordExport(actor, range, display, opts.uploaded, null)), batches: 0 };
      const dm = await deps.client.conversations.open({ users: actor.slackUserId });
      const channelId = dm.channel?.id;
      if (!channelId) throw new Error("conversations.open returned no channel");
      const filename = exportFileName(range);
      return withTempFile(filename, async (path) => {
        const { rows, batches } = await writeCsv(path, range, opts.signal);
        const uploaded = await uploadPath(deps.client, path, {
          channelId,
          filename,
          title: `Audit export ${range.from} to ${range.to}`,
          initialComment: `Your audit export for ${esc(range.from)} to ${esc(range.to)} (${tz}): ${rows} row${rows === 1 ? "" : "s"} of reveal requests, decisions, reveals and role changes.`,
        });
        await opts.onUploaded?.(uploaded.fileId);
        await recordExport(actor, range, display, uploaded.fileId, rows);
        return { rows, batches, fileId: uploaded.fileId };
      });
    },
  };
}
