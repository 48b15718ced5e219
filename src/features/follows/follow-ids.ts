// The creator card's Follow / Unfollow buttons (docs/slack-interface.md). The button's value is
// the creator id; the service re-checks it.

export const FOLLOW_ACTIONS = {
  follow: "creator_follow",
  unfollow: "creator_unfollow",
} as const;

export const FOLLOW_LABELS = {
  follow: "Follow",
  unfollow: "Unfollow",
} as const;
