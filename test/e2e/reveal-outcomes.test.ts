import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { approvedRequest, click, djangoEncrypt, insertCredential, makeCreator, newKey } from "./vault-support.js";

// What the audit log says about a reveal, through signed clicks on the running bot: the
// outcome row is written once the outcome is known, and an unconfirmed delivery is not a
// failed one (the secret may be on screen, so its deletion stays scheduled).

const SECRET = "Outcome-Secret-Pw-5150";
let h: Harness;
let creatorId: string;
const db = () => h.tdb.db;
const idOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const trail = async (ids: string[]) =>
  (await db().auditLog.findMany({ where: { targetId: { in: ids } }, orderBy: { timestamp: "asc" } })).map((r) => ({
    notes: r.notes ?? "",
    changes: JSON.stringify(r.changes),
  }));

beforeAll(async () => {
  h = await startHarness({ REVEAL_MESSAGE_TTL_SECONDS: "3" });
  await grantRoles(h, { USTAFF: "staff" });
  creatorId = await makeCreator(db(), "Outcome Co");
});
afterAll(async () => {
  await h?.close();
});

describe("reveal outcomes in the audit log", () => {
  it("a decryption failure is not preceded by a 'revealed' row: the failure row alone, and the grant stays unused", async () => {
    const [foreign] = djangoEncrypt(newKey(), ["Foreign-Outcome-Secret"]);
    const cred = await insertCredential(db(), creatorId, { platform: "Undecryptable", password: foreign! });
    const requestId = await approvedRequest(h, cred);
    const before = (await trail([cred, requestId])).length;
    const { answer } = await click(h, "USTAFF", "reveal_once", requestId);
    expect(String(answer.text)).toMatch(/could not be decrypted with any configured key, so nothing was shown/);
    const rows = (await trail([cred, requestId])).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.notes).toMatch(/^reveal failed closed/);
    expect(rows.some((r) => /revealed once|REVEALED/.test(r.notes + r.changes))).toBe(false);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("APPROVED");
  });

  it("Slack slower than the bot waits (10 s): the delivery is audited as unconfirmed, not as 'nothing was shown', and the message is still deleted", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "Slow Slack", password: h.bot.deps.fernet.encrypt(SECRET) });
    const requestId = await approvedRequest(h, cred);
    let revealUrl = "";
    h.slack.on("response_url", async (body) => {
      // Slack takes the reveal (it shows it) but answers after the bot gave up waiting.
      if (body.replace_original === true && JSON.stringify(body).includes(SECRET)) {
        revealUrl = String(body._id);
        await new Promise((r) => setTimeout(r, 10_500));
      }
      return undefined;
    });
    try {
      const { responseUrl } = await h.action("USTAFF", { action_id: "reveal_once", value: requestId });
      await h.slack.waitFor(() => revealUrl === idOf(responseUrl), 5_000);
      const notes = async () => (await trail([cred, requestId])).map((r) => r.notes);
      for (let i = 0; i < 300 && !(await notes()).some((n) => /delivery unconfirmed|nothing was shown/.test(n)); i++)
        await new Promise((r) => setTimeout(r, 50));
      const all = await notes();
      expect(all.some((n) => n.startsWith("secret revealed once"))).toBe(true);
      expect(all.at(-1)).toMatch(/^reveal delivery unconfirmed/);
      expect(all.join("\n")).not.toMatch(/nothing was shown/);
      // The deletion was stored with the claim and runs when due, whatever the reveal's answer.
      await h.slack.waitFor(() => h.slack.responses.find((r) => r.id === idOf(responseUrl) && r.body.delete_original === true), 10_000);
    } finally {
      h.slack.reset();
    }
  }, 40_000);
});
