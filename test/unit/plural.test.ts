import { describe, expect, it } from "vitest";
import { agree, plural } from "../../src/lib/plural.js";

describe("plural and agree", () => {
  it.each([
    [0, "0 creators match"],
    [1, "1 creator matches"],
    [2, "2 creators match"],
    [1200, "1,200 creators match"],
  ])("%i", (n, want) => expect(`${plural(n, "creator")} ${agree(n, "matches", "match")}`).toBe(want));
  it("irregular plurals", () => expect(plural(2, "entry", "entries")).toBe("2 entries"));
});
