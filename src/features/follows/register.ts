import type { Router } from "../../slack/router.js";
import { todayOf, type FeatureDeps } from "../types.js";
import type { Services } from "../services.js";
import { FOLLOW_ACTIONS } from "./follow-ids.js";
import { followButton } from "./handlers/follow-button.js";

/** Follows: the card's Follow / Unfollow buttons. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const d = { creators: s.creators, follows: s.follows, today: () => todayOf(deps) };
  router.action(FOLLOW_ACTIONS.follow, followButton(d, true)).action(FOLLOW_ACTIONS.unfollow, followButton(d, false));
}
