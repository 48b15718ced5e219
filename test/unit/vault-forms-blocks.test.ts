import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { isAppError } from "../../src/errors.js";
import { MultiFernet } from "../../src/crypto/fernet.js";
import { credentialFormSchema, idFrom, parseForm, readState } from "../../src/features/vault/vault-schemas.js";
import { decryptSecrets, encryptSecrets } from "../../src/features/vault/secret-fields.js";
import {
  approvalPromptBlocks,
  credentialListBlocks,
  grantBlocks,
  pendingListBlocks,
  revealBlocks,
  revealOfferBlocks,
} from "../../src/features/vault/vault-blocks.js";
import type { RequestView } from "../../src/features/vault/reveal-request-view.js";
import type { CredentialMeta } from "../../src/features/vault/vault-service.js";

const state = (v: Record<string, string | null>) =>
  Object.fromEntries(
    Object.entries(v).map(([k, value]) => [
      k,
      { [k]: k.endsWith("_date") || k === "expires_on" ? { type: "datepicker", selected_date: value } : { type: "plain_text_input", value } },
    ]),
  );

function fieldErrors(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    if (isAppError(e) && e.fieldErrors) return { ...e.fieldErrors };
    throw e;
  }
  throw new Error("expected inline errors");
}

describe("credential form", () => {
  it("parses a full form; keeps secrets byte for byte; blank means empty", () => {
    const f = parseForm(
      credentialFormSchema,
      state({
        platform_name: "  Instagram ",
        account_identifier: "@me",
        login_url: "https://x.example.com/login",
        password: " pass with spaces ",
        two_factor_backup_codes: "   ",
        api_keys: '{"k":"v"}',
        notes: null,
        last_verified_date: "2026-02-28",
        expires_on: null,
      }),
    );
    expect(f).toEqual({
      platform_name: "Instagram",
      account_identifier: "@me",
      login_url: "https://x.example.com/login",
      password: " pass with spaces ",
      two_factor_backup_codes: null,
      api_keys: '{"k":"v"}',
      notes: null,
      last_verified_date: "2026-02-28",
      expires_on: null,
    });
  });

  it("invalid input becomes inline errors on the offending blocks, never quoting the input", () => {
    const secret = "Zz-should-not-echo-91";
    const errors = fieldErrors(() =>
      parseForm(
        credentialFormSchema,
        state({
          platform_name: "x".repeat(101),
          account_identifier: null,
          login_url: `javascript:alert(1)//${secret}`,
          password: "p".repeat(3001),
          api_keys: `{"k": ${secret}`,
          last_verified_date: "2026-02-30",
        }),
      ),
    );
    expect(Object.keys(errors).sort()).toEqual(["account_identifier", "api_keys", "last_verified_date", "login_url", "password", "platform_name"]);
    expect(JSON.stringify(errors)).not.toContain(secret);
    expect(JSON.stringify(errors)).not.toContain("ppppp");
  });

  it("API keys must be a JSON object or array, not a bare string or number", () => {
    for (const bad of ['"just a string"', "42", "null"]) {
      expect(Object.keys(fieldErrors(() => parseForm(credentialFormSchema, state({ platform_name: "a", account_identifier: "b", api_keys: bad }))))).toEqual([
        "api_keys",
      ]);
    }
  });

  it("readState accepts Slack's shapes and treats empty as null", () => {
    expect(
      readState({
        a: { a: { type: "plain_text_input", value: "" } },
        b: { b: { type: "datepicker", selected_date: "2026-01-01" } },
        c: { other: { value: "x" } },
      }),
    ).toEqual({ a: null, b: "2026-01-01", c: "x" });
  });

  it("idFrom refuses anything that is not a UUID (forged button values)", () => {
    expect(idFrom("0F8FAD5B-D9CB-469F-A165-70867728950E")).toBe("0f8fad5b-d9cb-469f-a165-70867728950e");
    for (const bad of [undefined, "", "1 OR 1=1", "0f8fad5b-d9cb-469f-a165-70867728950e; DROP", 42]) expect(() => idFrom(bad)).toThrow(/out of date/);
  });
});

describe("secret fields", () => {
  const f = new MultiFernet([randomBytes(32)]);
  it("encrypts only what is given; empty and null stay NULL", () => {
    const t = encryptSecrets(f, { password: "pw", login_url: "", api_keys: null });
    expect(Object.keys(t).sort()).toEqual(["api_keys", "login_url", "password"]);
    expect(t.login_url).toBeNull();
    expect(t.api_keys).toBeNull();
    expect(f.decryptString(t.password!)).toBe("pw");
  });
  it("fails closed, naming fields and never returning the raw token", () => {
    const other = new MultiFernet([randomBytes(32)]);
    const r = decryptSecrets(f, { login_url: f.encrypt("ok"), password: other.encrypt("x"), two_factor_backup_codes: "not-a-token", api_keys: null });
    expect(r).toEqual({ ok: false, failed: ["password", "two_factor_backup_codes"] });
  });
});

const view = (over: Partial<RequestView> = {}): RequestView => ({
  id: "0f8fad5b-d9cb-469f-a165-70867728950e",
  status: "PENDING",
  reason: "Need it <!channel> & <https://evil|bank>",
  createdAt: new Date("2026-11-27T10:00:00Z"),
  expiresAt: new Date("2026-11-28T10:00:00Z"),
  decidedAt: null,
  revealedAt: null,
  requesterId: 7,
  requesterSlackId: "USTAFF",
  deciderSlackId: null,
  deciderName: null,
  credentialId: "1f8fad5b-d9cb-469f-a165-70867728950e",
  credentialActive: true,
  platformName: "Insta<gram>",
  accountIdentifier: "@me&you",
  creatorId: "2f8fad5b-d9cb-469f-a165-70867728950e",
  brandName: "Brand <@U123>",
  messages: [],
  ...over,
});

const ids = (blocks: unknown) => (JSON.stringify(blocks).match(/"action_id":"[a-z_]+"/g) ?? []).map((s) => s.slice(13, -1));

describe("blocks", () => {
  it("approval prompt: Approve/Deny while pending, no buttons once decided; user text escaped", () => {
    const pending = approvalPromptBlocks(view());
    expect(ids(pending.blocks)).toEqual(["reveal_approve", "reveal_deny"]);
    const s = JSON.stringify(pending.blocks);
    expect(s).not.toContain("<!channel>");
    expect(s).not.toContain("<https://evil");
    expect(s).toContain("&lt;!channel&gt;");
    for (const status of ["APPROVED", "DENIED", "REVEALED", "EXPIRED"] as const) {
      const decided = approvalPromptBlocks(
        view({ status, deciderSlackId: "UADMIN2", decidedAt: new Date(), revealedAt: status === "REVEALED" ? new Date() : null }),
      );
      expect(ids(decided.blocks), status).toEqual([]);
    }
    expect(
      JSON.stringify(approvalPromptBlocks(view({ status: "REVEALED", deciderSlackId: "UADMIN2", decidedAt: new Date(), revealedAt: new Date() })).blocks),
    ).toMatch(/Approved by <@UADMIN2>.*Revealed at .* by <@USTAFF>/);
  });

  it("the kept grant DM never holds a button (a secret must never replace a stored message); the ephemeral offer does", () => {
    expect(ids(grantBlocks(view({ status: "APPROVED" }), 60).blocks)).toEqual([]);
    expect(ids(grantBlocks(view({ status: "REVEALED", revealedAt: new Date() }), 60).blocks)).toEqual([]);
    expect(ids(revealOfferBlocks(view({ status: "APPROVED" }), 60).blocks)).toEqual(["reveal_once"]);
  });

  it("the list shows metadata only and stays under Slack's 50 blocks", () => {
    const creds: CredentialMeta[] = Array.from({ length: 30 }, (_, i) => ({
      id: `0f8fad5b-d9cb-469f-a165-${String(i).padStart(12, "0")}`,
      creatorId: "c",
      brandName: "B",
      platformName: `P${i}`,
      accountIdentifier: `a${i}`,
      notes: "secret-ish notes are not listed",
      lastVerifiedDate: null,
      expiresOn: null,
      isActive: true,
      secretsSet: ["password"],
    }));
    const msg = credentialListBlocks({ id: "c", brandName: "B" }, creds, new Map(), { isAdmin: true });
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(msg.blocks)).not.toContain("secret-ish");
    expect(JSON.stringify(msg.blocks)).toContain("more not shown");
  });

  it("pending list pairs every request with Approve and Deny", () => {
    const msg = pendingListBlocks([view(), view({ id: "3f8fad5b-d9cb-469f-a165-70867728950e" })], 5, 1);
    expect(ids(msg.blocks)).toEqual(["reveal_approve", "reveal_deny", "reveal_approve", "reveal_deny"]);
    expect(JSON.stringify(msg.blocks)).toContain("3 more");
    // An admin's own request is listed without buttons: they can't decide it.
    const own = pendingListBlocks([view({ requesterId: 1 })], 1, 1);
    expect(ids(own.blocks)).toEqual([]);
    expect(JSON.stringify(own.blocks)).toContain("another admin");
  });

  it("the reveal shows values verbatim (rich text, no mrkdwn) and keeps them out of the notification text", () => {
    const values = { login_url: null, password: "p<a>&s`*_~", two_factor_backup_codes: "x".repeat(6000), api_keys: null };
    const msg = revealBlocks(view({ status: "REVEALED" }), values, "notes", 60);
    const s = JSON.stringify(msg.blocks);
    expect(s).toContain(JSON.stringify("p<a>&s`*_~").slice(1, -1));
    expect(msg.text).not.toContain("p<a>");
    const texts = [...s.matchAll(/"text":"(x+)"/g)].map((m) => m[1]!.length);
    expect(texts.reduce((a, b) => a + b, 0)).toBe(6000);
    expect(Math.max(...texts)).toBeLessThanOrEqual(3000);
  });
});
