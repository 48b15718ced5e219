import type { KnownBlock, ModalView, Button, ActionsBlock } from "@slack/types";
import { ACTIONS, LABELS, VIEWS } from "../../slack/ids.js";
import { esc, plain, truncate, LIMITS } from "../../slack/mrkdwn.js";
import { SECRET_FIELDS, SECRET_LABELS, type SecretField } from "./vault-fns.js";
import type { CredentialMeta, RevealReceipt } from "./vault-service.js";
import type { RequestView } from "./reveal-request-view.js";

// Pure renderers. Nothing here sees a secret except revealBlocks, whose output goes only to
// the requester's ephemeral response_url.

export type Msg = { text: string; blocks: KnownBlock[] };

/** A timestamp every viewer sees in their own time zone (the fallback is UTC). */
/** A time of day in the reader's own time zone ("Revealed at 14:05"). */
export function timeOf(d: Date): string {
  return `<!date^${Math.floor(d.getTime() / 1000)}^{time}|${d.toISOString().slice(11, 16)} UTC>`;
}

export function when(d: Date): string {
  const unix = Math.floor(d.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} at {time}|${d.toISOString().slice(0, 16).replace("T", " ")} UTC>`;
}

const user = (slackId: string | null, fallback = "someone") => (slackId && /^[UW][A-Z0-9]+$/.test(slackId) ? `<@${slackId}>` : esc(fallback));
const button = (text: string, action_id: string, value: string, style?: "primary" | "danger"): Button => ({
  type: "button",
  text: { type: "plain_text", text: plain(text, LIMITS.buttonText) },
  action_id,
  value,
  ...(style ? { style } : {}),
});
const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } });
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text: truncate(text, LIMITS.sectionText) }] });

const credTitle = (c: { platformName: string; accountIdentifier: string }) => `*${esc(c.platformName)}* · ${esc(c.accountIdentifier)}`;

/** "*Instagram* · @acct (Brand)", escaped, for confirmations. */
export const credentialLabel = (c: { platformName: string; accountIdentifier: string; brandName: string }) => `${credTitle(c)} (${esc(c.brandName)})`;

// Each credential takes up to 3 blocks; 15 leaves room for the header and footer under Slack's 50.
const MAX_LISTED = 15;

export function receiptLine(r: RevealReceipt): string {
  return `Last revealed to ${user(r.requesterSlackId)} ${when(r.revealedAt)}, approved by ${user(r.deciderSlackId)}${r.decidedAt ? ` ${when(r.decidedAt)}` : ""}.`;
}

/** `/wl creds`: metadata only, never a secret. */
export function credentialListBlocks(
  creator: { id: string; brandName: string },
  creds: readonly CredentialMeta[],
  receipts: ReadonlyMap<string, RevealReceipt>,
  opts: { isAdmin: boolean; grants?: ReadonlyMap<string, string> },
): Msg {
  const text = `Credentials for ${esc(creator.brandName)}`;
  const blocks: KnownBlock[] = [section(`*${text}*${creds.length ? "" : "\nNone yet."}`)];
  for (const c of creds.slice(0, MAX_LISTED)) {
    const dates = [
      `verified ${c.lastVerifiedDate ?? "never"}`,
      c.expiresOn ? `expires ${c.expiresOn}` : null,
      c.secretsSet.length ? `holds: ${c.secretsSet.map((f) => SECRET_LABELS[f]).join(", ")}` : "no secrets stored",
    ].filter(Boolean);
    blocks.push(section(`${credTitle(c)}${c.isActive ? "" : "  _deactivated_"}\n${dates.join(" · ")}`));
    const receipt = receipts.get(c.id);
    if (receipt) blocks.push(context(receiptLine(receipt)));
    const buttons: Button[] = [];
    // The viewer's own unused approval: the list (an ephemeral message) can carry the reveal.
    const grant = c.isActive ? opts.grants?.get(c.id) : undefined;
    if (grant) buttons.push(button(LABELS.revealOnce, ACTIONS.revealOnce, grant, "primary"));
    else if (c.isActive) buttons.push(button(LABELS.requestReveal, ACTIONS.revealRequest, c.id, "primary"));
    if (opts.isAdmin) {
      buttons.push(button(LABELS.edit, ACTIONS.credentialEdit, c.id));
      if (c.isActive) {
        buttons.push({
          ...button(LABELS.deactivate, ACTIONS.credentialDeactivate, c.id, "danger"),
          confirm: {
            title: { type: "plain_text", text: "Deactivate credential?" },
            text: { type: "mrkdwn", text: truncate(`${credTitle(c)} can no longer be revealed, and its open reveal requests expire.`, 300) },
            confirm: { type: "plain_text", text: LABELS.deactivate },
            deny: { type: "plain_text", text: "Cancel" },
            style: "danger",
          },
        });
      }
    }
    if (buttons.length) blocks.push({ type: "actions", block_id: `cred_${c.id}`, elements: buttons } as ActionsBlock);
  }
  if (creds.length > MAX_LISTED) blocks.push(context(`${creds.length - MAX_LISTED} more not shown.`));
  blocks.push({ type: "actions", block_id: "cred_add", elements: [button(LABELS.addCredential, ACTIONS.credentialAdd, creator.id)] });
  return { text, blocks };
}

const input = (
  id: string,
  label: string,
  opts: { optional?: boolean; multiline?: boolean; initial?: string | null; hint?: string; placeholder?: string; max?: number } = {},
): KnownBlock => ({
  type: "input",
  block_id: id,
  optional: opts.optional ?? true,
  label: { type: "plain_text", text: label },
  ...(opts.hint ? { hint: { type: "plain_text", text: opts.hint } } : {}),
  element: {
    type: "plain_text_input",
    action_id: id,
    multiline: opts.multiline ?? false,
    ...(opts.max ? { max_length: opts.max } : {}),
    ...(opts.initial ? { initial_value: opts.initial } : {}),
    ...(opts.placeholder ? { placeholder: { type: "plain_text", text: opts.placeholder } } : {}),
  },
});

const dateInput = (id: string, label: string, initial: string | null): KnownBlock => ({
  type: "input",
  block_id: id,
  optional: true,
  label: { type: "plain_text", text: label },
  element: { type: "datepicker", action_id: id, ...(initial ? { initial_date: initial } : {}) },
});

/** Add (creator known) or Edit (credential known) form; block_id = action_id = column name. */
export function credentialModal(
  mode: "add" | "edit",
  meta: { creatorId?: string; credentialId?: string },
  current?: CredentialMeta,
  brandName?: string,
): ModalView {
  const keep = mode === "edit" ? "Leave empty to keep the current value." : undefined;
  const secretHint = (f: SecretField) =>
    mode === "edit" ? `${current?.secretsSet.includes(f) ? "Set." : "Not set."} ${keep}` : "Encrypted at rest; shown only through an approved reveal.";
  return {
    type: "modal",
    callback_id: mode === "add" ? VIEWS.credentialAdd : VIEWS.credentialEdit,
    private_metadata: JSON.stringify(meta),
    title: { type: "plain_text", text: mode === "add" ? "Add credential" : "Edit credential" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      ...(brandName ? [context(`Creator: *${esc(brandName)}*`)] : []),
      input("platform_name", "Platform", { optional: false, initial: current?.platformName, placeholder: "Instagram Business", max: 100 }),
      input("account_identifier", "Account", {
        optional: false,
        initial: current?.accountIdentifier,
        placeholder: "Username or email used to log in",
        max: 200,
      }),
      input("login_url", "Login URL", { hint: secretHint("login_url"), placeholder: "https://…", max: 2000 }),
      input("password", "Password", { hint: secretHint("password"), max: 3000 }),
      input("two_factor_backup_codes", "2FA backup codes", { multiline: true, hint: secretHint("two_factor_backup_codes"), max: 3000 }),
      input("api_keys", "API keys (JSON)", { multiline: true, hint: secretHint("api_keys"), placeholder: '{"key": "…"}', max: 3000 }),
      input("notes", "Notes", { multiline: true, initial: current?.notes, placeholder: "Access instructions (not secret)", max: 3000 }),
      dateInput("last_verified_date", "Last verified working", current?.lastVerifiedDate ?? null),
      dateInput("expires_on", "Password expires on", current?.expiresOn ?? null),
    ],
  };
}

/** The required reason; the credential line is filled in once it is looked up. */
export function reasonModal(credentialId: string, cred?: CredentialMeta): ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.revealReason,
    private_metadata: JSON.stringify({ id: credentialId }),
    title: { type: "plain_text", text: "Request reveal" },
    submit: { type: "plain_text", text: "Send request" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(cred ? `${credTitle(cred)} for *${esc(cred.brandName)}*` : "A credential's secrets"),
      context("An admin other than you must approve. Once approved you can reveal it once, briefly, and the reveal is audited."),
      {
        type: "input",
        block_id: "reason",
        label: { type: "plain_text", text: "Why do you need it?" },
        element: { type: "plain_text_input", action_id: "reason", multiline: true, max_length: 500 },
      },
    ],
  };
}

const requestLine = (v: RequestView) => `${user(v.requesterSlackId)} asks to reveal ${credTitle(v)} for *${esc(v.brandName)}*`;
const reasonLine = (v: RequestView) => `>${esc(v.reason).replace(/\n/g, "\n>")}`;

/** The outcome line shared by prompts, DMs and lists: who decided, when, and what became of it. */
export function outcomeLine(v: RequestView): string {
  const by = user(v.deciderSlackId, v.deciderName ?? "an admin");
  switch (v.status) {
    case "PENDING":
      return `Waiting for an admin${v.expiresAt ? ` (until ${when(v.expiresAt)})` : ""}.`;
    case "APPROVED":
      return `:white_check_mark: Approved by ${by}${v.decidedAt ? ` ${when(v.decidedAt)}` : ""}; not revealed yet${v.expiresAt ? ` (valid until ${when(v.expiresAt)})` : ""}.`;
    case "DENIED":
      return `:no_entry: Denied by ${by}${v.decidedAt ? ` ${when(v.decidedAt)}` : ""}.`;
    case "REVEALED":
      return `:white_check_mark: Approved by ${by}${v.decidedAt ? ` ${when(v.decidedAt)}` : ""} · :eyes: Revealed${v.revealedAt ? ` at ${timeOf(v.revealedAt)}` : ""} by ${user(v.requesterSlackId)} (once).`;
    case "CANCELLED":
      return ":heavy_multiplication_x: Cancelled by the requester.";
    case "EXPIRED": {
      const why = endedWhy(v);
      if (why)
        return v.decidedAt
          ? `:no_entry_sign: Approved by ${by} ${when(v.decidedAt)}, then ended unused: ${why}. Nothing was revealed.`
          : `:no_entry_sign: Ended without a decision: ${why}.`;
      return v.decidedAt ? `:hourglass: Approved by ${by} ${when(v.decidedAt)}, expired unused.` : ":hourglass: Expired without a decision.";
    }
  }
}

/** Why a request ended before its time, in words; null if time simply ran out. */
function endedWhy(v: Pick<RequestView, "endReason">): string | null {
  if (v.endReason === "credential_changed")
    return "the credential was changed (its secret, account or platform) after it was requested, so an approval would no longer match";
  if (v.endReason === "credential_deactivated") return "the credential was deactivated";
  return null;
}

/** Told to the admin whose edit ended open requests: they were for the credential as it was. */
export function endedNote(n: number): string {
  return n
    ? ` ${n === 1 ? "1 open reveal request or approval was" : `${n} open reveal requests or approvals were`} for the old version and ended; the requester${n === 1 ? " was" : "s were"} told.`
    : "";
}

/** A DM to a requester whose open request ended because the credential changed or was deactivated. */
export function endedText(v: RequestView): string {
  const why = endedWhy(v) ?? "it expired";
  return `Your request to reveal ${credTitle(v)} (${esc(v.brandName)}) ended: ${why}. Nothing was revealed. Use \`Request reveal\` again if you still need it.`;
}

/** The approval prompt (channel or DM): buttons while pending, the outcome and no buttons after. */
export function approvalPromptBlocks(v: RequestView): Msg {
  const text = `Reveal request: ${v.platformName} · ${v.accountIdentifier} (${v.brandName})`;
  const blocks: KnownBlock[] = [section(`:closed_lock_with_key: ${requestLine(v)}\n${reasonLine(v)}`)];
  if (v.status === "PENDING") {
    blocks.push({
      type: "actions",
      block_id: `reveal_${v.id}`,
      elements: [button(LABELS.approve, ACTIONS.revealApprove, v.id, "primary"), button(LABELS.deny, ACTIONS.revealDeny, v.id, "danger")],
    });
  }
  blocks.push(context(outcomeLine(v)));
  return { text: esc(plain(text, 150)), blocks };
}

/** The once-only reminder of a request still waiting: the prompt, headed by who asked for what and until when. */
export function reminderBlocks(v: RequestView): Msg {
  const prompt = approvalPromptBlocks(v);
  const until = v.expiresAt ? ` It expires ${when(v.expiresAt)}.` : "";
  const head = `:alarm_clock: *Reminder:* ${user(v.requesterSlackId)} is still waiting to reveal ${credentialLabel(v)}.${until}`;
  const text = `Reminder: reveal request for ${v.platformName} · ${v.accountIdentifier} (${v.brandName}) is still waiting${v.expiresAt ? ` until ${v.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : ""}`;
  return { text: esc(plain(text, 200)), blocks: [section(head), ...prompt.blocks] };
}

/** `/wl approvals`. */
export function pendingListBlocks(views: readonly RequestView[], total: number, viewerUserId: number | null): Msg {
  if (views.length === 0) return { text: "No reveal requests are waiting.", blocks: [section("No reveal requests are waiting. :tada:")] };
  const blocks: KnownBlock[] = [section(`*Reveal requests waiting* (${total})`)];
  for (const v of views) {
    blocks.push(section(`${requestLine(v)} · asked ${when(v.createdAt)}\n${reasonLine(v)}`));
    if (v.requesterId === viewerUserId) {
      blocks.push(context("Your own request: another admin has to decide it."));
      continue;
    }
    blocks.push({
      type: "actions",
      block_id: `reveal_${v.id}`,
      elements: [button(LABELS.approve, ACTIONS.revealApprove, v.id, "primary"), button(LABELS.deny, ACTIONS.revealDeny, v.id, "danger")],
    });
  }
  if (total > views.length) blocks.push(context(`${total - views.length} more; decide these first.`));
  return { text: `${total} reveal request(s) waiting`, blocks };
}

/** The requester's "request sent" reply, with `Cancel request` while it waits. */
export function requestSentBlocks(v: RequestView, notified: number, channel: string | undefined): Msg {
  const text = requestSentText(v, notified, channel);
  return {
    text,
    blocks: [
      section(text),
      { type: "actions", block_id: `reveal_cancel_${v.id}`, elements: [button(LABELS.cancelRequest, ACTIONS.revealCancel, v.id, "danger")] },
    ],
  };
}

/** The requester's message once they cancelled: it replaces the one holding the button. */
export function cancelledText(v: RequestView): string {
  return `You cancelled your request to reveal ${credTitle(v)} (${esc(v.brandName)}); the admins' prompts now say so.`;
}

export function requestSentText(v: RequestView, notified: number, channel: string | undefined): string {
  const where = channel ? `in <#${channel}>` : `to ${notified} admin${notified === 1 ? "" : "s"}`;
  if (!channel && notified === 0) {
    return `Your request to reveal ${credTitle(v)} (${esc(v.brandName)}) is recorded, but there is no other admin to approve it yet. An admin can find it with \`/wl approvals\`.`;
  }
  return `Your request to reveal ${credTitle(v)} (${esc(v.brandName)}) was sent ${where}. I'll message you when it's decided.`;
}

/**
 * The requester's DM after approval, kept (and later updated into the receipt). It has no
 * button: the button lives in an ephemeral message (revealOfferBlocks), because only a message
 * that is itself ephemeral can be replaced by the secret and later removed through its
 * response_url. A secret must never replace a stored message.
 */
export function grantBlocks(v: RequestView, revealTtlSeconds: number): Msg {
  const outcome =
    v.status === "DENIED"
      ? "denied"
      : v.status === "CANCELLED"
        ? "cancelled"
        : v.status === "EXPIRED"
          ? v.endReason === "credential_changed"
            ? "ended: the credential was changed"
            : v.endReason
              ? "ended: the credential was deactivated"
              : "not used in time"
          : "approved";
  const text = `Your reveal request for ${v.platformName} · ${v.accountIdentifier} was ${outcome}`;
  const blocks: KnownBlock[] = [section(`${credTitle(v)} for *${esc(v.brandName)}*\n${outcomeLine(v)}`)];
  if (v.status === "APPROVED") {
    blocks.push(
      context(
        `Use the \`${LABELS.revealOnce}\` button below, shown only to you. If it's gone (Slack drops such messages on reload), run \`/wl creds ${esc(plain(v.brandName, 100))}\` to get it again. The secret is removed ${revealTtlSeconds} seconds after it is shown.`,
      ),
    );
  }
  return { text: esc(plain(text, 150)), blocks };
}

/** The ephemeral message holding `Reveal once`; the click replaces it with the secret. */
export function revealOfferBlocks(v: RequestView, revealTtlSeconds: number): Msg {
  return {
    text: esc(plain(`Reveal ${v.platformName} · ${v.accountIdentifier} once`, 150)),
    blocks: [
      section(`${credTitle(v)} for *${esc(v.brandName)}*\n${outcomeLine(v)}`),
      context(`Shown here, once, only to you, and removed after ${revealTtlSeconds} seconds. Don't paste it anywhere else.`),
      { type: "actions", block_id: `grant_${v.id}`, elements: [button(LABELS.revealOnce, ACTIONS.revealOnce, v.id, "primary")] },
    ],
  };
}

export function deniedText(v: RequestView): string {
  return `Your request to reveal ${credTitle(v)} (${esc(v.brandName)}) was denied by ${user(v.deciderSlackId, v.deciderName ?? "an admin")}.`;
}

export function decidedAck(v: RequestView): string {
  return `${v.status === "APPROVED" ? "Approved" : "Denied"}: ${credTitle(v)} for ${user(v.requesterSlackId)}. ${outcomeLine(v)}`;
}

// rich_text text elements are shown verbatim (no mrkdwn parsing, so no escaping needed and no
// injection); long values are split so no element exceeds Slack's text limits.
const CHUNK = 2_900;
function verbatim(value: string): KnownBlock {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += CHUNK) parts.push(value.slice(i, i + CHUNK));
  return { type: "rich_text", elements: parts.map((p) => ({ type: "rich_text_preformatted", elements: [{ type: "text", text: p }] })) } as KnownBlock;
}

/** THE ONLY renderer of plaintext secrets. Its output may go nowhere but an ephemeral response. */
export function revealBlocks(v: RequestView, values: Readonly<Record<SecretField, string | null>>, notes: string | null, ttlSeconds: number): Msg {
  const text = `Credential for ${v.platformName} · ${v.accountIdentifier} (shown once, removed in ${ttlSeconds} s)`;
  const blocks: KnownBlock[] = [section(`:closed_lock_with_key: ${credTitle(v)} for *${esc(v.brandName)}*`)];
  for (const f of SECRET_FIELDS) {
    const value = values[f];
    if (value == null) continue;
    blocks.push(context(`*${SECRET_LABELS[f]}*`));
    blocks.push(verbatim(value));
  }
  if (SECRET_FIELDS.every((f) => values[f] == null)) blocks.push(section("_No secrets are stored for this credential._"));
  if (notes) blocks.push(context(`Notes: ${esc(notes)}`));
  blocks.push(context(`Shown once, only to you. This message is removed after ${ttlSeconds} seconds. ${outcomeLine(v)}`));
  return { text: esc(plain(text, 150)), blocks };
}

export function decryptFailedText(): string {
  return "This credential's secrets could not be decrypted with any configured key, so nothing was shown. This was recorded; ask an admin to check `FIELD_ENCRYPTION_KEY`.";
}
