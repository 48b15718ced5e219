import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { WebClient } from "@slack/web-api";

// Uploading a file the way Slack wants it since files.upload was retired: ask for an upload URL
// for a name and an exact length (files.getUploadURLExternal), POST the bytes there, then share
// it (files.completeUploadExternal). The bytes are a Buffer or a stream of known length, so a
// large export goes from a temp file to Slack without ever being held whole in memory.

/** The bytes: small ones in memory, large ones as a stream whose length is known up front. */
export type UploadContent = Buffer | { stream: Readable; length: number };

export type UploadRequest = {
  /** A conversation id (a DM's D… id from conversations.open, or a channel). */
  channelId: string;
  filename: string;
  title: string;
  /** mrkdwn posted with the file; the caller escapes user text in it. */
  initialComment?: string;
  threadTs?: string;
  /** For images: what a screen reader says. */
  altText?: string;
  content: UploadContent;
};

export type Uploaded = { fileId: string; permalink?: string };

/** A slow or stalled upload endpoint must not hold a job forever. */
export const UPLOAD_TIMEOUT_MS = 120_000;

export async function uploadFile(client: Pick<WebClient, "files">, req: UploadRequest, timeoutMs = UPLOAD_TIMEOUT_MS): Promise<Uploaded> {
  const length = Buffer.isBuffer(req.content) ? req.content.length : req.content.length;
  const ticket = await client.files.getUploadURLExternal({ filename: req.filename, length, ...(req.altText ? { alt_txt: req.altText } : {}) });
  if (!ticket.upload_url || !ticket.file_id) throw new Error("files.getUploadURLExternal returned no upload_url or file_id");
  const body = Buffer.isBuffer(req.content) ? Readable.from([req.content]) : req.content.stream;
  await postBytes(ticket.upload_url, body, length, timeoutMs);
  const done = await client.files.completeUploadExternal({
    files: [{ id: ticket.file_id, title: req.title }],
    channel_id: req.channelId,
    ...(req.initialComment ? { initial_comment: req.initialComment } : {}),
    ...(req.threadTs ? { thread_ts: req.threadTs } : {}),
  });
  const file = (done.files as { id?: string; permalink?: string }[] | undefined)?.[0];
  return { fileId: ticket.file_id, ...(file?.permalink ? { permalink: file.permalink } : {}) };
}

/** Uploads a file on disk, streamed; its size is the length Slack is promised. */
export async function uploadPath(
  client: Pick<WebClient, "files">,
  path: string,
  req: Omit<UploadRequest, "content">,
  timeoutMs = UPLOAD_TIMEOUT_MS,
): Promise<Uploaded> {
  const { size } = await stat(path);
  return uploadFile(client, { ...req, content: { stream: createReadStream(path), length: size } }, timeoutMs);
}

/** A private temp directory for one file, removed after `fn` whatever happens. */
export async function withTempFile<T>(name: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "wl-"));
  try {
    return await fn(join(dir, name));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Streams the bytes with a fixed Content-Length (Slack checks it against the announced length).
 * No token goes with them: the upload URL is pre-signed, and a URL from an answer is not a
 * place to send credentials.
 */
async function postBytes(url: string, body: Readable, length: number, timeoutMs: number): Promise<void> {
  const target = new URL(url);
  const lib = target.protocol === "https:" ? https : target.protocol === "http:" ? http : undefined;
  if (!lib) throw new Error(`upload URL has an unsupported scheme: ${target.protocol}`);
  const answered = new Promise<void>((resolve, reject) => {
    const out = lib.request(target, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "content-length": String(length) },
      timeout: timeoutMs,
    });
    out.on("timeout", () => out.destroy(new Error(`file upload timed out after ${timeoutMs} ms`)));
    out.on("error", reject);
    out.on("response", (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`file upload answered HTTP ${res.statusCode}`))));
      res.on("error", reject);
    });
    pipeline(body, exactly(length), out).catch((e: unknown) => {
      out.destroy();
      reject(e instanceof Error ? e : new Error(String(e)));
    });
  });
  await answered;
}

/**
 * Passes the bytes through and fails the upload when they are more or fewer than announced:
 * Slack keeps a short body waiting for the rest, so the mismatch is caught here, not by a timeout.
 */
function exactly(length: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > length) return done(new Error(`file upload: more than the ${length} bytes announced`));
      done(null, chunk);
    },
    flush(done) {
      done(seen === length ? null : new Error(`file upload: ${seen} bytes, but ${length} were announced`));
    },
  });
}
