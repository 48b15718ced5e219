import type { KnownBlock, ModalView, PlainTextOption } from "@slack/types";
import { esc } from "../../slack/mrkdwn.js";
import { DIGEST_SETTINGS_VIEW, SETTINGS_BLOCKS, SETTINGS_LABELS } from "./settings-ids.js";
import type { DigestSettings } from "./settings-types.js";

// The `/wl digest settings` modal: data in, Block Kit out.

const option = (text: string, value: string): PlainTextOption => ({ text: { type: "plain_text", text }, value });

const SCOPE_OPTIONS = [option(SETTINGS_LABELS.scopeAll, "all"), option(SETTINGS_LABELS.scopeFollowed, "followed")];
const ENABLED_OPTIONS = [option(SETTINGS_LABELS.enabledOn, "on"), option(SETTINGS_LABELS.enabledOff, "off")];

/**
 * The form, filled with the saved settings, or (first time) the defaults: the channel digest's
 * time and the time zone on the manager's Slack profile. `saved` says which it is.
 */
export function settingsModal(current: DigestSettings, saved: boolean): ModalView {
  const pick = (opts: PlainTextOption[], value: string) => opts.find((o) => o.value === value) ?? opts[0]!;
  const intro = saved
    ? "Your digest goes to you by DM at the time below, in your time zone, once a day."
    : "You get the digest by DM with the channel's. Save this to get it at your own time instead, or to stop it.";
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: intro } },
    {
      type: "input",
      block_id: SETTINGS_BLOCKS.time,
      label: { type: "plain_text", text: "Time" },
      element: { type: "timepicker", action_id: SETTINGS_BLOCKS.time, initial_time: current.time },
    },
    {
      type: "input",
      block_id: SETTINGS_BLOCKS.tz,
      label: { type: "plain_text", text: "Time zone" },
      hint: { type: "plain_text", text: "A name like Europe/London or America/New_York." },
      element: { type: "plain_text_input", action_id: SETTINGS_BLOCKS.tz, initial_value: current.tz, max_length: 64 },
    },
    {
      type: "input",
      block_id: SETTINGS_BLOCKS.scope,
      label: { type: "plain_text", text: "Creators" },
      element: { type: "radio_buttons", action_id: SETTINGS_BLOCKS.scope, options: SCOPE_OPTIONS, initial_option: pick(SCOPE_OPTIONS, current.scope) },
    },
    {
      type: "input",
      block_id: SETTINGS_BLOCKS.enabled,
      label: { type: "plain_text", text: "Digest" },
      element: {
        type: "radio_buttons",
        action_id: SETTINGS_BLOCKS.enabled,
        options: ENABLED_OPTIONS,
        initial_option: pick(ENABLED_OPTIONS, current.enabled ? "on" : "off"),
      },
    },
  ];
  return {
    type: "modal",
    callback_id: DIGEST_SETTINGS_VIEW,
    title: { type: "plain_text", text: SETTINGS_LABELS.title },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks,
  };
}

/** What the manager is told after saving. */
export function savedText(s: DigestSettings): string {
  if (!s.enabled) return "Saved: you will not get a personal digest. The channel digest is unchanged; `/wl digest settings` turns yours back on.";
  const who = s.scope === "followed" ? "the creators you follow (the Follow button on a creator's card)" : "all creators";
  return `Saved: your digest comes by DM at *${s.time}* (${esc(s.tz)}) each day, about ${who}.`;
}
