import type { Scope } from "./settings-ids.js";

/** A manager's own digest schedule (a wl_digest_subscription row). */
export type DigestSettings = Readonly<{
  /** "HH:MM" on the manager's wall clock in `tz`. */
  time: string;
  /** An IANA time zone name Intl accepts. */
  tz: string;
  scope: Scope;
  enabled: boolean;
}>;

/** A saved schedule with the manager it belongs to. */
export type Subscription = DigestSettings & Readonly<{ userId: number; slackUserId: string }>;
