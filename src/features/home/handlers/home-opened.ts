import type { EventRoute } from "../../../slack/router.js";
import { HOME_TARGET } from "../home-refresh.js";
import type { IsoDate } from "../../../lib/dates.js";
import type { HomeService } from "../home-service.js";
import { homeView, noAccessHome } from "../home-blocks.js";

/** `app_home_opened`: the dashboard, rebuilt each time; people without a role see how to get one (and are audited). */
export const homeOpened = (deps: { home: HomeService; now: () => Date; today: () => IsoDate }): EventRoute => ({
  label: "App Home",
  minRole: "staff",
  target: () => HOME_TARGET,
  async refuse(ctx) {
    await ctx.client.views.publish({ user_id: ctx.actor.slackUserId ?? "", view: noAccessHome() });
  },
  async handle(ctx) {
    const ev = ctx.event as { user?: string; tab?: string };
    if (!ev.user || (ev.tab && ev.tab !== "home")) return { shown: `opened the ${ev.tab ?? "unknown"} tab` };
    const d = await deps.home.dashboard(ctx.actor, deps.now(), deps.today());
    const shown = `dashboard: ${d.urgentTotal} need attention, ${d.followUpsTotal} follow-ups due${d.reveals ? `, ${d.reveals.total} reveal requests pending` : ""}`;
    // The view is data: recorded before it is published.
    await ctx.record(shown);
    await ctx.client.views.publish({ user_id: ev.user, view: homeView(d) });
  },
});
