import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { createIdentityService } from "../../src/identity/identity-service.js";
import type { SlackProfile } from "../../src/identity/slack-directory.js";

// The role change below Slack, on real Postgres: two admins resolved a moment ago (both still
// "admin" in their Actor) change each other's role on two connections at once.

let tdb: TestDatabase;
const profiles: Record<string, SlackProfile> = {
  UROOT1: { slackUserId: "UROOT1", teamId: "T0", email: "root1@roles.test", name: "Root One", isBot: false },
  UROOT2: { slackUserId: "UROOT2", teamId: "T0", email: "root2@roles.test", name: "Root Two", isBot: false },
  UROOT3: { slackUserId: "UROOT3", teamId: "T0", email: "root3@roles.test", name: "Root Three", isBot: false },
};
const directory = { lookup: async (id: string) => profiles[id] ?? null };

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const admins = () => tdb.db.userRole.count({ where: { role: "admin" } });

describe("identity service: role changes", () => {
  it("race: two admins demote each other on two connections at once: one change lands, the stale actor's is refused, one admin is left", async () => {
    const identity = createIdentityService({ db: tdb.db, pool: tdb.pool, directory, bootstrapAdmins: ["UROOT1"] });
    const root1 = await identity.resolve("UROOT1", "T0");
    expect(root1.role).toBe("admin");
    await identity.setRole(root1, profiles.UROOT2!, "admin");
    for (let round = 0; round < 5; round++) {
      // Both resolved as admins before either change: what two simultaneous requests see.
      const [a, b] = await Promise.all([identity.resolve("UROOT1", "T0"), identity.resolve("UROOT2", "T0")]);
      expect([a.role, b.role]).toEqual(["admin", "admin"]);
      const results = await Promise.allSettled([identity.setRole(a, profiles.UROOT2!, null), identity.setRole(b, profiles.UROOT1!, null)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect((refused.reason as { userMessage: string }).userMessage).toMatch(/no longer an admin/);
      expect(await admins()).toBe(1);
      // Put the other one back for the next round.
      const survivor = results[0]!.status === "fulfilled" ? a : b;
      await identity.setRole(survivor, survivor === a ? profiles.UROOT2! : profiles.UROOT1!, "admin");
    }
    // The refusals themselves are audited by the request pipeline (test/e2e/roles.test.ts).
  });

  it("a role change by someone demoted since their request was resolved is refused", async () => {
    const identity = createIdentityService({ db: tdb.db, pool: tdb.pool, directory, bootstrapAdmins: [] });
    const stale = await identity.resolve("UROOT2", "T0");
    expect(stale.role).toBe("admin");
    const other = await identity.resolve("UROOT1", "T0");
    await identity.setRole(other, profiles.UROOT2!, "staff");
    await expect(identity.setRole(stale, profiles.UROOT3!, "admin")).rejects.toThrow(/no longer admin/);
    expect(await tdb.db.authUser.findFirst({ where: { email: "root3@roles.test" }, include: { role: true } }).then((u) => u?.role ?? null)).toBeNull();
  });

  it("race: two listed users arriving at once on a studio without admins: the first becomes admin, the list then grants nothing", async () => {
    await tdb.db.userRole.deleteMany({});
    const identity = createIdentityService({ db: tdb.db, pool: tdb.pool, directory, bootstrapAdmins: ["UROOT2", "UROOT3"] });
    const [x, y] = await Promise.all([identity.resolve("UROOT2", "T0"), identity.resolve("UROOT3", "T0")]);
    expect([x.role, y.role].filter((r) => r === "admin")).toHaveLength(1);
    expect(await admins()).toBe(1);
  });
});
