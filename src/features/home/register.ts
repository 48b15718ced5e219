import type { Router } from "../../slack/router.js";
import { todayOf, type FeatureDeps } from "../types.js";
import { createHomeService } from "./home-service.js";
import { homeView, noAccessHome } from "./home-blocks.js";

export function register(router: Router, deps: FeatureDeps): void {
  const home = createHomeService({ db: deps.db, health: deps.health });

  // Slack sends this each time someone opens the bot; the dashboard is rebuilt every time.
  router.event("app_home_opened", async (ctx) => {
    const ev = ctx.event as { user?: string; tab?: string };
    if (!ev.user || (ev.tab && ev.tab !== "home")) return;
    if (!ctx.actor?.role) {
      await ctx.client.views.publish({ user_id: ev.user, view: noAccessHome() });
      return;
    }
    const d = await home.dashboard(ctx.actor, deps.clock.now(), todayOf(deps));
    await Promise.all([
      ctx.client.views.publish({ user_id: ev.user, view: homeView(d) }),
      home.recordView(ctx.actor, `dashboard: ${d.urgentTotal} need attention, ${d.followUpsTotal} follow-ups due${d.reveals ? `, ${d.reveals.total} reveal requests pending` : ""}`),
    ]);
  });
}
