import { z } from "zod";
import { HEALTH_SCORES } from "../health/health-fns.js";
import { cleanSearchText, FIND_TEXT_MAX, JOURNEY_STATUSES, TAG_MAX } from "../creators/creator-fns.js";
import { ASK_LIMITS } from "./ask-limits.js";

// The whole of what Claude may ask the bot for. Five read-only lookups over creators,
// milestones and health; there is deliberately no tool that touches credentials, the vault,
// reveal requests, the audit log, users or internal notes, so no answer of the model's can
// reach them, whatever the question or the data says. Every input the model sends is parsed
// here with zod before anything runs: the model's arguments are as untrusted as a Slack payload.

export type ToolSpec = { name: ToolName; description: string; input_schema: Record<string, unknown> };

const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a creator id returned by find_creators or list_creators")
  .transform((s) => s.toLowerCase());

const creatorIdInput = z.object({ creator_id: uuid }).strict();

export const TOOL_INPUTS = {
  find_creators: z
    .object({
      text: z
        .string()
        .transform(cleanSearchText)
        .pipe(z.string().min(1, "must not be empty").max(FIND_TEXT_MAX, `at most ${FIND_TEXT_MAX} characters`)),
      limit: z.number().int().min(1).max(ASK_LIMITS.maxRows).optional(),
    })
    .strict(),
  list_creators: z
    .object({
      status: z.enum(JOURNEY_STATUSES).optional(),
      health: z.enum(HEALTH_SCORES).optional(),
      tag: z.string().transform(cleanSearchText).pipe(z.string().min(1).max(TAG_MAX)).optional(),
      no_contact_days: z.number().int().min(1).max(3650).optional(),
      follow_up_overdue: z.boolean().optional(),
      max_priority_level: z.number().int().min(1).max(5).optional(),
      include_archived: z.boolean().optional(),
      limit: z.number().int().min(1).max(ASK_LIMITS.maxRows).optional(),
    })
    .strict(),
  get_creator: creatorIdInput,
  list_milestones: z
    .object({
      creator_id: uuid,
      include_completed: z.boolean().optional(),
      limit: z.number().int().min(1).max(ASK_LIMITS.maxMilestones).optional(),
    })
    .strict(),
  get_health_reasons: creatorIdInput,
} as const;

export type ToolName = keyof typeof TOOL_INPUTS;
export type ToolInput<N extends ToolName> = z.output<(typeof TOOL_INPUTS)[N]>;
export const TOOL_NAMES = Object.keys(TOOL_INPUTS) as ToolName[];

export const isToolName = (n: string): n is ToolName => Object.hasOwn(TOOL_INPUTS, n);

const creatorIdSchema = {
  type: "string",
  description: "A creator id (UUID) exactly as returned by find_creators or list_creators.",
};

/** What the model is told about each tool (JSON Schema; zod above is what is enforced). */
export const TOOL_SPECS: readonly ToolSpec[] = [
  {
    name: "find_creators",
    description:
      "Search creators whose brand name, creator name, email or social handle contains the text (case-insensitive). Returns ids, names, journey status and health. Use it to turn a name in the question into a creator id.",
    input_schema: {
      type: "object",
      properties: {
        text: { type: "string", description: `Text to search for, at most ${FIND_TEXT_MAX} characters.` },
        limit: { type: "integer", minimum: 1, maximum: ASK_LIMITS.maxRows, description: `Rows to return (default and maximum ${ASK_LIMITS.maxRows}).` },
      },
      required: ["text"],
      additionalProperties: false,
    },
  },
  {
    name: "list_creators",
    description:
      "List creators matching every given filter, most urgent first (RED, then YELLOW, then GREEN; then priority; then oldest status change). Active creators only unless include_archived is true. Each row has health reasons, priority, last contact, days since contact, next follow-up and open milestone count; `total` is how many match in all.",
    input_schema: {
      type: "object",
      properties: {
        status: { type: "string", enum: [...JOURNEY_STATUSES], description: "Journey status." },
        health: { type: "string", enum: [...HEALTH_SCORES], description: "Health score." },
        tag: { type: "string", description: "A tag the creator has (case-insensitive, exact)." },
        no_contact_days: {
          type: "integer",
          minimum: 1,
          maximum: 3650,
          description:
            "Only creators with no contact for at least this many days (counted from last_contacted_date, or from when the creator was added if never contacted).",
        },
        follow_up_overdue: { type: "boolean", description: "true: only creators whose next follow-up date has passed; false: only those whose has not." },
        max_priority_level: { type: "integer", minimum: 1, maximum: 5, description: "Priority 1 is highest; 2 returns priority 1 and 2." },
        include_archived: { type: "boolean", description: "Include archived (inactive) creators." },
        limit: { type: "integer", minimum: 1, maximum: ASK_LIMITS.maxRows, description: `Rows to return (default and maximum ${ASK_LIMITS.maxRows}).` },
      },
      additionalProperties: false,
    },
  },
  {
    name: "get_creator",
    description:
      "One creator's card: brand, niche, journey status, health with reasons, priority, last contact, next follow-up, tags, social handles and the next open milestones.",
    input_schema: { type: "object", properties: { creator_id: creatorIdSchema }, required: ["creator_id"], additionalProperties: false },
  },
  {
    name: "list_milestones",
    description: "A creator's milestones: open ones first by target date, with how many days each is overdue.",
    input_schema: {
      type: "object",
      properties: {
        creator_id: creatorIdSchema,
        include_completed: { type: "boolean", description: "Also list completed milestones (default false)." },
        limit: {
          type: "integer",
          minimum: 1,
          maximum: ASK_LIMITS.maxMilestones,
          description: `Rows to return (default 20, maximum ${ASK_LIMITS.maxMilestones}).`,
        },
      },
      required: ["creator_id"],
      additionalProperties: false,
    },
  },
  {
    name: "get_health_reasons",
    description: "A creator's current health score (GREEN, YELLOW or RED) and the reasons for it, computed as of today.",
    input_schema: { type: "object", properties: { creator_id: creatorIdSchema }, required: ["creator_id"], additionalProperties: false },
  },
];

/** zod's complaint, short and without the offending value (the model gets it back as a tool error). */
export function inputProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join(".").slice(0, 40) : "input"}: ${i.message.slice(0, 120)}`)
    .join("; ");
}
