import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, TEAM, type Harness } from "../helpers/bot-harness.js";
import { waitUntil } from "../helpers/creators.js";
import type { Role } from "../../src/identity/roles.js";

// Audit by construction: every registered command, button, form and event, sent by someone
// without a role, by someone below its role, and by someone allowed but with a forged id,
// leaves exactly one audit row under that Slack user (refusal or VIEW), committed before the
// answer. The table is the router's own inventory, so a new surface is covered when it is
// registered.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", USTAFF2: "staff", UMANAGER: "manager" });
});
afterAll(async () => {
  await h?.close();
});

const allowedUser: Record<Role, string> = { staff: "USTAFF", manager: "UMANAGER", admin: "UADMIN" };
const belowUser: Partial<Record<Role, string>> = { manager: "USTAFF", admin: "UMANAGER" };

type Send = (user: string) => Promise<unknown>;

function requests(): { surface: string; id: string; minRole: Role; send: Send }[] {
  const r = h.bot.router;
  const forged = randomUUID();
  const meta = JSON.stringify({ id: forged, creatorId: forged, credentialId: forged, milestoneId: forged });
  return [
    ...[...new Set(r.commands.values())].map((c) => ({ surface: "command", id: c.name, minRole: c.minRole, send: (u: string) => h.command(u, c.name) })),
    ...[...r.actions].map(([id, a]) => ({ surface: "action", id, minRole: a.minRole, send: (u: string) => h.action(u, { action_id: id, value: forged }) })),
    ...[...r.views].map(([id, v]) => ({
      surface: "view",
      id,
      minRole: v.minRole,
      send: (u: string) => h.submit(u, { callback_id: id, private_metadata: meta, values: {} }),
    })),
    ...[...r.events].map(([id, e]) => ({ surface: "event", id, minRole: e.minRole, send: (u: string) => h.event(u, { type: id, tab: "home" }) })),
    ...[...r.shortcuts].map(([id, s]) => ({ surface: "shortcut", id, minRole: s.minRole, send: (u: string) => shortcut(u, id) })),
  ];
}

/** A global shortcut as Slack sends it (a message shortcut sent this way names no message: refused). */
async function shortcut(user: string, callbackId: string): Promise<void> {
  const payload = {
    type: "shortcut",
    callback_id: callbackId,
    trigger_id: `trg.${randomUUID()}`,
    user: { id: user, team_id: TEAM },
    team: { id: TEAM, domain: "studio" },
    api_app_id: "A0APP",
  };
  await (await h.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded")).text();
}

const rowsOf = (user: string) => h.tdb.db.auditLog.findMany({ where: { slackUserId: user }, orderBy: { chainSeq: "asc" } });

/** Sends, waits for the request's row, then makes sure no second one follows. */
async function exactlyOneRow(user: string, send: Send) {
  const before = (await rowsOf(user)).length;
  await send(user);
  await waitUntil(async () => (await rowsOf(user)).length > before);
  await new Promise((r) => setTimeout(r, 150));
  const rows = (await rowsOf(user)).slice(before);
  expect(rows, JSON.stringify(rows.map((x) => [x.targetDisplay, x.notes]))).toHaveLength(1);
  expect(rows[0]).toMatchObject({ actionType: "VIEW", slackUserId: user, slackTeamId: TEAM });
  return rows[0]!;
}

describe("audit coverage: every registered surface", () => {
  it("the inventory is the whole product surface (commands, buttons, forms, events)", () => {
    const inv = h.bot.router.inventory();
    expect(inv.command).toEqual(
      expect.arrayContaining([
        "help",
        "new",
        "find",
        "list",
        "show",
        "edit",
        "status",
        "archive",
        "milestones",
        "creds",
        "approvals",
        "digest",
        "deliverable",
        "ask",
        "audit",
        "role",
      ]),
    );
    expect(inv.event).toEqual(["app_home_opened"]);
    expect(inv.action.length).toBeGreaterThanOrEqual(20);
  });

  it("someone with no role: one refusal row each, under their Slack identity", async () => {
    for (const r of requests()) {
      const row = await exactlyOneRow("UNOBODY", r.send);
      expect(row.notes, `${r.surface} ${r.id}`).toMatch(/^refused: needs \w+, has no role/);
      expect(row.userId).toBeNull();
      expect(row.userEmail).toBe("nobody@elsewhere.test");
    }
  });

  it("someone below the route's role: one refusal row each", async () => {
    for (const r of requests().filter((x) => belowUser[x.minRole])) {
      const row = await exactlyOneRow(belowUser[r.minRole]!, r.send);
      expect(row.notes, `${r.surface} ${r.id}`).toMatch(new RegExp(`^refused: needs ${r.minRole}, has`));
    }
  });

  it("someone allowed, with forged ids or empty input: one row each (what was shown, or why it was refused); nothing changes", async () => {
    const counts = async () => [
      await h.tdb.db.creator.count(),
      await h.tdb.db.milestone.count(),
      await h.tdb.db.creatorCredential.count(),
      await h.tdb.db.revealRequest.count(),
      await h.tdb.db.userRole.count(),
    ];
    const before = await counts();
    for (const r of requests()) {
      const row = await exactlyOneRow(allowedUser[r.minRole], r.send);
      expect(row.notes, `${r.surface} ${r.id}`).toBeTruthy();
      expect(row.userId).not.toBeNull();
    }
    expect(await counts()).toEqual(before);
  });

  it("unknown command, button and form ids: one refusal row each, a clean answer, no stack trace", async () => {
    const sends: Send[] = [
      (u) => h.command(u, "frobnicate now"),
      (u) => h.action(u, { action_id: "not_a_real_action", value: "x" }),
      (u) => h.submit(u, { callback_id: "not_a_real_form", values: {} }),
    ];
    for (const send of sends) {
      const row = await exactlyOneRow("USTAFF2", send);
      expect(row.notes).toMatch(/^refused: /);
    }
    const texts = JSON.stringify(h.slack.responses.slice(-3));
    expect(texts).not.toMatch(/at \S+\.(ts|js):\d+|TypeError/);
  });
});
