import type { IsoDate } from "../../../lib/dates.js";
import type { CreatorService } from "../creator-service.js";

/** What creator handlers may use; each handler narrows it further with Pick. */
export type CreatorHandlerDeps = { creators: CreatorService; today: () => IsoDate };
