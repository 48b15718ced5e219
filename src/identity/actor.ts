import type { Role } from "./roles.js";

/** Who is acting. Every service call carries one; every audit row is written under one. */
export type Actor = Readonly<{
  /** auth_user.id; null for a Slack user the studio has not granted access to. */
  userId: number | null;
  email: string;
  role: Role | null;
  slackUserId: string | null;
  slackTeamId: string | null;
  displayName: string;
}>;

/** The identity scheduled jobs act under (nightly recompute, digests, key rotation). */
export const SYSTEM_ACTOR: Actor = Object.freeze({
  userId: null,
  email: "system@wavelaunch.bot",
  role: "admin",
  slackUserId: null,
  slackTeamId: null,
  displayName: "Wavelaunch bot",
});
