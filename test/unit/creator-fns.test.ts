import { describe, expect, it } from "vitest";
import {
  ageText,
  cleanSearchText,
  columnValuesOf,
  decodeListPage,
  encodeListPage,
  escapeLike,
  fingerprint,
  formTextOf,
  parseJourneyStatus,
  parseListArgs,
  stripUnstorable,
  toColumns,
  touchedColumns,
  EDIT_COLUMNS,
  FIELD_OF,
} from "../../src/features/creators/creator-fns.js";
import { splitLastWord } from "../../src/features/creators/creator-lookup.js";

describe("parseJourneyStatus", () => {
  it.each([
    ["live", "LIVE"],
    ["Brand-Building", "BRAND_BUILDING"],
    ["brand_building", "BRAND_BUILDING"],
    [" closed ", "CLOSED"],
    ["DONE", null],
    ["", null],
    ["LIVEx", null],
    ["onboarding;drop", null],
  ])("%j -> %j", (raw, expected) => expect(parseJourneyStatus(raw)).toBe(expected));
});

describe("parseListArgs", () => {
  it.each([
    ["", {}],
    ["red", { health: "RED" }],
    ["launch YELLOW", { status: "LAUNCH", health: "YELLOW" }],
    ["tag:VIP live", { tag: "VIP", status: "LIVE" }],
    ["TAG:Launch-Ready", { tag: "Launch-Ready" }],
  ])("%j", (args, filters) => expect(parseListArgs(args)).toEqual({ ok: true, filters }));

  it.each(["purple", "red red", "live launch", "tag:", `tag:${"x".repeat(51)}`, "tag:a tag:b", "a b c d", "<!channel>"])("refuses %j", (args) => {
    const r = parseListArgs(args);
    expect(r.ok).toBe(false);
  });
});

describe("list page state in a button value", () => {
  it("round-trips", () => {
    const s = { status: "LIVE" as const, health: "RED" as const, tag: "VIP", page: 3 };
    expect(decodeListPage(encodeListPage(s))).toEqual(s);
    expect(decodeListPage(encodeListPage({ page: 0 }))).toEqual({ page: 0 });
    expect(encodeListPage({ tag: "x".repeat(50), status: "BRAND_BUILDING", health: "YELLOW", page: 99999 }).length).toBeLessThan(2000);
  });
  it.each([undefined, "", "{", "[]", '{"p":-1}', '{"p":1.5}', '{"p":"1"}', '{"p":1,"s":"DONE"}', '{"p":1,"t":"a b"}', "x".repeat(600)])(
    "refuses tampered %j",
    (v) => expect(decodeListPage(v)).toBeNull(),
  );
});

describe("search text", () => {
  it("escapes LIKE wildcards and drops what Postgres refuses", () => {
    expect(escapeLike("100%_a\\b")).toBe("100\\%\\_a\\\\b");
    expect(cleanSearchText(" a\u0000b\tc ")).toBe("ab c");
    expect(stripUnstorable("a\ud800b\udc00c🙂")).toBe("a\ufffdb\ufffdc🙂");
  });
});

describe("edit fingerprints", () => {
  it("marks as touched only the columns whose text differs from what the modal showed", () => {
    const shown = { creator_name: fingerprint("Jo"), tags: fingerprint("VIP"), creator_phone: fingerprint("") };
    expect(touchedColumns({ creator_name: "Jo", tags: "VIP, new", creator_phone: null }, shown, EDIT_COLUMNS)).toEqual(["tags"]);
    // No fingerprint (a crafted metadata): treated as touched, then diffed against the row.
    expect(touchedColumns({ brand_name: "x" }, {}, EDIT_COLUMNS)).toEqual(["brand_name"]);
    // journey_status is never editable here.
    expect(touchedColumns({ journey_status: "CLOSED" }, {}, EDIT_COLUMNS)).toEqual([]);
  });
});

describe("row <-> form", () => {
  it("maps columns to fields and shows values as typed text", () => {
    expect(FIELD_OF.next_follow_up_date).toBe("nextFollowUpDate");
    const row = {
      creatorName: "Jo",
      tags: ["a", "b"],
      customFields: { k: 1 },
      otherSocialLinks: {},
      nextFollowUpDate: new Date("2026-03-04T00:00:00Z"),
      priorityLevel: 2,
    };
    const v = columnValuesOf(row);
    expect(v.next_follow_up_date).toBe("2026-03-04");
    expect(v.creator_phone).toBeNull();
    expect(formTextOf("tags", v.tags)).toBe("a, b");
    expect(formTextOf("custom_fields", v.custom_fields)).toBe("k: 1");
    expect(formTextOf("other_social_links", v.other_social_links)).toBe("");
    expect(formTextOf("priority_level", v.priority_level)).toBe("2");
    expect(toColumns({ twoFactorBackupCodes: 1, id: 2 })).toEqual({ two_factor_backup_codes: 1, id: 2 });
  });
});

describe("misc", () => {
  it("splits the last word off a creator reference", () => {
    expect(splitLastWord("Glow Up  live")).toEqual({ head: "Glow Up", last: "live" });
    expect(splitLastWord("live")).toBeNull();
  });
  it("ages", () => {
    const now = new Date("2026-01-10T12:00:00Z");
    expect(ageText(new Date("2026-01-10T11:55:00Z"), now)).toBe("5 min");
    expect(ageText(new Date("2026-01-10T09:00:00Z"), now)).toBe("3 h");
    expect(ageText(new Date("2026-01-05T12:00:00Z"), now)).toBe("5 d");
    expect(ageText(new Date("2026-01-11T12:00:00Z"), now)).toBe("0 min");
  });
});
