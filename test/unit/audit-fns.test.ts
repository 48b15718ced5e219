import { describe, expect, it } from "vitest";
import { diffChanges, nameToUuid, snapshot } from "../../src/audit/audit-fns.js";

describe("diffChanges", () => {
  it("records {from,to} only for fields that changed", () => {
    expect(diffChanges({ a: 1, b: "x", c: null }, { a: 2, b: "x", c: "" })).toEqual({ a: { from: 1, to: 2 } });
  });
  it("marks encrypted fields as changed without any value", () => {
    const d = diffChanges({ password: "gAAAA-old" }, { password: "gAAAA-new" }, { secretFields: ["password"] });
    expect(d).toEqual({ password: { changed: true } });
    expect(JSON.stringify(d)).not.toContain("gAAAA");
  });
  it("compares JSON values by content, not key order, and dates by instant", () => {
    expect(diffChanges({ j: { a: 1, b: 2 }, d: new Date("2026-01-01") }, { j: { b: 2, a: 1 }, d: new Date("2026-01-01T00:00:00Z") })).toEqual({});
  });
});

describe("snapshot and ids", () => {
  it("masks secrets in a deleted row's snapshot", () => {
    expect(snapshot({ platform: "IG", password: "tok", api_keys: null }, ["password", "api_keys"])).toEqual({
      platform: "IG",
      password: "[encrypted]",
      api_keys: null,
    });
  });
  it("maps names to stable UUIDs", () => {
    expect(nameToUuid("x")).toBe(nameToUuid("x"));
    expect(nameToUuid("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
