import { AppError, ErrorCode } from "../../errors.js";
import { esc } from "../../slack/mrkdwn.js";
import { LABELS, SLASH_COMMAND } from "../../slack/ids.js";

// What the New creator form says once it has closed, wherever the submission is finished.

export const createdNotice = (brandName: string) => `Created *${esc(brandName)}*. Add phone, socials and the rest with *${LABELS.moreDetails}*.`;

/** The form has closed by now, so the answer says which email and that nothing was saved. */
export const lateDuplicate = (email: string) =>
  new AppError(ErrorCode.Conflict, {
    message: "creator_email already in use (added while the form was being sent)",
    userMessage: `Nothing was saved: a creator with the email *${esc(email)}* was added just before yours. Find it with \`${SLASH_COMMAND} find ${esc(email)}\`.`,
  });

/** The first attempt failed after the ack; the stored submission is retried by any replica. */
export const savingLater = (brandName: string) =>
  `Saving *${esc(brandName)}* is taking longer than it should. Your form is stored; I'll answer here once it's saved.`;

/** Every attempt failed: the stored submission is given up, and the person is told plainly. */
export const gaveUp = (brandName: string) =>
  `I couldn't save the new creator *${esc(brandName)}* after several tries, so nothing was saved. Please add it again with \`${SLASH_COMMAND} new\`.`;
