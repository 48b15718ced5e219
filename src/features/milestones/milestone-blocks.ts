import type { ActionsBlock, Button, KnownBlock, ModalView, PlainTextOption, SectionBlock } from "@slack/types";
import type { IsoDate } from "../../lib/dates.js";
import { ACTIONS, LABELS, VIEWS } from "../../slack/ids.js";
import { esc, LIMITS, plain, truncate } from "../../slack/mrkdwn.js";
import { JOURNEY_STATUSES } from "../creators/creator-fns.js";
import { journeyLabel } from "../creators/creator-labels.js";
import type { Health } from "../health/health-fns.js";
import { describeState, milestoneState, type MilestoneView } from "./milestone-fns.js";
import { DESCRIPTION_MAX, TITLE_MAX, type ModalMeta } from "./milestone-schemas.js";

// The milestones list (an ephemeral message) and the Add/Edit milestone modal.

/** Block ids of the list start with this, so a click can tell it came from the list itself. */
export const LIST_BLOCK_PREFIX = "ml_";
const DESCRIPTION_SHOWN = 280;

export const SCORE_ICON: Record<string, string> = { RED: ":red_circle:", YELLOW: ":large_yellow_circle:", GREEN: ":large_green_circle:" };

export function healthText(h: Health): string {
  return `${SCORE_ICON[h.score] ?? ""} *${h.score}*${h.reasons.length ? ` — ${esc(h.reasons.join("; "))}` : ""}`.trim();
}

/** The line under a change: what happened, and the health score if it moved. */
export function changeNotice(what: string, h: Health & { changed: boolean; from: string }): string {
  return h.changed ? `${what} Health: *${h.from}* → ${healthText(h)}` : what;
}

type ListInput = {
  creator: { id: string; brandName: string; creatorName: string };
  milestones: readonly MilestoneView[];
  health: Health;
};

const button = (text: string, actionId: string, value: string, style?: "primary" | "danger"): Button => ({
  type: "button",
  action_id: actionId,
  text: { type: "plain_text", text: plain(text, LIMITS.buttonText) },
  value,
  ...(style ? { style } : {}),
});

function openBlocks(m: MilestoneView, today: IsoDate): KnownBlock[] {
  const state = milestoneState(m, today);
  const flag = state.kind === "overdue" ? ":warning: " : "";
  const lines = [
    `*${esc(truncate(m.title, TITLE_MAX))}*`,
    `${flag}${describeState(state)}${m.targetDate ? ` · target ${m.targetDate}` : ""} · ${esc(journeyLabel(m.relatedJourneyStage))}`,
  ];
  if (m.description) lines.push(esc(truncate(m.description, DESCRIPTION_SHOWN)));
  const del = button(LABELS.delete, ACTIONS.milestoneDelete, m.id, "danger");
  del.confirm = {
    title: { type: "plain_text", text: "Delete milestone?" },
    text: { type: "mrkdwn", text: `“${esc(truncate(m.title, 120))}” will be deleted. This can't be undone.` },
    confirm: { type: "plain_text", text: LABELS.delete },
    deny: { type: "plain_text", text: "Cancel" },
    style: "danger",
  };
  const actions: ActionsBlock = {
    type: "actions",
    block_id: `${LIST_BLOCK_PREFIX}m_${m.id}`,
    elements: [button(LABELS.markDone, ACTIONS.milestoneDone, m.id, "primary"), button(LABELS.edit, ACTIONS.milestoneEdit, m.id), del],
  };
  return [
    { type: "section", block_id: `${LIST_BLOCK_PREFIX}s_${m.id}`, text: { type: "mrkdwn", text: truncate(lines.join("\n"), LIMITS.sectionText) } },
    actions,
  ];
}

function doneLine(m: MilestoneView, today: IsoDate): string {
  return `:white_check_mark: ${esc(truncate(m.title, TITLE_MAX))} · ${describeState(milestoneState(m, today))}`;
}

const section = (text: string, blockId?: string): SectionBlock => ({
  type: "section",
  ...(blockId ? { block_id: blockId } : {}),
  text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) },
});

/**
 * The creator's milestones in the seed's order, each open one with `Mark done`, `Edit` and
 * `Delete`. Past Slack's 50 blocks, done milestones fold into one summary and the open ones
 * that still do not fit are counted, never silently cut.
 */
export function milestonesMessage(list: ListInput, today: IsoDate, notice?: string): { text: string; blocks: KnownBlock[] } {
  const { creator, milestones, health } = list;
  const open = milestones.filter((m) => !m.isCompleted);
  const done = milestones.length - open.length;
  const text = `Milestones for ${esc(creator.brandName)}: ${open.length} open, ${done} done`;
  const head: KnownBlock[] = [
    ...(notice ? [section(notice, `${LIST_BLOCK_PREFIX}notice`)] : []),
    { type: "header", text: { type: "plain_text", text: plain(`Milestones · ${creator.brandName}`, LIMITS.headerText) } },
    { type: "context", elements: [{ type: "mrkdwn", text: truncate(`${esc(creator.creatorName)} · health ${healthText(health)}`, LIMITS.sectionText) }] },
    { type: "divider" },
  ];
  const tail: KnownBlock[] = [
    { type: "actions", block_id: `${LIST_BLOCK_PREFIX}add`, elements: [button(LABELS.addMilestone, ACTIONS.milestoneAdd, creator.id, "primary")] },
  ];
  if (milestones.length === 0) {
    return { text, blocks: [...head, section("No milestones yet. Add the first one below."), ...tail] };
  }

  const budget = LIMITS.messageBlocks - head.length - tail.length;
  const cost = open.length * 2 + done;
  if (cost <= budget) {
    const body = milestones.flatMap((m): KnownBlock[] =>
      m.isCompleted ? [section(doneLine(m, today), `${LIST_BLOCK_PREFIX}s_${m.id}`)] : openBlocks(m, today),
    );
    return { text, blocks: [...head, ...body, ...tail] };
  }

  // Too many for one message: open milestones first (they carry the buttons), done ones folded.
  const reserved = (done > 0 ? 1 : 0) + 1;
  const shown = open.slice(0, Math.max(0, Math.floor((budget - reserved) / 2)));
  const body = shown.flatMap((m) => openBlocks(m, today));
  if (done > 0) {
    const lines = milestones.filter((m) => m.isCompleted).map((m) => doneLine(m, today));
    body.push(section(`*Done (${done})*\n${lines.join("\n")}`));
  }
  body.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `Showing ${shown.length} of ${open.length} open milestones (Slack fits no more in one message). Mark some done to see the rest.`,
      },
    ],
  });
  return { text, blocks: [...head, ...body, ...tail] };
}

const STAGE_OPTIONS: PlainTextOption[] = JOURNEY_STATUSES.map((s) => ({ text: { type: "plain_text", text: journeyLabel(s) }, value: s }));

/** The Add/Edit milestone modal; block_id = action_id = the seed's column name. */
export function milestoneModal(opts: {
  mode: "add" | "edit";
  creator: { brandName: string; creatorName: string; journeyStatus?: string };
  milestone?: Pick<MilestoneView, "title" | "description" | "targetDate" | "relatedJourneyStage">;
  meta: ModalMeta;
}): ModalView {
  const { mode, creator, milestone: m, meta } = opts;
  const stage = m?.relatedJourneyStage ?? creator.journeyStatus;
  const initialStage = STAGE_OPTIONS.find((o) => o.value === stage);
  return {
    type: "modal",
    callback_id: mode === "add" ? VIEWS.milestoneAdd : VIEWS.milestoneEdit,
    title: { type: "plain_text", text: mode === "add" ? "Add milestone" : "Edit milestone" },
    submit: { type: "plain_text", text: mode === "add" ? "Add" : "Save" },
    close: { type: "plain_text", text: "Cancel" },
    private_metadata: JSON.stringify(meta),
    blocks: [
      { type: "context", elements: [{ type: "mrkdwn", text: truncate(`For *${esc(creator.brandName)}* (${esc(creator.creatorName)})`, LIMITS.sectionText) }] },
      {
        type: "input",
        block_id: "title",
        label: { type: "plain_text", text: "Title" },
        element: {
          type: "plain_text_input",
          action_id: "title",
          max_length: TITLE_MAX,
          placeholder: { type: "plain_text", text: "e.g. Brand guidelines approved" },
          ...(m?.title ? { initial_value: m.title } : {}),
        },
      },
      {
        type: "input",
        block_id: "description",
        optional: true,
        label: { type: "plain_text", text: "Description" },
        element: {
          type: "plain_text_input",
          action_id: "description",
          multiline: true,
          max_length: DESCRIPTION_MAX,
          ...(m?.description ? { initial_value: truncate(m.description, DESCRIPTION_MAX) } : {}),
        },
      },
      {
        type: "input",
        block_id: "target_date",
        optional: true,
        label: { type: "plain_text", text: "Target date" },
        hint: { type: "plain_text", text: "Past this date the milestone counts as overdue in the health score." },
        element: { type: "datepicker", action_id: "target_date", ...(m?.targetDate ? { initial_date: m.targetDate } : {}) },
      },
      {
        type: "input",
        block_id: "related_journey_stage",
        label: { type: "plain_text", text: "Journey stage" },
        element: {
          type: "static_select",
          action_id: "related_journey_stage",
          options: STAGE_OPTIONS,
          ...(initialStage ? { initial_option: initialStage } : {}),
        },
      },
    ],
  };
}
