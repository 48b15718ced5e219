import { describe, expect, it } from "vitest";
import { Workspace, RESPONSE_URL_TTL_MS } from "../../src/sandbox/workspace.js";
import { createInteractions } from "../../src/sandbox/interactions.js";
import { BotLink } from "../../src/sandbox/bot-link.js";
import { escapeCommandText } from "../../src/sandbox/interactions.js";

describe("sandbox workspace: Slack's clocks", () => {
  it("a trigger_id opens one view within 3 seconds, for the person it was issued to", () => {
    let now = 1_800_000_000_000;
    const ws = new Workspace([], () => now);
    const fresh = ws.issueTrigger("U0DEMOSAM");
    expect(ws.useTrigger(fresh)).toEqual({ userId: "U0DEMOSAM" });
    expect(ws.useTrigger(fresh)).toEqual({ error: "exchanged_trigger_id" });
    const late = ws.issueTrigger("U0DEMOSAM");
    now += 3_001;
    expect(ws.useTrigger(late)).toEqual({ error: "expired_trigger_id" });
    expect(ws.useTrigger("nope")).toEqual({ error: "invalid_trigger_id" });
  });

  it("a response_url expires after 30 minutes", () => {
    let now = 1_800_000_000_000;
    const ws = new Workspace([], () => now);
    const i = createInteractions(ws, new BotLink(ws, "s"), { responseUrlBase: () => "http://x/" });
    const r = ws.issueResponseUrl({ kind: "command", userId: "U0DEMOSAM", channel: "C0GENERAL" });
    expect(i.respond(r.id, JSON.stringify({ text: "ok" }), "application/json").status).toBe(200);
    now += RESPONSE_URL_TTL_MS + 1;
    expect(i.respond(r.id, JSON.stringify({ text: "late" }), "application/json")).toEqual({ status: 404, body: "expired_url" });
  });

  it("message timestamps are unique and increasing, as Slack's are", () => {
    const ws = new Workspace([], () => 1_800_000_000_000);
    const a = ws.newTs();
    const b = ws.newTs();
    expect(a).toMatch(/^\d{10}\.\d{6}$/);
    expect(b > a).toBe(true);
  });

  it("escapes command text like Slack with should_escape, for known people and channels only", () => {
    const ws = new Workspace();
    expect(escapeCommandText("role @sam staff & <b> #general @nobody @here", ws)).toBe(
      "role <@U0DEMOSAM|sam> staff &amp; &lt;b&gt; <#C0GENERAL|general> @nobody <!here>",
    );
  });
});
