import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { seedCreators } from "../integration/digest-seed.js";

// Issue 14, item 8: `/wl digest now` audits what happened after the post, not before it.

const CHANNEL = "C0DIGEST";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC" });
  await grantRoles(h, { UMANAGER: "manager" });
  await seedCreators(h.tdb.db, "RED", 2, { prefix: "Audit" });
});
afterAll(async () => {
  await h?.close();
});

const digestRows = () => h.tdb.db.auditLog.findMany({ where: { targetModel: "HealthDigest", slackUserId: "UMANAGER" }, orderBy: { timestamp: "asc" } });

describe("/wl digest now is audited after the outcome is known", () => {
  it("a post Slack refuses leaves no 'posted' row: the row says it failed, and why", async () => {
    h.slack.on("chat.postMessage", (args) => (args.channel === CHANNEL ? { ok: false, error: "not_in_channel" } : undefined));
    try {
      const { responseUrl } = await h.command("UMANAGER", "digest now");
      expect(String((await answerTo(h, responseUrl)).text)).toMatch(/couldn't post the digest/);
    } finally {
      h.slack.on("chat.postMessage", () => undefined);
    }
    const rows = await digestRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actionType: "VIEW", notes: `on-demand digest to ${CHANNEL} failed after 0 of 1 part(s): not_in_channel` });
    expect(rows[0]!.changes).toMatchObject({ parts_posted: 0, parts_total: 1, error: "not_in_channel" });
  });

  it("a successful post is audited once it is in the channel, with what was posted", async () => {
    let rowsWhenPosted = -1;
    h.slack.on("chat.postMessage", async (args) => {
      if (args.channel === CHANNEL) rowsWhenPosted = (await digestRows()).length;
      return undefined;
    });
    try {
      const { responseUrl } = await h.command("UMANAGER", "digest now");
      expect(String((await answerTo(h, responseUrl)).text)).toMatch(/Posted the digest/);
    } finally {
      h.slack.on("chat.postMessage", () => undefined);
    }
    expect(rowsWhenPosted).toBe(1); // only the failed attempt's row existed while posting
    const rows = await digestRows();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ actionType: "CREATE", notes: `digest posted on demand to ${CHANNEL}: 2 creator(s) in 1 message(s)` });
    expect(rows[1]!.changes).toMatchObject({ channel: CHANNEL, parts_posted: 1, parts_total: 1, creators: 2 });
  });
});
