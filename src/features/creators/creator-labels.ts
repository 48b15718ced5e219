// Type-only: health-fns uses these words in its reasons, and creator-fns imports health-fns.
import type { JourneyStatus } from "./creator-fns.js";

// What people read for the seed's enum values. The database keeps the stored values (Django's
// choices: `BRAND_BUILDING`); every Slack surface shows these words instead, and a select's
// option keeps the stored value as its `value`.

export const JOURNEY_STATUS_LABELS: Readonly<Record<JourneyStatus, string>> = {
  ONBOARDING: "Onboarding",
  BRAND_BUILDING: "Brand building",
  LAUNCH: "Launch",
  LIVE: "Live",
  PAUSED: "Paused",
  CLOSED: "Closed",
};

/** `SOME_VALUE` → "Some value": a value the Django app added that this map does not know yet. */
export function humanise(value: string): string {
  const words = value.replace(/[_-]+/g, " ").trim().toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : value;
}

/** The journey status (or a milestone's stage) in words. Plain text: escape it where it goes into mrkdwn. */
export function journeyLabel(value: string): string {
  return Object.hasOwn(JOURNEY_STATUS_LABELS, value) ? JOURNEY_STATUS_LABELS[value as JourneyStatus] : humanise(value);
}
