import { notFound } from "../../../errors.js";
import type { Actor } from "../../../identity/actor.js";
import { hasRole } from "../../../identity/roles.js";
import type { Answer, ReplyMessage } from "../../../slack/router.js";
import { credentialListBlocks } from "../vault-blocks.js";
import type { VaultHandlerDeps } from "./types.js";

/** A creator's credentials, metadata only (never a secret), each with `Request reveal`. */
export async function credentialListAnswer(
  deps: Pick<VaultHandlerDeps, "vault">,
  actor: Actor,
  creatorId: string,
  opts: { replace?: boolean; note?: string } = {},
): Promise<Answer> {
  const data = await deps.vault.list(creatorId);
  if (!data) throw notFound("That creator doesn't exist (any more).");
  const grants = await deps.vault.grantsOf(
    actor.userId,
    data.credentials.map((c) => c.id),
  );
  const msg = credentialListBlocks(data.creator, data.credentials, data.receipts, { isAdmin: hasRole(actor.role, "admin"), grants });
  if (opts.note) msg.blocks.unshift({ type: "section", text: { type: "mrkdwn", text: opts.note } });
  const reply: ReplyMessage = { ...msg, ...(opts.replace ? { replace_original: true } : {}) };
  return {
    reply,
    shown: `listed ${data.credentials.length} credential(s), metadata only`,
    target: { targetModel: "Creator", targetId: creatorId, targetDisplay: `/wl creds ${data.creator.brandName}` },
  };
}
