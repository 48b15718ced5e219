import { describe, expect, it } from "vitest";
import { whatHappened } from "../../src/features/audit/audit-words.js";

const T = "“Glow Co (Jane)”";

describe("whatHappened: an audit row as words", () => {
  it.each([
    ["VIEW", "Creator", "card shown", "Viewed the card of “Glow Co (Jane)”", null],
    ["VIEW", "Creator", "opened the Add milestone form", "Opened the Add milestone form for “Glow Co (Jane)”", null],
    [
      "VIEW",
      "CreatorCredential",
      "opened the Edit credential form (no secrets shown)",
      "Opened the Edit credential form for “Glow Co (Jane)”",
      "no secrets shown",
    ],
    ["VIEW", "Creator", "button milestone_add", "Opened the Add milestone form for “Glow Co (Jane)”", null],
    ["VIEW", "SlackButton", "button:some_new_thing", "Pressed “some new thing” for “Glow Co (Jane)”", null],
    ["VIEW", "Creator", "Add milestone: answered", "Used “Add milestone” on “Glow Co (Jane)”", null],
    ["VIEW", "Creator", null, "Viewed creator “Glow Co (Jane)”", null],
    ["VIEW", "SlackCommand", "help shown", "Help shown (command “Glow Co (Jane)”)", null],
    ["VIEW", "Creator", "refused: needs manager", "Was refused creator “Glow Co (Jane)”", "refused: needs manager"],
    ["UPDATE", "Creator", null, "Changed creator “Glow Co (Jane)”", null],
    ["CREATE", "AIDeliverable", "regenerated from x", "Created deliverable “Glow Co (Jane)”", "regenerated from x"],
    ["DELETE", "Milestone", null, "Deleted milestone “Glow Co (Jane)”", null],
    ["VIEW", "SomeNewModel", "", "Viewed some new model “Glow Co (Jane)”", null],
  ])("%s %s %s", (actionType, targetModel, notes, what, rest) => {
    expect(whatHappened({ actionType, targetModel, notes }, T)).toEqual({ what, notes: rest });
  });
});
