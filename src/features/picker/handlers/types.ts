import type { IsoDate } from "../../../lib/dates.js";
import type { Logger } from "../../../logger.js";
import type { CreatorService } from "../../creators/creator-service.js";
import type { PickerService } from "../picker-service.js";

/** What picker handlers may use; each handler narrows it further with Pick. */
export type PickerHandlerDeps = { picker: PickerService; creators: CreatorService; today: () => IsoDate; logger: Logger };
