import type { Role } from "../identity/roles.js";

// The people of the local sandbox workspace. Their emails are what the bot's identity service
// matches to auth_user rows (the demo seed creates those rows with these roles).

export type DemoUser = Readonly<{
  id: string;
  /** Slack's handle, typed as @name in the composer. */
  name: string;
  realName: string;
  email: string;
  title: string;
  role: Role | null;
}>;

export const SANDBOX_TEAM = Object.freeze({ id: "T0SANDBOX", domain: "wavelaunch-sandbox", name: "Wavelaunch Studio (sandbox)" });
export const SANDBOX_BOT = Object.freeze({ userId: "U0WLBOT", botId: "B0WLBOT", appId: "A0WLSANDBOX", name: "wavelaunch", realName: "Wavelaunch" });

export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  { id: "U0DEMOADA", name: "ada", realName: "Ada Admin", email: "ada.admin@studio.example", title: "Studio director", role: "admin" },
  { id: "U0DEMOMIA", name: "mia", realName: "Mia Manager", email: "mia.manager@studio.example", title: "Talent manager", role: "manager" },
  { id: "U0DEMOSAM", name: "sam", realName: "Sam Staff", email: "sam.staff@studio.example", title: "Creator success", role: "staff" },
  { id: "U0DEMOSKY", name: "sky", realName: "Sky Staff", email: "sky.staff@studio.example", title: "Brand designer", role: "staff" },
  { id: "U0DEMOGUS", name: "gus", realName: "Gus Guest", email: "gus.guest@elsewhere.example", title: "Freelancer (no role)", role: null },
]);

/** The channel slash commands are typed in by default. */
export const GENERAL_CHANNEL = Object.freeze({ id: "C0GENERAL", name: "general" });

/** A user's direct-message channel with the app (the app's Messages tab). */
export function dmChannelId(userId: string): string {
  return `D${userId.slice(1)}`;
}
