import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

const base = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", FIELD_ENCRYPTION_KEY: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=" };

describe("HTTP receiver limits in config", () => {
  it("has defaults that bound a slow client", () => {
    expect(loadConfig(base).http).toEqual({ requestTimeoutMs: 10_000, headersTimeoutMs: 5_000, maxConnections: 1_000 });
  });
  it("reads them, and refuses a header deadline later than the request's (Node would throw at start)", () => {
    expect(loadConfig({ ...base, HTTP_REQUEST_TIMEOUT_MS: "3000", HTTP_HEADERS_TIMEOUT_MS: "2000", HTTP_MAX_CONNECTIONS: "50" }).http).toEqual({
      requestTimeoutMs: 3_000,
      headersTimeoutMs: 2_000,
      maxConnections: 50,
    });
    expect(() => loadConfig({ ...base, HTTP_REQUEST_TIMEOUT_MS: "3000", HTTP_HEADERS_TIMEOUT_MS: "4000" })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS must not be greater/,
    );
    expect(() => loadConfig({ ...base, HTTP_REQUEST_TIMEOUT_MS: "0" })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
  });
});
