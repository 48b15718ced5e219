import { z } from "zod";
import { roleSchema, type Role } from "../../identity/roles.js";
import { esc } from "../../slack/mrkdwn.js";

export const ROLE_USAGE = "role <@user> staff|manager|admin|none";

const roleArg = z.union([roleSchema, z.literal("none")]);

/** `<@U123|name> staff` → the target and the role (null for none). Slack escapes mentions as <@U…>. */
export function parseRoleArgs(args: string): { slackUserId: string; role: Role | null } | null {
  const m = /^<@([UW][A-Z0-9]{2,20})(?:\|[^>]{0,100})?>\s+(\S+)$/.exec(args.trim());
  if (!m) return null;
  const role = roleArg.safeParse(m[2]!.toLowerCase());
  if (!role.success) return null;
  return { slackUserId: m[1]!, role: role.data === "none" ? null : role.data };
}

/** The DM to a person whose role changed; `by` is the admin's display name (user text). */
export function roleChangedText(by: string, to: Role | null): string {
  return to ? `${esc(by)} gave you the *${to}* role in the Wavelaunch bot. Try \`/wl help\`.` : `${esc(by)} removed your access to the Wavelaunch bot.`;
}
