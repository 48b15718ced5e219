import type { Db } from "../../db.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Actor } from "../../identity/actor.js";
import { hasRole } from "../../identity/roles.js";
import { nameToUuid } from "../../audit/audit-fns.js";
import { forbidden, notFound } from "../../errors.js";

export type AuditQueryService = ReturnType<typeof createAuditQueryService>;

export const AUDIT_PAGE_SIZE = 20;

export type AuditRow = {
  id: string;
  timestamp: Date;
  userEmail: string;
  actionType: string;
  targetModel: string;
  targetDisplay: string;
  changes: unknown;
  notes: string | null;
};

export type AuditScope = { kind: "creator"; creatorId: string; brandName: string; creatorName: string } | { kind: "all" };

export type AuditPage = {
  scope: AuditScope;
  rows: AuditRow[];
  /** The id of the last row shown; the next page starts after it. null on the last page. */
  nextCursor: string | null;
  pageNumber: number;
};

const select = {
  id: true,
  timestamp: true,
  userEmail: true,
  actionType: true,
  targetModel: true,
  targetDisplay: true,
  changes: true,
  notes: true,
} as const;

export const ALL_TARGET = nameToUuid("audit:all");

/**
 * Reads of the audit log. Managers may read one creator's trail, admins everything; the check
 * is here as well as in the router, so a forged page button cannot widen a manager's view.
 * Every read is itself audited (VIEW), refusals included.
 */
export function createAuditQueryService({ db }: { db: Db }) {
  async function page(where: Prisma.AuditLogWhereInput, cursor: string | null): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
    const rows = await db.auditLog.findMany({
      where,
      select,
      // Newest first; id breaks ties between rows of one transaction (same timestamp).
      orderBy: [{ timestamp: "desc" }, { id: "desc" }],
      take: AUDIT_PAGE_SIZE + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    const more = rows.length > AUDIT_PAGE_SIZE;
    const shown = rows.slice(0, AUDIT_PAGE_SIZE);
    return { rows: shown, nextCursor: more ? shown[shown.length - 1]!.id : null };
  }

  /** The creator and everything hanging off it that is audited under its own id. */
  async function creatorTargets(creatorId: string): Promise<string[]> {
    const [creds, milestones, deliverables, reveals] = await Promise.all([
      db.creatorCredential.findMany({ where: { creatorId }, select: { id: true } }),
      db.milestone.findMany({ where: { creatorId }, select: { id: true } }),
      db.aiDeliverable.findMany({ where: { creatorId }, select: { id: true } }),
      db.revealRequest.findMany({ where: { credential: { creatorId } }, select: { id: true } }),
    ]);
    return [creatorId, ...[...creds, ...milestones, ...deliverables, ...reveals].map((r) => r.id)];
  }

  return {
    async creatorTrail(creatorId: string, actor: Actor, opts: { cursor?: string | null; pageNumber?: number } = {}): Promise<AuditPage> {
      if (!hasRole(actor.role, "manager")) throw forbidden("Reading an audit trail needs the manager role.");
      const creator = await db.creator.findUnique({ where: { id: creatorId }, select: { id: true, brandName: true, creatorName: true } });
      if (!creator) throw notFound("That creator no longer exists.");
      const targets = await creatorTargets(creatorId);
      const p = await page({ targetId: { in: targets } }, opts.cursor ?? null);
      const pageNumber = opts.pageNumber ?? 1;
      return { scope: { kind: "creator", creatorId, brandName: creator.brandName, creatorName: creator.creatorName }, ...p, pageNumber };
    },

    async all(actor: Actor, opts: { cursor?: string | null; pageNumber?: number } = {}): Promise<AuditPage> {
      if (!hasRole(actor.role, "admin")) {
        throw forbidden(
          "Only admins can read the whole audit log. For one creator's trail: `/wl audit <creator>`.",
          `needs admin, has ${actor.role ?? "no role"}`,
        );
      }
      const p = await page({}, opts.cursor ?? null);
      const pageNumber = opts.pageNumber ?? 1;
      return { scope: { kind: "all" }, ...p, pageNumber };
    },
  };
}
