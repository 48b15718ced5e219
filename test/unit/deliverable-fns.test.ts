import { describe, expect, it } from "vitest";
import {
  buildContextSnapshot,
  buildPrompt,
  chooseDelivery,
  DELIVERY,
  fileNameFor,
  fileUrlThatFits,
  isStale,
  markdownToMrkdwn,
  parseDeliverableArgs,
  parseDeliverableType,
  splitText,
  type SnapshotCreator,
} from "../../src/features/deliverables/deliverable-fns.js";
import { DELIVERABLE_TYPES, STUDIO_VOICE, TEMPLATES } from "../../src/features/deliverables/deliverable-prompts.js";
import { toClaudeError } from "../../src/features/deliverables/claude-client.js";
import { resultMessage, pickModal } from "../../src/features/deliverables/deliverable-blocks.js";
import { APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";

const creator: SnapshotCreator = {
  id: "11111111-1111-4111-8111-111111111111",
  creatorName: "Jane Doe",
  creatorLocation: "Lisbon, Portugal",
  creatorTimezone: "Europe/Lisbon",
  brandName: "Glow Co",
  brandTagline: "Skin that tells the truth",
  brandNiche: "Clean skincare",
  brandWebsite: "https://glow.example",
  brandDescription: "Minimal routines for busy people.",
  journeyStatus: "BRAND_BUILDING",
  lastStatusChange: new Date("2026-10-01T10:00:00Z"),
  priorityLevel: 2,
  isActive: true,
  instagramHandle: "@glowco",
  youtubeChannel: null,
  tiktokHandle: "@glowco",
  twitterHandle: null,
  linkedinProfile: null,
  otherSocialLinks: { pinterest: "https://pinterest.com/glowco", login_url: "https://admin.glow.example" },
  primaryCommunicationChannel: "Email",
  lastContactedDate: new Date("2026-11-20T00:00:00Z"),
  nextFollowUpDate: null,
  customFields: {
    content_pillars: ["Routines", "Ingredients"],
    revenue_target_monthly: 50000,
    shop_password: "letmein-123",
    nested: { api_key: "sk-live-abc", ok: "fine" },
    legacy_blob: "gAAAAABlZ2V0LXRoaXMtaXMtbm90LWEtcmVhbC10b2tlbi1idXQtbG9va3MtbGlrZS1vbmU=",
  },
  tags: ["VIP", "Launch-Ready"],
  internalNotes: "INTERNAL: considering dropping them",
};

const milestones = [
  {
    title: "Logo final",
    description: null,
    targetDate: new Date("2026-11-01T00:00:00Z"),
    completedDate: null,
    isCompleted: false,
    relatedJourneyStage: "BRAND_BUILDING",
  },
  {
    title: "Kick-off",
    description: "done",
    targetDate: new Date("2026-09-01T00:00:00Z"),
    completedDate: new Date("2026-09-02T00:00:00Z"),
    isCompleted: true,
    relatedJourneyStage: "ONBOARDING",
  },
];
const health = { score: "RED", reasons: ["1 milestone overdue by 26 days"] };

describe("deliverable arguments", () => {
  it("takes the type as the last word, so creators may contain spaces", () => {
    expect(parseDeliverableArgs("Glow Co launch-plan")).toEqual({ creatorRef: "Glow Co", type: "launch-plan" });
    expect(parseDeliverableArgs("jane@glow.example REPORT")).toEqual({ creatorRef: "jane@glow.example", type: "report" });
    expect(parseDeliverableArgs("Glow Co content_calendar")).toEqual({ creatorRef: "Glow Co", type: "content-calendar" });
  });
  it("answers usage for a missing creator and names a bad type", () => {
    expect(parseDeliverableArgs("report")).toEqual({ error: "usage" });
    expect(parseDeliverableArgs("")).toEqual({ error: "usage" });
    expect(parseDeliverableArgs("Glow Co poem")).toEqual({ error: "type", got: "poem" });
  });
  it("knows exactly the four contract types", () => {
    expect(DELIVERABLE_TYPES).toEqual(["report", "guidelines", "launch-plan", "content-calendar"]);
    for (const t of DELIVERABLE_TYPES) expect(parseDeliverableType(t)).toBe(t);
  });
});

describe("the context snapshot", () => {
  const snap = buildContextSnapshot(creator, milestones, health, "2026-11-27", "UTC");
  const json = JSON.stringify(snap);

  it("carries creator and brand fields, status, health with reasons, milestones, tags and custom fields", () => {
    expect(snap).toMatchObject({
      today: "2026-11-27",
      creator: { name: "Jane Doe", location: "Lisbon, Portugal" },
      brand: { name: "Glow Co", niche: "Clean skincare", tagline: "Skin that tells the truth" },
      status: { journey_status: "BRAND_BUILDING", since: "2026-10-01", days_in_status: 57, priority_level: 2 },
      health: { score: "RED", reasons: ["1 milestone overdue by 26 days"] },
      tags: ["VIP", "Launch-Ready"],
    });
    expect(json).toContain("Routines");
    expect(json).toContain("50000");
    const ms = snap.milestones as { title: string; overdue: boolean }[];
    expect(ms.map((m) => m.title)).toEqual(["Logo final", "Kick-off"]); // open first
    expect(ms[0]!.overdue).toBe(true);
  });

  it("never carries internal notes, secret-looking custom fields or Fernet tokens", () => {
    expect(json).not.toContain("INTERNAL");
    expect(json).not.toContain("letmein-123");
    expect(json).not.toContain("sk-live-abc");
    expect(json).not.toContain("gAAAAA");
    expect(json).not.toContain("admin.glow.example");
    expect(snap.withheld_fields).toEqual(
      expect.arrayContaining(["custom_fields.shop_password", "custom_fields.nested.api_key", "custom_fields.legacy_blob", "other_social_links.login_url"]),
    );
    expect((snap.custom_fields as { nested: unknown }).nested).toEqual({ ok: "fine" });
  });

  it("includes internal notes only for a template that declares it needs them (none does)", () => {
    for (const t of DELIVERABLE_TYPES) expect(TEMPLATES[t].usesInternalNotes).toBe(false);
    const withNotes = buildContextSnapshot(creator, milestones, health, "2026-11-27", "UTC", { internalNotes: true });
    expect(withNotes.internal_notes).toContain("INTERNAL");
  });

  it("stays bounded: long text is clipped and extra milestones are counted, not listed", () => {
    const many = Array.from({ length: DELIVERY.maxMilestones + 7 }, (_, i) => ({ ...milestones[0]!, title: `m${i}` }));
    const s = buildContextSnapshot({ ...creator, brandDescription: "x".repeat(10_000) }, many, health, "2026-11-27", "UTC");
    expect((s.milestones as unknown[]).length).toBe(DELIVERY.maxMilestones);
    expect(s.milestones_not_listed).toBe(7);
    expect(Array.from((s.brand as { description: string }).description).length).toBe(DELIVERY.maxTextChars);
  });
});

describe("the prompt", () => {
  it("is the studio voice + the fixed template + the snapshot; prompt_used holds all three", () => {
    const snap = buildContextSnapshot(creator, milestones, health, "2026-11-27", "UTC");
    const p = buildPrompt("guidelines", snap);
    expect(p.system).toBe(STUDIO_VOICE);
    expect(p.template).toBe(TEMPLATES.guidelines.instructions);
    expect(p.user).toContain('"name": "Glow Co"');
    expect(p.fullText).toContain(p.system);
    expect(p.fullText).toContain(p.template);
    expect(p.fullText).toContain(p.user);
    // The cached part does not depend on the creator.
    expect(buildPrompt("guidelines", { other: 1 }).template).toBe(p.template);
  });

  it("keeps the cached part (voice + template) above the API's 1,024-token minimum, or caching does nothing", () => {
    // ~4.5 characters per token is a conservative rate for English prose.
    for (const t of DELIVERABLE_TYPES) expect((STUDIO_VOICE.length + TEMPLATES[t].instructions.length) / 4.5).toBeGreaterThan(1_024);
    expect(STUDIO_VOICE).toContain("more than 7 days past"); // the health rules, from the one module that owns them
  });
});

describe("delivery", () => {
  it("sends up to 2,500 characters as a message, longer as a file", () => {
    expect(chooseDelivery("a".repeat(2_500))).toBe("message");
    expect(chooseDelivery("a".repeat(2_501))).toBe("file");
  });

  it("splits text into Slack sections of at most 3,000 characters", () => {
    const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} ${"word ".repeat(60)}`).join("\n\n");
    const parts = splitText(text, 3_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3_000);
    expect(parts.join(" ").replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " ").trim());
    expect(splitText("x".repeat(7_000), 3_000).map((p) => p.length)).toEqual([3_000, 3_000, 1_000]);
  });

  it("turns Markdown into mrkdwn and escapes what the model echoes", () => {
    const out = markdownToMrkdwn("# Title\n## Part\n- **bold** and *it*\n[site](https://glow.example)\n<!channel> & <https://evil|bank>");
    expect(out).toContain("*Title*");
    expect(out).toContain("• *bold* and _it_");
    expect(out).toContain("<https://glow.example|site>");
    expect(out).toContain("&lt;!channel&gt; &amp; &lt;https://evil|bank&gt;");
    expect(out).not.toContain("<!channel>");
  });

  it("keeps the result message within Slack's limits", () => {
    const m = resultMessage({ id: "x", label: "Brand report", brandName: "Glow Co", model: "m", content: "para\n\n".repeat(400) + "y".repeat(2_400) });
    expect(m.blocks!.length).toBeLessThanOrEqual(50);
    for (const b of m.blocks!) if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(3_000);
    expect(JSON.stringify(m.blocks)).toContain("deliverable_regenerate");
  });

  it("names files so the permalink fits file_url, and never stores a cut URL", () => {
    const name = fileNameFor("Ünïcode Brand ★ with a very very very long name that goes on", "content-calendar", "2026-11-27");
    expect(name).toMatch(/^[a-z0-9-]+-content-calendar-2026-11-27\.md$/);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(fileNameFor("★★★", "report", "2026-11-27")).toBe("creator-report-2026-11-27.md");
    expect(fileUrlThatFits("https://x.slack.com/files/U1/F1/a.md")).toBe("https://x.slack.com/files/U1/F1/a.md");
    expect(fileUrlThatFits(`https://x.slack.com/${"a".repeat(200)}`)).toBeNull();
    expect(fileUrlThatFits("javascript:alert(1)")).toBeNull();
    expect(fileUrlThatFits(undefined)).toBeNull();
  });

  it("offers the four types in the pick modal, in a block named for the column", () => {
    const v = pickModal({ creatorId: creator.id, brandName: "Glow <Co>" });
    expect(v.callback_id).toBe("deliverable_pick");
    expect(JSON.parse(v.private_metadata!)).toEqual({ creatorId: creator.id });
    const input = v.blocks.find((b) => b.type === "input") as { block_id: string; element: { options: { value: string }[] } };
    expect(input.block_id).toBe("deliverable_type");
    expect(input.element.options.map((o) => o.value)).toEqual([...DELIVERABLE_TYPES]);
    expect(JSON.stringify(v.blocks)).toContain("Glow &lt;Co&gt;");
  });
});

describe("stale records", () => {
  it("is stale only past the age", () => {
    const now = new Date("2026-11-27T12:00:00Z");
    expect(isStale(new Date("2026-11-27T11:49:00Z"), now, 10 * 60_000)).toBe(true);
    expect(isStale(new Date("2026-11-27T11:51:00Z"), now, 10 * 60_000)).toBe(false);
  });
});

describe("Claude failures become short, safe messages", () => {
  const ctx = { deadlineHit: false, attempts: 4, deadlineMs: 360_000 };
  const apiError = (status: number) => APIError.generate(status, { type: "error", error: { type: "x", message: "sk-ant-SECRET echoed" } }, "m", new Headers());
  it.each([
    [529, "overloaded", /overloaded \(HTTP 529\).*4 attempts/],
    [429, "rate_limited", /rate limit/],
    [500, "server", /server error \(HTTP 500\) after 4 attempts/],
    [401, "auth", /ANTHROPIC_API_KEY/],
    [400, "rejected", /HTTP 400/],
  ])("HTTP %i → %s", (status, kind, msg) => {
    const e = toClaudeError(apiError(status), ctx);
    expect(e.kind).toBe(kind);
    expect(e.safeMessage).toMatch(msg);
    expect(e.safeMessage).not.toContain("SECRET");
  });
  it("timeouts and the deadline", () => {
    expect(toClaudeError(new APIConnectionTimeoutError(), ctx).kind).toBe("timeout");
    expect(toClaudeError(new APIUserAbortError(), { ...ctx, deadlineHit: true }).safeMessage).toMatch(/within 6 minutes/);
  });
});
