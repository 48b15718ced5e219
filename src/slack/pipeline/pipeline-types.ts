import type { WebClient } from "@slack/web-api";
import type { AuditBatcher } from "../../audit/audit-batcher.js";
import type { AuditTarget } from "../../audit/audit-fns.js";
import type { Actor } from "../../identity/actor.js";
import type { Role } from "../../identity/roles.js";
import type { Logger } from "../../logger.js";
import type { BotMetrics } from "../../metrics/metrics.js";
import type { AnswerPlaces } from "../answer-in-place.js";
import type { RefusalRecorder } from "../refusals.js";
import type { Answer, Reply, Router } from "../router.js";

export type PipelineDeps = {
  router: Router;
  logger: Logger;
  audit: Pick<AuditBatcher, "record">;
  refusals: Pick<RefusalRecorder, "record">;
  metrics: Pick<BotMetrics, "refusal">;
  /** Where forms were opened from: their answers land there (src/slack/answer-in-place.ts). */
  places: Pick<AnswerPlaces, "remember" | "find" | "forget">;
  /** Publishes the person's App Home again, with a one-line notice (a form opened there was submitted). */
  refreshHome(actor: Actor, client: WebClient, notice: string): Promise<void>;
};

/** What the guard runs for one request: the route's label, role, audit target and handler. */
export type Spec<C> = {
  label: string;
  minRole: Role;
  target: AuditTarget;
  // biome-ignore lint/suspicious/noConfusingVoidType: handlers that only open a modal are inferred as `Promise<void>`; `void` lets them stand without a `return undefined`
  handle(ctx: C): Promise<Answer | void>;
  refuse?: ((ctx: C, text: string) => Promise<void>) | undefined;
};

/** The part of every surface's context the pipeline fills in before the handler. */
export type Run = { actor: Actor; unavailable: boolean; reply: Reply };
