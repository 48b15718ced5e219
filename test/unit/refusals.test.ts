import { describe, expect, it } from "vitest";
import { createRefusalRecorder, withinWindow } from "../../src/slack/refusals.js";
import type { Actor } from "../../src/identity/actor.js";
import type { AuditEntry } from "../../src/audit/audit-fns.js";
import { createLogger } from "../../src/logger.js";

describe("withinWindow (refusals are throttled, never silenced)", () => {
  it.each([
    ["again within the minute", 1_000, 30_000, true],
    ["just under a minute", 1_000, 60_999, true],
    ["a minute later", 1_000, 61_000, false],
    ["clock moved backwards: record rather than go silent", 100_000, 1_000, false],
  ] as const)("%s", (_n, at, now, want) => {
    expect(withinWindow(at, now, 60_000)).toBe(want);
  });
});

const actor: Actor = { userId: 7, email: "sam@studio.test", role: "staff", slackUserId: "USTAFF", slackTeamId: "T1", displayName: "Sam" };

function recorder() {
  let t = 1_000_000;
  const rows: AuditEntry[] = [];
  const r = createRefusalRecorder({
    audit: { record: async (_a, e) => void rows.push(e) },
    logger: createLogger({ level: "silent" }),
    windowMs: 60_000,
    now: () => t,
  });
  const advance = (ms: number) => {
    t += ms;
  };
  return { r, rows, advance };
}

describe("the refusal recorder", () => {
  it("writes one row per user and label per window, then one row with the count suppressed when the window closes", async () => {
    const { r, rows, advance } = recorder();
    for (let i = 0; i < 6; i++) await r.record(actor, "Reveal once", "Reveal once: already_revealed");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.notes).toBe("refused: Reveal once: already_revealed");
    advance(61_000);
    await r.flush(); // what the timer does
    expect(rows).toHaveLength(2);
    expect(rows[1]!.notes).toMatch(/^refused 5 more time\(s\) in the 60 s after the last recorded refusal \(suppressed\)/);
    await r.stop();
  });

  it("at shutdown, writes the suppressed counts of windows still open", async () => {
    const { r, rows } = recorder();
    await r.record(actor, "Approve reveal request", "needs admin, has staff");
    await r.record(actor, "Approve reveal request", "needs admin, has staff");
    await r.stop();
    expect(rows.map((x) => x.notes)).toEqual(["refused: needs admin, has staff", expect.stringMatching(/^refused 1 more time/)]);
  });

  it("another label or another user is its own window", async () => {
    const { r, rows } = recorder();
    await r.record(actor, "Reveal once", "x");
    await r.record(actor, "Deny reveal request", "x");
    await r.record({ ...actor, slackUserId: "UOTHER" }, "Reveal once", "x");
    expect(rows).toHaveLength(3);
    await r.stop();
  });
});

describe("the refusal recorder against a loop over forged ids", () => {
  it("records each real target once, then pools: at most TARGETS_PER_WINDOW + 1 rows per user and label per window", async () => {
    const { TARGETS_PER_WINDOW } = await import("../../src/slack/refusals.js");
    const { r, rows, advance } = recorder();
    const target = (i: number) => ({
      targetModel: "RevealRequest",
      targetId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      targetDisplay: "Reveal once",
    });
    for (let i = 0; i < 100; i++) await r.record(actor, "Reveal once", "Reveal once: not_found", target(i));
    expect(rows).toHaveLength(TARGETS_PER_WINDOW + 1);
    expect(rows.slice(0, TARGETS_PER_WINDOW).map((x) => x.targetId)).toEqual(Array.from({ length: TARGETS_PER_WINDOW }, (_, i) => target(i).targetId));
    advance(61_000);
    await r.flush();
    expect(rows.at(-1)!.notes).toMatch(/^refused 89 more time/);
    await r.stop();
  });
});
