import type { IsoDate } from "../../../lib/dates.js";
import type { Logger } from "../../../logger.js";
import type { CreatorService } from "../../creators/creator-service.js";
import type { MilestoneService } from "../milestone-service.js";

export type MilestoneHandlerDeps = {
  milestones: MilestoneService;
  creators: Pick<CreatorService, "resolve">;
  today: () => IsoDate;
  /** The clock and the studio's time zone, for rules about dates (a past-dated new milestone). */
  now: () => Date;
  tz: string;
  logger: Logger;
  /** Whether a response_url in a form's metadata is really Slack's (metadata may be forged). */
  isResponseUrl: (url: string) => boolean;
};
