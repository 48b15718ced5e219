import { describe, expect, it } from "vitest";
import { csvCell, csvLine, describeChange, MAX_EXPORT_DAYS, parseExportRange, parseIsoDate } from "../../src/features/audit/export-fns.js";

describe("csvCell: RFC 4180 quoting and spreadsheet formula injection", () => {
  it.each([
    ["plain", "plain"],
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ["=1+2", "'=1+2"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
    ["\t=1", "'\t=1"],
    ["\r=1", `"'\r=1"`],
    ["a,b", `"a,b"`],
    ['say "hi"', `"say ""hi"""`],
    ["line1\nline2", `"line1\nline2"`],
    [" padded ", `" padded "`],
    ["a=b", "a=b"],
    ["", ""],
  ])("%j -> %j", (input, out) => {
    expect(csvCell(input)).toBe(out);
  });

  it("null and undefined are empty; dates are ISO; objects are JSON (and still escaped)", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(new Date("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05.000Z");
    expect(csvCell({ a: 1 })).toBe(`"{""a"":1}"`);
    expect(csvCell(-5)).toBe("'-5");
  });

  it("a line ends with CRLF", () => {
    expect(csvLine(["a", "=b", null])).toBe("a,'=b,\r\n");
  });
});

describe("parseExportRange", () => {
  const now = new Date("2026-06-15T12:00:00Z");
  it.each([
    ["2026-01-01 2026-03-31", { from: "2026-01-01", to: "2026-03-31" }],
    ["2026-06-15 2026-06-15", { from: "2026-06-15", to: "2026-06-15" }],
    ["  2025-06-15   2026-06-15 ", { from: "2025-06-15", to: "2026-06-15" }],
  ])("accepts %j", (args, out) => {
    expect(parseExportRange(args, now, "UTC")).toEqual(out);
  });

  it.each([
    ["", /two dates/],
    ["2026-01-01", /two dates/],
    ["2026-01-01 2026-02-01 2026-03-01", /two dates/],
    ["2026-1-1 2026-02-01", /YYYY-MM-DD/],
    ["2026-02-30 2026-03-01", /YYYY-MM-DD/],
    ["yesterday today", /YYYY-MM-DD/],
    ["2026-03-01 2026-02-01", /must not be after/],
    ["2026-06-01 2026-06-16", /after today/],
    ["2025-06-14 2026-06-15", new RegExp(`at most ${MAX_EXPORT_DAYS} days`)],
  ])("refuses %j", (args, why) => {
    const r = parseExportRange(args, now, "UTC");
    expect("error" in r && r.error).toMatch(why);
  });

  it("today is the studio's date: in Auckland it is already the 16th", () => {
    expect(parseExportRange("2026-06-16 2026-06-16", now, "Pacific/Auckland")).toEqual({ from: "2026-06-16", to: "2026-06-16" });
    expect("error" in parseExportRange("2026-06-16 2026-06-16", now, "UTC")).toBe(true);
  });

  it("parseIsoDate takes real dates only", () => {
    expect(parseIsoDate("2024-02-29")).toBe("2024-02-29");
    expect(parseIsoDate("2025-02-29")).toBeNull();
  });
});

describe("describeChange", () => {
  it.each([
    [{ status: { from: "PENDING", to: "APPROVED" }, decided_by_id: { from: null, to: 3 } }, "status: PENDING → APPROVED; decided_by_id:  → 3"],
    [{ role: { from: "staff", to: "admin" } }, "role: staff → admin"],
    [{ revealed: ["password"] }, 'revealed: ["password"]'],
    [{}, ""],
    [null, ""],
  ])("%j", (changes, out) => {
    expect(describeChange(changes)).toBe(out);
  });
});
