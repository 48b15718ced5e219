import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KnownBlock } from "@slack/types";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { addDays } from "../../src/lib/dates.js";
import { LIMITS } from "../../src/slack/mrkdwn.js";
import { seedCreators, todayUtc } from "../integration/digest-seed.js";

// A big day: 60 creators need attention. The digest summarises first, shows the ten most
// urgent per colour with their buttons, stays within Slack's limits, and "See all" pages
// through everyone.

const CHANNEL = "C0DIGEST";
let h: Harness;
let red: string[];
let yellow: string[];
let recovered: string;

beforeAll(async () => {
  h = await startHarness({ DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC" });
  await grantRoles(h, { UMANAGER: "manager", USTAFF: "staff" });
  red = await seedCreators(h.tdb.db, "RED", 35, { prefix: "Hot" });
  yellow = await seedCreators(h.tdb.db, "YELLOW", 25, { prefix: "Warm" });
  recovered = (await seedCreators(h.tdb.db, "GREEN", 1, { prefix: "Better" }))[0]!;
  // Yesterday's snapshot: the first 5 RED were YELLOW then, "Better" was RED.
  const yesterday = addDays(todayUtc(), -1);
  const rows = [...red.map((id, i) => [id, i < 5 ? "YELLOW" : "RED"]), ...yellow.map((id) => [id, "YELLOW"]), [recovered, "RED"]];
  for (const [id, status] of rows)
    await h.tdb.db.$executeRaw`INSERT INTO wl_health_snapshot (day, creator_id, status) VALUES (${yesterday}::date, ${id}::uuid, ${status})`;
});
afterAll(async () => {
  await h?.close();
});

const rowIds = (blocks: unknown) => (blocks as KnownBlock[]).flatMap((b) => (b.block_id?.startsWith("dg_row:") ? [b.block_id.slice(7)] : []));
const withActions = (blocks: unknown) => (blocks as KnownBlock[]).filter((b) => b.block_id?.startsWith("dg_act:")).length;
const buttonsOf = (blocks: unknown) =>
  (blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[]).flatMap((b) => (b.type === "actions" ? (b.elements ?? []) : []));

describe("a digest of 60 creators", () => {
  let post: { ts: string; text: string; blocks: KnownBlock[] };

  it("is one message: the summary first, the ten most urgent per colour with buttons, within Slack's limits", async () => {
    const { responseUrl } = await h.command("UMANAGER", "digest now");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/60 creators in 1 message/);
    const tops = h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === CHANNEL);
    expect(tops).toHaveLength(1);
    const call = tops[0]!;
    post = { ts: "1.0", text: String(call.args.text), blocks: call.args.blocks as KnownBlock[] };
    const blocks = post.blocks;
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    for (const b of blocks) if (b.type === "section" && b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);

    const summary = JSON.stringify(blocks.slice(0, 3));
    expect(summary).toContain("*60 creators need attention:* 🔴 *35* RED · 🟡 *25* YELLOW");
    expect(summary).toContain("🟢 *1* GREEN");
    expect(summary).toMatch(/🆕 \*5\* new RED · ✅ \*1\* recovered \(Better Brand \d+\)/);

    const shown = rowIds(blocks);
    expect(shown.filter((id) => red.includes(id))).toHaveLength(10);
    expect(shown.filter((id) => yellow.includes(id))).toHaveLength(10);
    expect(withActions(blocks)).toBe(20);
    // The new RED are flagged; enum values read as words.
    expect(JSON.stringify(blocks)).toContain("🆕 new RED");
    expect(JSON.stringify(blocks)).toContain("· Live · P3");
    expect(JSON.stringify(blocks)).not.toContain("`LIVE`");
    expect(buttonsOf(blocks).filter((b) => b.action_id === "digest_see_all")).toEqual([expect.objectContaining({ value: "0" })]);
  });

  it("See all pages through all 60, ten at a time, to the clicker only; Next replaces the page", async () => {
    const seen: string[] = [];
    let answer = await answerTo(
      h,
      (
        await h.action(
          "USTAFF",
          { action_id: "digest_see_all", value: "0", block_id: "dg_see_all" },
          {
            message: { type: "message", ts: post.ts, text: post.text, blocks: post.blocks },
            channel: { id: CHANNEL, name: "digest" },
            container: { type: "message", message_ts: post.ts, channel_id: CHANNEL, is_ephemeral: false },
          },
        )
      ).responseUrl,
    );
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.replace_original).toBe(false);
    for (let page = 1; ; page++) {
      const blocks = answer.blocks as KnownBlock[];
      expect(blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
      expect(JSON.stringify(blocks[0])).toContain(`page ${page} of 6`);
      expect(rowIds(blocks).length).toBeLessThanOrEqual(10);
      seen.push(...rowIds(blocks));
      const next = buttonsOf(blocks).find((b) => b.action_id === "digest_page_next");
      if (!next) break;
      answer = await answerTo(
        h,
        (
          await h.action(
            "USTAFF",
            { action_id: "digest_page_next", value: next.value!, block_id: "dg_page_nav" },
            {
              container: { type: "message", message_ts: "2.0", channel_id: CHANNEL, is_ephemeral: true },
            },
          )
        ).responseUrl,
      );
      expect(answer.replace_original).toBe(true);
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen)).toEqual(new Set([...red, ...yellow]));
    expect(seen.slice(0, 35).every((id) => red.includes(id))).toBe(true); // RED first
  });

  it("a forged page number is clamped", async () => {
    const page = async (value: string) =>
      JSON.stringify((await answerTo(h, (await h.action("USTAFF", { action_id: "digest_page_next", value, block_id: "dg_page_nav" })).responseUrl)).blocks);
    expect(await page("999999")).toContain("page 6 of 6");
    expect(await page("-3")).toContain("page 1 of 6");
    expect(await page("1e3")).toContain("page 1 of 6");
    expect(await page("2")).toContain("page 3 of 6");
  });
});
