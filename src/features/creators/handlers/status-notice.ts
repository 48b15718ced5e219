import { journeyLabel } from "../creator-labels.js";

/** The line above the card after a status change (the same from the command and the form). */
export const statusNotice = (r: { changed: boolean; from: string; to: string }): string =>
  r.changed ? `Status changed: *${journeyLabel(r.from)}* → *${journeyLabel(r.to)}*` : `Already *${journeyLabel(r.to)}*; nothing changed.`;
