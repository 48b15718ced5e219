import type { Button, HomeView, KnownBlock } from "@slack/types";
import { ACTIONS, LABELS } from "../../slack/ids.js";
import { esc, LIMITS, plain, truncate } from "../../slack/mrkdwn.js";
import { ageText } from "../creators/creator-fns.js";
import { fit, healthIcon } from "../creators/creator-blocks.js";
import { journeyLabel } from "../creators/creator-labels.js";
import type { Dashboard, HomeCreator } from "./home-service.js";

// The App Home dashboard. Lists are capped by the service; this builder adds the "and N more"
// lines and a last guard so the view never passes Slack's 100-block limit.

const STATUS_ORDER = ["ONBOARDING", "BRAND_BUILDING", "LAUNCH", "LIVE", "PAUSED", "CLOSED"];

const section = (text: string, extra: Record<string, unknown> = {}): KnownBlock =>
  ({ type: "section", text: { type: "mrkdwn", text: fit(text, LIMITS.sectionText) }, ...extra }) as KnownBlock;
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text: fit(text, LIMITS.sectionText) }] });
const header = (text: string): KnownBlock => ({ type: "header", text: { type: "plain_text", text: fit(plain(text, LIMITS.headerText), LIMITS.headerText) } });
const button = (label: string, actionId: string, value: string, style?: "primary" | "danger"): Button => ({
  type: "button",
  text: { type: "plain_text", text: label },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});

function creatorLine(c: HomeCreator, extra: string): KnownBlock {
  return section(
    `*${esc(truncate(c.brandName, 200))}* — ${esc(truncate(c.creatorName, 200))} · ${esc(journeyLabel(c.journeyStatus))} · priority ${c.priorityLevel}${extra}`,
    {
      block_id: `home_${c.id}`,
      accessory: button(LABELS.open, ACTIONS.creatorOpen, c.id),
    },
  );
}

const SLACK_ID = /^[UW][A-Z0-9]{2,30}$/;

export function homeView(d: Dashboard, opts: { notice?: string } = {}): HomeView {
  const blocks: KnownBlock[] = [
    header("Wavelaunch Studio"),
    // What a form opened from this tab just did (the bot's own mrkdwn, user text escaped in it).
    ...(opts.notice ? [section(`:white_check_mark: ${opts.notice}`)] : []),
    context(`Active creators as of ${d.today}. Refreshed each time you open this tab.`),
    section(
      `*Health*  ${healthIcon("RED")} RED ${d.byHealth.RED ?? 0}   ${healthIcon("YELLOW")} YELLOW ${d.byHealth.YELLOW ?? 0}   ${healthIcon("GREEN")} GREEN ${d.byHealth.GREEN ?? 0}`,
    ),
    section(`*Journey*  ${STATUS_ORDER.map((s) => `${journeyLabel(s)} ${d.byStatus[s] ?? 0}`).join(" · ")}`),
    { type: "actions", block_id: "home_actions", elements: [button(LABELS.newCreator, ACTIONS.creatorNew, "new", "primary")] },
    { type: "divider" },
    header(`Needs attention (${d.urgentTotal})`),
  ];
  if (d.urgent.length === 0) blocks.push(section("Nothing is RED or YELLOW. :tada:"));
  for (const c of d.urgent) {
    const why = c.health.reasons.length
      ? `\n${healthIcon(c.health.score)} ${esc(c.health.reasons.join("; "))}`
      : `\n${healthIcon(c.health.score)} ${c.health.score}`;
    blocks.push(creatorLine(c, why));
  }
  if (d.urgentTotal > d.urgent.length) blocks.push(context(`…and ${d.urgentTotal - d.urgent.length} more — \`/wl list RED\` or \`/wl list YELLOW\``));

  blocks.push({ type: "divider" }, header(`Follow-ups due today (${d.followUpsTotal})`));
  if (d.followUps.length === 0) blocks.push(section("No follow-ups due today."));
  for (const c of d.followUps) blocks.push(creatorLine(c, ""));
  if (d.followUpsTotal > d.followUps.length) blocks.push(context(`…and ${d.followUpsTotal - d.followUps.length} more — \`/wl list\``));

  if (d.reveals) {
    blocks.push({ type: "divider" }, header(`Pending reveal requests (${d.reveals.total})`));
    if (d.reveals.rows.length === 0) blocks.push(section("No reveal requests are waiting."));
    for (const r of d.reveals.rows) {
      const who = SLACK_ID.test(r.requesterSlackId) ? `<@${r.requesterSlackId}>` : esc(r.requesterName);
      blocks.push(
        section(
          `${who} asks to reveal *${esc(truncate(r.platform, 100))}* / ${esc(truncate(r.account, 200))} of *${esc(truncate(r.brandName, 200))}* · ${ageText(r.createdAt, d.now)} ago\n>${esc(truncate(r.reason, 500)).replace(/\n/g, "\n>")}`,
          { block_id: `home_reveal_${r.id}` },
        ),
      );
      // No one approves their own request: the buttons are not even offered.
      if (r.isOwn) blocks.push(context("Your own request: another admin decides it."));
      else
        blocks.push({
          type: "actions",
          block_id: `home_reveal_actions_${r.id}`,
          elements: [button(LABELS.approve, ACTIONS.revealApprove, r.id, "primary"), button(LABELS.deny, ACTIONS.revealDeny, r.id, "danger")],
        });
    }
    if (d.reveals.total > d.reveals.rows.length) blocks.push(context(`…and ${d.reveals.total - d.reveals.rows.length} more — \`/wl approvals\``));
  }
  return { type: "home", blocks: capBlocks(blocks) };
}

/** Last guard: never more than Slack's 100 blocks, the cut said out loud. */
export function capBlocks(blocks: KnownBlock[], max: number = LIMITS.homeBlocks): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  return [...blocks.slice(0, max - 1), context(`${blocks.length - max + 1} more blocks not shown — use \`/wl list\`.`)];
}

export function noAccessHome(): HomeView {
  return {
    type: "home",
    blocks: [header("Wavelaunch Studio"), section("You don't have access to the Wavelaunch bot yet. Ask an admin for access (`/wl role @you staff`).")],
  };
}
