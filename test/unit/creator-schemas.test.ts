import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isHttpUrl, parseCreatorEdit, parseNewCreator, parseStatusForm, readFormValues, type RawForm } from "../../src/features/creators/creator-schemas.js";
import { FORM_COLUMNS, formTextOf } from "../../src/features/creators/creator-fns.js";

const base: RawForm = { creator_name: "Jo", creator_email: "jo@x.test", brand_name: "B", brand_niche: "N" };
const errorsFor = (over: RawForm) => {
  const r = parseNewCreator({ ...base, ...over });
  return r.ok ? {} : r.errors;
};
const dataFor = (over: RawForm) => {
  const r = parseNewCreator({ ...base, ...over });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.data;
};

describe("creator form schema", () => {
  it("fills defaults and normalises empties to null", () => {
    expect(dataFor({ creator_phone: "  ", brand_tagline: "" })).toMatchObject({
      journey_status: "ONBOARDING",
      priority_level: 3,
      creator_timezone: "UTC",
      primary_communication_channel: "Email",
      creator_phone: null,
      brand_tagline: null,
      tags: [],
      custom_fields: {},
      other_social_links: {},
    });
  });

  it("requires name, email, brand and niche", () => {
    const r = parseNewCreator({});
    expect(r.ok).toBe(false);
    expect(Object.keys((r as { errors: object }).errors).sort()).toEqual(["brand_name", "brand_niche", "creator_email", "creator_name"]);
  });

  it.each([
    ["creator_email", "a@b"],
    ["creator_email", "a b@c.test"],
    ["creator_email", "<mailto:a@b.test|a@b.test>"],
    ["brand_website", "javascript:alert(1)"],
    ["brand_website", "ftp://x.test"],
    ["brand_website", "data:text/html,x"],
    ["brand_website", "https://exa mple.test"],
    ["brand_website", "https://user:pw@x.test"],
    ["youtube_channel", "youtube.com/@x"],
    ["linkedin_profile", `https://x.test/${"a".repeat(200)}`],
    ["creator_phone", "12345"],
    ["creator_phone", "+1 (555) 010-0200 ext 5"],
    ["creator_phone", "phone me"],
    ["instagram_handle", "@has space"],
    ["tiktok_handle", "@émoji"],
    ["twitter_handle", `@${"a".repeat(100)}`],
    ["creator_timezone", "Nowhere/Land"],
    ["journey_status", "DONE"],
    ["priority_level", "0"],
    ["priority_level", "6"],
    ["last_contacted_date", "2026-02-30"],
    ["next_follow_up_date", "tomorrow"],
    ["tags", `${"t".repeat(51)}`],
    ["tags", Array.from({ length: 21 }, (_, i) => `t${i}`).join(",")],
    ["custom_fields", "{bad json"],
    ["custom_fields", "[]"],
    ["custom_fields", "null"],
    ["custom_fields", "42"],
    ["custom_fields", JSON.stringify({ a: { b: { c: { d: { e: { f: 1 } } } } } })],
    ["custom_fields", JSON.stringify(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])))],
    ["custom_fields", '{"a": "\\u0000"}'],
    ["custom_fields", '{"\\ud800": 1}'],
    ["custom_fields", `{"a": "${"x".repeat(3000)}"}`],
    ["other_social_links", '{"discord": "discord.gg/x"}'],
    ["other_social_links", '{"x": 5}'],
    ["other_social_links", '["https://x.test"]'],
    ["creator_name", "x".repeat(201)],
    ["brand_tagline", "x".repeat(501)],
    ["creator_avatar", "x".repeat(101)],
    ["internal_notes", "x".repeat(3001)],
  ] as const)("refuses %s = %j on that block", (col, value) => {
    const errors = errorsFor({ [col]: value });
    expect(Object.keys(errors)).toEqual([col]);
    expect(errors[col]!.length).toBeLessThanOrEqual(150);
  });

  it.each([
    ["creator_email", "Jo.Maker+tag@sub.example.co.uk"],
    ["brand_website", "https://maker.test/path?q=1"],
    ["brand_website", "http://maker.test"],
    ["creator_phone", "+44 20 7946 0958"],
    ["creator_phone", "(555) 010-0200"],
    ["instagram_handle", "@jo.maker_1"],
    ["creator_timezone", "America/New_York"],
    ["last_contacted_date", "2024-02-29"],
    ["priority_level", "1"],
    ["other_social_links", '{"pinterest": "https://pinterest.com/b", "twitch": "https://twitch.tv/b"}'],
    ["custom_fields", '{"revenue_target_monthly": 50000, "content_pillars": ["Fitness", "Mindset"], "nested": {"ok": true}}'],
  ] as const)("accepts %s = %j", (col, value) => {
    expect(errorsFor({ [col]: value })).toEqual({});
  });

  it("adds the @ to a handle typed without one, and counts length in characters as Postgres does", () => {
    expect(dataFor({ instagram_handle: "maker" }).instagram_handle).toBe("@maker");
    // 200 emoji are 400 UTF-16 units but 200 characters: allowed in VARCHAR(200).
    expect(dataFor({ creator_name: "🙂".repeat(200) }).creator_name).toBe("🙂".repeat(200));
    expect(errorsFor({ creator_name: "🙂".repeat(201) })).toHaveProperty("creator_name");
  });

  it("splits tags on commas, trims, drops empties and case-insensitive duplicates", () => {
    expect(dataFor({ tags: " VIP, ,Launch-Ready,vip ,  " }).tags).toEqual(["VIP", "Launch-Ready"]);
  });

  it("strips NUL and controls from single-line text, keeps newlines in multi-line text", () => {
    const d = dataFor({ creator_name: "Jo\u0000\u0007 Maker", brand_description: "line 1\r\nline 2\u0000" });
    expect(d.creator_name).toBe("Jo  Maker");
    expect(d.brand_description).toBe("line 1\nline 2");
    expect(errorsFor({ creator_name: "\u0000" })).toHaveProperty("creator_name");
  });

  it("never throws, whatever text arrives in whichever field (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...FORM_COLUMNS), fc.option(fc.string({ unit: "binary", maxLength: 400 }))), (raw) => {
        const r = parseNewCreator(raw as RawForm);
        if (r.ok) {
          // Whatever passes is storable: no NUL, no lone surrogate anywhere.
          const s = JSON.stringify(r.data);
          expect(s.includes("\\u0000")).toBe(false);
        } else {
          for (const [k, v] of Object.entries(r.errors)) {
            expect(FORM_COLUMNS).toContain(k);
            expect(v.length).toBeLessThanOrEqual(150);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("isHttpUrl accepts only http(s) web addresses", () => {
    expect(isHttpUrl("https://a.test")).toBe(true);
    for (const u of ["https://localhost", "mailto:a@b.test", "//a.test", "a.test", "https://a.test/ x"]) expect(isHttpUrl(u), u).toBe(false);
  });
});

describe("edit parsing", () => {
  it("validates only the columns named, with the same rules", () => {
    expect(parseCreatorEdit({ brand_tagline: "new", creator_email: "bad" }, ["brand_tagline"])).toEqual({ ok: true, data: { brand_tagline: "new" } });
    const r = parseCreatorEdit({ creator_email: "bad" }, ["creator_email"]);
    expect(r).toMatchObject({ ok: false, errors: { creator_email: expect.any(String) } });
  });

  it("nothing touched parses to nothing", () => {
    expect(parseCreatorEdit({ creator_name: "x" }, [])).toEqual({ ok: true, data: {} });
  });
});

describe("status form", () => {
  it("requires a note when closing, not otherwise", () => {
    expect(parseStatusForm({ journey_status: "CLOSED", notes: " " })).toMatchObject({ ok: false, errors: { notes: expect.any(String) } });
    expect(parseStatusForm({ journey_status: "CLOSED", notes: "done" })).toEqual({ ok: true, data: { journey_status: "CLOSED", notes: "done" } });
    expect(parseStatusForm({ journey_status: "LIVE", notes: null })).toEqual({ ok: true, data: { journey_status: "LIVE", notes: null } });
    expect(parseStatusForm({ journey_status: "done" })).toMatchObject({ ok: false, errors: { journey_status: expect.any(String) } });
  });
});

describe("readFormValues", () => {
  it("reads text inputs, datepickers and selects by our own block ids only", () => {
    const values = JSON.parse(
      '{"creator_name":{"creator_name":{"type":"plain_text_input","value":"Jo"}},' +
        '"last_contacted_date":{"last_contacted_date":{"type":"datepicker","selected_date":"2026-01-02"}},' +
        '"priority_level":{"priority_level":{"type":"static_select","selected_option":{"value":"2"}}},' +
        '"brand_name":{"other_action":{"type":"plain_text_input","value":"ignored"}},' +
        '"tags":{"tags":{"type":"plain_text_input","value":{"not":"a string"}}},' +
        '"__proto__":{"__proto__":{"value":"x"}},"evil":{"evil":{"value":"x"}}}',
    ) as unknown;
    const out = readFormValues(values);
    expect(out).toEqual({ creator_name: "Jo", last_contacted_date: "2026-01-02", priority_level: "2", brand_name: null, tags: null });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(readFormValues(null)).toEqual({});
    expect(readFormValues("x")).toEqual({});
  });
});

describe("JSON columns as lines (issue 17): stored in the seed's JSON shape, shown back as lines", () => {
  const parse = (col: "custom_fields" | "other_social_links", text: string) => parseCreatorEdit({ [col]: text }, [col]);
  it.each([
    [
      "custom_fields",
      'revenue_target_monthly: 50000\ncontent_pillars: ["Fitness", "Mindset"]\nvip: true\nnote: ships: weekly',
      { revenue_target_monthly: 50000, content_pillars: ["Fitness", "Mindset"], vip: true, note: "ships: weekly" },
    ],
    ["custom_fields", 'code: "007"', { code: "007" }],
    [
      "other_social_links",
      "https://www.pinterest.com/brand\ntwitch: https://twitch.tv/brand",
      { pinterest: "https://www.pinterest.com/brand", twitch: "https://twitch.tv/brand" },
    ],
    // The old JSON object form is still accepted.
    ["custom_fields", '{"a": 1}', { a: 1 }],
  ] as const)("%s %j", (col, text, stored) => {
    const r = parse(col, text);
    expect(r).toEqual({ ok: true, data: { [col]: stored } });
    // Round trip: the Edit form shows lines that parse back to the same object.
    expect(parse(col, formTextOf(col, stored))).toEqual({ ok: true, data: { [col]: stored } });
  });
  it.each([
    ["custom_fields", "just text", "Line 1: write key: value"],
    ["custom_fields", "a: 1\na: 2", "Line 2: “a” is given twice."],
    ["other_social_links", "pinterest.com/brand", "Line 1: one https:// link per line"],
    ["other_social_links", "https://x.test/a\nhttps://x.test/b", "Line 2: two links named “x”"],
    ["other_social_links", "site: javascript:alert(1)", "Line 1: one https:// link per line"],
  ] as const)("%s %j is an inline error", (col, text, error) => {
    const r = parse(col, text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[col]).toContain(error);
  });
});
