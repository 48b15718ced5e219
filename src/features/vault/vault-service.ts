import type { Db } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import type { MultiFernet } from "../../crypto/fernet.js";
import { audited, writeAudit } from "../../audit/audit-service.js";
import { diffChanges, snapshot } from "../../audit/audit-fns.js";
import { AppError, ErrorCode, invalid, notFound } from "../../errors.js";
import { fromDbDate, toDbDate, type IsoDate } from "../../lib/dates.js";
import { SECRET_FIELDS, type SecretField } from "./vault-fns.js";
import { encryptSecrets, secretsPresent, tokensOf, SECRET_PROPS } from "./secret-fields.js";
import type { CredentialForm } from "./vault-schemas.js";
import { CREDENTIAL_VERSION } from "./reveal-request-view.js";
import { expireOpenRequests } from "./reveal-expiry.js";

export type VaultService = ReturnType<typeof createVaultService>;

/** A credential as lists and modals see it: metadata, and which secrets are set, never a value. */
export type CredentialMeta = Readonly<{
  id: string;
  creatorId: string;
  brandName: string;
  platformName: string;
  accountIdentifier: string;
  notes: string | null;
  lastVerifiedDate: IsoDate | null;
  expiresOn: IsoDate | null;
  isActive: boolean;
  secretsSet: SecretField[];
}>;

/** Who last revealed a credential and who approved it: the receipt shown in `/wl creds`. */
export type RevealReceipt = Readonly<{ requesterSlackId: string; deciderSlackId: string | null; decidedAt: Date | null; revealedAt: Date }>;

const metaSelect = {
  id: true,
  creatorId: true,
  platformName: true,
  accountIdentifier: true,
  notes: true,
  lastVerifiedDate: true,
  expiresOn: true,
  isActive: true,
  loginUrl: true,
  password: true,
  twoFactorBackupCodes: true,
  apiKeys: true,
  creator: { select: { brandName: true } },
} as const;

type MetaRow = {
  id: string;
  creatorId: string;
  platformName: string;
  accountIdentifier: string;
  notes: string | null;
  lastVerifiedDate: Date | null;
  expiresOn: Date | null;
  isActive: boolean;
  loginUrl: string | null;
  password: string | null;
  twoFactorBackupCodes: string | null;
  apiKeys: string | null;
  creator: { brandName: string };
};

function toMeta(fernet: MultiFernet, r: MetaRow): CredentialMeta {
  return {
    id: r.id,
    creatorId: r.creatorId,
    brandName: r.creator.brandName,
    platformName: r.platformName,
    accountIdentifier: r.accountIdentifier,
    notes: r.notes,
    lastVerifiedDate: fromDbDate(r.lastVerifiedDate),
    expiresOn: fromDbDate(r.expiresOn),
    isActive: r.isActive,
    secretsSet: secretsPresent(fernet, tokensOf(r)),
  };
}

/** The row under the seed's column names, for audit snapshots and diffs (secrets as tokens: masked by the audit fns). */
function columns(r: MetaRow): Record<string, unknown> {
  return {
    creator_id: r.creatorId,
    platform_name: r.platformName,
    account_identifier: r.accountIdentifier,
    login_url: r.loginUrl,
    password: r.password,
    two_factor_backup_codes: r.twoFactorBackupCodes,
    api_keys: r.apiKeys,
    notes: r.notes,
    last_verified_date: fromDbDate(r.lastVerifiedDate),
    expires_on: fromDbDate(r.expiresOn),
    is_active: r.isActive,
  };
}

const display = (m: Pick<CredentialMeta, "platformName" | "accountIdentifier" | "brandName">) => `${m.platformName} · ${m.accountIdentifier} (${m.brandName})`;

const duplicate = () =>
  invalid("That credential already exists.", {
    account_identifier: "This creator already has a credential for this platform and account.",
  });

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === "P2002" || /Unique constraint failed|duplicate key value/i.test(String((e as Error)?.message ?? ""));
}

export function createVaultService(deps: { db: Db; fernet: MultiFernet }) {
  const { db, fernet } = deps;

  return {
    /** A creator's credentials (metadata only) with the last reveal receipt of each. */
    async list(
      creatorId: string,
    ): Promise<{ creator: { id: string; brandName: string }; credentials: CredentialMeta[]; receipts: Map<string, RevealReceipt> } | null> {
      const creator = await db.creator.findUnique({ where: { id: creatorId }, select: { id: true, brandName: true } });
      if (!creator) return null;
      const rows = await db.creatorCredential.findMany({
        where: { creatorId },
        select: metaSelect,
        orderBy: [{ isActive: "desc" }, { platformName: "asc" }, { accountIdentifier: "asc" }],
      });
      const credentials = rows.map((r) => toMeta(fernet, r));
      const reveals = await db.revealRequest.findMany({
        where: { credentialId: { in: credentials.map((c) => c.id) }, status: "REVEALED" },
        orderBy: { revealedAt: "desc" },
        distinct: ["credentialId"],
        select: {
          credentialId: true,
          requesterSlackId: true,
          decidedAt: true,
          revealedAt: true,
          decidedBy: { select: { slackUser: { select: { slackUserId: true } } } },
        },
      });
      const receipts = new Map<string, RevealReceipt>(
        reveals
          .filter((r) => r.revealedAt)
          .map((r) => [
            r.credentialId,
            {
              requesterSlackId: r.requesterSlackId,
              deciderSlackId: r.decidedBy?.slackUser?.slackUserId ?? null,
              decidedAt: r.decidedAt,
              revealedAt: r.revealedAt!,
            },
          ]),
      );
      return { creator, credentials, receipts };
    },

    /** The viewer's unused approvals (credential id -> request id), so a list can offer `Reveal once`. */
    async grantsOf(userId: number | null, credentialIds: readonly string[]): Promise<Map<string, string>> {
      if (userId === null || credentialIds.length === 0) return new Map();
      // Only approvals still claimable: a credential changed since (even outside the bot) offers Request reveal again.
      const rows = await db.$queryRaw<{ credential_id: string; id: string }[]>`
        SELECT DISTINCT ON (r.credential_id) r.credential_id::text AS credential_id, r.id::text AS id
          FROM wl_reveal_request r JOIN studio_crm_creatorcredential c ON c.id = r.credential_id
         WHERE r.requester_id = ${userId}::int AND r.status = 'APPROVED' AND r.expires_at > now()
           AND r.credential_id = ANY(${credentialIds as string[]}::uuid[])
           AND r.credential_version = ${CREDENTIAL_VERSION}
         ORDER BY r.credential_id, r.expires_at DESC`;
      return new Map(rows.map((r) => [r.credential_id, r.id]));
    },

    async get(credentialId: string): Promise<CredentialMeta | null> {
      const r = await db.creatorCredential.findUnique({ where: { id: credentialId }, select: metaSelect });
      return r ? toMeta(fernet, r) : null;
    },

    async creator(creatorId: string): Promise<{ id: string; brandName: string } | null> {
      return db.creator.findUnique({ where: { id: creatorId }, select: { id: true, brandName: true } });
    },

    /** Audits a read (a list or an opened form): every handled request leaves a trace. */
    async auditView(actor: Actor, target: { model: string; id: string; display: string }, notes: string): Promise<void> {
      await writeAudit(db, actor, { action: "VIEW", targetModel: target.model, targetId: target.id, targetDisplay: target.display, notes });
    },

    /**
     * Adds a credential. Secrets are encrypted before they reach the database; the audit row
     * carries them only as "[encrypted]". A duplicate (creator, platform, account) is an inline error.
     */
    async create(actor: Actor, creatorId: string, form: CredentialForm): Promise<CredentialMeta> {
      const tokens = encryptSecrets(fernet, form);
      try {
        return await audited(db, actor, async (tx) => {
          const creator = await tx.creator.findUnique({ where: { id: creatorId }, select: { id: true } });
          if (!creator) throw notFound("That creator doesn't exist (any more).");
          const row = await tx.creatorCredential.create({
            data: {
              creatorId,
              createdById: actor.userId,
              platformName: form.platform_name,
              accountIdentifier: form.account_identifier,
              loginUrl: tokens.login_url ?? null,
              password: tokens.password ?? null,
              twoFactorBackupCodes: tokens.two_factor_backup_codes ?? null,
              apiKeys: tokens.api_keys ?? null,
              notes: form.notes,
              lastVerifiedDate: form.last_verified_date ? toDbDate(form.last_verified_date) : null,
              expiresOn: form.expires_on ? toDbDate(form.expires_on) : null,
            },
            select: metaSelect,
          });
          const meta = toMeta(fernet, row);
          return {
            result: meta,
            audit: {
              action: "CREATE",
              targetModel: "CreatorCredential",
              targetId: row.id,
              targetDisplay: display(meta),
              changes: snapshot(columns(row), SECRET_FIELDS),
            },
          };
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw duplicate();
        throw e;
      }
    },

    /**
     * Admin edit. A secret left empty keeps its value; a changed secret is audited only as
     * changed. An approval is for one version of a credential: a new secret, account or
     * platform ends every open request and unused approval of it in the same transaction
     * (returned, so their messages can say why). Notes and dates leave them alone.
     */
    async update(actor: Actor, credentialId: string, form: CredentialForm): Promise<{ meta: CredentialMeta; changed: string[]; endedRequests: string[] }> {
      const provided = SECRET_FIELDS.filter((f) => form[f] != null);
      const tokens = encryptSecrets(fernet, Object.fromEntries(provided.map((f) => [f, form[f]])));
      try {
        return await audited(db, actor, async (tx) => {
          const before = await tx.creatorCredential.findUnique({ where: { id: credentialId }, select: metaSelect });
          if (!before) throw notFound("That credential doesn't exist (any more).");
          const after = await tx.creatorCredential.update({
            where: { id: credentialId },
            data: {
              platformName: form.platform_name,
              accountIdentifier: form.account_identifier,
              notes: form.notes,
              lastVerifiedDate: form.last_verified_date ? toDbDate(form.last_verified_date) : null,
              expiresOn: form.expires_on ? toDbDate(form.expires_on) : null,
              ...Object.fromEntries(provided.map((f) => [SECRET_PROPS[f], tokens[f] ?? null])),
            },
            select: metaSelect,
          });
          const nonSecret = (r: MetaRow) => Object.fromEntries(Object.entries(columns(r)).filter(([k]) => !(SECRET_FIELDS as readonly string[]).includes(k)));
          const changes: Record<string, unknown> = diffChanges(nonSecret(before), nonSecret(after));
          // A re-entered secret counts as changed even if it is the same: comparing would mean decrypting.
          for (const f of provided) changes[f] = { changed: true };
          const versioned = ["platform_name", "account_identifier", ...SECRET_FIELDS].filter((k) => k in changes);
          const endedRequests = versioned.length ? await expireOpenRequests(tx, actor, { credentialId, reason: "credential_changed", changed: versioned }) : [];
          const meta = toMeta(fernet, after);
          return {
            result: { meta, changed: Object.keys(changes), endedRequests },
            audit: {
              action: "UPDATE",
              targetModel: "CreatorCredential",
              targetId: credentialId,
              targetDisplay: display(meta),
              changes,
              notes: Object.keys(changes).length ? null : "saved without changes",
            },
          };
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw duplicate();
        throw e;
      }
    },

    /**
     * Deactivates a credential (one conditional write) and expires its open reveal requests in
     * the same transaction: a retired or compromised login must not be revealable afterwards.
     */
    async deactivate(actor: Actor, credentialId: string): Promise<{ meta: CredentialMeta; expiredRequests: string[] }> {
      return audited(db, actor, async (tx) => {
        const n = await tx.creatorCredential.updateMany({ where: { id: credentialId, isActive: true }, data: { isActive: false } });
        const row = await tx.creatorCredential.findUnique({ where: { id: credentialId }, select: metaSelect });
        if (!row) throw notFound("That credential doesn't exist (any more).");
        if (n.count === 0) throw new AppError(ErrorCode.Conflict, { userMessage: "That credential is already deactivated." });
        const expiredRequests = await expireOpenRequests(tx, actor, { credentialId, reason: "credential_deactivated" });
        const meta = toMeta(fernet, row);
        return {
          result: { meta, expiredRequests },
          audit: {
            action: "UPDATE",
            targetModel: "CreatorCredential",
            targetId: credentialId,
            targetDisplay: display(meta),
            changes: { is_active: { from: true, to: false } },
          },
        };
      });
    },
  };
}
