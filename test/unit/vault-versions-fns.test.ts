import { describe, expect, it } from "vitest";
import { decideRefusal, refusalText, revealRefusal, type RequestState } from "../../src/features/vault/vault-fns.js";
import { approvalPromptBlocks, endedText, grantBlocks, outcomeLine } from "../../src/features/vault/vault-blocks.js";
import type { RequestView } from "../../src/features/vault/reveal-request-view.js";

// An approval is for one version of a credential: the rules that explain a refusal, and the
// words every message uses once a request ended because its credential changed.

const now = new Date("2026-12-04T12:00:00Z");
const later = new Date("2026-12-04T12:10:00Z");
const REQUESTER = 7;
const ADMIN = 1;
const req = (over: Partial<RequestState> = {}): RequestState => ({
  status: "APPROVED",
  requesterId: REQUESTER,
  expiresAt: later,
  credentialActive: true,
  ...over,
});

describe("refusals when the credential changed", () => {
  it.each<[string, RequestState, ReturnType<typeof revealRefusal>]>([
    ["approved, credential unchanged", req(), null],
    ["approved, credential changed since the request (outside the bot)", req({ credentialChanged: true }), "credential_changed"],
    ["ended by an edit", req({ status: "EXPIRED", endReason: "credential_changed" }), "credential_changed"],
    ["ended by deactivation", req({ status: "EXPIRED", endReason: "credential_deactivated" }), "credential_inactive"],
    ["expired in time, no reason", req({ status: "EXPIRED", endReason: null }), "expired"],
    ["someone else still learns nothing", req({ credentialChanged: true }), "not_requester"],
  ])("Reveal once: %s", (name, r, want) => {
    expect(revealRefusal(r, name.startsWith("someone") ? ADMIN : REQUESTER, now)).toBe(want);
  });

  it.each<[string, RequestState, "APPROVED" | "DENIED", ReturnType<typeof decideRefusal>]>([
    ["approve a request whose credential changed", req({ status: "PENDING", credentialChanged: true }), "APPROVED", "credential_changed"],
    ["deny it: always allowed, it only closes the request", req({ status: "PENDING", credentialChanged: true }), "DENIED", null],
    ["approve one an edit ended", req({ status: "EXPIRED", endReason: "credential_changed" }), "APPROVED", "credential_changed"],
  ])("decide: %s", (_name, r, decision, want) => {
    expect(decideRefusal(r, ADMIN, decision, now)).toBe(want);
  });

  it("the refusal says the credential changed, not merely that it expired", () => {
    expect(refusalText("credential_changed")).toMatch(/was changed .*nothing was shown/);
  });
});

const view = (over: Partial<RequestView> = {}): RequestView => ({
  id: "0f8fad5b-d9cb-469f-a165-70867728950e",
  status: "EXPIRED",
  reason: "Reel",
  createdAt: new Date("2026-12-04T10:00:00Z"),
  expiresAt: later,
  decidedAt: new Date("2026-12-04T10:05:00Z"),
  revealedAt: null,
  requesterId: REQUESTER,
  requesterSlackId: "USTAFF",
  deciderSlackId: "UADMIN2",
  deciderName: "Alan",
  credentialId: "6f1c0c1e-3d0b-4d8e-9b55-9f7f3f0c7a11",
  credentialActive: true,
  endReason: "credential_changed",
  platformName: "Instagram",
  accountIdentifier: "@new-acct",
  creatorId: "a4b1c2d3-0000-4000-8000-000000000001",
  brandName: "Glow",
  messages: [],
  ...over,
});

describe("messages of a request ended by a change", () => {
  it("prompts and the approval DM say the credential changed and nothing was revealed", () => {
    expect(outcomeLine(view())).toMatch(/Approved by <@UADMIN2> .*then ended unused: the credential was changed.*Nothing was revealed/);
    expect(outcomeLine(view({ decidedAt: null, deciderSlackId: null }))).toMatch(/^:no_entry_sign: Ended without a decision: the credential was changed/);
    expect(outcomeLine(view({ endReason: "credential_deactivated" }))).toMatch(/ended unused: the credential was deactivated/);
    expect(outcomeLine(view({ endReason: null }))).toMatch(/expired unused/);
    expect(grantBlocks(view(), 60).text).toMatch(/was ended: the credential was changed/);
    expect(JSON.stringify(approvalPromptBlocks(view()).blocks)).toMatch(/the credential was changed/);
    expect(endedText(view({ decidedAt: null }))).toMatch(
      /^Your request to reveal \*Instagram\* · @new-acct \(Glow\) ended: the credential was changed.*Nothing was revealed/,
    );
  });
});
