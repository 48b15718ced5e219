import type { Router } from "../../slack/router.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import { todayOf, type FeatureDeps } from "../types.js";
import type { Services } from "../services.js";
import { newCommand } from "./handlers/new-command.js";
import { findCommand } from "./handlers/find-command.js";
import { listCommand } from "./handlers/list-command.js";
import { showCommand } from "./handlers/show-command.js";
import { editCommand } from "./handlers/edit-command.js";
import { statusCommand } from "./handlers/status-command.js";
import { archiveCommand } from "./handlers/archive-command.js";
import { openCardButton } from "./handlers/open-card-button.js";
import { editButton } from "./handlers/edit-button.js";
import { statusButton } from "./handlers/status-button.js";
import { archiveButton } from "./handlers/archive-button.js";
import { deleteButton } from "./handlers/delete-button.js";
import { listPageButton } from "./handlers/list-page-button.js";
import { newForm } from "./handlers/new-form.js";
import { editForm } from "./handlers/edit-form.js";
import { statusForm } from "./handlers/status-form.js";
import { newButton } from "./handlers/new-button.js";
import type { JobHandler } from "../../jobs/job-types.js";
import type { Actor } from "../../identity/actor.js";
import type { AuditTarget } from "../../audit/audit-fns.js";
import { writeAudit } from "../../audit/audit-service.js";
import { pseudoTarget } from "../../slack/pipeline/targets.js";
import { HOME_TARGET, homeRefresher } from "../home/home-refresh.js";
import { createNewCreatorIntake } from "./new-creator-intake.js";
import { newCreatorJob } from "./new-creator-job.js";

/** Creators: which handler answers which command, button and form. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const d = { creators: s.creators, today: () => todayOf(deps) };
  router
    .command(newCommand())
    .command(findCommand(d))
    .command(listCommand(d))
    .command(showCommand(d))
    .command(editCommand(d))
    .command(statusCommand(d))
    .command(archiveCommand(d))
    .action(ACTIONS.creatorOpen, openCardButton(d))
    .action(ACTIONS.creatorEdit, editButton(d))
    .action(ACTIONS.creatorStatus, statusButton(d))
    .action(ACTIONS.creatorArchive, archiveButton(d))
    .action(ACTIONS.creatorDelete, deleteButton(d))
    .action(ACTIONS.listPage, listPageButton(d))
    .action(ACTIONS.listPagePrevious, listPageButton(d))
    .view(VIEWS.creatorNew, newForm({ ...d, intake: createNewCreatorIntake({ creators: s.creators, held: deps.heldJobs }), held: deps.heldJobs }))
    .view(VIEWS.creatorEdit, editForm(d))
    .view(VIEWS.creatorStatus, statusForm(d))
    .action(ACTIONS.creatorNew, newButton());
}

/** New creator submissions their own process did not finish, finished by any replica. */
export function jobs(deps: FeatureDeps, s: Services): JobHandler[] {
  const today = () => todayOf(deps);
  // No request pipeline here to write these rows: the job writes them itself.
  const view = (actor: Actor, target: AuditTarget, notes: string) => writeAudit(deps.db, actor, { action: "VIEW", ...target, notes });
  return [
    newCreatorJob({
      creators: s.creators,
      today,
      intake: createNewCreatorIntake({ creators: s.creators, held: deps.heldJobs }),
      places: s.places,
      client: deps.client,
      logger: deps.logger,
      refreshHome: homeRefresher({ home: s.home, now: () => deps.clock.now(), today, record: (actor, shown) => view(actor, HOME_TARGET, shown) }),
      refused: (actor, why) => view(actor, pseudoTarget("SlackForm", `form:${VIEWS.creatorNew}`, "New creator form"), `refused: ${why}`),
    }),
  ];
}
