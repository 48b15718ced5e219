import type { Router } from "../../slack/router.js";
import { todayOf, type FeatureDeps } from "../types.js";
import type { Services } from "../services.js";
import { homeOpened } from "./handlers/home-opened.js";

export function register(router: Router, deps: FeatureDeps, s: Services): void {
  router.event("app_home_opened", homeOpened({ home: s.home, now: () => deps.clock.now(), today: () => todayOf(deps) }));
}
