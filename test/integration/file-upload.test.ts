import { createWriteStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { uploadFile, uploadPath, withTempFile } from "../../src/slack/file-upload.js";
import { FakeSlack } from "../helpers/fake-slack.js";

// files.getUploadURLExternal -> POST the bytes -> files.completeUploadExternal, against the
// fake Slack over real HTTP (the sandbox's side is in sandbox.test.ts).

let slack: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  client = new WebClient("xoxb-test", { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await slack.stop();
});
beforeEach(() => slack.reset());

describe("uploadFile", () => {
  it("announces the exact byte length, posts the bytes, then shares the file with its title and comment", async () => {
    const content = Buffer.from("name,note\nJosé,“quoted” ☃\n");
    const out = await uploadFile(client, { channelId: "D123", filename: "a.csv", title: "Audit export", initialComment: "Here it is", content });
    const ticket = slack.callsTo("files.getUploadURLExternal")[0]!;
    expect(ticket.args).toMatchObject({ filename: "a.csv", length: String(content.length) });
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]!.bytes.equals(content)).toBe(true);
    expect(slack.uploads[0]!.announced).toBe(content.length);
    const done = slack.callsTo("files.completeUploadExternal")[0]!;
    expect(done.args).toMatchObject({ channel_id: "D123", initial_comment: "Here it is", files: [{ id: out.fileId, title: "Audit export" }] });
    expect(out.permalink).toBe(`https://example.slack.com/files/${out.fileId}`);
    // The order Slack requires: the bytes arrive before the file is completed.
    expect(slack.uploads[0]!.at).toBeLessThanOrEqual(done.at);
  });

  it("streams a stream of known length without the token going to the upload URL", async () => {
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(16 * 1024, 65 + (i % 26)));
    const length = chunks.reduce((n, c) => n + c.length, 0);
    await uploadFile(client, { channelId: "C1", filename: "big.csv", title: "Big", content: { stream: Readable.from(chunks), length } });
    expect(slack.uploads[0]!.bytes.length).toBe(length);
    expect(slack.uploads[0]!.bytes.equals(Buffer.concat(chunks))).toBe(true);
    expect(slack.uploads[0]!.contentType).toBe("application/octet-stream");
  });

  it("uploads a file on disk by streaming it, and withTempFile removes its directory afterwards", async () => {
    let dir = "";
    const size = await withTempFile("export.csv", async (path) => {
      dir = dirname(path);
      await pipeline(
        Readable.from(
          (function* () {
            for (let i = 0; i < 20_000; i++) yield `${i},row ${i}\n`;
          })(),
        ),
        createWriteStream(path),
      );
      await uploadPath(client, path, { channelId: "D9", filename: "export.csv", title: "Export" });
      return (await stat(path)).size;
    });
    expect(slack.uploads[0]!.bytes.length).toBe(size);
    expect(slack.uploads[0]!.announced).toBe(size);
    expect(slack.uploads[0]!.bytes.toString().split("\n")[19_999]).toBe("19999,row 19999");
    expect((await readdir(tmpdir())).includes(dir.split("/").pop()!)).toBe(false);
  });

  it("withTempFile removes the directory when the work throws", async () => {
    let dir = "";
    await expect(
      withTempFile("x.csv", async (path) => {
        dir = dirname(path);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await readdir(tmpdir())).includes(dir.split("/").pop()!)).toBe(false);
  });

  it("a stream shorter or longer than announced fails the upload instead of hanging or completing", async () => {
    await expect(
      uploadFile(client, { channelId: "D1", filename: "a.csv", title: "A", content: { stream: Readable.from([Buffer.from("abc")]), length: 10 } }),
    ).rejects.toThrow(/3 bytes, but 10 were announced/);
    await expect(
      uploadFile(client, { channelId: "D1", filename: "a.csv", title: "A", content: { stream: Readable.from([Buffer.from("abcdef")]), length: 2 } }),
    ).rejects.toThrow(/more than the 2 bytes/);
    expect(slack.callsTo("files.completeUploadExternal")).toHaveLength(0);
  });

  it("a refused upload throws and never completes the file", async () => {
    slack.on("upload", () => ({ status: 500, body: "nope" }));
    await expect(uploadFile(client, { channelId: "D1", filename: "a.csv", title: "A", content: Buffer.from("x") })).rejects.toThrow(/HTTP 500/);
    expect(slack.callsTo("files.completeUploadExternal")).toHaveLength(0);
  });

  it("a refused ticket throws before any bytes are sent", async () => {
    slack.on("files.getUploadURLExternal", () => ({ ok: false, error: "not_allowed_token_type" }));
    await expect(uploadFile(client, { channelId: "D1", filename: "a.csv", title: "A", content: Buffer.from("x") })).rejects.toThrow(/not_allowed_token_type/);
    expect(slack.uploads).toHaveLength(0);
  });
});
