import type { IsoDate } from "../../../lib/dates.js";
import type { Logger } from "../../../logger.js";
import type { CreatorService } from "../../creators/creator-service.js";
import type { MilestoneService } from "../milestone-service.js";

export type MilestoneHandlerDeps = {
  milestones: MilestoneService;
  creators: Pick<CreatorService, "resolve" | "card">;
  today: () => IsoDate;
  /** The clock and the studio's time zone, for rules about dates (a past-dated new milestone). */
  now: () => Date;
  tz: string;
  logger: Logger;
};
