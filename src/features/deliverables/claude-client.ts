import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type { Logger } from "../../logger.js";

// The one wrapper around the Anthropic SDK. It streams (long documents would outlive a plain
// request's timeout), lets the SDK retry 429/529/5xx and connection errors, bounds the whole
// call with a deadline, caches the fixed template, and turns every failure into a short
// message that is safe to store and show: never a key, never a raw upstream body.

export const CLAUDE_DEFAULTS = {
  /** Per attempt, until the response starts (the SDK's `timeout`). */
  timeoutMs: 60_000,
  /** The SDK's own retries with backoff, honouring retry-after. */
  maxRetries: 3,
  /** The whole call, retries and streaming included. Must stay below the stale-record age. */
  deadlineMs: 6 * 60_000,
} as const;

export type GenerateRequest = {
  model: string;
  system: string;
  /** Fixed per deliverable type: marked for prompt caching. */
  template: string;
  user: string;
  maxTokens: number;
  /** Cuts the call short (this replica is stopping); the caller then hands the work back. */
  signal?: AbortSignal;
  /** Called with the whole text so far as each streamed piece arrives (progress, never stored). */
  onText?: (textSoFar: string) => void;
};

export type TokenUsage = {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
};

export type GenerateResult = {
  text: string;
  /** The model the API reports it used (may be a dated snapshot of the requested alias). */
  model: string;
  stopReason: string | null;
  usage: TokenUsage;
  requestId: string | null;
};

export type ClaudeFailureKind = "timeout" | "overloaded" | "rate_limited" | "server" | "auth" | "rejected" | "connection" | "empty" | "refused";

/** A failed generation; `safeMessage` may go into error_message and to the user. */
export class ClaudeError extends Error {
  override name = "ClaudeError";
  constructor(
    readonly kind: ClaudeFailureKind,
    readonly safeMessage: string,
    readonly status: number | null = null,
  ) {
    super(`claude ${kind}${status ? ` (HTTP ${status})` : ""}`);
  }
}

export type ClaudeClient = { generate(req: GenerateRequest): Promise<GenerateResult> };

export type ClaudeClientOptions = {
  apiKey: string;
  baseUrl?: string | undefined;
  logger: Logger;
  timeoutMs?: number;
  maxRetries?: number;
  deadlineMs?: number;
};

/**
 * The SDK client every Claude feature uses: the configured key and base URL, the SDK's retries
 * and per-attempt timeout, and its log lines routed into ours (never the request bodies).
 */
export function anthropicClient(opts: { apiKey: string; baseUrl?: string | undefined; timeoutMs: number; maxRetries: number; log: Logger }): Anthropic {
  const { log } = opts;
  return new Anthropic({
    apiKey: opts.apiKey,
    // Explicit, so an ANTHROPIC_BASE_URL only the config saw is the one used.
    ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    logLevel: "warn",
    logger: {
      error: (msg: string) => log.error(msg),
      warn: (msg: string) => log.warn(msg),
      info: (msg: string) => log.info(msg),
      debug: (msg: string) => log.debug(msg),
    },
  });
}

export function createClaudeClient(opts: ClaudeClientOptions): ClaudeClient {
  const timeoutMs = opts.timeoutMs ?? CLAUDE_DEFAULTS.timeoutMs;
  const maxRetries = opts.maxRetries ?? CLAUDE_DEFAULTS.maxRetries;
  const deadlineMs = opts.deadlineMs ?? CLAUDE_DEFAULTS.deadlineMs;
  const log = opts.logger.child({ component: "claude" });
  const client = anthropicClient({ apiKey: opts.apiKey, baseUrl: opts.baseUrl, timeoutMs, maxRetries, log });

  return {
    async generate(req) {
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), deadlineMs);
      const started = Date.now();
      try {
        const stream = client.messages.stream(
          {
            model: req.model,
            max_tokens: req.maxTokens,
            system: [
              { type: "text", text: req.system },
              // The breakpoint after the template caches voice + template: only the snapshot varies.
              { type: "text", text: req.template, cache_control: { type: "ephemeral" } },
            ],
            messages: [{ role: "user", content: req.user }],
          },
          { signal: req.signal ? AbortSignal.any([deadline.signal, req.signal]) : deadline.signal },
        );
        if (req.onText) {
          const onText = req.onText;
          stream.on("text", (_delta, snapshot) => onText(snapshot));
        }
        const message = await stream.finalMessage();
        const text = message.content
          .flatMap((b) => (b.type === "text" ? [b.text] : []))
          .join("")
          .trim();
        const usage: TokenUsage = {
          inputTokens: message.usage.input_tokens ?? 0,
          outputTokens: message.usage.output_tokens ?? 0,
          cacheCreationInputTokens: message.usage.cache_creation_input_tokens ?? 0,
          cacheReadInputTokens: message.usage.cache_read_input_tokens ?? 0,
        };
        log.info(
          { model: message.model, usage, stopReason: message.stop_reason, requestId: stream.request_id ?? null, ms: Date.now() - started },
          "claude token usage",
        );
        if (message.stop_reason === "refusal") throw new ClaudeError("refused", "Claude declined to write this document.");
        if (!text) throw new ClaudeError("empty", "Claude returned an empty document.");
        if (message.stop_reason === "max_tokens") log.warn({ model: message.model, maxTokens: req.maxTokens }, "claude output hit max_tokens");
        return { text, model: message.model || req.model, stopReason: message.stop_reason ?? null, usage, requestId: stream.request_id ?? null };
      } catch (e) {
        const err = toClaudeError(e, { deadlineHit: deadline.signal.aborted, attempts: maxRetries + 1, deadlineMs });
        log.warn({ kind: err.kind, status: err.status, ms: Date.now() - started, cause: describeFailure(e) }, "claude call failed");
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Maps SDK errors to a kind and a short, secret-free message. */
export function toClaudeError(e: unknown, ctx: { deadlineHit: boolean; attempts: number; deadlineMs: number }): ClaudeError {
  if (e instanceof ClaudeError) return e;
  const minutes = Math.max(1, Math.round(ctx.deadlineMs / 60_000));
  if (ctx.deadlineHit || e instanceof APIUserAbortError) {
    return new ClaudeError("timeout", `Claude did not finish within ${minutes} minute${minutes === 1 ? "" : "s"}.`);
  }
  if (e instanceof APIConnectionTimeoutError) {
    return new ClaudeError("timeout", `Claude did not answer in time (${ctx.attempts} attempts).`);
  }
  if (e instanceof APIConnectionError) return new ClaudeError("connection", `Could not reach Claude (${ctx.attempts} attempts).`);
  if (e instanceof APIError) {
    const s = e.status ?? null;
    if (s === 529)
      return new ClaudeError("overloaded", `Claude is overloaded (HTTP 529) and still was after ${ctx.attempts} attempts. Try again in a few minutes.`, s);
    if (s === 429)
      return new ClaudeError("rate_limited", `Claude's rate limit was reached (HTTP 429) after ${ctx.attempts} attempts. Try again in a few minutes.`, s);
    if (s !== null && s >= 500) return new ClaudeError("server", `Claude had a server error (HTTP ${s}) after ${ctx.attempts} attempts.`, s);
    if (s === 401 || s === 403) return new ClaudeError("auth", `Claude refused our credentials (HTTP ${s}); an admin should check ANTHROPIC_API_KEY.`, s);
    if (s !== null) return new ClaudeError("rejected", `Claude rejected the request (HTTP ${s}).`, s);
    // An error event inside the stream (the API's own "overloaded_error" mid-response).
    const type = errorType(e.error);
    if (type === "overloaded_error") return new ClaudeError("overloaded", "Claude was overloaded while writing. Try again in a few minutes.");
    return new ClaudeError("server", "Claude stopped with an error while writing.");
  }
  return new ClaudeError("connection", "The call to Claude failed.");
}

function errorType(body: unknown): string | undefined {
  const b = body as { type?: unknown; error?: { type?: unknown } } | undefined;
  const t = b?.error?.type ?? b?.type;
  return typeof t === "string" ? t : undefined;
}

/** For the log only: the error's class and status, not its message (which may echo a body). */
export function describeFailure(e: unknown): Record<string, unknown> {
  if (e instanceof APIError) return { class: e.constructor.name, status: e.status ?? null, requestId: e.requestID ?? null };
  return { class: e instanceof Error ? e.constructor.name : typeof e };
}
