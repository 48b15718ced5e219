import type { WebClient } from "@slack/web-api";
import type { Actor } from "../../identity/actor.js";
import type { IsoDate } from "../../lib/dates.js";
import type { HomeService } from "./home-service.js";
import { homeView } from "./home-blocks.js";
import { pseudoTarget } from "../../slack/pipeline/targets.js";

/** What an App Home VIEW row names. */
export const HOME_TARGET = pseudoTarget("AppHome", "app-home", "App Home");

/**
 * A form opened from the App Home answers there: the Home is published again (its counts and
 * lists now include the change) with the confirmation on top. The dashboard is data shown, so
 * its VIEW row is written (`record`) before it is published, as when the tab is opened.
 */
export function homeRefresher(deps: {
  home: Pick<HomeService, "dashboard">;
  now: () => Date;
  today: () => IsoDate;
  record(actor: Actor, shown: string): Promise<void>;
}) {
  return async (actor: Actor, client: WebClient, notice: string): Promise<void> => {
    if (!actor.slackUserId) return;
    const d = await deps.home.dashboard(actor, deps.now(), deps.today());
    await deps.record(actor, `dashboard refreshed after a form: ${d.urgentTotal} need attention, ${d.followUpsTotal} follow-ups due`);
    await client.views.publish({ user_id: actor.slackUserId, view: homeView(d, { notice }) });
  };
}
