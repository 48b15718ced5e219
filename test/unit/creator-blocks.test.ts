import { describe, expect, it } from "vitest";
import type { KnownBlock } from "@slack/types";
import { esc } from "../../src/slack/mrkdwn.js";
import { archivePrompt, creatorCard, findResults, listPage } from "../../src/features/creators/creator-blocks.js";
import { editCreatorModal, newCreatorModal, statusModal } from "../../src/features/creators/creator-modals.js";
import { columnValuesOf, FIND_LIMIT, FORM_COLUMNS, LIST_PAGE_SIZE } from "../../src/features/creators/creator-fns.js";
import type { CardData, FoundRow, ListPage } from "../../src/features/creators/creator-service.js";
import { candidatesBlocks, noMatchText } from "../../src/features/creators/creator-lookup-blocks.js";
import { capBlocks, homeView } from "../../src/features/home/home-blocks.js";
import { HOME_LIMITS, type Dashboard } from "../../src/features/home/home-service.js";

const HUGE = `<!channel> & <@U123> ${"🙂".repeat(4000)}`;
const ID = "0b7c6a52-3f7e-4a9c-9d0e-1a2b3c4d5e6f";

/** Every Slack limit the builders promise, checked on whatever they produce. */
function expectWithinLimits(blocks: readonly KnownBlock[], maxBlocks: number) {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const b of blocks as {
    type: string;
    text?: { type: string; text: string };
    fields?: { text: string }[];
    elements?: { type: string; text?: { text: string } | string; value?: string }[];
    accessory?: { text: { text: string }; value: string };
  }[]) {
    if (b.type === "header") expect(b.text!.text.length).toBeLessThanOrEqual(150);
    if (b.type === "section" && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    if (b.fields) expect(b.fields.length).toBeLessThanOrEqual(10);
    for (const e of b.elements ?? []) {
      if (e.type === "button") {
        expect((e.text as { text: string }).text.length).toBeLessThanOrEqual(75);
        expect(e.value!.length).toBeLessThanOrEqual(2000);
      }
      if (e.type === "mrkdwn") expect((e.text as string).length).toBeLessThanOrEqual(3000);
    }
    if (b.type === "actions") expect(b.elements!.length).toBeLessThanOrEqual(25);
    if (b.accessory) expect(b.accessory.text.text.length).toBeLessThanOrEqual(75);
  }
  // Slack parses mentions in mrkdwn only (plain_text headers and labels show them as typed).
  const mrkdwn: string[] = [];
  JSON.stringify(blocks, (_k, v: unknown) => {
    if (v && typeof v === "object" && (v as { type?: string }).type === "mrkdwn") mrkdwn.push(String((v as { text: unknown }).text));
    return v;
  });
  expect(mrkdwn.length).toBeGreaterThan(0);
  for (const t of mrkdwn) {
    expect(t).not.toContain("<!channel>");
    expect(t).not.toContain("<@U123>");
  }
}

function card(over: Partial<CardData["creator"]> = {}, extra: Partial<CardData> = {}): CardData {
  return {
    creator: {
      id: ID,
      brandName: HUGE,
      creatorName: HUGE,
      creatorEmail: `${"a".repeat(240)}@x.test`,
      journeyStatus: "LAUNCH",
      healthScore: "RED",
      priorityLevel: 1,
      nextFollowUpDate: new Date("2026-01-01T00:00:00Z"),
      lastContactedDate: null,
      isActive: true,
      tags: Array.from({ length: 40 }, () => HUGE),
      ...over,
    } as CardData["creator"],
    health: { score: "RED", reasons: Array.from({ length: 50 }, () => HUGE) },
    openMilestones: Array.from({ length: 5 }, (_, i) => ({ id: `m${i}`, title: HUGE, targetDate: i % 2 ? null : "2025-12-01" })),
    openMilestoneCount: 500,
    following: false,
    ...extra,
  };
}

describe("creator card", () => {
  it("stays within Slack's limits and escapes user text, however big the data", () => {
    const m = creatorCard(card(), { today: "2026-01-10", isAdmin: true, notice: `Created *${esc(HUGE)}*` });
    expectWithinLimits(m.blocks, 50);
    expect(m.text.length).toBeLessThanOrEqual(300);
    expect(JSON.stringify(m.blocks)).toContain("&lt;!channel&gt;");
  });

  it("has the contract's buttons with the creator id; Delete for admins only; Archive only while active", () => {
    const labels = (m: { blocks: KnownBlock[] }) =>
      (m.blocks.find((b) => b.type === "actions") as { elements: { text: { text: string }; value: string; action_id: string }[] }).elements.map(
        (e) => e.text.text,
      );
    const staff = creatorCard(card(), { today: "2026-01-10", isAdmin: false });
    expect(labels(staff)).toEqual(["More details", "Status", "Add milestone", "Milestones", "Credentials", "Deliverable", "Archive"]);
    expect(labels(creatorCard(card(), { today: "2026-01-10", isAdmin: true }))).toContain("Delete");
    expect(labels(creatorCard(card({ isActive: false }), { today: "2026-01-10", isAdmin: false }))).not.toContain("Archive");
  });

  it("says when there are no open milestones, and shows follow-up distance", () => {
    const s = JSON.stringify(
      creatorCard(card({ nextFollowUpDate: new Date("2026-01-12T00:00:00Z") }, { openMilestones: [], openMilestoneCount: 0 }), {
        today: "2026-01-10",
        isAdmin: false,
      }),
    );
    expect(s).toContain("*Open milestones*\\nnone");
    expect(s).toContain("2026-01-12 (in 2 days)");
  });
});

describe("list, find and archive messages", () => {
  const rows = Array.from({ length: LIST_PAGE_SIZE }, (_, i) => ({
    id: ID,
    brandName: HUGE,
    creatorName: HUGE,
    journeyStatus: "LIVE",
    isActive: true,
    healthScore: "RED",
    priorityLevel: 1,
    lastContactedDate: null,
    nextFollowUpDate: null,
    createdAt: new Date(),
    lastStatusChange: new Date(),
    tags: [],
    openMilestones: i,
    total: 95,
    health: { score: "RED" as const, reasons: [HUGE, HUGE] },
  }));

  it("a list page stays within limits and carries paging state in list_page buttons", () => {
    const page: ListPage = { rows, total: 95, page: 3, pages: 10 };
    const m = listPage(page, { tag: "x".repeat(50), status: "BRAND_BUILDING", health: "YELLOW" }, "2026-01-10");
    expectWithinLimits(m.blocks, 50);
    const actions = m.blocks.filter((b) => b.type === "actions") as { block_id: string; elements: { action_id: string; value: string }[] }[];
    // Previous and Next side by side in one block, with distinct action_ids as Slack requires.
    expect(actions.map((a) => a.block_id)).toEqual(["list_pages"]);
    expect(actions[0]!.elements.map((e) => e.action_id)).toEqual(["list_page_prev", "list_page"]);
    expect(JSON.parse(actions[0]!.elements[1]!.value)).toMatchObject({ p: 4, s: "BRAND_BUILDING", h: "YELLOW" });
  });

  it("an empty list says so", () => {
    expect(JSON.stringify(listPage({ rows: [], total: 0, page: 0, pages: 1 }, { health: "RED" }, "2026-01-10"))).toMatch(/None match/);
  });

  it("find results stay within limits with an Open button each and a 'showing N of M' note", () => {
    const found: FoundRow[] = Array.from({ length: FIND_LIMIT }, () => ({
      id: ID,
      brandName: HUGE,
      creatorName: HUGE,
      creatorEmail: HUGE,
      journeyStatus: "LIVE",
      healthScore: "GREEN",
      isActive: false,
      instagramHandle: "@a",
      tiktokHandle: null,
      twitterHandle: HUGE,
      total: 250,
    }));
    const m = findResults(HUGE, { rows: found, total: 250 });
    expectWithinLimits(m.blocks, 50);
    expect(m.blocks.filter((b) => (b as { accessory?: { action_id: string } }).accessory?.action_id === "creator_open")).toHaveLength(FIND_LIMIT);
    expect(JSON.stringify(m)).toContain(`first ${FIND_LIMIT} of 250`);
  });

  it("the archive prompt's button carries a confirm dialog within Slack's sizes", () => {
    const m = archivePrompt({ id: ID, brandName: HUGE, creatorName: HUGE });
    expectWithinLimits(m.blocks, 50);
    const btn = (m.blocks[1] as { elements: { confirm: { title: { text: string }; text: { text: string }; confirm: { text: string } } }[] }).elements[0]!;
    expect(btn.confirm.title.text.length).toBeLessThanOrEqual(100);
    expect(btn.confirm.text.text.length).toBeLessThanOrEqual(300);
    expect(btn.confirm.confirm.text.length).toBeLessThanOrEqual(30);
  });
});

describe("reference answers", () => {
  it("candidates (ambiguity) and no-match stay within limits, Open on each candidate", () => {
    const cands = Array.from({ length: 10 }, () => ({
      id: ID,
      brandName: HUGE.slice(0, 200),
      creatorName: HUGE.slice(0, 200),
      creatorEmail: "a@b.test",
      isActive: false,
      journeyStatus: "LIVE",
    }));
    const m = candidatesBlocks(HUGE, cands);
    expectWithinLimits(m.blocks, 50);
    expect(m.blocks.filter((b) => (b as { accessory?: { action_id: string; text: { text: string } } }).accessory?.text.text === "Open")).toHaveLength(10);
    expect(noMatchText(HUGE).length).toBeLessThan(400);
  });
});

describe("modals", () => {
  type Input = { type: string; block_id: string; element: { action_id: string; max_length?: number; initial_value?: string } };
  const inputs = (v: { blocks: unknown[] }) => (v.blocks as Input[]).filter((b) => b.type === "input");

  it("New: the essentials only (name, email, brand, niche, status, priority), block_id = action_id = column", () => {
    const v = newCreatorModal();
    expect(inputs(v).map((b) => b.block_id)).toEqual(["creator_name", "creator_email", "brand_name", "brand_niche", "journey_status", "priority_level"]);
    expect(inputs(v).every((b) => FORM_COLUMNS.includes(b.block_id as never))).toBe(true);
    for (const b of inputs(v)) {
      expect(b.element.action_id).toBe(b.block_id);
      if (b.element.max_length !== undefined) expect(b.element.max_length).toBeLessThanOrEqual(3000);
    }
    expect(inputs(v).find((b) => b.block_id === "creator_name")!.element.max_length).toBe(200);
  });

  it("Edit: current values filled in, journey_status left out, too-long values left out rather than cut", () => {
    const row = {
      creatorName: "Jo",
      creatorEmail: "jo@x.test",
      brandName: "B",
      brandNiche: "N",
      priorityLevel: 2,
      tags: ["a"],
      customFields: {},
      otherSocialLinks: {},
      internalNotes: "x".repeat(5000),
      creatorTimezone: "UTC",
      primaryCommunicationChannel: "Email",
      journeyStatus: "LIVE",
    };
    const v = editCreatorModal(ID, columnValuesOf(row));
    expect(v.blocks.length).toBeLessThanOrEqual(100);
    const ids = inputs(v).map((b) => b.block_id);
    expect(ids).not.toContain("journey_status");
    expect(ids).not.toContain("internal_notes");
    expect(JSON.stringify(v)).toContain("too long to edit in Slack (5000 characters)");
    expect(inputs(v).find((b) => b.block_id === "creator_name")!.element.initial_value).toBe("Jo");
    expect(v.private_metadata!.length).toBeLessThanOrEqual(3000);
    const meta = JSON.parse(v.private_metadata!) as { id: string; shown: Record<string, string> };
    expect(meta.id).toBe(ID);
    expect(Object.keys(meta.shown)).not.toContain("internal_notes");
  });

  it("Status: a status select and a note, escaped creator name", () => {
    const v = statusModal({ id: ID, brandName: HUGE, journeyStatus: "LIVE" }, "CLOSED");
    expectWithinLimits(v.blocks as KnownBlock[], 100);
    expect(inputs(v).map((b) => b.block_id)).toEqual(["journey_status", "notes"]);
  });
});

describe("App Home", () => {
  const creator = { id: ID, brandName: HUGE, creatorName: HUGE, journeyStatus: "LIVE", priorityLevel: 1, healthScore: "RED" };
  const full: Dashboard = {
    today: "2026-01-10",
    now: new Date("2026-01-10T12:00:00Z"),
    byHealth: { RED: 900, YELLOW: 100, GREEN: 5 },
    byStatus: { LIVE: 1005 },
    urgent: Array.from({ length: HOME_LIMITS.urgent }, () => ({ ...creator, health: { score: "RED" as const, reasons: [HUGE] } })),
    urgentTotal: 1000,
    followUps: Array.from({ length: HOME_LIMITS.followUps }, () => creator),
    followUpsTotal: 300,
    reveals: {
      total: 77,
      rows: Array.from({ length: HOME_LIMITS.reveals }, (_, i) => ({
        id: ID,
        requesterName: HUGE,
        requesterSlackId: i % 2 ? "U0ABC" : "<!channel>",
        isOwn: i === 0,
        platform: HUGE,
        account: HUGE,
        brandName: HUGE,
        reason: HUGE,
        createdAt: new Date("2026-01-09T12:00:00Z"),
      })),
    },
  };

  it("stays within 100 blocks and Slack's text limits with every list full, and says how many more", () => {
    const v = homeView(full);
    expectWithinLimits(v.blocks as KnownBlock[], 100);
    const s = JSON.stringify(v);
    expect(s).toContain("…and 980 more");
    expect(s).toContain("…and 290 more");
    expect(s).toContain("…and 69 more");
  });

  it("capBlocks cuts to the limit and says so", () => {
    const many = Array.from({ length: 130 }, () => ({ type: "divider" }) as KnownBlock);
    const capped = capBlocks(many);
    expect(capped).toHaveLength(100);
    expect(JSON.stringify(capped[99])).toContain("31 more blocks");
  });
});
