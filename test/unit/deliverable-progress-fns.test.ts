import { describe, expect, it } from "vitest";
import { progressDue, progressSummary, stripRepeatedTitle, PROGRESS } from "../../src/features/deliverables/deliverable-progress-fns.js";

const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 10, 0, s));

describe("progressDue: at most one update every 3 s, by the `now` given", () => {
  it.each([
    ["never written", null, at(0), true],
    ["same instant", at(0), at(0), false],
    ["2.999 s later", at(0), new Date(at(3).getTime() - 1), false],
    ["exactly 3 s later", at(0), at(3), true],
    ["a minute later", at(0), at(60), true],
    ["clock moved back", at(10), at(5), false],
  ])("%s", (_name, last, now, due) => {
    expect(progressDue(now, last)).toBe(due);
  });
  it("uses the 3 s default", () => expect(PROGRESS.everyMs).toBe(3_000));
});

describe("progressSummary", () => {
  it.each([
    ["empty", "", { chars: 0, sections: 0, preview: [] }],
    ["headings counted, blank lines skipped", "# T\n\n## A\ntext\n## B", { chars: 19, sections: 3, preview: ["# T", "## A", "text"] }],
    ["not a heading: #hashtag", "#launch day\n", { chars: 12, sections: 0, preview: ["#launch day"] }],
    ["characters, not UTF-16 units", "café 🚀", { chars: 6, sections: 0, preview: ["café 🚀"] }],
  ])("%s", (_name, text, want) => {
    expect(progressSummary(text)).toEqual(want);
  });
  it("the preview is bounded", () => {
    const s = progressSummary(`${"x".repeat(1_000)}\nsecond`);
    expect(s.preview).toEqual([`${"x".repeat(PROGRESS.previewChars)}…`]);
  });
});

describe("stripRepeatedTitle: a first line that repeats the deliverable's title goes", () => {
  const title = { label: "Brand report", brandName: "Race Co" };
  it.each([
    ["markdown label", "# Brand report\n\n## Snapshot", "## Snapshot"],
    ["markdown label: brand", "# Brand Report: Race Co\nBody", "Body"],
    ["markdown brand — label, closing #s", "## Race Co — Brand report ##\n\nBody", "Body"],
    ["label for brand", "# Brand report for Race Co\nBody", "Body"],
    ["possessive", "# Race Co's Brand Report\nBody", "Body"],
    ["bold **", "**Brand report: Race Co**\n\nBody", "Body"],
    ["bold *", "*Brand report*\nBody", "Body"],
    ["plain", "Brand report - Race Co\n\nBody", "Body"],
    ["leading blank lines", "\n\n# Brand report\nBody", "Body"],
    ["accents and case", "# BRAND RÉPORT\nBody", "Body"],
  ])("%s", (_name, text, want) => {
    expect(stripRepeatedTitle(text, title)).toBe(want);
  });
  it.each([
    ["a different heading", "# Snapshot\nBody"],
    ["a longer title", "# Brand report: Race Co, Q3 review\nBody"],
    ["a sentence mentioning the title", "This brand report for Race Co covers Q3.\nBody"],
    ["only the title", "# Brand report"],
    ["empty", ""],
  ])("kept: %s", (_name, text) => {
    expect(stripRepeatedTitle(text, title)).toBe(text);
  });
});
