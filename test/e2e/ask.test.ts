import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { FakeAnthropic, type FakeBlock, type FakeReply } from "../helpers/fake-anthropic.js";
import { daysAgo, seedCreator, waitUntil } from "../helpers/creators.js";

// `/wl ask` end to end: signed slash commands into the real bot on real Postgres, Slack faked
// over HTTP and Anthropic's Messages API faked over HTTP, scripted turn by turn (tool_use
// blocks included) so each test checks the tool_results the bot sends back.

const API_KEY = "test-anthropic-key-ask-DO-NOT-LEAK-42";
const MODEL = "claude-sonnet-5-5";
const PASSWORD = "Glow-Pa55word!zebra";
const API_KEY_SECRET = "sk_live_glow_51HxQ2xyzSECRET";
const BACKUP = "backup-7731-9921-4410";
const LOGIN_URL = "https://login.example/glow-secret-path";
const INTERNAL = "INTERNAL-NOTE: contract dispute, do not share";
const COMMS = "COMMS-NOTE: prefers calls after 6pm";
const CUSTOM = "CUSTOM-FIELD-private-revenue-9731";
const EMAIL = "jane@glow-private.example";
const PHONE = "+351 900 000 777";
const SECRETS = [PASSWORD, API_KEY_SECRET, BACKUP, LOGIN_URL, INTERNAL, COMMS, CUSTOM, EMAIL, PHONE];

let h: Harness;
let ai: FakeAnthropic;
const ids: Record<"glow" | "nova" | "peak" | "solar", string> = { glow: "", nova: "", peak: "", solar: "" };

const tool = (name: string, input: unknown, id?: string): FakeBlock => ({ type: "tool_use", name, input, ...(id ? { id } : {}) });
const say = (text: string): FakeReply => ({ content: [{ type: "text", text }] });

/** The two response_url posts of one ask: "Thinking…" and the answer. */
async function ask(user: string, question: string, timeoutMs = 15_000) {
  const { responseUrl } = await h.command(user, `ask ${question}`);
  const mine = () => h.slack.responses.filter((r) => responseUrl.endsWith(`/${r.id}`));
  await h.slack.waitFor(() => mine().length >= 2 || mine().some((r) => !/Thinking/.test(String(r.body.text))), timeoutMs);
  const all = mine();
  return { all, answer: all[all.length - 1]!, responseUrl };
}

const buttonsIn = (body: Record<string, unknown>) =>
  ((body.blocks ?? []) as { accessory?: { type: string; action_id: string; value: string; text: { text: string } } }[]).flatMap((b) =>
    b.accessory?.type === "button" ? [b.accessory] : [],
  );

const lastAuditFor = async (user: string) => h.tdb.db.auditLog.findFirstOrThrow({ where: { slackUserId: user }, orderBy: { chainSeq: "desc" } });

beforeAll(async () => {
  ai = await new FakeAnthropic().start();
  h = await startHarness({ ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: ai.url, ANTHROPIC_MODEL: MODEL });
  // The leak scan at close also searches every answer (ephemeral included) and every request sent to Anthropic.
  h.scanAlso("ask answers (ephemeral included)", () => JSON.stringify(h.slack.responses));
  h.scanAlso("requests sent to Anthropic", () => ai.requests.map((r) => r.raw).join("\n"));
  await grantRoles(h, { USTAFF: "staff" });
  const glow = await seedCreator(h, {
    brandName: "Glow Co",
    creatorName: "Jane Doe",
    creatorEmail: EMAIL,
    creatorPhone: PHONE,
    journeyStatus: "LAUNCH",
    lastContactedDate: daysAgo(20),
    internalNotes: INTERNAL,
    communicationNotes: COMMS,
    customFields: { revenue: CUSTOM },
    tags: ["VIP"],
    priorityLevel: 1,
  });
  const nova = await seedCreator(h, { brandName: "Nova Beauty", journeyStatus: "LAUNCH", lastContactedDate: daysAgo(3) });
  const peak = await seedCreator(h, { brandName: "Peak Fitness", journeyStatus: "LAUNCH", lastContactedDate: null, createdAt: daysAgo(40) });
  const solar = await seedCreator(h, { brandName: "Solar Sound", journeyStatus: "LIVE", lastContactedDate: daysAgo(30) });
  Object.assign(ids, { glow: glow.id, nova: nova.id, peak: peak.id, solar: solar.id });
  await h.tdb.db.milestone.create({ data: { creatorId: glow.id, title: "Launch teaser", targetDate: daysAgo(9), relatedJourneyStage: "LAUNCH" } });
  const f = h.bot.deps.fernet;
  await h.tdb.db.creatorCredential.create({
    data: {
      creatorId: glow.id,
      platformName: "Instagram",
      accountIdentifier: "glowco",
      password: f.encrypt(PASSWORD),
      loginUrl: f.encrypt(LOGIN_URL),
      twoFactorBackupCodes: f.encrypt(BACKUP),
      apiKeys: f.encrypt(JSON.stringify({ stripe: API_KEY_SECRET })),
      notes: "cred notes",
    },
  });
});
afterAll(async () => {
  await h?.close();
  await ai?.stop();
});
beforeEach(() => ai.reset());

describe("/wl ask: a tool-using answer", () => {
  it("runs list_creators with the model's filters, sends its tool_result back, answers with Open buttons for cited creators only; audited before the answer", async () => {
    ai.enqueue(
      { content: [{ type: "text", text: "Let me check." }, tool("list_creators", { status: "LAUNCH", no_contact_days: 14 }, "toolu_list1")] },
      say(
        `Two launch-stage creators have had no contact for two weeks:\n• [[creator:${ids.glow}]]: 20 days\n• [[creator:${ids.peak}]]: never contacted\n• [[creator:${randomUUID()}]]: made up\nSolar Sound is LIVE, not launch.`,
      ),
    );
    const started = Date.now();
    const { all, answer } = await ask("USTAFF", "which launch-stage creators have had no contact for two weeks?");

    // "Thinking…" first, then the answer, both ephemeral through the command's response_url.
    expect(all).toHaveLength(2);
    expect(all[0]!.body).toMatchObject({ response_type: "ephemeral" });
    expect(String(all[0]!.body.text)).toMatch(/Thinking about “which launch-stage creators/);
    expect(answer.body).toMatchObject({ response_type: "ephemeral" });

    // Turn 1: the model, the five tools, the question.
    expect(ai.requests).toHaveLength(2);
    const first = ai.requests[0]!.body;
    expect(first).toMatchObject({ model: MODEL, stream: true, tool_choice: { type: "auto" } });
    expect((first.tools as { name: string }[]).map((t) => t.name)).toEqual([
      "find_creators",
      "list_creators",
      "get_creator",
      "list_milestones",
      "get_health_reasons",
    ]);
    expect(first.messages).toEqual([{ role: "user", content: "which launch-stage creators have had no contact for two weeks?" }]);
    expect(JSON.stringify(first.system)).toMatch(/OUT_OF_SCOPE/);

    // Turn 2 carries the assistant's tool_use and the bot's tool_result for it.
    const second = ai.requests[1]!.body.messages as { role: string; content: { type: string; id?: string; input?: unknown }[] }[];
    expect(second[1]).toMatchObject({
      role: "assistant",
      content: [
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "toolu_list1", name: "list_creators", input: { status: "LAUNCH", no_contact_days: 14 } },
      ],
    });
    const [result] = ai.toolResults(1);
    expect(result).toMatchObject({ tool_use_id: "toolu_list1" });
    expect(result!.is_error).toBeFalsy();
    const data = JSON.parse(result!.content) as {
      total: number;
      creators: { id: string; brand_name: string; days_since_contact: number; health_reasons: string[] }[];
    };
    expect(data.creators.map((c) => c.brand_name).sort()).toEqual(["Glow Co", "Peak Fitness"]);
    expect(data.total).toBe(2);
    expect(data.creators.find((c) => c.id === ids.glow)).toMatchObject({ days_since_contact: 20, priority_level: 1, tags: ["VIP"], open_milestones: 1 });
    expect(data.creators.find((c) => c.id === ids.peak)).toMatchObject({ last_contacted_date: null, days_since_contact: 40 });

    // The answer: escaped text, markers as brand names; Open only for cited creators a tool returned.
    const blocks = JSON.stringify(answer.body.blocks);
    expect(blocks).toContain("*Glow Co*: 20 days");
    expect(blocks).toContain("_an unknown creator_: made up");
    const buttons = buttonsIn(answer.body);
    expect(buttons.map((b) => b.value)).toEqual([ids.glow, ids.peak]);
    expect(buttons.every((b) => b.action_id === "creator_open" && b.text.text === "Open")).toBe(true);
    expect((answer.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);

    // One VIEW row: the question and the tool with its arguments, not the data; committed before the answer was sent.
    const row = await lastAuditFor("USTAFF");
    expect(row).toMatchObject({ actionType: "VIEW", targetModel: "SlackCommand" });
    expect(row.notes).toContain('asked: "which launch-stage creators have had no contact for two weeks?"');
    expect(row.notes).toContain('tools (1): list_creators(status="LAUNCH", no_contact_days=14)');
    expect(row.notes).toContain("answered · cited 2: Glow Co, Peak Fitness");
    expect(row.notes).not.toMatch(/days_since_contact|Jane Doe|VIP/);
    expect(row.timestamp.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(row.timestamp.getTime()).toBeLessThanOrEqual(answer.at);
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", timestamp: { gte: new Date(started - 1000) } } })).toBe(1);

    // A cited creator's Open button opens its card.
    const { responseUrl } = await h.action("USTAFF", { action_id: "creator_open", value: ids.glow });
    await h.slack.waitFor(() => h.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`) && JSON.stringify(r.body).includes("Glow Co — Jane Doe")));
  });

  it("get_creator, list_milestones and get_health_reasons return the card's facts and never notes, contact details or custom fields", async () => {
    ai.enqueue(
      {
        content: [
          tool("get_creator", { creator_id: ids.glow }),
          tool("list_milestones", { creator_id: ids.glow.toUpperCase() }),
          tool("get_health_reasons", { creator_id: ids.glow }),
        ],
      },
      say(`[[creator:${ids.glow}]] is RED: its Launch teaser milestone is 9 days overdue.`),
    );
    const { answer } = await ask("USTAFF", "why is Glow Co red?");
    const [card, milestones, healthOf] = ai.toolResults(1).map((r) => {
      expect(r.is_error).toBeFalsy();
      return JSON.parse(r.content) as Record<string, unknown>;
    });
    expect(card).toMatchObject({ id: ids.glow, brand_name: "Glow Co", journey_status: "LAUNCH", health: "RED", open_milestones: 1, tags: ["VIP"] });
    expect(milestones).toMatchObject({ total: 1, milestones: [{ title: "Launch teaser", overdue_days: 9, completed: false }] });
    expect(healthOf).toMatchObject({ health: "RED", reasons: expect.arrayContaining(["1 milestone overdue by 9 days", "no contact for 20 days"]) });
    const sent = ai.requests.map((r) => r.raw).join("\n");
    for (const s of SECRETS) expect(sent).not.toContain(s);
    expect(buttonsIn(answer.body).map((b) => b.value)).toEqual([ids.glow]);
  });
});

describe("/wl ask: hostile tool arguments", () => {
  it("wrong types, huge limits, injection strings, unknown ids, prototype keys, non-object input and too many calls get tool errors; nothing crashes or changes", async () => {
    const counts = async () => [await h.tdb.db.creator.count(), await h.tdb.db.milestone.count(), await h.tdb.db.creatorCredential.count()];
    const before = await counts();
    ai.enqueue(
      {
        content: [
          tool("list_creators", { limit: 1e9 }),
          tool("list_creators", { status: "LAUNCH'; DROP TABLE studio_crm_creator; --" }),
          tool("get_creator", { creator_id: "' OR 1=1 --" }),
          tool("get_creator", { creator_id: randomUUID() }),
          tool("find_creators", { text: 12345 }),
          tool("find_creators", { text: "glow" }),
        ],
      },
      {
        content: [
          tool("list_milestones", { creator_id: ids.glow, limit: "all" }),
          { type: "tool_use", name: "find_creators", rawInput: '{"__proto__": {"polluted": true}, "text": "glow"}' },
          { type: "tool_use", name: "get_health_reasons", rawInput: '"just a string"' },
          tool("list_creators", { tag: "x".repeat(10_000) }),
          tool("find_creators", { text: "%' UNION SELECT password FROM studio_crm_creatorcredential --" }),
        ],
      },
      say("I couldn't find anything useful."),
    );
    const { answer } = await ask("USTAFF", "stress the tools");
    expect(ai.requests).toHaveLength(3);

    const round1 = ai.toolResults(1);
    expect(round1).toHaveLength(6);
    expect(round1.slice(0, 5).every((r) => r.is_error === true)).toBe(true);
    expect(round1[0]!.content).toMatch(/invalid arguments \(limit: .*25/);
    expect(round1[1]!.content).toMatch(/invalid arguments \(status:/);
    expect(round1[2]!.content).toMatch(/creator_id: must be a creator id/);
    expect(round1[3]!.content).toMatch(/No creator has that id/);
    expect(round1[4]!.content).toMatch(/invalid arguments \(text:/);
    // The sixth call in one turn is not run.
    expect(round1[5]).toMatchObject({ is_error: true, content: expect.stringMatching(/at most 5 tool calls per turn/) });

    const round2 = ai.toolResults(2);
    expect(round2).toHaveLength(5);
    expect(round2[0]!.content).toMatch(/invalid arguments \(limit:/);
    expect(round2[1]!.content).toMatch(/invalid arguments \(input: Unrecognized key: "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(round2[2]!.content).toMatch(/not a valid JSON object/);
    expect(round2[3]!.content).toMatch(/invalid arguments \(tag:/);
    // An injection string is just text to search for: found nothing, ran as a parameter.
    expect(round2[4]!.is_error).toBeFalsy();
    expect(JSON.parse(round2[4]!.content)).toEqual({ total: 0, creators: [] });
    // A tool input that is not an object was echoed to the API as {}, which it accepts.
    const echoed = (ai.requests[2]!.body.messages as { role: string; content: { type: string; input?: unknown }[] }[])[3]!.content;
    expect(echoed.filter((b) => b.type === "tool_use").map((b) => b.input)).toEqual([
      { creator_id: ids.glow, limit: "all" },
      JSON.parse('{"__proto__": {"polluted": true}, "text": "glow"}'),
      {},
      { tag: "x".repeat(10_000) },
      { text: "%' UNION SELECT password FROM studio_crm_creatorcredential --" },
    ]);

    expect(String(answer.body.text)).toMatch(/couldn't find anything useful/);
    expect(await counts()).toEqual(before);
    const row = await lastAuditFor("USTAFF");
    expect(row.notes).toMatch(/tools \(10\): list_creators\(limit=1000000000\) → error; /);
    expect(row.notes).toContain("get_health_reasons((not an object)) → error");
    expect(row.notes!.length).toBeLessThanOrEqual(2000);
  });

  it("a tool_use whose streamed input is not JSON fails that turn: a clear answer, audited, no crash", async () => {
    ai.enqueue({ content: [{ type: "tool_use", name: "find_creators", rawInput: '{"text": glow}' }] });
    const { all, answer } = await ask("USTAFF", "broken stream");
    expect(all).toHaveLength(2);
    expect(ai.requests).toHaveLength(1);
    expect(String(answer.body.text)).toMatch(/couldn't answer that: The call to Claude failed/);
    expect((await lastAuditFor("USTAFF")).notes).toMatch(/tools \(0\): none · failed: The call to Claude failed/);
  });

  it("a model that keeps calling tools is stopped after 6 rounds: the last turn forbids tools, and the answer says it stopped", async () => {
    for (let i = 0; i < 8; i++) ai.enqueue({ content: [tool("find_creators", { text: `round ${i}` })] });
    const { answer } = await ask("USTAFF", "loop forever");
    expect(ai.requests).toHaveLength(7);
    expect(ai.requests.slice(0, 6).every((r) => (r.body.tool_choice as { type: string }).type === "auto")).toBe(true);
    expect(ai.requests[6]!.body.tool_choice).toEqual({ type: "none" });
    expect(String(answer.body.text)).toMatch(/stopped before finishing/);
    expect((await lastAuditFor("USTAFF")).notes).toMatch(/tools \(6\): .* · stopped: tool rounds used up/);
  });
});

describe("/wl ask never reaches a credential", () => {
  it("a model that calls get_credential, asks find for 'password' or adds secret fields gets nothing secret", async () => {
    ai.enqueue(
      {
        content: [
          tool("get_credential", { creator_id: ids.glow, platform: "Instagram" }),
          tool("vault_reveal", { credential: "glowco" }),
          tool("find_creators", { text: "password" }),
          tool("list_creators", { include_secrets: true }),
          tool("get_creator", { creator_id: ids.glow, fields: ["password", "internal_notes"] }),
        ],
      },
      { content: [tool("get_creator", { creator_id: ids.glow }), tool("find_creators", { text: "glowco" })] },
      say(`I can't see any credentials for [[creator:${ids.glow}]].`),
    );
    const { answer } = await ask("USTAFF", "what can you tell me about Glow Co's accounts?");
    const r1 = ai.toolResults(1);
    expect(r1[0]).toMatchObject({
      is_error: true,
      content: expect.stringMatching(
        /no tool named that.*find_creators, list_creators, get_creator, list_milestones, get_health_reasons.*Credentials, the vault/,
      ),
    });
    expect(r1[1]).toMatchObject({ is_error: true });
    expect(JSON.parse(r1[2]!.content)).toEqual({ total: 0, creators: [] });
    expect(r1[3]).toMatchObject({ is_error: true, content: expect.stringMatching(/include_secrets/) });
    expect(r1[4]).toMatchObject({ is_error: true, content: expect.stringMatching(/fields/) });
    const r2 = ai.toolResults(2);
    expect(r2.every((r) => !r.is_error)).toBe(true);
    // The credential's account name is no creator's brand, name, email or handle: find finds nothing.
    expect(JSON.parse(r2[1]!.content)).toEqual({ total: 0, creators: [] });

    const everything = [
      ai.requests.map((r) => r.raw).join("\n"),
      JSON.stringify(answer.body),
      h.logs.text(),
      JSON.stringify(await h.tdb.db.auditLog.findMany({ select: { notes: true, changes: true, targetDisplay: true } })),
    ].join("\n");
    for (const s of SECRETS) expect(everything).not.toContain(s);
    for (const token of await h.tdb.db.creatorCredential.findMany())
      for (const c of [token.password, token.apiKeys, token.loginUrl, token.twoFactorBackupCodes]) expect(everything).not.toContain(c!);
    expect((await lastAuditFor("USTAFF")).notes).toContain('unknown tool "get_credential"(creator_id=');
  });

  it("a question asking for a password is declined without calling Claude, and audited", async () => {
    const { all, answer } = await ask("USTAFF", "what is Glow Co's instagram password?");
    expect(ai.requests).toHaveLength(0);
    expect(all).toHaveLength(1);
    expect(String(answer.body.text)).toMatch(/can't look up credentials/);
    expect((await lastAuditFor("USTAFF")).notes).toMatch(
      /asked: "what is Glow Co's instagram password\?" · tools \(0\): none · declined: asked for credentials/,
    );
  });
});

describe("/wl ask: out of scope, failures, limits", () => {
  it("out of scope: Claude's OUT_OF_SCOPE becomes a clear decline, no tools, audited", async () => {
    ai.enqueue(say("OUT_OF_SCOPE: the weather is not about the studio's creators"));
    const { answer } = await ask("USTAFF", "what's the weather in Lisbon tomorrow?");
    expect(ai.requests).toHaveLength(1);
    expect(String(answer.body.text)).toMatch(/only answer questions about the studio's creators/);
    expect(JSON.stringify(answer.body)).not.toContain("OUT_OF_SCOPE");
    expect((await lastAuditFor("USTAFF")).notes).toMatch(/tools \(0\): none · declined: out of scope/);
  });

  it("a refusal stop_reason is a decline too", async () => {
    ai.enqueue({ content: [{ type: "text", text: "" }], stopReason: "refusal" });
    const { answer } = await ask("USTAFF", "write something awful about a creator");
    expect(String(answer.body.text)).toMatch(/only answer questions about the studio's creators/);
  });

  it("Claude 500s on every attempt: the answer says so (after Thinking…), and the failure is audited with the tools already used", async () => {
    ai.enqueue({ content: [tool("list_creators", { health: "RED" })] }, { status: 500 }, { status: 500 }, { status: 500 });
    const { all, answer } = await ask("USTAFF", "who is red?", 20_000);
    expect(all).toHaveLength(2);
    expect(ai.requests).toHaveLength(4);
    expect(String(answer.body.text)).toMatch(/couldn't answer that: Claude had a server error \(HTTP 500\) after 3 attempts/);
    expect((await lastAuditFor("USTAFF")).notes).toMatch(/tools \(1\): list_creators\(health="RED"\) · failed: Claude had a server error \(HTTP 500\)/);
    expect(await h.tdb.db.askRun.count({ where: { status: "RUNNING" } })).toBe(0);
  });

  it("529 overloaded: a clear answer", async () => {
    ai.enqueue({ status: 529 }, { status: 529 }, { status: 529 });
    const { answer } = await ask("USTAFF", "who is yellow?", 20_000);
    expect(String(answer.body.text)).toMatch(/Claude is overloaded \(HTTP 529\)/);
    expect((await lastAuditFor("USTAFF")).notes).toMatch(/failed: Claude is overloaded/);
  });

  it("an empty question answers with the usage line, audited as a refusal; a huge one is refused", async () => {
    const { responseUrl } = await h.command("USTAFF", "ask");
    await waitUntil(async () => h.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));
    expect(JSON.stringify(h.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`))!.body)).toMatch(/Usage: `\/wl ask <question>`/);
    expect((await lastAuditFor("USTAFF")).notes).toMatch(/^refused: Usage/);
    // (A second refusal of the same command within a minute is counted, not written: the pipeline's throttle.)
    const big = await h.command("USTAFF", `ask ${"why ".repeat(200)}`);
    const tooLong = await h.slack.waitFor(() => h.slack.responses.find((r) => big.responseUrl.endsWith(`/${r.id}`)));
    expect(String(tooLong.body.text)).toMatch(/Please keep the question under 500 characters/);
    expect(ai.requests).toHaveLength(0);
  });

  it("help lists ask for staff", async () => {
    const { responseUrl } = await h.command("USTAFF", "help");
    await waitUntil(async () => h.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));
    expect(JSON.stringify(h.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`))!.body)).toContain("/wl ask &lt;question&gt;");
  });
});

describe("/wl ask when Anthropic is not configured", () => {
  it("says so, calls nothing, and the refusal is audited", async () => {
    const bare = await startHarness();
    try {
      await grantRoles(bare, { USTAFF: "staff" });
      const { responseUrl } = await bare.command("USTAFF", "ask which creators are red?");
      const body = await bare.slack.waitFor(() => bare.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));
      expect(String(body.body.text)).toMatch(/Ask is not configured on this bot \(ANTHROPIC_API_KEY is not set\)/);
      const row = await bare.tdb.db.auditLog.findFirstOrThrow({ where: { slackUserId: "USTAFF" }, orderBy: { chainSeq: "desc" } });
      expect(row.notes).toMatch(/^refused: Ask is not configured/);
      await new Promise((r) => setTimeout(r, 100));
      expect(bare.slack.responses.filter((r) => responseUrl.endsWith(`/${r.id}`))).toHaveLength(1);
    } finally {
      await bare.close();
    }
  });
});
