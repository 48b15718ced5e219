import { describe, expect, it } from "vitest";
import { cancelRefusal, refusalText, type RequestState } from "../../src/features/vault/vault-fns.js";

const now = new Date("2026-12-05T12:00:00Z");
const later = new Date("2026-12-06T12:00:00Z");
const earlier = new Date("2026-12-05T11:00:00Z");
const req = (over: Partial<RequestState> = {}): RequestState => ({ status: "PENDING", requesterId: 7, expiresAt: later, credentialActive: true, ...over });

describe("cancelRefusal", () => {
  it.each([
    { name: "own pending request: allowed", req: req(), actor: 7, want: null },
    { name: "no such request", req: null, actor: 7, want: "not_found" },
    { name: "someone else's request (a forged id)", req: req(), actor: 8, want: "not_requester" },
    { name: "unknown actor", req: req(), actor: null, want: "not_requester" },
    { name: "someone else's decided request says nothing about its state", req: req({ status: "APPROVED" }), actor: 8, want: "not_requester" },
    { name: "approved", req: req({ status: "APPROVED" }), actor: 7, want: "already_decided" },
    { name: "denied", req: req({ status: "DENIED" }), actor: 7, want: "already_decided" },
    { name: "revealed", req: req({ status: "REVEALED" }), actor: 7, want: "already_decided" },
    { name: "already cancelled", req: req({ status: "CANCELLED" }), actor: 7, want: "cancelled" },
    { name: "expired", req: req({ status: "EXPIRED" }), actor: 7, want: "expired" },
    { name: "ended by a credential change", req: req({ status: "EXPIRED", endReason: "credential_changed" }), actor: 7, want: "credential_changed" },
    { name: "pending past its time (database clock)", req: req({ expiresAt: earlier }), actor: 7, want: "expired" },
  ] as const)("$name", ({ req: r, actor, want }) => {
    expect(cancelRefusal(r, actor, now)).toBe(want);
  });
  it("every cancel refusal has a user-facing text", () => {
    for (const r of ["not_found", "not_requester", "already_decided", "expired", "credential_changed", "credential_inactive", "cancelled"] as const) {
      expect(refusalText(r).length).toBeGreaterThan(10);
    }
  });
});
