// Every Slack id and label the bot uses, in one place. Action ids and callback ids are the
// routing keys; block ids of form inputs equal the seed's column names (the contract).

import { invalid } from "../errors.js";

export const SLASH_COMMAND = "/wl";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (v: unknown): v is string => typeof v === "string" && UUID.test(v);

/**
 * The id a button value or form metadata carries, checked and lower-cased; anything else
 * (a forged or stale payload) is a refusal with `stale` as the answer. Existence and
 * permission are re-checked by the service that acts on it.
 */
export function parseId(v: unknown, stale = "That button or form is out of date. Run the command again."): string {
  if (!isUuid(v)) throw invalid(stale);
  return v.toLowerCase();
}

export const ACTIONS = {
  creatorOpen: "creator_open",
  creatorEdit: "creator_edit",
  creatorStatus: "creator_status",
  creatorArchive: "creator_archive",
  creatorDelete: "creator_delete",
  creatorMilestones: "creator_milestones",
  creatorCredentials: "creator_credentials",
  creatorDeliverable: "creator_deliverable",
  listPage: "list_page",
  milestoneAdd: "milestone_add",
  milestoneDone: "milestone_done",
  milestoneEdit: "milestone_edit",
  milestoneDelete: "milestone_delete",
  credentialAdd: "credential_add",
  credentialEdit: "credential_edit",
  credentialDeactivate: "credential_deactivate",
  revealRequest: "reveal_request",
  revealApprove: "reveal_approve",
  revealDeny: "reveal_deny",
  revealOnce: "reveal_once",
  digestSnooze: "digest_snooze",
  digestContacted: "digest_contacted",
  deliverableRegenerate: "deliverable_regenerate",
  auditPage: "audit_page",
  // Digest paging (value: the page number, clamped by the server).
  digestSeeAll: "digest_see_all",
  digestPagePrev: "digest_page_prev",
  digestPageNext: "digest_page_next",
  // issue 17: the App Home's way to add a creator (the form answers by refreshing the Home).
  creatorNew: "creator_new",
  /** Previous, next to Next in one actions block (action_ids must differ within a block). */
  listPagePrevious: "list_page_prev",
  revealCancel: "reveal_cancel",
} as const;

export const VIEWS = {
  creatorNew: "creator_new",
  creatorEdit: "creator_edit",
  creatorStatus: "creator_status",
  milestoneAdd: "milestone_add",
  milestoneEdit: "milestone_edit",
  credentialAdd: "credential_add",
  credentialEdit: "credential_edit",
  revealReason: "reveal_reason",
  deliverablePick: "deliverable_pick",
  loading: "loading",
} as const;

export const LABELS = {
  open: "Open",
  edit: "Edit",
  status: "Status",
  archive: "Archive",
  delete: "Delete",
  addMilestone: "Add milestone",
  milestones: "Milestones",
  credentials: "Credentials",
  deliverable: "Deliverable",
  markDone: "Mark done",
  addCredential: "Add credential",
  requestReveal: "Request reveal",
  approve: "Approve",
  deny: "Deny",
  revealOnce: "Reveal once",
  snooze: "Snooze 3 days",
  markContacted: "Mark contacted",
  next: "Next",
  previous: "Previous",
  regenerate: "Regenerate",
  deactivate: "Deactivate",
  // issue 17
  newCreator: "New creator",
  moreDetails: "More details",
  seeAll: "See all",
  cancelRequest: "Cancel request",
} as const;

// ---- Creator picker and shortcuts (issue 18 part 1) ----

/** The search-as-you-type creator picker, its shortcuts and their forms (docs/slack-interface.md). */
export const PICKER = {
  /** action_id of every creator `external_select`; its options route answers the search. */
  creatorPick: "creator_pick",
  /** block_id of the input holding the picker in a form. */
  creatorBlock: "creator",
  /** block_id of the actions block holding the picker in a message (picking opens the card). */
  searchBlock: "creator_search",
  /** Global shortcut, and the callback_id of its modal. */
  findCreator: "find_creator",
  /** Message shortcut, and the callback_id of its modal. */
  logToCreator: "log_to_creator",
  /** block_id and action_id of the optional note in the Log to creator form. */
  noteBlock: "note",
} as const;
