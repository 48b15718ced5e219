import type { DbOrTx } from "../../db.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { EndReason, RequestState, RequestStatus } from "./vault-fns.js";

// A reveal request as every surface shows it (prompt, DM, list), and the reads the service's
// rules need about one: never a secret.

/** A Slack message the bot posted about a request, kept so it can be updated later. */
export type PostedMessage = { channel: string; ts: string; kind: "approval" | "grant" };

/** Everything needed to render a request anywhere (prompt, DM, list); never a secret. */
export type RequestView = Readonly<{
  id: string;
  status: RequestStatus;
  reason: string;
  createdAt: Date;
  expiresAt: Date | null;
  decidedAt: Date | null;
  revealedAt: Date | null;
  requesterId: number;
  requesterSlackId: string;
  deciderSlackId: string | null;
  deciderName: string | null;
  credentialId: string;
  credentialActive: boolean;
  /** Why it ended early, if it did (status EXPIRED): the credential changed or was deactivated. */
  endReason?: EndReason | null;
  platformName: string;
  accountIdentifier: string;
  creatorId: string;
  brandName: string;
  messages: PostedMessage[];
}>;

const viewSelect = {
  id: true,
  status: true,
  reason: true,
  createdAt: true,
  expiresAt: true,
  decidedAt: true,
  revealedAt: true,
  requesterId: true,
  requesterSlackId: true,
  approvalMessages: true,
  endReason: true,
  decidedBy: { select: { firstName: true, username: true, slackUser: { select: { slackUserId: true } } } },
  credential: { select: { id: true, platformName: true, accountIdentifier: true, isActive: true, creator: { select: { id: true, brandName: true } } } },
} as const;

export async function loadView(db: DbOrTx, id: string): Promise<RequestView | null> {
  const r = await db.revealRequest.findUnique({ where: { id }, select: viewSelect });
  if (!r) return null;
  return {
    id: r.id,
    status: r.status as RequestStatus,
    reason: r.reason,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    decidedAt: r.decidedAt,
    revealedAt: r.revealedAt,
    requesterId: r.requesterId,
    requesterSlackId: r.requesterSlackId,
    deciderSlackId: r.decidedBy?.slackUser?.slackUserId ?? null,
    deciderName: r.decidedBy ? r.decidedBy.firstName || r.decidedBy.username : null,
    credentialId: r.credential.id,
    credentialActive: r.credential.isActive,
    endReason: (r.endReason as EndReason | null) ?? null,
    platformName: r.credential.platformName,
    accountIdentifier: r.credential.accountIdentifier,
    creatorId: r.credential.creator.id,
    brandName: r.credential.creator.brandName,
    messages: Array.isArray(r.approvalMessages) ? (r.approvalMessages as unknown as PostedMessage[]) : [],
  };
}

/**
 * The version of credential `c` a reveal would show (migration 20261204500001): a hash of its
 * platform, account and stored secret tokens. A request keeps the version it was made for;
 * approving and claiming require it unchanged, inside their conditional UPDATEs.
 */
export const CREDENTIAL_VERSION = Prisma.raw(
  "wl_credential_version(c.platform_name, c.account_identifier, c.login_url, c.password, c.two_factor_backup_codes, c.api_keys)",
);

/** True if the credential no longer has the version the request was made for (an unknown version counts as changed). */
async function credentialChanged(db: DbOrTx, requestId: string): Promise<boolean> {
  const [row] = await db.$queryRaw<{ same: boolean | null }[]>`
    SELECT r.credential_version = ${CREDENTIAL_VERSION} AS same
      FROM wl_reveal_request r JOIN studio_crm_creatorcredential c ON c.id = r.credential_id
     WHERE r.id = ${requestId}::uuid`;
  return row !== undefined && row.same !== true;
}

/** What the rules need, read after a conditional UPDATE matched nothing, to say why. */
export async function stateOf(db: DbOrTx, v: RequestView | null): Promise<RequestState | null> {
  if (!v) return null;
  const open = v.status === "PENDING" || v.status === "APPROVED";
  return {
    status: v.status,
    requesterId: v.requesterId,
    expiresAt: v.expiresAt,
    credentialActive: v.credentialActive,
    endReason: v.endReason ?? null,
    credentialChanged: open && (await credentialChanged(db, v.id)),
  };
}

export const displayOf = (v: Pick<RequestView, "platformName" | "accountIdentifier" | "brandName">): string =>
  `${v.platformName} · ${v.accountIdentifier} (${v.brandName})`;

/** Expiry and every decision use the database's clock, so replicas with skewed clocks agree. */
export async function dbNow(db: DbOrTx): Promise<Date> {
  const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
  return row!.now;
}
