import type Anthropic from "@anthropic-ai/sdk";
import type { Logger } from "../../logger.js";
import { anthropicClient, ClaudeError, describeFailure, toClaudeError } from "../deliverables/claude-client.js";
import type { ToolSpec } from "./ask-tools.js";

// One model turn of a tool-using conversation, through the same SDK client set-up as the
// deliverables (key, ANTHROPIC_BASE_URL, retries, log routing). It streams, like the
// deliverables, so the SDK's per-attempt timeout covers the first byte, not the whole turn;
// the caller's signal is the question's overall deadline. Failures become a ClaudeError whose
// message is safe to show and store.

export type Block = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown; inputParsed: boolean };
export type ToolResult = { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean };
export type Turn = { role: "user"; content: string | ToolResult[] } | { role: "assistant"; content: Block[] };

export type ChatRequest = {
  model: string;
  system: string;
  tools: readonly ToolSpec[];
  messages: readonly Turn[];
  maxTokens: number;
  /** "none" makes the model answer in words (the last round). */
  toolChoice: "auto" | "none";
  signal: AbortSignal;
  deadlineMs: number;
};
export type ChatReply = { content: Block[]; stopReason: string | null; usage: { inputTokens: number; outputTokens: number } };
export type ClaudeChat = { chat(req: ChatRequest): Promise<ChatReply> };

export type ClaudeChatOptions = { apiKey: string; baseUrl?: string | undefined; logger: Logger; timeoutMs: number; maxRetries: number };

export function createClaudeChat(opts: ClaudeChatOptions): ClaudeChat {
  const log = opts.logger.child({ component: "claude", feature: "ask" });
  const client = anthropicClient({ apiKey: opts.apiKey, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs, maxRetries: opts.maxRetries, log });
  return {
    async chat(req) {
      const started = Date.now();
      try {
        const stream = client.messages.stream(
          {
            model: req.model,
            max_tokens: req.maxTokens,
            // Tools + system are the same on every turn: cached after the first.
            system: [{ type: "text", text: req.system, cache_control: { type: "ephemeral" } }],
            tools: req.tools as unknown as Anthropic.Tool[],
            tool_choice: { type: req.toolChoice },
            messages: req.messages.map(toParam),
          },
          { signal: req.signal },
        );
        const message = await stream.finalMessage();
        const usage = { inputTokens: message.usage.input_tokens ?? 0, outputTokens: message.usage.output_tokens ?? 0 };
        log.info({ model: message.model, usage, stopReason: message.stop_reason, ms: Date.now() - started }, "claude ask turn");
        return { content: message.content.flatMap(toBlock), stopReason: message.stop_reason ?? null, usage };
      } catch (e) {
        // The question's own deadline (seconds, not the deliverables' minutes).
        const err = req.signal.aborted
          ? new ClaudeError("timeout", `Claude did not finish answering within ${seconds(req.deadlineMs)}.`)
          : toClaudeError(e, { deadlineHit: false, attempts: opts.maxRetries + 1, deadlineMs: req.deadlineMs });
        log.warn({ kind: err.kind, status: err.status, ms: Date.now() - started, cause: describeFailure(e) }, "claude ask turn failed");
        throw err;
      }
    },
  };
}

/** A response block as the loop needs it. A tool input that is not a JSON object is marked, not thrown. */
function toBlock(b: Anthropic.ContentBlock): Block[] {
  if (b.type === "text") return [{ type: "text", text: b.text }];
  if (b.type !== "tool_use") return [];
  let input: unknown;
  try {
    // The SDK parses streamed tool input lazily; malformed JSON from the API throws here.
    input = b.input;
  } catch {
    return [{ type: "tool_use", id: String(b.id), name: String(b.name), input: undefined, inputParsed: false }];
  }
  const ok = input !== null && typeof input === "object" && !Array.isArray(input);
  return [{ type: "tool_use", id: String(b.id), name: String(b.name), input, inputParsed: ok }];
}

/** Back to the API's shape: a tool_use is echoed as sent, or with {} when its input was not an object. */
function toParam(t: Turn): Anthropic.MessageParam {
  if (t.role === "user") return { role: "user", content: t.content };
  return {
    role: "assistant",
    // The API refuses empty text blocks; a tool input must be an object.
    content: t.content.flatMap((b): Anthropic.ContentBlockParam[] =>
      b.type === "text"
        ? b.text
          ? [{ type: "text" as const, text: b.text }]
          : []
        : [{ type: "tool_use" as const, id: b.id, name: b.name, input: b.inputParsed ? b.input : {} }],
    ),
  };
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return `${s} second${s === 1 ? "" : "s"}`;
}

export { ClaudeError };
