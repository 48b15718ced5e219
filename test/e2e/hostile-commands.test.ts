import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager" });
});
afterAll(async () => {
  await h?.close();
});

const SUBCOMMANDS = [
  "",
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
  "audit",
  "role",
  "HELP",
  "xyzzy",
];
const NASTY = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<@UADMIN>",
  "<#C0CHAN>",
  "<https://evil.test|your bank>",
  "*bold* _it_ `code`",
  "\u0000\u0007\u001b[31m",
  "'; DROP TABLE studio_crm_creator; --",
  '{"__proto__":{"x":1}}',
  "\ud83d\ude80".repeat(50),
  "\u202e\u0644\u0627",
  "a".repeat(3000),
  "%s%n%x",
  "tag:",
  "RED YELLOW tag:VIP",
];

const text = fc
  .tuple(
    fc.constantFrom(...SUBCOMMANDS),
    fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 })), { maxLength: 4 }),
  )
  .map(([cmd, args]) => `${cmd} ${args.join(" ")}`.slice(0, 4000));

/** Only the bot's own mentions may appear; anything the caller typed must arrive escaped. */
function assertNoInjection(answer: Record<string, unknown>) {
  const s = JSON.stringify(answer);
  for (const bad of ["<!channel>", "<!here>", "<!everyone>", "<https://evil.test", "<#C0CHAN>"]) expect(s).not.toContain(bad);
  expect(s).not.toMatch(/at \S+\.(ts|js):\d+|TypeError|PrismaClient|ZodError/);
}

describe("hostile command text", () => {
  it("never 5xx, never a stack trace, never an injected mention, never a change, for any role", async () => {
    const creatorsBefore = await h.tdb.db.creator.count();
    const rolesBefore = await h.tdb.db.userRole.count();
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom("USTAFF", "UMANAGER", "UNOBODY"), async (t, user) => {
        const { status, responseUrl } = await h.command(user, t);
        expect(status).toBe(200);
        const answer = await answerTo(h, responseUrl, 8_000).catch(() => null);
        // Commands that open a modal answer with views.open rather than a response_url post.
        if (answer) assertNoInjection(answer);
      }),
      { numRuns: 60, seed: 20261127 },
    );
    for (const c of h.slack.calls.filter((c) => c.method.startsWith("chat.") || c.method.startsWith("views."))) {
      assertNoInjection(c.args);
    }
    expect(await h.tdb.db.creator.count()).toBe(creatorsBefore);
    expect(await h.tdb.db.userRole.count()).toBe(rolesBefore);
    expect(h.logs.text()).not.toMatch(/"level":50.*handler failed/);
  });
});
