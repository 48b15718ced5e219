import { describe, expect, it } from "vitest";
import { cleanMessageText, cleanNote, fromSlackText, messageRefOf, optionFor } from "../../src/features/picker/picker-fns.js";

describe("optionFor", () => {
  const id = "6f1c2b9e-1d2a-4c3b-9a8d-7e6f5a4b3c2d";
  it.each([
    ["a short one", { brandName: "Glow", creatorName: "Ana", isActive: true }, "Glow (Ana)"],
    ["archived is marked", { brandName: "Glow", creatorName: "Ana", isActive: false }, "Glow (Ana) · archived"],
    ["control characters become spaces", { brandName: "Glow\nLab", creatorName: "Ana\t", isActive: true }, "Glow Lab (Ana )"],
    ["plain text is not escaped (Slack shows it as typed)", { brandName: "<!channel> & Co", creatorName: "Bo", isActive: true }, "<!channel> & Co (Bo)"],
  ])("%s", (_name, row, text) => {
    expect(optionFor({ id, ...row })).toEqual({ text: { type: "plain_text", text }, value: id });
  });

  it("fits Slack's 75 characters, marking the cut, without splitting an emoji", () => {
    const o = optionFor({ id, brandName: "🌟".repeat(30) + "x".repeat(40), creatorName: "Ana", isActive: true });
    expect(o.text.text.length).toBeLessThanOrEqual(75);
    expect(o.text.text.endsWith("…")).toBe(true);
    expect(o.text.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe("messageRefOf", () => {
  it.each([
    [
      "a message shortcut payload",
      { channel: { id: "C0CHAN" }, message: { ts: "1700000000.000100", text: "hi" } },
      { channelId: "C0CHAN", messageTs: "1700000000.000100", text: "hi" },
    ],
    [
      "message_ts when the message has none",
      { channel: { id: "G0PRIV" }, message_ts: "1.2", message: {} },
      { channelId: "G0PRIV", messageTs: "1.2", text: "" },
    ],
    ["no channel", { message: { ts: "1.2", text: "x" } }, null],
    ["a channel id that is not one", { channel: { id: "../etc" }, message: { ts: "1.2" } }, null],
    ["a ts that is not one", { channel: { id: "C1" }, message: { ts: "1.2; DROP" } }, null],
  ])("%s", (_name, body, want) => {
    expect(messageRefOf(body)).toEqual(want);
  });
});

describe("cleanMessageText and cleanNote", () => {
  it.each([
    ["trims", "  hi  ", "hi"],
    ["drops NUL, keeps the rest", "a\u0000b", "ab"],
    ["replaces a lone surrogate", "a\ud800b", "a\ufffdb"],
  ])("%s", (_name, raw, want) => {
    expect(cleanMessageText(raw)).toBe(want);
  });
  it("bounds the text by code points", () => {
    expect(Array.from(cleanMessageText("😀".repeat(5000))).length).toBe(4000);
  });
  it.each([
    [undefined, null],
    [null, null],
    ["   ", null],
    [" call back ", "call back"],
  ])("note %j -> %j", (raw, want) => {
    expect(cleanNote(raw)).toBe(want);
  });
});

describe("fromSlackText", () => {
  it.each([
    ["Slack's entities decode once", "a &lt;b&gt; &amp;amp; c", "a <b> &amp; c"],
    ["a real mention stays as text to escape", "hi <!channel>", "hi <!channel>"],
  ])("%s", (_name, raw, want) => {
    expect(fromSlackText(raw)).toBe(want);
  });
});
