import type { Router } from "../../slack/router.js";
import { PICKER } from "../../slack/ids.js";
import { todayOf, type FeatureDeps } from "../types.js";
import type { Services } from "../services.js";
import { creatorPickOptions } from "./handlers/creator-pick-options.js";
import { findShortcut } from "./handlers/find-shortcut.js";
import { findForm } from "./handlers/find-form.js";
import { logShortcut } from "./handlers/log-shortcut.js";
import { logForm } from "./handlers/log-form.js";
import { pickOpenAction } from "./handlers/pick-open-action.js";

/** The creator picker's options, the Find a creator and Log to creator shortcuts and their forms. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const d = { picker: s.picker, creators: s.creators, today: () => todayOf(deps), logger: deps.logger };
  router
    .optionsFor(PICKER.creatorPick, creatorPickOptions(d))
    .action(PICKER.creatorPick, pickOpenAction(d))
    .shortcut(PICKER.findCreator, findShortcut())
    .shortcut(PICKER.logToCreator, logShortcut(d))
    .view(PICKER.findCreator, findForm(d))
    .view(PICKER.logToCreator, logForm(d));
}
