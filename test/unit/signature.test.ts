import { describe, expect, it } from "vitest";
import { signSlackRequest, verifySlackSignature } from "../../src/slack/signature.js";

const secret = "8f742231b10e8888abcd99yyyzzz85a5";
const now = 1_531_420_618;
const body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070";

function verify(headers: Record<string, string | undefined>, b: string = body, at = now) {
  return verifySlackSignature({
    signingSecret: secret,
    rawBody: b,
    timestampHeader: headers["x-slack-request-timestamp"],
    signatureHeader: headers["x-slack-signature"],
    nowSeconds: at,
  });
}

describe("verifySlackSignature", () => {
  it("accepts what Slack's v0 scheme signs: HMAC-SHA256 of v0:timestamp:body", () => {
    const h = signSlackRequest(secret, body, now);
    expect(h["x-slack-signature"]).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(verify(h).ok).toBe(true);
  });

  it.each([
    ["a stale timestamp", -301, true],
    ["a future timestamp", 301, true],
    ["the edge of the window", 300, false],
  ])("handles %s", (_n, delta, rejected) => {
    const h = signSlackRequest(secret, body, now + delta);
    expect(verify(h).ok).toBe(!rejected);
  });

  it("rejects a flipped body byte, a wrong secret, missing headers and other versions", () => {
    const h = signSlackRequest(secret, body, now);
    expect(verify(h, body.replace("94070", "94071")).ok).toBe(false);
    expect(verify(signSlackRequest("other", body, now)).ok).toBe(false);
    expect(verify({}).ok).toBe(false);
    expect(verify({ ...h, "x-slack-signature": h["x-slack-signature"]!.replace("v0=", "v1=") }).ok).toBe(false);
    expect(verify({ ...h, "x-slack-request-timestamp": "1e9" }).ok).toBe(false);
    expect(verify({ ...h, "x-slack-signature": "v0=zz" }).ok).toBe(false);
  });
});
