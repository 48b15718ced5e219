import { describe, expect, it } from "vitest";
import type { KnownBlock } from "@slack/types";
import { actedRowBlocks, renderDigest, replaceRow, rowBlocks, rowId } from "../../src/features/digests/digest-blocks.js";
import type { DigestEntry, DigestSnapshot } from "../../src/features/digests/digest-types.js";
import { LIMITS } from "../../src/slack/mrkdwn.js";

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

function entry(n: number, over: Partial<DigestEntry> = {}): DigestEntry {
  return {
    id: uuid(n),
    brandName: `Brand ${n}`,
    creatorName: `Creator ${n}`,
    journeyStatus: "LAUNCH",
    priority: (n % 5) + 1,
    lastStatusChange: new Date(Date.UTC(2026, 0, 1 + (n % 300))),
    nextFollowUp: "2026-11-20",
    score: n % 3 === 0 ? "RED" : "YELLOW",
    reasons: ["follow-up overdue by 7 days", "no contact for 20 days"],
    ...over,
  };
}

function snapshotOf(list: DigestEntry[], over: Partial<DigestSnapshot> = {}): DigestSnapshot {
  return {
    today: "2026-11-27",
    red: list.filter((e) => e.score === "RED").map((e) => e.id),
    yellow: list.filter((e) => e.score === "YELLOW").map((e) => e.id),
    since: null,
    undelivered: [],
    ...over,
  };
}

function sectionTexts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === "section" && b.text ? [b.text.text] : []));
}

describe("the split at Slack's limits", () => {
  it("1,000 creators: one message ≤ 50 blocks, every section ≤ 3,000 chars, the ten most urgent per colour in order, and See all", () => {
    const list = Array.from({ length: 1000 }, (_, i) => entry(i + 1));
    const s = snapshotOf(list, {
      since: {
        runKey: "2026-11-26",
        newRed: [uuid(3), uuid(6)],
        recovered: Array.from({ length: 40 }, (_, i) => ({ id: uuid(5000 + i), name: "R&D <Co>".repeat(30) })),
      },
      undelivered: Array.from({ length: 15 }, (_, i) => ({ runKey: "2026-11-26", destination: `U${i}`, error: "channel_not_found".repeat(20) })),
    });
    const messages = renderDigest(s, new Map(list.map((e) => [e.id, e])), { kind: "scheduled" });
    // One message: the ten most urgent per colour, and "See all" for the rest.
    expect(messages).toHaveLength(1);
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
      for (const t of sectionTexts(m.blocks)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
      for (const b of m.blocks) if (b.type === "header") expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    }
    const shown = messages.flatMap((m) => m.blocks).flatMap((b) => (b.block_id?.startsWith("dg_row:") ? [b.block_id.slice(7)] : []));
    expect(shown).toEqual([...s.red.slice(0, 10), ...s.yellow.slice(0, 10)]);
    expect(JSON.stringify(messages[0]!.blocks)).toContain('"action_id":"digest_see_all"');
    // Every row is followed by its own buttons, in the same message.
    for (const m of messages) {
      m.blocks.forEach((b, i) => {
        if (b.block_id?.startsWith("dg_row:")) expect(m.blocks[i + 1]!.block_id).toBe(`dg_act:${b.block_id.slice(7)}`);
      });
    }
    expect(messages[0]!.text).toContain(`${s.red.length} RED, ${s.yellow.length} YELLOW`);
  });

  it("a row with the longest names the schema allows, all escaping, stays within 3,000 chars", () => {
    const worst = entry(1, {
      brandName: "&".repeat(200),
      creatorName: "<".repeat(200),
      journeyStatus: "BRAND_BUILDING",
      reasons: [
        "3 milestones overdue, the oldest by 1000 days",
        "follow-up overdue by 1000 days",
        "no contact for 10000 days",
        "in brand building for 10000 days",
      ],
    });
    const [row] = rowBlocks(worst, true);
    const text = (row as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(text).not.toContain("…"); // not cut
    expect(text).toContain("&amp;".repeat(200));
  });

  it("escapes user text so names cannot inject mentions or links", () => {
    const e = entry(1, { brandName: "<!channel>", creatorName: "<https://evil|bank>" });
    const text = JSON.stringify(rowBlocks(e, false));
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt;");
  });

  it("an empty digest says all clear in one message", () => {
    const [m, ...rest] = renderDigest(snapshotOf([]), new Map(), { kind: "scheduled" });
    expect(rest).toHaveLength(0);
    expect(JSON.stringify(m!.blocks)).toContain("All clear");
  });

  it("the same plan renders the same parts (what resume relies on), even with a creator deleted since", () => {
    const list = Array.from({ length: 100 }, (_, i) => entry(i + 1));
    const s = snapshotOf(list);
    const full = renderDigest(s, new Map(list.map((e) => [e.id, e])), { kind: "scheduled" });
    const missing = renderDigest(s, new Map(list.slice(1).map((e) => [e.id, e])), { kind: "scheduled" });
    expect(missing.length).toBe(full.length);
    expect(missing.map((m) => m.blocks.length)).toEqual(full.map((m) => m.blocks.length));
  });

  it("marks on-demand posts with who posted them, and previews as private", () => {
    const list = [entry(3)];
    const onDemand = renderDigest(snapshotOf(list), new Map(list.map((e) => [e.id, e])), { kind: "on_demand", bySlackUserId: "UMANAGER" });
    expect(JSON.stringify(onDemand[0]!.blocks)).toContain("(posted on demand by <@UMANAGER>)");
    expect(onDemand[0]!.text).toContain("posted on demand by <@UMANAGER>");
    const preview = renderDigest(snapshotOf(list), new Map(list.map((e) => [e.id, e])), { kind: "preview" });
    expect(JSON.stringify(preview[0]!.blocks)).toContain("Preview: only you can see this");
  });

  it("shows the change since the last digest and undelivered destinations in the header", () => {
    const list = [entry(3), entry(4)];
    const s = snapshotOf(list, {
      since: { runKey: "2026-11-26", newRed: [uuid(3)], recovered: [{ id: uuid(9), name: "Glow & Co" }] },
      undelivered: [{ runKey: "2026-11-26", destination: "C0GONE", error: "channel_not_found" }],
    });
    const [m] = renderDigest(s, new Map(list.map((e) => [e.id, e])), { kind: "scheduled" });
    const text = JSON.stringify(m!.blocks);
    expect(text).toContain("*1* new RED");
    expect(text).toContain("*1* recovered (Glow &amp; Co)");
    expect(text).toContain("<#C0GONE> (channel_not_found)");
    expect(text).toContain("🆕 new RED");
  });
});

describe("replaceRow", () => {
  it("swaps one creator's row and buttons and keeps every other block", () => {
    const list = [entry(1), entry(2), entry(3)];
    const [m] = renderDigest(snapshotOf(list), new Map(list.map((e) => [e.id, e])), { kind: "scheduled" });
    const acted = actedRowBlocks({ ...list[1]!, score: "GREEN", reasons: [] }, "✅ Marked contacted by <@USTAFF>");
    const out = replaceRow(m!.blocks, list[1]!.id, acted)!;
    expect(out).toHaveLength(m!.blocks.length);
    const i = out.findIndex((b) => b.block_id === rowId(list[1]!.id));
    expect(JSON.stringify(out[i])).toContain("Marked contacted by <@USTAFF>");
    expect(JSON.stringify(out[i + 1])).not.toContain("digest_snooze");
    expect(out.filter((_, j) => j !== i && j !== i + 1)).toEqual(m!.blocks.filter((_, j) => j !== i && j !== i + 1));
    expect(replaceRow(m!.blocks, uuid(999), acted)).toBeNull();
  });
});
