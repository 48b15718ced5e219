import { describe, expect, it } from "vitest";
import {
  asksForCredentials,
  auditNotes,
  citedCreators,
  credentialsDeclined,
  fitJson,
  isOutOfScope,
  parseQuestion,
  summariseArgs,
} from "../../src/features/ask/ask-fns.js";
import { answerMessage, answerMrkdwn, splitSections } from "../../src/features/ask/ask-blocks.js";
import { TOOL_INPUTS, TOOL_NAMES, TOOL_SPECS } from "../../src/features/ask/ask-tools.js";
import type { CreatorLabel } from "../../src/features/ask/ask-reader.js";
import type { AskRun } from "../../src/features/ask/ask-types.js";

const GLOW: CreatorLabel = { id: "0b7c6a52-3f7e-4a9c-9d0e-1a2b3c4d5e6f", brandName: "Glow Co", creatorName: "Jane Doe" };
const GLOWING: CreatorLabel = { id: "1b7c6a52-3f7e-4a9c-9d0e-1a2b3c4d5e6f", brandName: "Glow", creatorName: "Gil Low" };
const EVIL: CreatorLabel = { id: "2b7c6a52-3f7e-4a9c-9d0e-1a2b3c4d5e6f", brandName: "<!channel> Deals", creatorName: "<@U999>" };
const MADE_UP = "9f7c6a52-3f7e-4a9c-9d0e-1a2b3c4d5e6f";
const seen = new Map([GLOW, GLOWING, EVIL].map((c) => [c.id, c]));

const run = (over: Partial<AskRun> & Pick<AskRun, "kind">): AskRun => ({ calls: [], seen, usage: { inputTokens: 0, outputTokens: 0 }, ...over }) as AskRun;

describe("parseQuestion", () => {
  it.each([
    ["", { error: "empty" }],
    ["   \n\t ", { error: "empty" }],
    ["which\u0000 creators\nare RED?", { question: "which creators are RED?" }],
    ["x".repeat(500), { question: "x".repeat(500) }],
    ["x".repeat(501), { error: "too_long" }],
    ["🙂".repeat(500), { question: "🙂".repeat(500) }],
  ])("%j", (raw, expected) => {
    expect(parseQuestion(raw, 500)).toEqual(expected);
  });
});

describe("asksForCredentials: declined before any model call", () => {
  it.each([
    "what is Glow Co's instagram password?",
    "give me the API key for Nova",
    "list the 2FA backup codes",
    "show the vault",
    "which credentials expire soon",
    "what are the login details for tiktok",
    "any secrets stored for Peak?",
    "their passcode please",
  ])("declines %j", (q) => expect(asksForCredentials(q)).toBe(true));
  it.each([
    "which launch-stage creators have had no contact for two weeks?",
    "who is RED and why",
    "what milestones are overdue for Glow Co",
    "which creators passed their follow-up date",
    "show creators tagged VIP with priority 1",
  ])("answers %j", (q) => expect(asksForCredentials(q)).toBe(false));
});

describe("isOutOfScope", () => {
  it.each([
    ["OUT_OF_SCOPE: not about creators", true],
    ["  OUT_OF_SCOPE", true],
    ["Sorry.\nOUT_OF_SCOPE: weather", true],
    ["This is not OUT_OF_SCOPE at all", false],
    ["Two creators are RED.", false],
  ])("%j → %s", (text, expected) => expect(isOutOfScope(text)).toBe(expected));
});

describe("summariseArgs: what the audit row says about a tool call", () => {
  it.each([
    [{ status: "LAUNCH", no_contact_days: 14 }, 'status="LAUNCH", no_contact_days=14'],
    [{ limit: 1e9, flag: true, n: null }, "limit=1000000000, flag=true, n=null"],
    [{ text: "a".repeat(100) }, `text="${"a".repeat(39)}…"`],
    [{ "k\u0000ey\n": "v\u0007" }, 'k ey ="v "'],
    [{ list: [1, 2], obj: { a: 1 } }, "list=[…], obj={…}"],
    ["a string", "(not an object)"],
    [[1, 2], "(not an object)"],
    [undefined, "(not an object)"],
  ])("%j", (input, expected) => expect(summariseArgs(input)).toBe(expected));

  it("at most 8 keys", () => {
    const input = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    expect(summariseArgs(input).split(", ")).toHaveLength(9);
    expect(summariseArgs(input).endsWith("…")).toBe(true);
  });
});

describe("fitJson: capped tool results stay whole JSON", () => {
  const rows = Array.from({ length: 100 }, (_, i) => ({ id: `${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`, brand_name: `Brand ${i}` }));

  it("under the cap: unchanged", () => {
    expect(fitJson({ total: 2, creators: rows.slice(0, 2) }, 10_000)).toBe(JSON.stringify({ total: 2, creators: rows.slice(0, 2) }));
  });

  it("over the cap: rows dropped from the end, marked truncated, valid JSON, whole ids only", () => {
    const out = fitJson({ total: 100, creators: rows }, 2_000);
    expect(out.length).toBeLessThanOrEqual(2_000);
    const parsed = JSON.parse(out) as { total: number; truncated: boolean; creators: { id: string }[] };
    expect(parsed.truncated).toBe(true);
    expect(parsed.total).toBe(100);
    expect(parsed.creators.length).toBeGreaterThan(0);
    expect(parsed.creators).toEqual(rows.slice(0, parsed.creators.length));
  });

  it("nothing fits: an error, never a partial row", () => {
    expect(JSON.parse(fitJson({ name: "x".repeat(5_000) }, 100))).toEqual({ error: expect.stringMatching(/too large/) });
  });
});

describe("citedCreators: only creators a tool returned", () => {
  it("markers, in order of mention; made-up and malformed ids cite nothing", () => {
    const text = `First [[creator:${GLOWING.id}]], then [[creator:${MADE_UP}]], [[creator:not-a-uuid]] and [[creator:${GLOW.id.toUpperCase()}]].`;
    expect(citedCreators(text, seen).map((c) => c.id)).toEqual([GLOWING.id, GLOW.id]);
  });

  it("brand names written out count; the longer brand wins the same words", () => {
    expect(citedCreators("Glow Co is RED.", seen)).toEqual([GLOW]);
    expect(citedCreators("Glow is GREEN; Glow Co is RED.", seen)).toEqual([GLOWING, GLOW]);
  });

  it("a brand never returned by a tool is not cited", () => {
    expect(citedCreators("Solar Sound is LIVE.", seen)).toEqual([]);
    expect(citedCreators(`Glow Co [[creator:${GLOW.id}]]`, new Map())).toEqual([]);
  });

  it("each creator once", () => {
    expect(citedCreators(`[[creator:${GLOW.id}]] and Glow Co and [[creator:${GLOW.id}]]`, seen)).toEqual([GLOW]);
  });
});

describe("auditNotes: the question and the tools, never the data", () => {
  it("names each call with its arguments and outcome", () => {
    const notes = auditNotes(
      "which launch creators are quiet?",
      run({
        kind: "answered",
        text: "Glow Co: days_since_contact 20",
        calls: [
          { name: "list_creators", args: 'status="LAUNCH", no_contact_days=14', ok: true },
          { name: 'unknown tool "get_credential"', args: 'creator_id="x"', ok: false },
        ],
        usage: { inputTokens: 1200, outputTokens: 80 },
      }),
      [GLOW],
    );
    expect(notes).toBe(
      'asked: "which launch creators are quiet?" · tools (2): list_creators(status="LAUNCH", no_contact_days=14); unknown tool "get_credential"(creator_id="x") → error · answered · cited 1: Glow Co · tokens: 1200 in, 80 out',
    );
    expect(notes).not.toContain("days_since_contact");
  });

  it.each([
    [run({ kind: "out_of_scope" }), /declined: out of scope/],
    [credentialsDeclined(), /declined: asked for credentials \(no model call\)/],
    [run({ kind: "exhausted", reason: "rounds", text: "" }), /stopped: tool rounds used up/],
    [run({ kind: "exhausted", reason: "tokens", text: "" }), /stopped: token budget used up/],
    [run({ kind: "failed", failure: "overloaded", message: "Claude is overloaded (HTTP 529)." }), /failed: Claude is overloaded \(HTTP 529\)\./],
  ])("%#: outcome", (r, re) => expect(auditNotes("q", r, [])).toMatch(re));

  it("stays within its cap whatever the question", () => {
    expect(Array.from(auditNotes("x".repeat(5_000), run({ kind: "answered", text: "" }), [], 600)).length).toBeLessThanOrEqual(600);
  });
});

describe("answer blocks", () => {
  it("model text is escaped; markers become brand names the bot read; unknown ids stay unnamed", () => {
    const out = answerMrkdwn(`<!channel> **Top**: [[creator:${EVIL.id}]] and [[creator:${MADE_UP}]] <https://evil|bank>`, seen);
    expect(out).toBe("&lt;!channel&gt; *Top*: *&lt;!channel&gt; Deals* and _an unknown creator_ &lt;https://evil|bank&gt;");
  });

  it("sections split at line breaks within 3,000 characters, at most 3", () => {
    const para = `${"word ".repeat(100)}\n`;
    const parts = splitSections(para.repeat(40));
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3000);
    expect(parts[2]!.endsWith("…")).toBe(true);
  });

  it("Open buttons for the cited creators only, with their ids; within Slack's limits however long", () => {
    const many: CreatorLabel[] = Array.from({ length: 40 }, (_, i) => ({
      id: `${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`,
      brandName: `Brand ${i}`,
      creatorName: "X",
    }));
    const r = run({ kind: "answered", text: "🙂".repeat(20_000), seen: new Map(many.map((c) => [c.id, c])) });
    const msg = answerMessage("q?", r, many, 20);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    const buttons = msg.blocks.flatMap((b) => ("accessory" in b && b.accessory?.type === "button" ? [b.accessory] : []));
    expect(buttons.map((b) => b.value)).toEqual(many.slice(0, 20).map((c) => c.id));
    expect(buttons.every((b) => b.action_id === "creator_open" && b.text.text === "Open")).toBe(true);
    for (const b of msg.blocks) if (b.type === "section" && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(msg.blocks)).toContain("and 20 more");
    expect(msg.text.length).toBeLessThanOrEqual(300);
  });

  it.each([
    [run({ kind: "out_of_scope" }), /only answer questions about the studio's creators/],
    [credentialsDeclined(), /can't look up credentials/],
    [
      run({ kind: "failed", failure: "server", message: "Claude had a server error (HTTP 500) after 3 attempts." }),
      /couldn't answer that: Claude had a server error \(HTTP 500\)/,
    ],
    [run({ kind: "exhausted", reason: "rounds", text: "Partial." }), /stopped before finishing/],
  ])("%#: a clear answer", (r, re) => {
    const msg = answerMessage("<@U1> q", r, [], 20);
    expect(msg.text).toMatch(re);
    expect(JSON.stringify(msg.blocks)).toContain("&lt;@U1&gt; q");
    expect(JSON.stringify(msg.blocks)).not.toContain("<@U1>");
  });
});

describe("the tool set", () => {
  it("is exactly five read-only lookups, each spec matching a zod schema", () => {
    expect(TOOL_NAMES).toEqual(["find_creators", "list_creators", "get_creator", "list_milestones", "get_health_reasons"]);
    expect(TOOL_SPECS.map((t) => t.name)).toEqual(TOOL_NAMES);
    expect(JSON.stringify(TOOL_SPECS)).not.toMatch(/credential_id|password|vault|audit|secret/i);
  });

  it.each([
    ["list_creators", { limit: 1e9 }],
    ["list_creators", { limit: "25" }],
    ["list_creators", { status: "LAUNCH'; DROP TABLE studio_crm_creator; --" }],
    ["list_creators", { no_contact_days: -1 }],
    ["list_creators", { include_secrets: true }],
    ["get_creator", { creator_id: "' OR 1=1 --" }],
    ["get_creator", { creator_id: 42 }],
    ["get_creator", {}],
    ["find_creators", { text: "" }],
    ["find_creators", { text: "\u0000\u0001" }],
    ["find_creators", { text: "x".repeat(101) }],
    ["list_milestones", { creator_id: GLOW.id, limit: 51 }],
  ] as const)("%s refuses %j", (tool, input) => {
    expect(TOOL_INPUTS[tool].safeParse(input).success).toBe(false);
  });
});
