import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { botEnv, spawnBot, type BotProcess } from "../helpers/bot-process.js";

// What only a second process shows: another replica's actor cache, and a signal mid-traffic.

let h: Harness;
let other: BotProcess | null = null;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", USTAFF2: "staff" });
});
afterAll(async () => {
  if (other && other.child.exitCode === null) {
    other.child.kill("SIGKILL");
    await other.exited;
  }
  await h?.close();
});

const answerText = async (url: string) => String((await answerTo(h, url, 10_000)).text ?? "");

describe("a role change on one replica", () => {
  it("is seen by a second bot process on its very next request (no cache TTL in between)", async () => {
    other = await spawnBot(botEnv(h.slack.apiUrl, h.tdb.appUrl));
    // The other process caches USTAFF2 as staff: approvals (admin) are refused there.
    expect(await answerText((await h.commandAt(other.baseUrl, "USTAFF2", "approvals")).responseUrl)).toMatch(/needs the \*admin\* role/);
    expect(await answerText((await h.commandAt(other.baseUrl, "USTAFF2", "approvals")).responseUrl)).toMatch(/needs the \*admin\* role/);

    // Promoted through this replica; the answer comes after the change committed.
    expect(await answerText((await h.command("UADMIN", "role <@USTAFF2> admin")).responseUrl)).toMatch(/now has the role \*admin\*/);
    const promoted = await answerTo(h, (await h.commandAt(other.baseUrl, "USTAFF2", "approvals")).responseUrl, 10_000);
    expect(JSON.stringify(promoted)).not.toMatch(/needs the/);
    expect(JSON.stringify(promoted)).toMatch(/reveal request|No reveal requests/i);

    // And back: a removal takes effect at once too.
    await answerText((await h.command("UADMIN", "role <@USTAFF2> none")).responseUrl);
    expect(await answerText((await h.commandAt(other.baseUrl, "USTAFF2", "help")).responseUrl)).toMatch(/don't have access/);
    other.child.kill("SIGTERM");
    expect((await other.exited).code).toBe(0);
  });
});

describe("a signal in the middle of traffic", () => {
  // SIGTERM drains; SIGKILL cannot, which is what shows the order: an answer is sent only
  // after its audit row committed, so even a killed process has no answer without a row.
  it.each(["SIGTERM", "SIGKILL"] as const)(
    "%s loses no answered request's audit row",
    async (signal) => {
      const bot = await spawnBot(botEnv(h.slack.apiUrl, h.tdb.appUrl));
      other = bot;
      const sent: Promise<{ responseUrl: string }>[] = [];
      const tag = signal.toLowerCase();
      const answeredSoFar = () => h.slack.responses.filter((r) => String(r.body.text).includes(`${tag}-`)).length;
      // Keep requests coming; the signal goes once 10 have been answered, then 30 more follow it.
      let killedAt = -1;
      for (let i = 0; killedAt < 0 || i < killedAt + 30; i++) {
        sent.push(h.commandAt(bot.baseUrl, i % 2 ? "USTAFF" : "USTAFF2", i % 3 ? `find ${tag}-${i}` : "list").catch(() => ({ responseUrl: "" })));
        if (killedAt < 0 && answeredSoFar() >= 10) {
          bot.child.kill(signal);
          killedAt = i;
        }
        if (i > 2_000) throw new Error("the bot answered fewer than 10 requests");
        await new Promise((r) => setTimeout(r, 5));
      }
      const urls = (await Promise.all(sent)).map((s) => s.responseUrl).filter(Boolean);
      const { code } = await bot.exited;
      await new Promise((r) => setTimeout(r, 200)); // answers already in flight reach the fake Slack
      const answers = urls.map((u) => h.slack.responses.find((r) => u.endsWith(`/${r.id}`))).filter((r) => r !== undefined);
      const probes = answers.map((r) => new RegExp(`${tag}-(\\d+)`).exec(String(r.body.text))?.[1]).filter((x): x is string => Boolean(x));
      expect(probes.length).toBeGreaterThanOrEqual(10);
      const rows = await h.tdb.db.auditLog.findMany({ where: { targetDisplay: { startsWith: `/wl find ${tag}-` } }, select: { targetDisplay: true } });
      const recorded = new Set(rows.map((r) => new RegExp(`${tag}-(\\d+)`).exec(r.targetDisplay)?.[1]));
      expect(probes.filter((p) => !recorded.has(p))).toEqual([]);
      if (signal === "SIGTERM") {
        expect(code).toBe(0);
        expect(bot.output()).toMatch(/shutting down/);
      }
    },
    90_000,
  );
});
