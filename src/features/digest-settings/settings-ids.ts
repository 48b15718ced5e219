// `/wl digest settings`: the modal's callback id and its inputs' block ids (each input's
// action id is its block id). The names are fixed by docs/slack-interface.md.

export const DIGEST_SETTINGS_VIEW = "digest_settings";

export const SETTINGS_BLOCKS = {
  time: "digest_time",
  tz: "digest_tz",
  scope: "digest_scope",
  enabled: "digest_enabled",
} as const;

export const SCOPES = ["all", "followed"] as const;
export type Scope = (typeof SCOPES)[number];

export const SETTINGS_LABELS = {
  title: "Digest settings",
  scopeAll: "All creators",
  scopeFollowed: "Only creators I follow",
  enabledOn: "Send me my digest",
  enabledOff: "Don't send me a digest",
} as const;
