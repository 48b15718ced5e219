import { ACTIONS } from "../../slack/ids.js";

// What an audit row means, in words, for the audit trail: "Viewed the card of Creator “Glow Co”"
// instead of `VIEW` and an internal label. The one place these words live; a label this file
// does not know still reads as words (underscores become spaces), never as an id.

const MODEL_WORDS: Readonly<Record<string, string>> = {
  Creator: "creator",
  CreatorCredential: "credential",
  Milestone: "milestone",
  AIDeliverable: "deliverable",
  CredentialRevealRequest: "reveal request",
  RevealRequest: "reveal request",
  AuditLog: "audit log",
  SlackUser: "Slack user",
  User: "user",
  SlackCommand: "command",
  SlackButton: "button",
  SlackForm: "form",
  AppHome: "Home tab",
};

/** The buttons' action ids, for labels that name one ("button milestone_add"). */
const BUTTON_WORDS: Readonly<Record<string, string>> = {
  [ACTIONS.creatorOpen]: "Viewed the card",
  [ACTIONS.milestoneAdd]: "Opened the Add milestone form",
  [ACTIONS.creatorEdit]: "Opened the Edit creator form",
  [ACTIONS.creatorStatus]: "Opened the status form",
  [ACTIONS.creatorMilestones]: "Listed the milestones",
  [ACTIONS.creatorCredentials]: "Listed the credentials",
  [ACTIONS.creatorDeliverable]: "Opened the deliverable form",
};

const VERBS: Readonly<Record<string, string>> = { CREATE: "Created", UPDATE: "Changed", DELETE: "Deleted" };

const readable = (s: string) => s.replace(/[_:]+/g, " ").replace(/\s+/g, " ").trim();
const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

export function modelWord(model: string): string {
  return MODEL_WORDS[model] ?? readable(model.replace(/([a-z])([A-Z])/g, "$1 $2")).toLowerCase();
}

/**
 * The row as a sentence and what is left of its notes: `what` names the target
 * (`Creator “Glow Co”` as `target`), `notes` is null when the sentence already says it.
 */
export function whatHappened(r: { actionType: string; targetModel: string; notes: string | null }, target: string): { what: string; notes: string | null } {
  const notes = r.notes?.trim() || null;
  const verb = VERBS[r.actionType];
  if (verb) return { what: `${verb} ${modelWord(r.targetModel)} ${target}`, notes };
  if (r.actionType !== "VIEW") return { what: `${cap(readable(r.actionType).toLowerCase())} ${modelWord(r.targetModel)} ${target}`, notes };
  if (!notes) return { what: `Viewed ${modelWord(r.targetModel)} ${target}`, notes: null };
  if (/^card shown$/i.test(notes)) return { what: `Viewed the card of ${target}`, notes: null };
  const form = /^opened the (.+? form)(?: \((.+)\))?$/i.exec(notes);
  if (form) return { what: `Opened the ${form[1]} for ${target}`, notes: form[2] ?? null };
  const button = /^button[ :]+([\w-]+)$/i.exec(notes);
  if (button) return { what: `${BUTTON_WORDS[button[1]!] ?? `Pressed “${readable(button[1]!)}”`} for ${target}`, notes: null };
  const refused = /^refused\b/i.test(notes);
  if (refused) return { what: `Was refused ${modelWord(r.targetModel)} ${target}`, notes };
  const answered = /^(.+): answered$/i.exec(notes);
  if (answered) return { what: `Used “${readable(answered[1]!)}” on ${target}`, notes: null };
  return { what: `${cap(notes)} (${modelWord(r.targetModel)} ${target})`, notes: null };
}
