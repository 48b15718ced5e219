import type { KnownBlock } from "@slack/types";
import type { Role } from "../../identity/roles.js";
import { SLASH_COMMAND } from "../../slack/ids.js";
import { esc } from "../../slack/mrkdwn.js";

export type HelpLine = { usage: string; description: string; minRole: Role };

export function helpBlocks(lines: HelpLine[], role: Role | null): { text: string; blocks: KnownBlock[] } {
  if (!role) {
    const text = "You don't have access to the Wavelaunch bot yet. Ask an admin for access.";
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  }
  const body = lines.map((l) => `\`${SLASH_COMMAND} ${esc(l.usage)}\` ${esc(l.description)}`).join("\n");
  return {
    text: `Wavelaunch bot commands for your role (${role})`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: "Wavelaunch Studio bot" } },
      { type: "section", text: { type: "mrkdwn", text: body.slice(0, 3000) } },
      { type: "context", elements: [{ type: "mrkdwn", text: `Your role: *${role}*. \`<creator>\` is a brand name, creator name or email.` }] },
    ],
  };
}
