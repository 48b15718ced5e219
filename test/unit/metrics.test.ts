import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/metrics/metrics.js";
import { requestLabels, UNKNOWN_ROUTE } from "../../src/metrics/request-labels.js";
import { Router } from "../../src/slack/router.js";
import { parseMetrics, sampleSum } from "../helpers/metrics-text.js";

const noop = async () => undefined;
const router = new Router()
  .command({ name: "find", aliases: ["f"], usage: "", description: "", minRole: "staff", handle: noop })
  .command({ name: "help", usage: "", description: "", minRole: "staff", handle: noop })
  .action("creator_open", { minRole: "staff", label: "Open", handle: noop })
  .view("creator_new", { minRole: "staff", label: "New", handle: noop })
  .event("app_home_opened", { minRole: "staff", label: "Home", handle: noop })
  .optionsFor("creator_pick", { minRole: "staff", label: "Pick", handle: async () => [] })
  .shortcut("quick_note", { minRole: "staff", label: "Note", handle: noop });

describe("requestLabels: bounded by the route table", () => {
  it.each([
    [{ command: "/wl", text: "find Nova Co" }, "command", "find"],
    [{ command: "/wl", text: "F nova" }, "command", "find"],
    [{ command: "/wl", text: "" }, "command", "help"],
    [{ command: "/wl", text: "U0SOMEONE secret words" }, "command", UNKNOWN_ROUTE],
    [{ type: "block_actions", actions: [{ action_id: "creator_open" }] }, "action", "creator_open"],
    [{ type: "block_actions", actions: [{ action_id: "forged_123" }] }, "action", UNKNOWN_ROUTE],
    [{ type: "block_actions" }, "action", UNKNOWN_ROUTE],
    [{ type: "view_submission", view: { callback_id: "creator_new" } }, "view", "creator_new"],
    [{ type: "view_closed", view: { callback_id: { nested: true } } }, "view", UNKNOWN_ROUTE],
    [{ type: "block_suggestion", action_id: "creator_pick" }, "options", "creator_pick"],
    [{ type: "shortcut", callback_id: "quick_note" }, "shortcut", "quick_note"],
    [{ type: "message_action", callback_id: "other" }, "shortcut", UNKNOWN_ROUTE],
    [{ type: "event_callback", event: { type: "app_home_opened" } }, "event", "app_home_opened"],
    [{ type: "event_callback", event: { type: "message" } }, "event", UNKNOWN_ROUTE],
    [{ type: "something_new" }, "other", UNKNOWN_ROUTE],
  ])("%j -> %s %s", (body, surface, route) => {
    expect(requestLabels(body, router)).toEqual({ surface, route });
  });
});

describe("createMetrics", () => {
  it("two bots in one process each get their own registry: no 'already registered', no shared counts", async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.refusal("no_role");
    a.refusal("no_role");
    b.refusal("forbidden");
    const sa = parseMetrics((await a.render()).body);
    const sb = parseMetrics((await b.render()).body);
    expect(sampleSum(sa, "wl_refusals_total", { kind: "no_role" })).toBe(2);
    expect(sampleSum(sb, "wl_refusals_total", { kind: "no_role" })).toBe(0);
    expect(sampleSum(sb, "wl_refusals_total", { kind: "forbidden" })).toBe(1);
  });

  it("reads pool use at scrape time, and records ack and completion separately", async () => {
    const m = createMetrics();
    const pool = { totalCount: 3, idleCount: 1, waitingCount: 0 };
    m.observePool("requests", pool);
    m.request({ surface: "view", route: "creator_new" }, "ok", { ack: 0.2, total: 1.5 });
    m.request({ surface: "event", route: "app_home_opened" }, "error", { ack: null, total: 0.1 });
    pool.waitingCount = 4;
    const s = parseMetrics((await m.render()).body);
    expect(sampleSum(s, "wl_db_pool_connections", { pool: "requests" })).toBe(3);
    expect(sampleSum(s, "wl_db_pool_waiting_clients", { pool: "requests" })).toBe(4);
    expect(sampleSum(s, "wl_slack_ack_seconds_bucket", { surface: "view", le: "0.25" })).toBe(1);
    expect(sampleSum(s, "wl_slack_request_seconds_bucket", { surface: "view", le: "1" })).toBe(0);
    expect(sampleSum(s, "wl_slack_ack_seconds_count", { surface: "event" })).toBe(0);
    expect(sampleSum(s, "wl_slack_requests_total", { surface: "event", outcome: "error" })).toBe(1);
  });
});
