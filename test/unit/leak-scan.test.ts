import { describe, expect, it } from "vitest";
import { findLeaks } from "../helpers/leak-scan.js";

describe("the suite's leak scan", () => {
  it("finds a secret as written, JSON-escaped or URL-encoded, and says where", () => {
    const secret = 'p@ss "w0rd" / ümlaut';
    const leaks = findLeaks([secret], {
      logs: `{"msg":"x","v":${JSON.stringify(secret)}}`,
      slack: `text=${encodeURIComponent(secret)}`,
      audit: "{}",
    });
    expect(leaks.map((l) => l.where).sort()).toEqual(["logs", "slack"]);
    expect(JSON.stringify(leaks)).not.toContain(secret);
  });
});
