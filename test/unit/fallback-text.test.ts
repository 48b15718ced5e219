import { describe, expect, it } from "vitest";
import { archivePrompt, creatorCard, findResults, listPage } from "../../src/features/creators/creator-blocks.js";
import { candidatesBlocks } from "../../src/features/creators/creator-lookup-blocks.js";
import type { CardData } from "../../src/features/creators/creator-service.js";
import { homeView } from "../../src/features/home/home-blocks.js";
import { actedRowBlocks, renderDigest } from "../../src/features/digests/digest-blocks.js";
import type { DigestEntry } from "../../src/features/digests/digest-types.js";
import { deliveryFallbackText, failedMessage, fileDeliveredMessage, resultMessage, workingOn } from "../../src/features/deliverables/deliverable-blocks.js";
import { changeNotice, milestonesMessage } from "../../src/features/milestones/milestone-blocks.js";
import { auditPageBlocks } from "../../src/features/audit/audit-blocks.js";
import { roleChangedText } from "../../src/features/roles/roles-fns.js";
import {
  approvalPromptBlocks,
  credentialListBlocks,
  decidedAck,
  deniedText,
  endedText,
  grantBlocks,
  pendingListBlocks,
  requestSentText,
  revealBlocks,
  revealOfferBlocks,
} from "../../src/features/vault/vault-blocks.js";
import type { RequestView } from "../../src/features/vault/reveal-request-view.js";

// Issue 14, item 8: a message's fallback `text` is shown and notifies like mrkdwn, so user
// text in it is escaped exactly like the blocks. Every builder that puts a brand (or other
// user text) into a message gets the hostile name; no `<…>` it did not mean survives anywhere.

const HOSTILE = "<!channel> <@U123> <https://evil|bank>";
const ID = "0b7c6a52-3f7e-4a9c-9d0e-1a2b3c4d5e6f";

/** The `<…>` Slack would act on that the bot itself means: its own users, dates, channels and files. */
const MEANT = [/^<@(UADMIN2|USTAFF|UMGR)>$/, /^<!date\^\d+\^[^>]*>$/, /^<#C0DIGEST>$/, /^<https:\/\/files\.example\.test\/F1\|Open the file>$/];

/**
 * Every string Slack would parse: the fallback text and mrkdwn. plain_text (headers, labels,
 * button text) is shown exactly as typed, so there the name stays raw, and must.
 */
function strings(x: unknown, out: string[] = []): string[] {
  if (typeof x === "string") out.push(x);
  else if (Array.isArray(x)) for (const v of x) strings(v, out);
  else if (x && typeof x === "object" && (x as { type?: unknown }).type !== "plain_text") for (const v of Object.values(x)) strings(v, out);
  return out;
}

/** Every `<…>` in the message (text and blocks) that the bot did not mean to send. */
function injected(msg: unknown): string[] {
  return strings(msg)
    .flatMap((s) => s.match(/<[^<>]*>?/g) ?? [])
    .filter((t) => !MEANT.some((m) => m.test(t)));
}

function expectClean(msg: { text?: string } | string) {
  const text = typeof msg === "string" ? msg : msg.text;
  expect(text, "fallback text").toBeTruthy();
  expect(injected(text), "fallback text").toEqual([]);
  expect(injected(msg), "text and blocks").toEqual([]);
  // The hostile name is still there, escaped, so the test is not vacuous.
  expect(JSON.stringify(msg)).toContain("&lt;!channel&gt;");
}

const card = (): CardData => ({
  creator: {
    id: ID,
    brandName: HOSTILE,
    creatorName: HOSTILE,
    creatorEmail: "x@y.test",
    journeyStatus: "LAUNCH",
    healthScore: "RED",
    priorityLevel: 1,
    nextFollowUpDate: null,
    lastContactedDate: null,
    isActive: true,
    tags: [HOSTILE],
  } as unknown as CardData["creator"],
  health: { score: "RED", reasons: [HOSTILE] },
  openMilestones: [{ id: "m1", title: HOSTILE, targetDate: null }],
  openMilestoneCount: 1,
  following: false,
});

const view = (over: Partial<RequestView> = {}): RequestView => ({
  id: ID,
  status: "APPROVED",
  reason: HOSTILE,
  createdAt: new Date("2026-12-04T10:00:00Z"),
  expiresAt: new Date("2026-12-04T10:15:00Z"),
  decidedAt: new Date("2026-12-04T10:01:00Z"),
  revealedAt: null,
  requesterId: 7,
  requesterSlackId: "USTAFF",
  deciderSlackId: "UADMIN2",
  deciderName: HOSTILE,
  credentialId: ID,
  credentialActive: true,
  endReason: null,
  platformName: HOSTILE,
  accountIdentifier: HOSTILE,
  creatorId: ID,
  brandName: HOSTILE,
  messages: [],
  ...over,
});

const entry = (): DigestEntry => ({
  id: ID,
  brandName: HOSTILE,
  creatorName: HOSTILE,
  journeyStatus: "LAUNCH",
  priority: 1,
  lastStatusChange: new Date("2026-11-01T00:00:00Z"),
  nextFollowUp: "2026-12-01",
  score: "RED",
  reasons: [HOSTILE],
});

describe("a hostile brand name never reaches a message unescaped (fallback text included)", () => {
  it("creator card", () => expectClean(creatorCard(card(), { today: "2026-12-04", isAdmin: true })));
  it("archive prompt", () => expectClean(archivePrompt({ id: ID, brandName: HOSTILE, creatorName: HOSTILE })));
  it("find results", () =>
    expectClean(
      findResults(HOSTILE, {
        total: 1,
        rows: [
          {
            id: ID,
            brandName: HOSTILE,
            creatorName: HOSTILE,
            creatorEmail: "x@y.test",
            journeyStatus: "LAUNCH",
            healthScore: "RED",
            isActive: true,
            instagramHandle: HOSTILE,
            tiktokHandle: null,
            twitterHandle: null,
            total: 1,
          },
        ],
      }),
    ));
  it("creator list", () => {
    const row = {
      id: ID,
      brandName: HOSTILE,
      creatorName: HOSTILE,
      journeyStatus: "LAUNCH",
      isActive: true,
      healthScore: "RED",
      priorityLevel: 1,
      lastContactedDate: null,
      nextFollowUpDate: null,
      createdAt: new Date(),
      lastStatusChange: new Date(),
      tags: [],
      openMilestones: 0,
      health: { score: "RED" as const, reasons: [HOSTILE] },
    };
    expectClean(listPage({ rows: [row], total: 1, page: 0, pages: 1 }, { tag: HOSTILE } as never, "2026-12-04"));
  });
  it("several creators match", () =>
    expectClean(
      candidatesBlocks(HOSTILE, [{ id: ID, brandName: HOSTILE, creatorName: HOSTILE, creatorEmail: "x@y.test", isActive: true, journeyStatus: "LAUNCH" }]),
    ));
  it("App Home", () => {
    const c = { id: ID, brandName: HOSTILE, creatorName: HOSTILE, journeyStatus: "LAUNCH", priorityLevel: 1, healthScore: "RED" };
    const home = homeView({
      today: "2026-12-04",
      now: new Date(),
      byHealth: {},
      byStatus: {},
      urgent: [{ ...c, health: { score: "RED", reasons: [HOSTILE] } }],
      urgentTotal: 1,
      followUps: [c],
      followUpsTotal: 1,
      reveals: {
        total: 1,
        rows: [
          {
            id: ID,
            requesterName: HOSTILE,
            requesterSlackId: "USTAFF",
            isOwn: false,
            platform: HOSTILE,
            account: HOSTILE,
            brandName: HOSTILE,
            reason: HOSTILE,
            createdAt: new Date(),
          },
        ],
      },
    });
    expect(injected(home)).toEqual([]);
  });

  it("digest (scheduled and on demand) and a row after a button", () => {
    const e = entry();
    const s = {
      today: "2026-12-04",
      red: [ID],
      yellow: [],
      since: { runKey: "2026-12-03", newRed: [ID], recovered: [{ id: ID, name: HOSTILE }] },
      undelivered: [],
    };
    for (const mode of [{ kind: "scheduled" as const }, { kind: "on_demand" as const, bySlackUserId: "UMGR" }]) {
      for (const m of renderDigest(s, new Map([[ID, e]]), mode)) expectClean(m);
    }
    expect(injected(actedRowBlocks(e, "done"))).toEqual([]);
  });

  it("deliverables: working on it, the result, the file, the failure, the fallback DM", () => {
    const a = { id: ID, label: "Brand report", brandName: HOSTILE };
    expectClean(workingOn(a));
    expectClean(resultMessage({ ...a, content: `Report for ${HOSTILE}`, model: "claude-test" }));
    expectClean(fileDeliveredMessage({ ...a, fileUrl: "https://files.example.test/F1", model: "claude-test" }));
    expectClean(failedMessage({ ...a, reason: HOSTILE }));
    expectClean(deliveryFallbackText(a));
  });

  it("milestones list and change notices", () => {
    const health = { score: "RED" as const, reasons: [HOSTILE] };
    const list = {
      creator: { id: ID, brandName: HOSTILE, creatorName: HOSTILE },
      milestones: [
        {
          id: ID,
          title: HOSTILE,
          description: HOSTILE,
          targetDate: null,
          completedDate: null,
          isCompleted: false,
          relatedJourneyStage: "LAUNCH",
          createdAt: new Date(),
        },
      ],
      health,
    };
    const notice = changeNotice(`Added “${HOSTILE.replace(/</g, "&lt;").replace(/>/g, "&gt;")}”.`, { ...health, changed: true, from: "GREEN" });
    expectClean(milestonesMessage(list, "2026-12-04", notice));
  });

  it("audit trail of a creator", () => {
    expectClean(
      auditPageBlocks({ scope: { kind: "creator", creatorId: ID, brandName: HOSTILE, creatorName: HOSTILE }, rows: [], nextCursor: null, pageNumber: 1 }),
    );
  });

  it("role DMs", () => {
    expectClean(roleChangedText(HOSTILE, "staff"));
    expectClean(roleChangedText(HOSTILE, null));
  });

  it("vault: list, prompt, grant, offer, reveal, denial, ack, sent, ended", () => {
    const meta = {
      id: ID,
      creatorId: ID,
      brandName: HOSTILE,
      platformName: HOSTILE,
      accountIdentifier: HOSTILE,
      notes: HOSTILE,
      lastVerifiedDate: null,
      expiresOn: null,
      isActive: true,
      secretsSet: [],
    };
    expectClean(credentialListBlocks({ id: ID, brandName: HOSTILE }, [meta], new Map(), { isAdmin: true }));
    expectClean(approvalPromptBlocks(view({ status: "PENDING" })));
    expectClean(grantBlocks(view(), 60));
    expectClean(revealOfferBlocks(view(), 60));
    expectClean(revealBlocks(view(), { login_url: null, password: "pw", two_factor_backup_codes: null, api_keys: null }, HOSTILE, 60));
    expectClean(pendingListBlocks([view({ status: "PENDING" })], 1, 1));
    expectClean(deniedText(view({ status: "DENIED" })));
    expectClean(decidedAck(view()));
    expectClean(requestSentText(view({ status: "PENDING" }), 2, undefined));
    expectClean(endedText(view({ status: "EXPIRED", endReason: "credential_changed" })));
  });
});
