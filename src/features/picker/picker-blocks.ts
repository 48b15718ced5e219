import type { ExternalSelect, KnownBlock, ModalView, PlainTextElement } from "@slack/types";
import { PICKER } from "../../slack/ids.js";
import { esc, truncate } from "../../slack/mrkdwn.js";
import type { ReplyMessage } from "../../slack/router.js";
import { fromSlackText } from "./picker-fns.js";
import type { LoggedContact } from "./picker-types.js";

const text = (t: string): PlainTextElement => ({ type: "plain_text", text: t });

/** The search-as-you-type creator picker element (options from the creator_pick options route). */
export function creatorPickerElement(): ExternalSelect {
  return { type: "external_select", action_id: PICKER.creatorPick, placeholder: text("Type a brand, name, email or handle"), min_query_length: 1 };
}

/** The picker as a form input: every form that asks for a creator uses this. */
export function creatorPickerInput(label = "Creator"): KnownBlock {
  return { type: "input", block_id: PICKER.creatorBlock, label: text(label), element: creatorPickerElement() };
}

/** The picker in a message (where a `<creator>` matched several or none): picking opens the card. */
export function creatorPickerActions(): KnownBlock {
  return { type: "actions", block_id: PICKER.searchBlock, elements: [creatorPickerElement()] };
}

/** "Find a creator": pick one, and its card comes by DM. */
export function findCreatorModal(): ModalView {
  return {
    type: "modal",
    callback_id: PICKER.findCreator,
    title: text("Find a creator"),
    submit: text("Open card"),
    close: text("Cancel"),
    blocks: [creatorPickerInput()],
  };
}

/** "Log to creator": the message (user text, escaped), the picker and an optional note. */
export function logToCreatorModal(messageText: string): ModalView {
  const quoted = messageText ? esc(truncate(fromSlackText(messageText), 600)).replace(/^/gm, "> ") : "_(a message with no text)_";
  return {
    type: "modal",
    callback_id: PICKER.logToCreator,
    title: text("Log to creator"),
    submit: text("Log"),
    close: text("Cancel"),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: quoted } },
      creatorPickerInput(),
      {
        type: "input",
        block_id: PICKER.noteBlock,
        optional: true,
        label: text("Note"),
        element: { type: "plain_text_input", action_id: PICKER.noteBlock, multiline: true, max_length: 1000 },
      },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: "The message is kept as a contact note (with its link), and the creator's last contact becomes today." }],
      },
    ],
  };
}

/** The DM after a message was logged. */
export function loggedMessage(r: LoggedContact): ReplyMessage {
  const who = `${esc(r.creator.brandName)} (${esc(r.creator.creatorName)})`;
  const t = `📝 Logged <${esc(r.permalink)}|that message> to *${who}*: last contacted ${r.lastContacted.to}, health ${r.score}.`;
  return { text: t, blocks: [{ type: "section", text: { type: "mrkdwn", text: t } }] };
}
