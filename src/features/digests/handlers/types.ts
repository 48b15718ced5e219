import type { WebClient } from "@slack/web-api";
import type { IsoDate } from "../../../lib/dates.js";
import type { Logger } from "../../../logger.js";
import type { Actor } from "../../../identity/actor.js";
import type { DigestService } from "../digest-service.js";
import type { Answer, CommandCtx } from "../../../slack/router.js";

export type DigestHandlerDeps = {
  digests: DigestService;
  today: () => IsoDate;
  now: () => Date;
  channel: string | undefined;
  client: WebClient;
  logger: Logger;
  /** Posts the digest to the channel now (the on-demand path of digest-run.ts). */
  postNow(actor: Actor, today: IsoDate): Promise<{ channel: string; parts: number; creators: number }>;
  /** `/wl digest settings`: the personal digest's modal (src/features/digest-settings/). */
  settings(ctx: CommandCtx): Promise<Answer>;
};
