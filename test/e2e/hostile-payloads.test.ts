import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { ACTIONS, VIEWS } from "../../src/slack/ids.js";
import { waitUntil } from "../helpers/creators.js";

let h: Harness;
let creatorId: string;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager" });
  // One real creator, so some random button values point at something that exists.
  await h.submit("USTAFF", {
    callback_id: VIEWS.creatorNew,
    values: {
      creator_name: { creator_name: { type: "plain_text_input", value: "Real Person" } },
      creator_email: { creator_email: { type: "plain_text_input", value: "real@creator.test" } },
      brand_name: { brand_name: { type: "plain_text_input", value: "Real Brand" } },
      brand_niche: { brand_niche: { type: "plain_text_input", value: "Fitness" } },
      journey_status: { journey_status: { type: "static_select", selected_option: { value: "ONBOARDING" } } },
    },
  });
  // The form closes at once and the creator is made just after: wait for it, as a person would.
  creatorId = (await waitUntil(() => h.tdb.db.creator.findFirst())).id;
});
afterAll(async () => {
  await h?.close();
});

const NASTY = [
  "<!channel>",
  "<@UADMIN>",
  "<https://evil.test|bank>",
  "\u0000",
  "💥".repeat(100),
  '{"a":',
  "[]",
  "null",
  "-1",
  "1e309",
  "x".repeat(5000),
  "../../etc/passwd",
  "'; DROP TABLE x; --",
  "__proto__",
];
const anyValue = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 60 }),
  fc.uuid(),
  fc.json({ maxDepth: 2 }),
  fc.constant(undefined as unknown as string),
);
const users = fc.constantFrom("USTAFF", "UMANAGER", "UADMIN", "UNOBODY");
const columns = [
  "creator_name",
  "creator_email",
  "brand_name",
  "brand_niche",
  "journey_status",
  "priority_level",
  "tags",
  "custom_fields",
  "other_social_links",
  "brand_website",
  "title",
  "target_date",
  "related_journey_stage",
  "platform_name",
  "account_identifier",
  "password",
  "api_keys",
  "reason",
  "note",
  "deliverable_type",
  "expires_on",
];

function assertClean(payload: unknown) {
  const s = JSON.stringify(payload);
  // The bot mentions people itself (<@U…>), so only what a caller could inject is checked.
  for (const bad of ["<!channel>", "<https://evil.test"]) expect(s).not.toContain(bad);
  expect(s).not.toMatch(/at \S+\.(ts|js):\d+|TypeError|PrismaClient|ZodError|Invalid `prisma/);
}

/** No change without its audit row: every row the bot owns was audited under its id. */
async function assertEveryRowAudited() {
  const orphans = await h.tdb.db.$queryRaw<{ t: string; id: string }[]>`
    SELECT 'creator' AS t, id::text FROM studio_crm_creator c WHERE NOT EXISTS (SELECT 1 FROM studio_crm_auditlog a WHERE a.target_id = c.id AND a.action_type = 'CREATE')
    UNION ALL SELECT 'milestone', id::text FROM studio_crm_milestone m WHERE NOT EXISTS (SELECT 1 FROM studio_crm_auditlog a WHERE a.target_id = m.id)
    UNION ALL SELECT 'credential', id::text FROM studio_crm_creatorcredential k WHERE NOT EXISTS (SELECT 1 FROM studio_crm_auditlog a WHERE a.target_id = k.id)`;
  expect(orphans).toEqual([]);
}

describe("hostile interaction payloads", () => {
  it("every button, with any value from anyone: 200, a clean answer, nothing unaudited", async () => {
    const actionIds = Object.values(ACTIONS);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actionIds), fc.oneof(anyValue, fc.constant(creatorId)), users, async (action_id, value, user) => {
        const before = h.slack.responses.length;
        const { status } = await h.action(user, { action_id, value, block_id: "b" });
        expect(status).toBe(200);
        await new Promise((r) => setTimeout(r, 30));
        for (const r of h.slack.responses.slice(before)) assertClean(r.body);
      }),
      { numRuns: 80, seed: 42 },
    );
    await assertEveryRowAudited();
  });

  it("every form, with any values and any private_metadata: 200 with errors or success, never a partial row", async () => {
    const viewIds = Object.values(VIEWS);
    const values = fc.dictionary(fc.constantFrom(...columns), anyValue, { maxKeys: 8 }).map((d) =>
      Object.fromEntries(
        Object.entries(d).map(([k, v]) => [
          k,
          {
            [k]:
              k.endsWith("_date") || k === "expires_on"
                ? { type: "datepicker", selected_date: v }
                : k === "journey_status" || k === "priority_level" || k === "related_journey_stage" || k === "deliverable_type"
                  ? { type: "static_select", selected_option: v === undefined ? null : { value: v } }
                  : { type: "plain_text_input", value: v },
          },
        ]),
      ),
    );
    const meta = fc.oneof(fc.constant(""), fc.json(), fc.constant(JSON.stringify({ creatorId })), fc.string({ maxLength: 80 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...viewIds), values, meta, users, async (callback_id, vals, private_metadata, user) => {
        const res = await h.submit(user, { callback_id, private_metadata, values: vals as Record<string, Record<string, unknown>> });
        expect(res.status).toBe(200);
        if (res.body) assertClean(res.body);
      }),
      { numRuns: 80, seed: 7 },
    );
    await new Promise((r) => setTimeout(r, 200));
    for (const c of h.slack.calls.filter((c) => c.method.startsWith("chat.") || c.method.startsWith("views."))) assertClean(c.args);
    await assertEveryRowAudited();
    expect(h.logs.text()).not.toMatch(/"level":50[^\n]*handler failed/);
  });
});
