// The vault's rules, pure and clock-free: each takes `now` (the DATABASE's clock where expiry is
// concerned, so every replica agrees). The conditional UPDATEs in reveal-service.ts and reveal-expiry.ts are what
// actually decide; these functions explain a refusal and pre-check what a user asks for.

/** The four columns django-encrypted-model-fields stores as Fernet tokens (seed column names). */
export const SECRET_FIELDS = ["login_url", "password", "two_factor_backup_codes", "api_keys"] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

export const SECRET_LABELS: Readonly<Record<SecretField, string>> = {
  login_url: "Login URL",
  password: "Password",
  two_factor_backup_codes: "2FA backup codes",
  api_keys: "API keys",
};

/**
 * Open requests one person may have waiting at once. A compromised or careless account cannot
 * spray the admins with requests until one is approved by fatigue.
 */
export const MAX_PENDING_PER_USER = 3;

/** A request nobody decided within this is stale: the need has passed, and it frees the slot. */
export const PENDING_TTL_HOURS = 24;

/** How far into its wait a pending request reminds its approvers (once): late enough to be needed, early enough to act. */
export const REMINDER_AT_FRACTION = 0.75;

/**
 * Milliseconds from `now` until a request created at `createdAt`, pending until `expiresAt`,
 * reminds its approvers: `fraction` of its wait; 0 if that is past, null if it never expires.
 */
export function reminderDelayMs(createdAt: Date, expiresAt: Date | null, now: Date, fraction = REMINDER_AT_FRACTION): number | null {
  if (!expiresAt) return null;
  const wait = expiresAt.getTime() - createdAt.getTime();
  if (wait <= 0) return null;
  return Math.max(0, Math.round(createdAt.getTime() + wait * fraction - now.getTime()));
}

export const REQUEST_STATUSES = ["PENDING", "APPROVED", "DENIED", "REVEALED", "EXPIRED", "CANCELLED"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * Why an open request was ended before its time (it is then EXPIRED): the credential's secret,
 * account or platform changed, or it was deactivated. An approval is for one version of a
 * credential, so either ends it.
 */
export const END_REASONS = ["credential_changed", "credential_deactivated"] as const;
export type EndReason = (typeof END_REASONS)[number];

/** What the rules need to know about a request, as read from the database. */
export type RequestState = Readonly<{
  status: RequestStatus;
  requesterId: number;
  expiresAt: Date | null;
  credentialActive: boolean;
  /** Set when the request was ended early (see EndReason). */
  endReason?: EndReason | null;
  /** The credential no longer has the version the request was made for. */
  credentialChanged?: boolean;
}>;

export function isExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}

export type DecideRefusal = "not_found" | "self_approval" | "already_decided" | "expired" | "credential_inactive" | "credential_changed" | "cancelled";

/** An EXPIRED request tells why it ended: time, or a change to the credential. */
function endedRefusal(req: RequestState): "expired" | "credential_inactive" | "credential_changed" {
  if (req.endReason === "credential_changed") return "credential_changed";
  if (req.endReason === "credential_deactivated") return "credential_inactive";
  return "expired";
}

/** Why a request that is no longer PENDING cannot be decided or cancelled. */
function closedRefusal(req: RequestState): "expired" | "credential_inactive" | "credential_changed" | "cancelled" | "already_decided" {
  if (req.status === "EXPIRED") return endedRefusal(req);
  return req.status === "CANCELLED" ? "cancelled" : "already_decided";
}

/** Why `deciderId` may not approve or deny this request now; null if they may. */
export function decideRefusal(req: RequestState | null, deciderId: number | null, decision: "APPROVED" | "DENIED", now: Date): DecideRefusal | null {
  if (!req) return "not_found";
  // Four eyes: a person who may reveal a secret must not be the one vouching for it, or one
  // stolen admin session would be enough to read every credential.
  if (deciderId === null || req.requesterId === deciderId) return "self_approval";
  // A decision is final: a second click (or a second admin) must not flip DENIED to APPROVED.
  if (req.status !== "PENDING") return closedRefusal(req);
  // An old request approved days later grants access nobody is waiting for any more.
  if (isExpired(req.expiresAt, now)) return "expired";
  // A deactivated credential is retired (or compromised); approving it would be meaningless at
  // best. Denying is always allowed: it only closes the request.
  if (decision === "APPROVED" && !req.credentialActive) return "credential_inactive";
  // The requester asked for what the credential was then; an approval now would hand them
  // whatever it has become (another account, a new password) without anyone vouching for that.
  if (decision === "APPROVED" && req.credentialChanged) return "credential_changed";
  return null;
}

export type RevealRefusal =
  | "not_found"
  | "not_requester"
  | "pending"
  | "denied"
  | "already_revealed"
  | "expired"
  | "credential_inactive"
  | "credential_changed"
  | "cancelled";

/** Why `actorId` may not reveal now; null if they may. The order matters (see comments). */
export function revealRefusal(req: RequestState | null, actorId: number | null, now: Date): RevealRefusal | null {
  if (!req) return "not_found";
  // Checked first: someone else holding the button (a forwarded message, a guessed id) learns
  // nothing about the grant's state, and can never use it.
  if (actorId === null || req.requesterId !== actorId) return "not_requester";
  // Once only: a replayed or double click must not show the secret a second time.
  if (req.status === "REVEALED") return "already_revealed";
  if (req.status === "DENIED") return "denied";
  if (req.status === "CANCELLED") return "cancelled";
  if (req.status === "PENDING") return "pending";
  // An approval is for now, not for whenever: an unused grant left in a DM must go stale.
  if (req.status === "EXPIRED") return endedRefusal(req);
  if (isExpired(req.expiresAt, now)) return "expired";
  if (!req.credentialActive) return "credential_inactive";
  // An approval is for one version of a credential: one edited since (secret, account or
  // platform) would show something nobody approved.
  if (req.credentialChanged) return "credential_changed";
  return null;
}

export type CancelRefusal = "not_found" | "not_requester" | "already_decided" | "expired" | "credential_inactive" | "credential_changed" | "cancelled";

/** Why `actorId` may not cancel this request now; null if they may. */
export function cancelRefusal(req: RequestState | null, actorId: number | null, now: Date): CancelRefusal | null {
  if (!req) return "not_found";
  // Checked first: a forged or forwarded id tells someone else nothing about the request.
  if (actorId === null || req.requesterId !== actorId) return "not_requester";
  if (req.status !== "PENDING") return closedRefusal(req);
  if (isExpired(req.expiresAt, now)) return "expired";
  return null;
}

/** An open request of the requester's own, for the limits below. */
export type OpenRequest = Readonly<{ credentialId: string; status: RequestStatus; expiresAt: Date | null }>;

export type RequestLimitRefusal = "too_many_pending" | "duplicate";

/** Whether the requester may open one more request for `credentialId`. */
export function requestLimitRefusal(open: readonly OpenRequest[], credentialId: string, now: Date): RequestLimitRefusal | null {
  const live = open.filter((r) => (r.status === "PENDING" || r.status === "APPROVED") && !isExpired(r.expiresAt, now));
  // One live request or grant per credential: duplicates would only multiply approval prompts.
  if (live.some((r) => r.credentialId === credentialId)) return "duplicate";
  if (live.filter((r) => r.status === "PENDING").length >= MAX_PENDING_PER_USER) return "too_many_pending";
  return null;
}

const REFUSAL_TEXT: Record<DecideRefusal | RevealRefusal | RequestLimitRefusal | CancelRefusal, string> = {
  not_found: "That reveal request doesn't exist (any more).",
  self_approval: "You can't decide your own reveal request; another admin has to.",
  already_decided: "That request was already decided.",
  expired: "That request has expired. Ask again with `Request reveal` if you still need it.",
  credential_inactive: "That credential has been deactivated, so it can't be revealed.",
  credential_changed:
    "That credential was changed (its secret, account or platform) after this was requested, so the approval no longer applies and nothing was shown. Ask again with `Request reveal` if you still need it.",
  not_requester: "Only the person who asked for this reveal can use it.",
  pending: "That request hasn't been approved yet.",
  denied: "That request was denied.",
  already_revealed: "That secret was already revealed once; each approval shows it once. Ask again if you need it again.",
  too_many_pending: `You already have ${MAX_PENDING_PER_USER} reveal requests waiting. Wait for an admin to decide them first.`,
  duplicate: "You already have an open request (or an unused approval) for this credential.",
  cancelled: "That request was cancelled by the person who asked for it.",
};

export function refusalText(reason: DecideRefusal | RevealRefusal | RequestLimitRefusal | CancelRefusal): string {
  return REFUSAL_TEXT[reason];
}
