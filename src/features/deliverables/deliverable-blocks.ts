import type { KnownBlock, ModalView } from "@slack/types";
import { ACTIONS, LABELS, SLASH_COMMAND, VIEWS } from "../../slack/ids.js";
import { esc, LIMITS, plain, truncate } from "../../slack/mrkdwn.js";
import { DELIVERABLE_TYPES, TEMPLATES } from "./deliverable-prompts.js";
import { DELIVERABLE_USAGE, markdownToMrkdwn, splitText } from "./deliverable-fns.js";
import { stripRepeatedTitle } from "./deliverable-progress-fns.js";

// Every Slack surface of the deliverables feature. Pure: data in, blocks out.

export type Msg = { text: string; blocks?: KnownBlock[] };
type About = { id: string; label: string; brandName: string };

export const NOT_CONFIGURED = "AI deliverables are not configured on this bot (ANTHROPIC_API_KEY is not set). Ask an admin to set it up.";

export function usageText(badType?: string): string {
  const types = DELIVERABLE_TYPES.map((t) => `\`${t}\``).join(", ");
  const lead = badType ? `I don't know the deliverable type “${esc(plain(badType, 40))}”. ` : "";
  return `${lead}Usage: \`${SLASH_COMMAND} ${DELIVERABLE_USAGE}\`. Types: ${types}.`;
}

function regenerateButton(id: string): KnownBlock {
  return {
    type: "actions",
    block_id: `deliverable_${id}`,
    elements: [{ type: "button", action_id: ACTIONS.deliverableRegenerate, text: { type: "plain_text", text: LABELS.regenerate }, value: id }],
  };
}

export function workingOn(a: { label: string; brandName: string }): Msg {
  const text = `Working on it: a *${esc(a.label)}* for *${esc(a.brandName)}*. Follow Claude's progress in your DM with me; the document arrives there when it's done (usually a minute or two).`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

/** A short result, in the DM itself. */
export function resultMessage(a: About & { content: string; model: string }): Msg {
  // The header below is the title: a first line of the model's that repeats it would show twice.
  const sections = splitText(markdownToMrkdwn(stripRepeatedTitle(a.content, a)), LIMITS.sectionText);
  const room = LIMITS.messageBlocks - 3;
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: plain(`${a.label}: ${a.brandName}`, LIMITS.headerText) } },
    ...sections.slice(0, room).map((t): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: t } })),
    { type: "context", elements: [{ type: "mrkdwn", text: `Written by ${esc(a.model)} from the studio's data. Check facts before sharing.` }] },
    regenerateButton(a.id),
  ];
  return { text: `${a.label} for ${esc(a.brandName)}`, blocks };
}

/** A long result went up as a file; this points at it. */
export function fileDeliveredMessage(a: About & { fileUrl: string | null; model: string }): Msg {
  const link = a.fileUrl ? ` <${a.fileUrl}|Open the file>.` : "";
  const text = `Your *${esc(a.label)}* for *${esc(a.brandName)}* is ready: it was long, so it's attached as a Markdown file.${link}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      { type: "context", elements: [{ type: "mrkdwn", text: `Written by ${esc(a.model)} from the studio's data. Check facts before sharing.` }] },
      regenerateButton(a.id),
    ],
  };
}

export function failedMessage(a: About & { reason: string }): Msg {
  const text = `I couldn't finish the *${esc(a.label)}* for *${esc(a.brandName)}*: ${esc(a.reason)}\nThe request is kept; press *${LABELS.regenerate}* to try again.`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } }, regenerateButton(a.id)] };
}

/** The DM when a finished deliverable could not be posted: it is safe in the database. */
export function deliveryFallbackText(a: About): string {
  return `Your ${esc(a.label)} for ${esc(a.brandName)} is ready, but I couldn't post it here. Ask an admin to retrieve deliverable ${a.id}.`;
}

export function tooManyOpen(max: number): string {
  return `You already have ${max} deliverables being written. Wait for one to arrive, then ask again.`;
}

/** The `Deliverable` button's modal: pick a type. `brandName` null while the creator loads. */
export function pickModal(a: { creatorId: string; brandName: string | null }): ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.deliverablePick,
    private_metadata: JSON.stringify({ creatorId: a.creatorId }),
    title: { type: "plain_text", text: "AI deliverable" },
    submit: { type: "plain_text", text: "Generate" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: a.brandName
            ? `Claude writes it from *${esc(a.brandName)}*'s data in the CRM (never credentials or private notes) and sends it to you in a DM.`
            : "Claude writes it from the creator's data in the CRM (never credentials or private notes) and sends it to you in a DM.",
        },
      },
      {
        type: "input",
        block_id: "deliverable_type",
        label: { type: "plain_text", text: "Type" },
        element: {
          type: "static_select",
          action_id: "deliverable_type",
          placeholder: { type: "plain_text", text: "Choose a deliverable" },
          options: DELIVERABLE_TYPES.map((t) => ({ text: { type: "plain_text", text: plain(TEMPLATES[t].label, LIMITS.optionText) }, value: t })),
        },
      },
    ],
  };
}

export function creatorGoneModal(): ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.loading,
    title: { type: "plain_text", text: "AI deliverable" },
    close: { type: "plain_text", text: "Close" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: "That creator no longer exists." } }],
  };
}
