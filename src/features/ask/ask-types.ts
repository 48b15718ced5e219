import type { ClaudeFailureKind } from "../deliverables/claude-client.js";
import type { CreatorLabel } from "./ask-reader.js";
import type { ToolCallRecord } from "./ask-tool-runner.js";

/** How one question ended. Every kind is shown to the asker and recorded in the audit row. */
export type AskResult =
  | { kind: "answered"; text: string }
  /** Claude declined (unrelated to the studio's creators, or asking for secrets). */
  | { kind: "out_of_scope" }
  /** The question asked for credentials: declined before any model call. */
  | { kind: "credentials" }
  /** The tool rounds or the token budget ran out before an answer. */
  | { kind: "exhausted"; reason: "rounds" | "tokens"; text: string }
  | { kind: "failed"; failure: ClaudeFailureKind; message: string };

export type AskRun = AskResult & {
  /** Tool calls in order: names and argument summaries, never what they returned. */
  calls: ToolCallRecord[];
  /** Every creator a tool returned in this conversation, by id: the only ids an Open button may carry. */
  seen: Map<string, CreatorLabel>;
  usage: { inputTokens: number; outputTokens: number };
};
