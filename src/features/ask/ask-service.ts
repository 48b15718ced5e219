import type { WebClient } from "@slack/web-api";
import type { Db } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import type { Logger } from "../../logger.js";
import { dateInTz } from "../../lib/dates.js";
import type { HealthService } from "../health/health-service.js";
import type { Clock } from "../types.js";
import { interruptedMessage } from "./ask-blocks.js";
import type { ClaudeChat } from "./ask-claude.js";
import { citedCreators } from "./ask-fns.js";
import { ASK_LIMITS, type AskLimits } from "./ask-limits.js";
import { runAskLoop } from "./ask-loop.js";
import { systemPrompt } from "./ask-prompt.js";
import { createAskReader, type CreatorLabel } from "./ask-reader.js";
import { createAskRuns } from "./ask-runs.js";
import { createToolRunner } from "./ask-tool-runner.js";
import { TOOL_SPECS } from "./ask-tools.js";
import type { AskRun } from "./ask-types.js";

export type AskService = ReturnType<typeof createAskService>;

type Deps = {
  db: Db;
  health: Pick<HealthService, "healthFor">;
  /** null when ANTHROPIC_API_KEY is not set: the command says so and records the refusal. */
  chat: ClaudeChat | null;
  model: string;
  tz: string;
  clock: Clock;
  logger: Logger;
  slack: Pick<WebClient, "chat">;
  limits?: Partial<AskLimits>;
};

export function createAskService(deps: Deps) {
  const { chat, logger } = deps;
  const limits: AskLimits = { ...ASK_LIMITS, ...deps.limits };
  const log = logger.child({ feature: "ask" });
  const today = () => dateInTz(deps.clock.now(), deps.tz);
  const reader = createAskReader({ db: deps.db, health: deps.health, tz: deps.tz, today });
  const runTool = createToolRunner({ reader, logger: log, maxChars: limits.toolResultMaxChars });
  const runs = createAskRuns({
    db: deps.db,
    clock: deps.clock,
    maxOpenPerUser: limits.maxOpenPerUser,
    staleAfterMs: limits.staleAfterMs,
    keepFinishedMs: limits.keepFinishedMs,
  });

  return {
    configured: chat !== null,
    limits,

    /** Records the question as in flight; null when the asker already has too many. */
    begin: (question: string, actor: Actor): Promise<string | null> => runs.begin(actor.slackUserId ?? `user:${actor.userId}`, question),

    /**
     * The conversation for a question begun with `begin`. Claude's failures and every tool's
     * are results, not throws; the run is marked done before the answer goes out.
     */
    async answer(runId: string, question: string): Promise<{ run: AskRun; cited: CreatorLabel[] }> {
      if (!chat) throw new Error("ask is not configured");
      try {
        const run = await runAskLoop({ chat, runTool, model: deps.model, tools: TOOL_SPECS, limits }, systemPrompt(today()), question);
        const cited = run.kind === "answered" || run.kind === "exhausted" ? citedCreators(run.text, run.seen) : [];
        log.info({ outcome: run.kind, tools: run.calls.length, cited: cited.length, usage: run.usage }, "ask answered");
        return { run, cited };
      } finally {
        await runs.finish(runId).catch((e: unknown) => log.warn({ err: e }, "could not mark an ask run done"));
      }
    },

    /** Tells each asker whose question lost its process (once, whichever replica sweeps first). */
    async sweepInterrupted(): Promise<number> {
      const claimed = await runs.claimInterrupted();
      for (const r of claimed) {
        await deps.slack.chat
          .postMessage({ channel: r.slackUserId, ...interruptedMessage(r.question, r.startedAt, deps.tz) })
          .catch((e: unknown) => log.warn({ err: e, run: r.id }, "could not tell an asker their question was interrupted"));
      }
      if (claimed.length) log.info({ interrupted: claimed.length }, "interrupted asks closed");
      return claimed.length;
    },
  };
}
