import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, SANDBOX_CHANNELS } from "../../src/config.js";
import { startSandboxBot, type SandboxedBot } from "../../src/sandbox/start-sandbox.js";
import type { Json } from "../../src/sandbox/block-kit.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { captureLogger } from "../helpers/logs.js";
import { sandboxUi } from "../helpers/sandbox-ui.js";
import { insertCredential, makeCreator } from "../e2e/vault-support.js";
import { seedCreators } from "./digest-seed.js";

// A fresh clone's `npm start` (no Slack variables, no DIGEST_CHANNEL, no APPROVALS_CHANNEL):
// the sandbox has a digest channel and an approvals channel, so every feature can be tried.

const MIA = "U0DEMOMIA";
const SAM = "U0DEMOSAM";
const GENERAL = "C0GENERAL";
const DIGESTS = SANDBOX_CHANNELS.digest.id;
const APPROVALS = SANDBOX_CHANNELS.approvals.id;

let tdb: TestDatabase;
let bot: SandboxedBot;

beforeAll(async () => {
  tdb = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: tdb.appUrl, PORT: "0", LOG_LEVEL: "warn", DIGEST_TZ: "UTC" });
  bot = await startSandboxBot(config, captureLogger().logger, { schedules: false });
});
afterAll(async () => {
  await bot?.stop();
  await tdb?.drop();
});

const { ws, ui, waitFor } = sandboxUi(() => bot);
const botMessages = (user: string, channel: string) =>
  ws()
    .messagesFor(user, channel)
    .filter((m) => m.user === ws().bot.userId);

describe("the sandbox's default channels", () => {
  it("has #wl-digests and #wl-approvals, and the bot is configured with them", () => {
    expect(ws().channels.get(DIGESTS)).toMatchObject({ name: "wl-digests", kind: "channel" });
    expect(ws().channels.get(APPROVALS)).toMatchObject({ name: "wl-approvals", kind: "channel" });
    expect(bot.deps.config.digest.channel).toBe(DIGESTS);
    expect(bot.deps.config.approvalsChannel).toBe(APPROVALS);
  });

  it("`/wl digest now` (Mia, manager) posts to the sandbox's digest channel", async () => {
    await seedCreators(tdb.db, "RED", 2, { prefix: "Sandbox" });
    expect(await ui("command", { user: MIA, channel: GENERAL, text: "/wl digest now" })).toEqual({ ok: true });
    const post = await waitFor(() => botMessages(MIA, DIGESTS).find((m) => m.text.includes("Creator health digest")), "the digest in #wl-digests");
    expect(JSON.stringify(post.blocks)).toContain("Sandbox Brand");
    const answer = await waitFor(() => botMessages(MIA, GENERAL).find((m) => m.text.includes("Posted the digest")), "the answer");
    expect(answer.text).toContain(`<#${DIGESTS}>`);
  });

  it("a reveal request's approval prompt goes to the approvals channel", async () => {
    const creator = await makeCreator(tdb.db, "Vaulted Co");
    await insertCredential(tdb.db, creator, { platform: "Shopify", account: "vaulted-shop" });
    await ui("command", { user: SAM, channel: GENERAL, text: "/wl creds Vaulted Co" });
    const list = await waitFor(
      () => botMessages(SAM, GENERAL).find((m) => JSON.stringify(m.blocks ?? []).includes('"reveal_request"')),
      "the credentials list",
    );
    const button = (list.blocks as Json[])
      .flatMap((b) => ((b.elements as Json[]) ?? []).map((e) => ({ b, e })))
      .find(({ e }) => e.action_id === "reveal_request")!;
    expect(
      await ui("action", { user: SAM, source: { type: "message", channel: GENERAL, ts: list.ts }, blockId: button.b.block_id, actionId: "reveal_request" }),
    ).toEqual({ ok: true });
    const modal = await waitFor(() => ws().stackOf(SAM).at(-1)?.def.callback_id === "reveal_reason" && ws().stackOf(SAM).at(-1), "the reason form");
    const input = (modal.def.blocks as Json[]).find((b) => b.type === "input")!;
    const drafts = { [String(input.block_id)]: { [String((input.element as Json).action_id)]: "Update the store theme" } };
    expect(await ui("submit", { user: SAM, viewId: modal.id, drafts })).toEqual({ ok: true });
    const prompt = await waitFor(
      () => botMessages(MIA, APPROVALS).find((m) => JSON.stringify(m.blocks ?? []).includes("reveal_approve")),
      "the approval prompt in #wl-approvals",
    );
    expect(JSON.stringify(prompt.blocks)).toContain("Update the store theme");
  });
});
