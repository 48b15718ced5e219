import { ClaudeError } from "../deliverables/claude-client.js";
import { isOutOfScope } from "./ask-fns.js";
import type { AskLimits } from "./ask-limits.js";
import type { ChatReply, ClaudeChat, ToolResult, Turn } from "./ask-claude.js";
import type { CreatorLabel } from "./ask-reader.js";
import type { ToolCallRecord, ToolRunner } from "./ask-tool-runner.js";
import type { ToolSpec } from "./ask-tools.js";
import type { AskResult, AskRun } from "./ask-types.js";

// The tool-use conversation for one question: the model asks for lookups, the bot runs them
// and sends back tool_results, until the model answers in words. Bounded three ways (tool
// rounds, tokens, one overall deadline); every way it can end is a result, never a throw.

export type LoopDeps = { chat: ClaudeChat; runTool: ToolRunner; model: string; tools: readonly ToolSpec[]; limits: AskLimits };

export async function runAskLoop(deps: LoopDeps, system: string, question: string): Promise<AskRun> {
  const { limits } = deps;
  const calls: ToolCallRecord[] = [];
  const seen = new Map<string, CreatorLabel>();
  const usage = { inputTokens: 0, outputTokens: 0 };
  const end = (r: AskResult): AskRun => ({ ...r, calls, seen, usage });
  const messages: Turn[] = [{ role: "user", content: question }];
  const deadline = AbortSignal.timeout(limits.deadlineMs);

  for (let round = 0; ; round++) {
    let reply: ChatReply;
    try {
      reply = await deps.chat.chat({
        model: deps.model,
        system,
        tools: deps.tools,
        messages,
        maxTokens: limits.maxTokensPerTurn,
        // After the last tool round the model must answer with what it has.
        toolChoice: round >= limits.maxToolRounds ? "none" : "auto",
        signal: deadline,
        deadlineMs: limits.deadlineMs,
      });
    } catch (e) {
      const err = e instanceof ClaudeError ? e : new ClaudeError("connection", "The call to Claude failed.");
      return end({ kind: "failed", failure: err.kind, message: err.safeMessage });
    }
    usage.inputTokens += reply.usage.inputTokens;
    usage.outputTokens += reply.usage.outputTokens;
    const text = reply.content
      .flatMap((b) => (b.type === "text" ? [b.text] : []))
      .join("")
      .trim();
    const uses = reply.content.filter((b) => b.type === "tool_use");

    if (reply.stopReason === "refusal" || isOutOfScope(text)) return end({ kind: "out_of_scope" });
    if (uses.length === 0) {
      if (!text) return end({ kind: "failed", failure: "empty", message: "Claude returned an empty answer." });
      return end({ kind: "answered", text });
    }
    if (round >= limits.maxToolRounds) return end({ kind: "exhausted", reason: "rounds", text });
    if (usage.inputTokens + usage.outputTokens >= limits.tokenBudget) return end({ kind: "exhausted", reason: "tokens", text });

    const results: ToolResult[] = [];
    for (const [i, use] of uses.entries()) {
      if (i >= limits.maxToolCallsPerRound) {
        results.push({
          type: "tool_result",
          tool_use_id: use.id,
          content: `Error: at most ${limits.maxToolCallsPerRound} tool calls per turn; this one was not run.`,
          is_error: true,
        });
        continue;
      }
      const out = await deps.runTool(use.name, use.input, use.inputParsed);
      calls.push(out.record);
      for (const c of out.creators) seen.set(c.id, c);
      results.push({ type: "tool_result", tool_use_id: use.id, content: out.content, ...(out.isError ? { is_error: true } : {}) });
    }
    messages.push({ role: "assistant", content: reply.content }, { role: "user", content: results });
  }
}
