import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, startHarness, TEST_SIGNING_SECRET, type Harness } from "../helpers/bot-harness.js";
import { signSlackRequest } from "../../src/slack/signature.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const auditCount = () => h.tdb.db.auditLog.count();

describe("HTTP surface", () => {
  it("GET /healthz answers 200 {ok:true} while the database answers", async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("refuses badly signed requests with 401 and writes nothing", async () => {
    const before = await auditCount();
    const body = new URLSearchParams({
      command: "/wl",
      text: "help",
      user_id: "UADMIN",
      team_id: "T0TEST",
      response_url: h.slack.responseUrl(),
      trigger_id: "t",
    }).toString();
    const now = Math.floor(Date.now() / 1000);
    const good = signSlackRequest(TEST_SIGNING_SECRET, body, now);
    const cases: Record<string, Record<string, string>> = {
      "wrong secret": signSlackRequest("not-the-secret", body, now),
      "stale timestamp": signSlackRequest(TEST_SIGNING_SECRET, body, now - 6 * 60),
      "future timestamp": signSlackRequest(TEST_SIGNING_SECRET, body, now + 6 * 60),
      "missing headers": {},
      "unknown version": { ...good, "x-slack-signature": good["x-slack-signature"]!.replace("v0=", "v1=") },
    };
    for (const [name, headers] of Object.entries(cases)) {
      const res = await fetch(`${h.baseUrl}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body,
      });
      expect(res.status, name).toBe(401);
    }
    const flipped = body.replace("help", "hulp");
    const res = await fetch(`${h.baseUrl}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...good },
      body: flipped,
    });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(await auditCount()).toBe(before);
    expect(await h.tdb.db.authUser.count({ where: { slackUser: { slackUserId: "UADMIN" } } })).toBe(0);
    expect(h.slack.responses).toHaveLength(0);
  });

  it("answers Slack's url_verification challenge", async () => {
    const res = await h.post(JSON.stringify({ type: "url_verification", challenge: "abc123", token: "x" }), "application/json");
    expect(await res.json()).toEqual({ challenge: "abc123" });
  });
});

describe("identity and roles", () => {
  it("refuses a Slack user without a role, audits the refusal, and creates no user", async () => {
    const before = await auditCount();
    const { status, responseUrl } = await h.command("UNOBODY", "new");
    expect(status).toBe(200);
    const answer = await answerTo(h, responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    expect(String(answer.text)).toMatch(/ask an admin for access/i);
    const rows = await h.tdb.db.auditLog.findMany({ where: { slackUserId: "UNOBODY" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: null, userEmail: "nobody@elsewhere.test", actionType: "VIEW", slackTeamId: "T0TEST" });
    expect(rows[0]!.notes).toMatch(/refused/);
    expect(await auditCount()).toBe(before + 1);
    expect(await h.tdb.db.authUser.count({ where: { email: "nobody@elsewhere.test" } })).toBe(0);
  });

  it("race: a new admin's first ten requests at once all get answers, and one user row", async () => {
    h.slack.addUser({ id: "UADMIN2", email: "alan@studio.test", name: "Alan Admin" });
    const h2 = await startHarness({ ADMIN_SLACK_USER_IDS: "UADMIN2" });
    try {
      const sent = await Promise.all(Array.from({ length: 10 }, () => h2.command("UADMIN2", "help")));
      const answers = await Promise.all(sent.map((s) => answerTo(h2, s.responseUrl)));
      for (const a of answers) expect(JSON.stringify(a.blocks)).toContain("role &lt;@user&gt;");
      expect(await h2.tdb.db.authUser.count({ where: { email: "alan@studio.test" } })).toBe(1);
    } finally {
      await h2.close();
    }
  });

  it("bootstraps ADMIN_SLACK_USER_IDS as admins, mapped to a Django-compatible auth_user by email", async () => {
    const { responseUrl } = await h.command("UADMIN", "help");
    const answer = await answerTo(h, responseUrl);
    expect(JSON.stringify(answer.blocks)).toContain("role &lt;@user&gt;");
    const user = await h.tdb.db.authUser.findFirstOrThrow({ where: { email: "ada@studio.test" }, include: { role: true, slackUser: true } });
    expect(user.role?.role).toBe("admin");
    expect(user.slackUser?.slackUserId).toBe("UADMIN");
    expect(user.password.startsWith("!")).toBe(true); // Django's "unusable password"
    const grant = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetModel: "UserRole", notes: { contains: "bootstrap" } } });
    expect(grant.changes).toEqual({ role: { from: null, to: "admin" } });
  });

  it("lets an admin grant a role: role row, audit {from,to} under the admin, a DM to the person", async () => {
    const { responseUrl } = await h.command("UADMIN", "role <@USTAFF|sam> staff");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/now has the role \*staff\*/);
    const sam = await h.tdb.db.authUser.findFirstOrThrow({ where: { email: "sam@studio.test" }, include: { role: true } });
    expect(sam.role?.role).toBe("staff");
    const row = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetModel: "UserRole", targetDisplay: { contains: "sam@studio.test" } } });
    expect(row.changes).toEqual({ role: { from: null, to: "staff" } });
    const admin = await h.tdb.db.authUser.findFirstOrThrow({ where: { email: "ada@studio.test" } });
    expect(row.userId).toBe(admin.id);
    expect(row.slackUserId).toBe("UADMIN");
    await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF");
  });

  it("shows staff only the commands staff may run", async () => {
    const { responseUrl } = await h.command("USTAFF", "help");
    const text = JSON.stringify((await answerTo(h, responseUrl)).blocks);
    expect(text).toContain("help");
    expect(text).not.toContain("role &lt;@user&gt;");
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", targetDisplay: "/wl help" } })).toBe(1);
  });

  it("refuses /wl role from staff and audits it", async () => {
    const { responseUrl } = await h.command("USTAFF", "role <@USTAFF2> admin");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/needs the \*admin\* role/);
    expect(await h.tdb.db.userRole.count({ where: { role: "admin" } })).toBe(1);
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", notes: { contains: "refused" } } })).toBe(1);
  });

  it("matches emails exactly: `_` in a Slack email is not a wildcard that borrows someone's role", async () => {
    // "ad_@studio.test" would match the admin "ada@studio.test" under an unescaped ILIKE.
    h.slack.addUser({ id: "UWILD", email: "ad_@studio.test", name: "Wild Card" });
    const { responseUrl } = await h.command("UWILD", "role <@USTAFF2> admin");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/ask an admin for access/i);
    expect(await h.tdb.db.userRole.count({ where: { role: "admin" } })).toBe(1);
  });

  it("removes access with `none`, and the person is refused afterwards", async () => {
    await answerTo(h, (await h.command("UADMIN", "role <@USTAFF2> manager")).responseUrl);
    await answerTo(h, (await h.command("UADMIN", "role <@USTAFF2> none")).responseUrl);
    const sky = await h.tdb.db.authUser.findFirstOrThrow({ where: { email: "sky@studio.test" }, include: { role: true } });
    expect(sky.role).toBeNull();
    const rows = await h.tdb.db.auditLog.findMany({ where: { targetDisplay: { contains: "sky@studio.test" } }, orderBy: { timestamp: "asc" } });
    expect(rows.map((r) => r.changes)).toEqual([{ role: { from: null, to: "manager" } }, { role: { from: "manager", to: null } }]);
    const { responseUrl } = await h.command("USTAFF2", "help");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/ask an admin/i);
  });

  it("answers bad arguments and unknown commands with usage, never a stack trace", async () => {
    for (const text of ["role", "role USTAFF staff", "role <@USTAFF> emperor", "role <@UADMIN> staff", "frobnicate <!channel>", "role <@UBOTUSER> staff"]) {
      const { status, responseUrl } = await h.command("UADMIN", text);
      expect(status).toBe(200);
      const answer = String((await answerTo(h, responseUrl)).text);
      expect(answer, text).not.toMatch(/Error:|at .*\.ts:\d+/);
      expect(answer, text).not.toContain("<!channel>");
    }
    expect((await h.tdb.db.userRole.findMany()).map((r) => r.role).sort()).toEqual(["admin", "staff"]);
  });
});

describe("events", () => {
  it("handles a redelivered event (same event_id) once", async () => {
    const eventId = "EvDUPLICATE1";
    await h.event("UADMIN", { type: "app_home_opened", tab: "home", channel: "D1" }, { eventId });
    await h.event("UADMIN", { type: "app_home_opened", tab: "home", channel: "D1" }, { eventId, retryNum: 1 });
    // Slack gets its 200 before the work runs, so wait for the effect, then for any second one.
    await h.slack.waitForCall("views.publish", (c) => c.args.user_id === "UADMIN");
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.callsTo("views.publish").filter((c) => c.args.user_id === "UADMIN")).toHaveLength(1);
    expect(await h.tdb.db.slackEvent.count({ where: { eventId } })).toBe(1);
  });
});
