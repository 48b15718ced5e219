import { describe, expect, it } from "vitest";
import {
  decideRefusal,
  isExpired,
  MAX_PENDING_PER_USER,
  refusalText,
  requestLimitRefusal,
  revealRefusal,
  type RequestState,
} from "../../src/features/vault/vault-fns.js";

const now = new Date("2026-11-27T12:00:00Z");
const later = new Date("2026-11-27T12:10:00Z");
const earlier = new Date("2026-11-27T11:50:00Z");
const REQUESTER = 7;
const ADMIN = 1;

const req = (over: Partial<RequestState> = {}): RequestState => ({
  status: "PENDING",
  requesterId: REQUESTER,
  expiresAt: later,
  credentialActive: true,
  ...over,
});

describe("decideRefusal (approve / deny)", () => {
  const cases: [string, RequestState | null, number | null, "APPROVED" | "DENIED", ReturnType<typeof decideRefusal>][] = [
    ["another admin approves a pending request", req(), ADMIN, "APPROVED", null],
    ["another admin denies a pending request", req(), ADMIN, "DENIED", null],
    ["unknown request", null, ADMIN, "APPROVED", "not_found"],
    ["self-approval", req(), REQUESTER, "APPROVED", "self_approval"],
    ["self-denial is a decision too", req(), REQUESTER, "DENIED", "self_approval"],
    ["an actor without a user id", req(), null, "APPROVED", "self_approval"],
    ["already approved: no flip to denied", req({ status: "APPROVED" }), ADMIN, "DENIED", "already_decided"],
    ["already denied: no flip to approved", req({ status: "DENIED" }), ADMIN, "APPROVED", "already_decided"],
    ["already revealed", req({ status: "REVEALED" }), ADMIN, "APPROVED", "already_decided"],
    ["expired status", req({ status: "EXPIRED" }), ADMIN, "APPROVED", "expired"],
    ["pending but past its window", req({ expiresAt: earlier }), ADMIN, "APPROVED", "expired"],
    ["exactly at expiry counts as expired", req({ expiresAt: now }), ADMIN, "APPROVED", "expired"],
    ["approving a deactivated credential", req({ credentialActive: false }), ADMIN, "APPROVED", "credential_inactive"],
    ["denying a deactivated credential is fine", req({ credentialActive: false }), ADMIN, "DENIED", null],
  ];
  it.each(cases)("%s", (_name, r, decider, decision, want) => {
    expect(decideRefusal(r, decider, decision, now)).toBe(want);
  });
});

describe("revealRefusal (Reveal once)", () => {
  const cases: [string, RequestState | null, number | null, ReturnType<typeof revealRefusal>][] = [
    ["the requester, approved, in time", req({ status: "APPROVED" }), REQUESTER, null],
    ["unknown request", null, REQUESTER, "not_found"],
    ["someone else (even the approver)", req({ status: "APPROVED" }), ADMIN, "not_requester"],
    ["someone else learns nothing about the state", req({ status: "REVEALED" }), ADMIN, "not_requester"],
    ["no user id", req({ status: "APPROVED" }), null, "not_requester"],
    ["second click", req({ status: "REVEALED" }), REQUESTER, "already_revealed"],
    ["denied", req({ status: "DENIED" }), REQUESTER, "denied"],
    ["not decided yet", req({ status: "PENDING" }), REQUESTER, "pending"],
    ["approved but the window passed", req({ status: "APPROVED", expiresAt: earlier }), REQUESTER, "expired"],
    ["expired status", req({ status: "EXPIRED" }), REQUESTER, "expired"],
    ["credential deactivated after approval", req({ status: "APPROVED", credentialActive: false }), REQUESTER, "credential_inactive"],
  ];
  it.each(cases)("%s", (_name, r, actor, want) => {
    expect(revealRefusal(r, actor, now)).toBe(want);
  });
});

describe("requestLimitRefusal", () => {
  const open = (credentialId: string, status: RequestState["status"] = "PENDING", expiresAt: Date | null = later) => ({ credentialId, status, expiresAt });

  it("allows up to the limit, refuses one more", () => {
    const three = ["a", "b", "c"].map((c) => open(c));
    expect(MAX_PENDING_PER_USER).toBe(3);
    expect(requestLimitRefusal(three.slice(0, 2), "z", now)).toBeNull();
    expect(requestLimitRefusal(three, "z", now)).toBe("too_many_pending");
  });
  it("does not count expired or decided requests against the limit", () => {
    expect(requestLimitRefusal([open("a", "PENDING", earlier), open("b"), open("c", "DENIED"), open("d", "REVEALED")], "z", now)).toBeNull();
    expect(requestLimitRefusal([open("a", "APPROVED"), open("b"), open("c")], "z", now)).toBeNull();
  });
  it("refuses a second live request or unused grant for the same credential", () => {
    expect(requestLimitRefusal([open("a")], "a", now)).toBe("duplicate");
    expect(requestLimitRefusal([open("a", "APPROVED")], "a", now)).toBe("duplicate");
    expect(requestLimitRefusal([open("a", "APPROVED", earlier)], "a", now)).toBeNull();
    expect(requestLimitRefusal([open("a", "REVEALED")], "a", now)).toBeNull();
  });
});

describe("messages", () => {
  it("isExpired treats null as no expiry", () => {
    expect(isExpired(null, now)).toBe(false);
  });
  it("every refusal has a user-facing text", () => {
    for (const r of [
      "not_found",
      "self_approval",
      "already_decided",
      "expired",
      "credential_inactive",
      "not_requester",
      "pending",
      "denied",
      "already_revealed",
      "too_many_pending",
      "duplicate",
    ] as const) {
      expect(refusalText(r).length).toBeGreaterThan(10);
    }
  });
});
