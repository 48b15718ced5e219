import type { Logger } from "../../../logger.js";
import type { CreatorService } from "../../creators/creator-service.js";
import type { DeliverableService } from "../deliverable-service.js";

export type DeliverableHandlerDeps = { deliverables: DeliverableService; creators: Pick<CreatorService, "resolve">; logger: Logger };
