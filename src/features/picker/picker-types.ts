import type { IsoDate } from "../../lib/dates.js";

/** One creator as the picker lists it. */
export type PickRow = { id: string; brandName: string; creatorName: string; isActive: boolean };

/** The Slack message a "Log to creator" modal is about, as the message shortcut delivered it. */
export type MessageRef = { channelId: string; messageTs: string; text: string };

/** What logging a message to a creator changed. */
export type LoggedContact = {
  creator: { id: string; brandName: string; creatorName: string };
  permalink: string;
  lastContacted: { from: IsoDate | null; to: IsoDate };
  score: string;
};
