import { describe, expect, it } from "vitest";
import { compareMilestones, describeState, milestoneState, overdueOnAddNote, type MilestoneView } from "../../src/features/milestones/milestone-fns.js";
import { parseMilestoneForm } from "../../src/features/milestones/milestone-schemas.js";
import { milestoneModal, milestonesMessage } from "../../src/features/milestones/milestone-blocks.js";

const TODAY = "2026-06-15";
let seq = 0;
const ms = (o: Partial<MilestoneView>): MilestoneView => ({
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`,
  title: `M${seq}`,
  description: null,
  targetDate: null,
  completedDate: null,
  isCompleted: false,
  relatedJourneyStage: "ONBOARDING",
  createdAt: new Date(`2026-01-01T00:00:${String(seq % 60).padStart(2, "0")}Z`),
  ...o,
});

describe("milestone order (the seed's: target_date ASC, is_completed DESC, undated last)", () => {
  it("sorts by target date, done before open on the same date, undated last, then by creation", () => {
    const a = ms({ title: "a", targetDate: "2026-06-20" });
    const b = ms({ title: "b", targetDate: "2026-06-10", isCompleted: true });
    const c = ms({ title: "c", targetDate: "2026-06-10" });
    const d = ms({ title: "d" });
    const e = ms({ title: "e", targetDate: "2026-06-01" });
    const f = ms({ title: "f", isCompleted: true });
    expect([a, b, c, d, e, f].sort(compareMilestones).map((m) => m.title)).toEqual(["e", "b", "c", "a", "f", "d"]);
  });
});

describe("milestone state", () => {
  it.each([
    [{ isCompleted: true, completedDate: "2026-06-09", targetDate: "2026-06-01" }, "done 2026-06-09"],
    [{ isCompleted: false, completedDate: null, targetDate: "2026-06-14" }, "overdue by 1 day"],
    [{ isCompleted: false, completedDate: null, targetDate: "2026-06-03" }, "overdue by 12 days"],
    [{ isCompleted: false, completedDate: null, targetDate: TODAY }, "due today"],
    [{ isCompleted: false, completedDate: null, targetDate: "2026-06-16" }, "due tomorrow"],
    [{ isCompleted: false, completedDate: null, targetDate: "2026-06-25" }, "due in 10 days"],
    [{ isCompleted: false, completedDate: null, targetDate: null }, "no target date"],
  ] as const)("%o → %s", (m, text) => {
    expect(describeState(milestoneState(m, TODAY))).toBe(text);
  });
});

describe("the Add/Edit milestone form", () => {
  const values = (v: Record<string, string | null>) =>
    Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        {
          [k]:
            k === "target_date"
              ? { type: "datepicker", selected_date: x }
              : k === "related_journey_stage"
                ? { type: "static_select", selected_option: x ? { value: x } : null }
                : { type: "plain_text_input", value: x },
        },
      ]),
    );

  it("parses a valid form, trimming text and dropping an empty description", () => {
    expect(parseMilestoneForm(values({ title: "  Launch plan ", description: "   ", target_date: "2026-07-01", related_journey_stage: "LAUNCH" }))).toEqual({
      ok: true,
      value: { title: "Launch plan", description: null, targetDate: "2026-07-01", relatedJourneyStage: "LAUNCH" },
    });
    expect(parseMilestoneForm(values({ title: "No date", related_journey_stage: "LIVE" }))).toMatchObject({
      ok: true,
      value: { targetDate: null, description: null },
    });
  });

  it.each([
    ["missing title", { title: null, related_journey_stage: "LIVE" }, "title"],
    ["blank title", { title: " \u0000 ", related_journey_stage: "LIVE" }, "title"],
    ["201-character title", { title: "é".repeat(201), related_journey_stage: "LIVE" }, "title"],
    ["impossible date", { title: "t", target_date: "2026-02-30", related_journey_stage: "LIVE" }, "target_date"],
    ["not a date", { title: "t", target_date: "next week", related_journey_stage: "LIVE" }, "target_date"],
    ["absurd year", { title: "t", target_date: "0202-01-01", related_journey_stage: "LIVE" }, "target_date"],
    ["unknown stage", { title: "t", related_journey_stage: "SOMEDAY" }, "related_journey_stage"],
    ["no stage", { title: "t", related_journey_stage: null }, "related_journey_stage"],
    ["3001-character description", { title: "t", description: "x".repeat(3001), related_journey_stage: "LIVE" }, "description"],
  ])("%s → an inline error on %s", (_name, v, block) => {
    const r = parseMilestoneForm(values(v as Record<string, string | null>));
    expect(r.ok).toBe(false);
    expect(Object.keys((r as { errors: object }).errors)).toEqual([block]);
  });

  it("accepts 200 characters counted as characters (not UTF-16 units), and ignores garbage state", () => {
    expect(parseMilestoneForm(values({ title: "😀".repeat(200), related_journey_stage: "LIVE" })).ok).toBe(true);
    expect(parseMilestoneForm("nonsense").ok).toBe(false);
    expect(parseMilestoneForm({ title: { title: { value: 42 } } }).ok).toBe(false);
  });

  it("the modal's inputs carry block_id = action_id = the column name", () => {
    const v = milestoneModal({
      mode: "add",
      creator: { brandName: "B", creatorName: "C", journeyStatus: "LIVE" },
      meta: { creatorId: "00000000-0000-4000-8000-000000000001" },
    });
    const inputs = v.blocks.filter((b) => b.type === "input") as { block_id: string; element: { action_id: string } }[];
    expect(inputs.map((b) => [b.block_id, b.element.action_id])).toEqual([
      ["title", "title"],
      ["description", "description"],
      ["target_date", "target_date"],
      ["related_journey_stage", "related_journey_stage"],
    ]);
  });
});

describe("the milestones list message", () => {
  const creator = { id: "00000000-0000-4000-8000-00000000abcd", brandName: "<!here> Brand", creatorName: "Eve & co" };
  const health = { score: "YELLOW" as const, reasons: ["no contact for 19 days"] };

  /** Every mrkdwn text (plain_text is never parsed for mentions or links, so it needs no escaping). */
  const mrkdwnOf = (v: unknown): string[] =>
    Array.isArray(v)
      ? v.flatMap(mrkdwnOf)
      : v && typeof v === "object"
        ? (v as { type?: string; text?: unknown }).type === "mrkdwn"
          ? [String((v as { text: unknown }).text)]
          : Object.values(v).flatMap(mrkdwnOf)
        : [];

  it("escapes user text in every mrkdwn field", () => {
    const msg = milestonesMessage({ creator, health, milestones: [ms({ title: "<@U123> ping", description: "<https://evil|bank>" })] }, TODAY);
    const text = [msg.text, ...mrkdwnOf(msg.blocks)].join("\n");
    expect(text).not.toMatch(/<!here>|<@U123>|<https:/);
    expect(msg.text).toContain("&lt;!here&gt; Brand");
    expect(text).toContain("&lt;@U123&gt; ping");
    expect(text).toContain("Eve &amp; co");
  });

  it("stays within Slack's 50 blocks however many milestones there are, and says what it left out", () => {
    const many = [
      ...Array.from({ length: 30 }, (_, i) => ms({ targetDate: `2026-05-${String(i + 1).padStart(2, "0")}`, isCompleted: true, completedDate: "2026-06-01" })),
      ...Array.from({ length: 40 }, (_, i) => ms({ targetDate: `2026-07-${String((i % 28) + 1).padStart(2, "0")}` })),
    ];
    const { blocks } = milestonesMessage({ creator, health, milestones: many }, TODAY, "notice");
    expect(blocks.length).toBeLessThanOrEqual(50);
    const open = blocks.filter((b) => b.type === "actions" && b.block_id?.startsWith("ml_m_"));
    expect(open.length).toBeGreaterThan(15);
    expect(JSON.stringify(blocks)).toContain(`Showing ${open.length} of 40 open milestones`);
    expect(JSON.stringify(blocks)).toContain("*Done (30)*");
    expect(blocks.at(-1)).toMatchObject({ block_id: "ml_add" });
  });

  it("shows everything in the seed's order when it fits", () => {
    const list = [ms({ targetDate: "2026-06-01" }), ms({ targetDate: "2026-06-02", isCompleted: true }), ms({})];
    const { blocks } = milestonesMessage({ creator, health, milestones: list }, TODAY);
    expect(blocks.filter((b) => b.block_id?.startsWith("ml_s_")).map((b) => b.block_id!.slice(5))).toEqual(list.map((m) => m.id));
  });
});

describe("a new milestone dated in the past is called overdue (in the studio's time zone)", () => {
  it.each([
    ["2026-11-30", "2026-12-01T12:00:00Z", "UTC", "“Plan” is already overdue (due 2026-11-30)."],
    ["2026-12-01", "2026-12-01T12:00:00Z", "UTC", null], // due today is not overdue
    ["2026-12-02", "2026-12-01T12:00:00Z", "UTC", null],
    // 03:30 UTC on the 1st is still the 30th in New York: due the 30th is due today there.
    ["2026-11-30", "2026-12-01T03:30:00Z", "America/New_York", null],
    ["2026-11-29", "2026-12-01T03:30:00Z", "America/New_York", "“Plan” is already overdue (due 2026-11-29)."],
    [null, "2026-12-01T12:00:00Z", "UTC", null],
  ])("due %s at %s (%s) -> %s", (targetDate, now, tz, expected) => {
    expect(overdueOnAddNote({ title: "Plan", targetDate }, new Date(now), tz)).toBe(expected);
  });
});
