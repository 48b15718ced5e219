import { describe, expect, it } from "vitest";
import { humanise, journeyLabel, JOURNEY_STATUS_LABELS } from "../../src/features/creators/creator-labels.js";
import { JOURNEY_STATUSES } from "../../src/features/creators/creator-fns.js";

describe("journey status labels", () => {
  it("every stored status has words", () => {
    expect(Object.keys(JOURNEY_STATUS_LABELS).sort()).toEqual([...JOURNEY_STATUSES].sort());
  });
  it.each([
    ["BRAND_BUILDING", "Brand building"],
    ["ONBOARDING", "Onboarding"],
    ["ON_HOLD", "On hold"], // a value the Django app added: readable, not raw
    ["toString", "Tostring"], // not an object property
    ["", ""],
  ])("%s → %s", (v, want) => expect(journeyLabel(v)).toBe(want));
  it("humanise", () => expect(humanise("SOME-VALUE_X")).toBe("Some value x"));
});
