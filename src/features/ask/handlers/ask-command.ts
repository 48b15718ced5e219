import { AppError, ErrorCode, invalid } from "../../../errors.js";
import type { Logger } from "../../../logger.js";
import type { CommandRoute } from "../../../slack/router.js";
import { answerMessage, NOT_CONFIGURED, thinking, TOO_LONG, TOO_MANY_OPEN, USAGE } from "../ask-blocks.js";
import { ASK_USAGE, asksForCredentials, auditNotes, credentialsDeclined, parseQuestion } from "../ask-fns.js";
import type { AskService } from "../ask-service.js";

/**
 * `/wl ask <question>`: runs after the pipeline's ack. "Thinking…" goes out at once through the
 * response_url; the answer is returned, so the pipeline writes the VIEW row (the question, the
 * tools used, how it ended) before it sends the answer.
 */
export const askCommand = (deps: { ask: AskService; logger: Logger }): CommandRoute => ({
  name: "ask",
  usage: ASK_USAGE,
  description: "ask Claude about creators, milestones and health (read-only data; never credentials)",
  minRole: "staff",
  async handle(ctx) {
    const { ask } = deps;
    if (!ask.configured) throw new AppError(ErrorCode.NotConfigured, { userMessage: NOT_CONFIGURED });
    const parsed = parseQuestion(ctx.args, ask.limits.questionMaxChars);
    if ("error" in parsed) throw invalid(parsed.error === "empty" ? USAGE : TOO_LONG(ask.limits.questionMaxChars));
    const { question } = parsed;
    const max = ask.limits.maxCitedButtons;
    if (asksForCredentials(question)) {
      const run = credentialsDeclined();
      return { reply: answerMessage(question, run, [], max), shown: auditNotes(question, run, []) };
    }
    const runId = await ask.begin(question, ctx.actor);
    if (!runId) throw new AppError(ErrorCode.RateLimited, { userMessage: TOO_MANY_OPEN(ask.limits.maxOpenPerUser) });
    await ctx.reply(thinking(question)).catch((e: unknown) => deps.logger.warn({ err: e }, "could not post Thinking…"));
    const { run, cited } = await ask.answer(runId, question);
    return { reply: answerMessage(question, run, cited, max), shown: auditNotes(question, run, cited) };
  },
});
