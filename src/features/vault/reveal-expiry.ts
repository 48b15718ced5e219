import type { Tx } from "../../db.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Actor } from "../../identity/actor.js";
import { writeAudit } from "../../audit/audit-service.js";
import type { EndReason } from "./vault-fns.js";
import { CREDENTIAL_VERSION } from "./reveal-request-view.js";

// Ending open reveal requests: one request whose time is up, every open request of a credential
// that changed, or the sweep. Used by the reveal service and by credential changes (vault-service.ts).

/** Which open requests to end, and why. */
export type EndScope =
  /** One request whose time is up (a refused click found it expired). */
  | { requestId: string }
  /** Every open request of a credential being changed or deactivated: an approval is for one version. */
  | { credentialId: string; reason: EndReason; changed?: readonly string[] }
  /** The sweep: every request whose time is up, or whose credential changed outside the bot (Django, SQL). */
  | { stale: true };

function endNote(scope: EndScope, endReason: EndReason | null): string {
  if ("credentialId" in scope) {
    return scope.reason === "credential_deactivated"
      ? "expired: credential deactivated"
      : `ended: credential changed (${(scope.changed ?? []).join(", ") || "secret, account or platform"})`;
  }
  return endReason === "credential_changed" ? "ended: credential changed since the request (outside the bot)" : "expired: time window passed";
}

/**
 * Ends open requests (status EXPIRED, with end_reason when it was not time), one audit row
 * each, in the caller's transaction. One conditional UPDATE: replicas sweeping at once end
 * each row once, and a claim racing it either wins first or finds the row ended.
 */
export async function expireOpenRequests(tx: Tx, actor: Actor, scope: EndScope): Promise<string[]> {
  const timeUp = Prisma.sql`r.expires_at <= now()`;
  const changed = Prisma.sql`r.credential_version IS DISTINCT FROM ${CREDENTIAL_VERSION}`;
  const which =
    "requestId" in scope
      ? Prisma.sql`r.id = ${scope.requestId}::uuid AND ${timeUp}`
      : "credentialId" in scope
        ? Prisma.sql`r.credential_id = ${scope.credentialId}::uuid`
        : Prisma.sql`(${timeUp} OR ${changed})`;
  // Time running out is the ordinary end (NULL); otherwise say what happened to the credential.
  const endReason =
    "credentialId" in scope
      ? Prisma.sql`${scope.reason}::text`
      : "stale" in scope
        ? Prisma.sql`CASE WHEN ${timeUp} THEN NULL ELSE 'credential_changed' END`
        : Prisma.sql`NULL::text`;
  const rows = await tx.$queryRaw<{ id: string; prev: string; display: string; endReason: EndReason | null }[]>`
    UPDATE wl_reveal_request r SET status = 'EXPIRED', end_reason = ${endReason}
      FROM studio_crm_creatorcredential c JOIN studio_crm_creator k ON k.id = c.creator_id
     WHERE c.id = r.credential_id AND r.status IN ('PENDING','APPROVED') AND ${which}
    RETURNING r.id::text AS id, CASE WHEN r.decided_at IS NULL THEN 'PENDING' ELSE 'APPROVED' END AS prev, r.end_reason AS "endReason",
              c.platform_name || ' · ' || c.account_identifier || ' (' || k.brand_name || ')' AS display`;
  await writeAudit(
    tx,
    actor,
    rows.map((r) => ({
      action: "UPDATE",
      targetModel: "RevealRequest",
      targetId: r.id,
      targetDisplay: r.display,
      changes: { status: { from: r.prev, to: "EXPIRED" }, ...(r.endReason ? { end_reason: { from: null, to: r.endReason } } : {}) },
      notes: endNote(scope, r.endReason),
    })),
  );
  return rows.map((r) => r.id);
}
