import type { Db, Tx } from "../../db.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Actor } from "../../identity/actor.js";
import { SYSTEM_ACTOR } from "../../identity/actor.js";
import { audited, type AuditEntry } from "../../audit/audit-service.js";
import { AppError, ErrorCode, notFound } from "../../errors.js";
import {
  cancelRefusal,
  decideRefusal,
  refusalText,
  requestLimitRefusal,
  revealRefusal,
  PENDING_TTL_HOURS,
  type CancelRefusal,
  type DecideRefusal,
  type RequestLimitRefusal,
  type RequestStatus,
  type RevealRefusal,
  type SecretField,
} from "./vault-fns.js";
import type { Decrypted, SecretTokens } from "./secret-fields.js";
import { CREDENTIAL_VERSION, dbNow, displayOf, loadView, stateOf, type PostedMessage, type RequestView } from "./reveal-request-view.js";
import { expireOpenRequests } from "./reveal-expiry.js";

export type RevealService = ReturnType<typeof createRevealService>;

type PendingRow = { display: string; remindedAt: Date | null };

/**
 * ONE conditional UPDATE of a request still pending (by the database clock) and matching
 * `also`, audited in its transaction; true if it matched. Its row count decides races.
 */
async function changePending(
  db: Db,
  actor: Actor,
  requestId: string,
  c: { set: Prisma.Sql; also: Prisma.Sql; changes: (row: PendingRow) => Record<string, unknown>; notes: string },
): Promise<boolean> {
  return audited(db, actor, async (tx) => {
    const [row] = await tx.$queryRaw<PendingRow[]>`
      UPDATE wl_reveal_request r SET ${c.set}
        FROM studio_crm_creatorcredential cr JOIN studio_crm_creator k ON k.id = cr.creator_id
       WHERE r.id = ${requestId}::uuid AND r.status = 'PENDING' AND r.expires_at > now() AND ${c.also} AND cr.id = r.credential_id
      RETURNING r.reminded_at AS "remindedAt", cr.platform_name || ' · ' || cr.account_identifier || ' (' || k.brand_name || ')' AS display`;
    if (!row) return { result: false, audit: [] };
    const audit: AuditEntry = {
      action: "UPDATE",
      targetModel: "RevealRequest",
      targetId: requestId,
      targetDisplay: row.display,
      changes: c.changes(row),
      notes: c.notes,
    };
    return { result: true, audit };
  });
}

type Opened = { kind: "revealed"; values: Record<SecretField, string | null>; notes: string | null } | { kind: "undecryptable"; failed: SecretField[] };
/** A claim's outcome, known before anything was committed: shown values, or a failure recorded instead. */
export type ClaimOutcome = Opened & { view: RequestView };

/** A request just stored, as its transaction sees it (its times are the database's). */
export type CreatedRequest = Readonly<{ id: string; createdAt: Date; expiresAt: Date; now: Date }>;

export function createRevealService(deps: {
  db: Db;
  approvalTtlMinutes: number;
  now?: () => number;
  /** Runs in the transaction that stores a request (it stores the reminder job). */
  onRequested?: (tx: Tx, created: CreatedRequest) => Promise<unknown>;
}) {
  const { db, approvalTtlMinutes } = deps;

  /**
   * The error to throw for a refusal; the request pipeline audits it (throttled per user and
   * label) against the request the button named, so nothing is written here.
   */
  function refuse(_actor: Actor, _requestId: string, _display: string, label: string, reason: DecideRefusal | RevealRefusal | CancelRefusal): AppError {
    return new AppError(ErrorCode.Forbidden, { message: `${label}: ${reason}`, userMessage: refusalText(reason) });
  }

  /** If a refusal is "expired" and the row still says open, record that it expired. */
  async function settleExpiry(actor: Actor, reason: DecideRefusal | RevealRefusal | CancelRefusal, requestId: string): Promise<boolean> {
    if (reason !== "expired") return false;
    const ids = await audited(db, actor, async (tx) => ({ result: await expireOpenRequests(tx, actor, { requestId }), audit: [] }));
    return ids.length > 0;
  }

  return {
    view: (id: string) => loadView(db, id),

    /**
     * Records a PENDING request. The requester's open requests are counted under a per-user
     * advisory lock, so two submissions at once cannot both slip under the limit.
     */
    async request(actor: Actor, credentialId: string, reason: string): Promise<RequestView> {
      if (actor.userId === null || !actor.slackUserId) throw notFound("I don't know who you are in the studio; ask an admin for access.");
      const userId = actor.userId;
      const id = await audited(db, actor, async (tx) => {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('wl_reveal_request'), ${userId}::int)::text AS locked`;
        const cred = await tx.creatorCredential.findUnique({
          where: { id: credentialId },
          select: { isActive: true, platformName: true, accountIdentifier: true, creator: { select: { brandName: true } } },
        });
        if (!cred) throw notFound("That credential doesn't exist (any more).");
        if (!cred.isActive) throw new AppError(ErrorCode.Forbidden, { userMessage: refusalText("credential_inactive") });
        const open = await tx.$queryRaw<{ credentialId: string; status: RequestStatus; expiresAt: Date | null }[]>`
          SELECT credential_id::text AS "credentialId", status, expires_at AS "expiresAt" FROM wl_reveal_request
           WHERE requester_id = ${userId} AND status IN ('PENDING','APPROVED') AND expires_at > now()`;
        const limit: RequestLimitRefusal | null = requestLimitRefusal(open, credentialId, await dbNow(tx));
        if (limit) throw new AppError(ErrorCode.RateLimited, { message: `reveal request refused: ${limit}`, userMessage: refusalText(limit) });
        // The request is for the credential as it is now: its version is what an approval vouches for.
        const [row] = await tx.$queryRaw<{ id: string; createdAt: Date; expiresAt: Date; now: Date }[]>`
          INSERT INTO wl_reveal_request (id, credential_id, requester_id, requester_slack_id, reason, status, expires_at, credential_version)
          SELECT gen_random_uuid(), c.id, ${userId}, ${actor.slackUserId}, ${reason}, 'PENDING',
                 now() + make_interval(hours => ${PENDING_TTL_HOURS}::int), ${CREDENTIAL_VERSION}
            FROM studio_crm_creatorcredential c WHERE c.id = ${credentialId}::uuid
          RETURNING id::text AS id, created_at AS "createdAt", expires_at AS "expiresAt", now() AS now`;
        if (!row) throw notFound("That credential doesn't exist (any more).");
        await deps.onRequested?.(tx, row);
        const audit: AuditEntry = {
          action: "CREATE",
          targetModel: "RevealRequest",
          targetId: row!.id,
          targetDisplay: `${cred.platformName} · ${cred.accountIdentifier} (${cred.creator.brandName})`,
          changes: { credential_id: credentialId, status: "PENDING", reason, expires_at: row!.expiresAt.toISOString() },
        };
        return { result: row!.id, audit };
      });
      return (await loadView(db, id))!;
    },

    /** Appends posted messages; returns the status now, so a decision that won the race can re-render them. */
    async addMessages(requestId: string, messages: readonly PostedMessage[]): Promise<RequestStatus | null> {
      if (messages.length === 0) return (await loadView(db, requestId))?.status ?? null;
      const rows = await db.$queryRaw<{ status: RequestStatus }[]>`
        UPDATE wl_reveal_request SET approval_messages = approval_messages || ${JSON.stringify(messages)}::jsonb
         WHERE id = ${requestId}::uuid RETURNING status`;
      return rows[0]?.status ?? null;
    },

    /**
     * Approve or deny: ONE conditional UPDATE whose row count decides, so of many concurrent
     * clicks (several admins, several replicas) exactly one becomes the decision.
     */
    async decide(actor: Actor, requestId: string, decision: "APPROVED" | "DENIED"): Promise<RequestView> {
      const before = await loadView(db, requestId);
      const label = decision === "APPROVED" ? "Approve" : "Deny";
      if (!before) throw refuse(actor, requestId, "(unknown request)", label, "not_found");
      const won = await audited(db, actor, async (tx) => {
        const rows = await tx.$queryRaw<{ expiresAt: Date | null }[]>`
          UPDATE wl_reveal_request r
             SET status = ${decision}, decided_by_id = ${actor.userId}::int, decided_at = now(),
                 expires_at = CASE WHEN ${decision}::text = 'APPROVED' THEN now() + make_interval(mins => ${approvalTtlMinutes}::int) ELSE r.expires_at END
            FROM studio_crm_creatorcredential c
           WHERE r.id = ${requestId}::uuid AND r.status = 'PENDING' AND r.requester_id <> ${actor.userId}::int
             AND (r.expires_at IS NULL OR r.expires_at > now())
             AND c.id = r.credential_id
             AND (${decision}::text = 'DENIED' OR (c.is_active AND r.credential_version = ${CREDENTIAL_VERSION}))
          RETURNING r.expires_at AS "expiresAt"`;
        if (rows.length === 0) return { result: false, audit: [] };
        const changes: Record<string, unknown> = { status: { from: "PENDING", to: decision }, decided_by_id: { from: null, to: actor.userId } };
        if (decision === "APPROVED") changes.expires_at = { from: before.expiresAt?.toISOString() ?? null, to: rows[0]!.expiresAt?.toISOString() ?? null };
        return {
          result: true,
          audit: {
            action: "UPDATE",
            targetModel: "RevealRequest",
            targetId: requestId,
            targetDisplay: displayOf(before),
            changes,
            notes: `${label.toLowerCase()}d by ${actor.displayName}`,
          },
        };
      });
      if (!won) {
        const after = await loadView(db, requestId);
        const reason = decideRefusal(await stateOf(db, after), actor.userId, decision, await dbNow(db)) ?? "already_decided";
        await settleExpiry(actor, reason, requestId);
        throw refuse(actor, requestId, displayOf(before), label, reason);
      }
      return (await loadView(db, requestId))!;
    },

    /**
     * Reveal once. The grant is claimed by ONE conditional UPDATE (requester, APPROVED, not
     * expired by the database clock); in the same transaction the tokens are opened (`open`,
     * CPU only) and the outcome is recorded: either the "revealed" rows plus whatever
     * `onRevealed` stores (the message's deletion), or, when no key opens a token, the
     * failure row alone with the grant left unused (nothing was shown). If any of it cannot be
     * written, nothing is claimed. Plaintext goes back to the caller only, never into a row.
     */
    async claim(actor: Actor, requestId: string, how: { open(tokens: SecretTokens): Decrypted; onRevealed(tx: Tx): Promise<unknown> }): Promise<ClaimOutcome> {
      const claimed = await audited(db, actor, async (tx): Promise<{ result: Opened | null; audit: AuditEntry[] }> => {
        const rows = await tx.$queryRaw<
          {
            login_url: string | null;
            password: string | null;
            two_factor_backup_codes: string | null;
            api_keys: string | null;
            notes: string | null;
            display: string;
            credential_id: string;
          }[]
        >`
          UPDATE wl_reveal_request r
             SET status = 'REVEALED', revealed_at = now()
            FROM studio_crm_creatorcredential c JOIN studio_crm_creator k ON k.id = c.creator_id
           WHERE r.id = ${requestId}::uuid AND r.status = 'APPROVED' AND r.requester_id = ${actor.userId}::int
             AND r.expires_at > now() AND c.id = r.credential_id AND c.is_active
             AND r.credential_version = ${CREDENTIAL_VERSION}
          RETURNING c.id::text AS credential_id, c.login_url, c.password, c.two_factor_backup_codes, c.api_keys, c.notes,
                    c.platform_name || ' · ' || c.account_identifier || ' (' || k.brand_name || ')' AS display`;
        const row = rows[0];
        if (!row) return { result: null, audit: [] };
        const tokens: SecretTokens = {
          login_url: row.login_url,
          password: row.password,
          two_factor_backup_codes: row.two_factor_backup_codes,
          api_keys: row.api_keys,
        };
        const opened = how.open(tokens);
        if (!opened.ok) {
          // Nothing will be shown, so the grant is not used up: the claim is undone in this same
          // transaction (no one else ever sees it) and only the failure is recorded.
          await tx.$executeRaw`UPDATE wl_reveal_request SET status = 'APPROVED', revealed_at = NULL WHERE id = ${requestId}::uuid`;
          return {
            result: { kind: "undecryptable", failed: opened.failed },
            audit: [
              {
                action: "VIEW",
                targetModel: "CreatorCredential",
                targetId: row.credential_id,
                targetDisplay: row.display,
                changes: { undecryptable: [...opened.failed] },
                notes: `reveal failed closed: no configured FIELD_ENCRYPTION_KEY opens ${opened.failed.join(", ")} (reveal request ${requestId}); nothing was shown`,
              },
            ],
          };
        }
        await how.onRevealed(tx);
        const shown = (Object.keys(tokens) as SecretField[]).filter((f) => tokens[f] != null);
        return {
          result: { kind: "revealed", values: opened.values, notes: row.notes },
          audit: [
            {
              action: "UPDATE",
              targetModel: "RevealRequest",
              targetId: requestId,
              targetDisplay: row.display,
              changes: { status: { from: "APPROVED", to: "REVEALED" } },
            },
            {
              action: "VIEW",
              targetModel: "CreatorCredential",
              targetId: row.credential_id,
              targetDisplay: row.display,
              changes: { revealed: shown },
              notes: `secret revealed once to ${actor.displayName} (reveal request ${requestId})`,
            },
          ],
        };
      });
      const view = await loadView(db, requestId);
      if (!claimed) {
        const reason = revealRefusal(await stateOf(db, view), actor.userId, await dbNow(db)) ?? "already_revealed";
        if (reason !== "not_requester") await settleExpiry(actor, reason, requestId);
        throw refuse(actor, requestId, view ? displayOf(view) : "(unknown request)", "Reveal once", reason);
      }
      return { ...claimed, view: view! };
    },

    /**
     * What a click on `Reveal once` outside an ephemeral message gets: the same checks as a
     * claim (refusals audited alike), but nothing is claimed; the caller offers the button again.
     */
    async checkRevealable(actor: Actor, requestId: string): Promise<RequestView> {
      const view = await loadView(db, requestId);
      const reason = revealRefusal(await stateOf(db, view), actor.userId, await dbNow(db));
      if (reason) {
        if (reason !== "not_requester") await settleExpiry(actor, reason, requestId);
        throw refuse(actor, requestId, view ? displayOf(view) : "(unknown request)", "Reveal once", reason);
      }
      return view!;
    },

    /**
     * The requester withdraws a pending request: ONE conditional UPDATE that re-checks the id
     * it is given (it may be forged) against the actor and the state, so a foreign or decided
     * request is untouched, and of a cancel and a decision racing exactly one wins.
     */
    async cancel(actor: Actor, requestId: string): Promise<RequestView> {
      const won = await changePending(db, actor, requestId, {
        set: Prisma.sql`status = 'CANCELLED'`,
        also: Prisma.sql`r.requester_id = ${actor.userId}::int`,
        changes: () => ({ status: { from: "PENDING", to: "CANCELLED" } }),
        notes: `cancelled by the requester ${actor.displayName}`,
      });
      const view = await loadView(db, requestId);
      if (!won) {
        const reason = cancelRefusal(await stateOf(db, view), actor.userId, await dbNow(db)) ?? "already_decided";
        // Someone else's request stays exactly as it is, even when its time is up.
        if (reason !== "not_requester") await settleExpiry(actor, reason, requestId);
        throw refuse(actor, requestId, view ? displayOf(view) : "(unknown request)", "Cancel request", reason);
      }
      return view!;
    },

    /**
     * Marks a request reminded: ONE conditional UPDATE (still PENDING, not expired by the
     * database clock, not reminded yet), audited with it. Of any number of concurrent runs,
     * only the one whose write matched gets the view back and sends the reminder; null for the
     * rest, and for a request decided, cancelled or expired meanwhile.
     */
    async markReminded(requestId: string): Promise<RequestView | null> {
      const won = await changePending(db, SYSTEM_ACTOR, requestId, {
        set: Prisma.sql`reminded_at = now()`,
        also: Prisma.sql`r.reminded_at IS NULL`,
        changes: (row) => ({ reminded_at: { from: null, to: row.remindedAt?.toISOString() ?? null } }),
        notes: "approvers reminded: still waiting for a decision",
      });
      return won ? loadView(db, requestId) : null;
    },

    /** Open requests for admins to decide, oldest first. */
    async pending(limit = 20): Promise<RequestView[]> {
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM wl_reveal_request WHERE status = 'PENDING' AND expires_at > now()
         ORDER BY created_at ASC LIMIT ${limit}::int`;
      const views = await Promise.all(rows.map((r) => loadView(db, r.id)));
      return views.filter((v): v is RequestView => v !== null);
    },

    async countPending(): Promise<number> {
      const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM wl_reveal_request WHERE status = 'PENDING' AND expires_at > now()`;
      return Number(row?.n ?? 0);
    },

    /**
     * The periodic sweep: expires what time has run out on, under the system actor; `then`
     * runs in the same transaction (it stores the notices that update their messages).
     */
    async expireStale(then: (tx: Tx, ids: string[]) => Promise<unknown>): Promise<string[]> {
      return audited(db, SYSTEM_ACTOR, async (tx) => {
        const ids = await expireOpenRequests(tx, SYSTEM_ACTOR, { stale: true });
        await then(tx, ids);
        return { result: ids, audit: [] };
      });
    },
  };
}
