import type { Router } from "../../slack/router.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import { todayOf, type FeatureDeps } from "../types.js";
import type { Services } from "../services.js";
import { milestonesCommand } from "./handlers/milestones-command.js";
import { milestonesButton } from "./handlers/milestones-button.js";
import { doneButton } from "./handlers/done-button.js";
import { deleteButton } from "./handlers/delete-button.js";
import { addButton } from "./handlers/add-button.js";
import { editButton } from "./handlers/edit-button.js";
import { addForm } from "./handlers/add-form.js";
import { editForm } from "./handlers/edit-form.js";

/** Milestones: which handler answers which command, button and form. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const d = {
    milestones: s.milestones,
    creators: s.creators,
    today: () => todayOf(deps),
    now: () => deps.clock.now(),
    tz: deps.config.digest.tz,
    logger: deps.logger,
  };
  router
    .command(milestonesCommand(d))
    .action(ACTIONS.creatorMilestones, milestonesButton(d))
    .action(ACTIONS.milestoneDone, doneButton(d))
    .action(ACTIONS.milestoneDelete, deleteButton(d))
    .action(ACTIONS.milestoneAdd, addButton(d))
    .action(ACTIONS.milestoneEdit, editButton(d))
    .view(VIEWS.milestoneAdd, addForm(d))
    .view(VIEWS.milestoneEdit, editForm(d));
}
