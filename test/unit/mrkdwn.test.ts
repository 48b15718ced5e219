import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { esc, plain, truncate } from "../../src/slack/mrkdwn.js";

describe("esc", () => {
  it("neutralises mentions, channel pings and disguised links", () => {
    expect(esc("<!channel> <@U123> <https://evil|bank> & co")).toBe("&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|bank&gt; &amp; co");
  });
  it("never lets a < or > through, for any input", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => !/[<>]/.test(esc(s))));
  });
});

describe("truncate", () => {
  it("fits Slack's limit in UTF-16 units and never splits a surrogate pair", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.integer({ min: 2, max: 300 }), (s, max) => {
        const t = truncate(s, max);
        return t.length <= max && !/[\ud800-\udbff]$|[\ud800-\udbff](?![\udc00-\udfff])/.test(t.replace(/…$/, ""));
      }),
    );
  });
  it("keeps short text as it is and marks a cut", () => {
    expect(truncate("hello", 10)).toBe("hello");
    expect(truncate("🚀".repeat(10), 7)).toBe("🚀🚀🚀…");
  });
  it("plain strips control characters and never returns an empty label", () => {
    expect(plain("\u0000a\nb")).toBe("a b");
    expect(plain("   ")).toBe("—");
  });
});
