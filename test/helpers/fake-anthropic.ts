import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

// Anthropic's Messages API faked at the HTTP boundary: the bot's real SDK client streams from
// this server over loopback (ANTHROPIC_BASE_URL). It answers POST /v1/messages with the same
// server-sent events the real API sends, records every request, and can be told to fail,
// delay or stall per request.

/** One block of a scripted answer: text, or a tool call (its input as JSON, or `rawInput` sent as is, malformed on purpose). */
export type FakeBlock = { type: "text"; text: string } | { type: "tool_use"; id?: string; name: string; input?: unknown; rawInput?: string };

export type FakeReply = {
  /** Non-200: an error body in the API's shape. */
  status?: number;
  headers?: Record<string, string>;
  /** Wait before sending the response headers (a slow or hung API). */
  delayMs?: number;
  /** Text of the answer, streamed in chunks. */
  text?: string;
  /** The answer's blocks in order (tool_use included), instead of `text`; stop_reason defaults to tool_use when there is one. */
  content?: FakeBlock[];
  /** The model the answer reports; by default the requested one as a dated snapshot. */
  model?: string;
  stopReason?: string;
  /** After message_start, wait this long before the rest (a stream that stalls). */
  stallMs?: number;
  /** An `event: error` mid-stream, as the API sends when it overloads while writing. */
  streamError?: { type: string; message: string };
  /** Characters per text_delta event (default 400). */
  chunkChars?: number;
  /**
   * Awaited before each text_delta event after the first (its index, from 1): a test paces the
   * stream, e.g. moves the bot's clock between pieces, without sleeping.
   */
  beforeChunk?: (index: number) => Promise<void>;
};

export type RecordedRequest = { path: string; headers: http.IncomingHttpHeaders; raw: string; body: Record<string, unknown>; at: number };

/** The API answers an alias with the dated model it ran; the fake does the same. */
export const snapshotOf = (model: string): string => `${model}-20260901`;

export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: FakeReply[] = [];
  private server!: http.Server;
  private readonly cached = new Set<string>();
  defaultReply: FakeReply = { text: "# Brand report\n\n## Snapshot\n- A short, grounded report." };
  url = "";

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The next requests get these answers, in order; after them, `defaultReply`. */
  enqueue(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** The tool_result blocks the bot sent in request `n` (its last user turn). */
  toolResults(n: number): { tool_use_id: string; content: string; is_error?: boolean }[] {
    const messages = (this.requests[n]?.body.messages ?? []) as { role: string; content: unknown }[];
    const last = messages[messages.length - 1];
    return Array.isArray(last?.content)
      ? (last.content as { type: string; tool_use_id: string; content: string; is_error?: boolean }[]).filter((b) => b.type === "tool_result")
      : [];
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.cached.clear();
    this.defaultReply = { text: "# Brand report\n\n## Snapshot\n- A short, grounded report." };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const path = new URL(req.url ?? "/", this.url).pathname;
    if (req.method !== "POST" || path !== "/v1/messages") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "Not found" } }));
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    this.requests.push({ path, headers: req.headers, raw, body, at: Date.now() });
    const reply = this.queue.shift() ?? this.defaultReply;
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    if (reply.delayMs) await sleep(reply.delayMs);
    if (closed) return;
    const requestId = `req_${randomBytes(8).toString("hex")}`;

    if (reply.status && reply.status !== 200) {
      const type =
        reply.status === 529 ? "overloaded_error" : reply.status === 429 ? "rate_limit_error" : reply.status >= 500 ? "api_error" : "invalid_request_error";
      res.writeHead(reply.status, { "content-type": "application/json", "request-id": requestId, ...reply.headers });
      res.end(JSON.stringify({ type: "error", error: { type, message: `fake ${type}` } }));
      return;
    }

    // Prompt caching as the API reports it: the first request with a cached prefix writes it,
    // later ones read it.
    const system = body.system as { text: string; cache_control?: unknown }[] | undefined;
    const cachedPrefix = Array.isArray(system) && system.some((b) => b.cache_control) ? JSON.stringify(system) : null;
    const prefixTokens = cachedPrefix ? Math.ceil(cachedPrefix.length / 4) : 0;
    const hit = cachedPrefix !== null && this.cached.has(cachedPrefix);
    if (cachedPrefix) this.cached.add(cachedPrefix);
    const userTokens = Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
    const blocks: FakeBlock[] = reply.content ?? [{ type: "text", text: reply.text ?? "" }];
    const outputTokens = Math.max(1, Math.ceil(JSON.stringify(blocks).length / 4));
    const hasToolUse = blocks.some((b) => b.type === "tool_use");

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": requestId, ...reply.headers });
    const send = (event: string, data: unknown) => {
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send("message_start", {
      type: "message_start",
      message: {
        id: `msg_${randomBytes(8).toString("hex")}`,
        type: "message",
        role: "assistant",
        model: reply.model ?? snapshotOf(String(body.model)),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: userTokens,
          cache_creation_input_tokens: cachedPrefix && !hit ? prefixTokens : 0,
          cache_read_input_tokens: hit ? prefixTokens : 0,
          output_tokens: 1,
        },
      },
    });
    if (reply.stallMs) await sleep(reply.stallMs);
    if (closed) return;
    send("ping", { type: "ping" });
    for (const [index, b] of blocks.entries()) {
      if (b.type === "text") {
        send("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
        const size = reply.chunkChars ?? 400;
        for (let i = 0, n = 0; i < b.text.length; i += size, n++) {
          if (n > 0 && reply.beforeChunk) await reply.beforeChunk(n);
          if (closed) return;
          send("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: b.text.slice(i, i + size) } });
        }
      } else {
        const id = b.id ?? `toolu_${randomBytes(8).toString("hex")}`;
        send("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id, name: b.name, input: {} } });
        // The API streams tool input as JSON fragments.
        const json = b.rawInput ?? JSON.stringify(b.input ?? {});
        for (let i = 0; i < json.length; i += 16) {
          send("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: json.slice(i, i + 16) } });
        }
      }
      if (reply.streamError) {
        send("error", { type: "error", error: reply.streamError });
        res.end();
        return;
      }
      send("content_block_stop", { type: "content_block_stop", index });
    }
    const stopReason = reply.stopReason ?? (hasToolUse ? "tool_use" : "end_turn");
    send("message_delta", { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
    send("message_stop", { type: "message_stop" });
    res.end();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
