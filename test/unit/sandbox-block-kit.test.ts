import { describe, expect, it } from "vitest";
import {
  actionFor,
  buildStateValues,
  clientSideErrors,
  normaliseBlocks,
  validateBlocks,
  validateMessage,
  validateView,
  type Json,
} from "../../src/sandbox/block-kit.js";

const pt = (text: string) => ({ type: "plain_text", text });
const opt = (value: string, text = value) => ({ text: pt(text), value });

const form: Json[] = normaliseBlocks([
  { type: "input", block_id: "creator_name", label: pt("Name"), element: { type: "plain_text_input", action_id: "creator_name" } },
  {
    type: "input",
    block_id: "notes",
    optional: true,
    label: pt("Notes"),
    element: { type: "plain_text_input", action_id: "notes", multiline: true, initial_value: "hello" },
  },
  {
    type: "input",
    block_id: "journey_status",
    label: pt("Status"),
    element: { type: "static_select", action_id: "journey_status", options: [opt("ONBOARDING"), opt("LIVE")], initial_option: opt("LIVE") },
  },
  { type: "input", block_id: "target_date", optional: true, label: pt("Target"), element: { type: "datepicker", action_id: "target_date" } },
  { type: "input", block_id: "flags", optional: true, label: pt("Flags"), element: { type: "checkboxes", action_id: "flags", options: [opt("a"), opt("b")] } },
  { type: "actions", elements: [{ type: "button", text: pt("Go"), value: "v1" }] },
]);

describe("sandbox Block Kit: state.values as Slack builds them", () => {
  it("fills in block_id and action_id where the app left them out, and emoji:true on plain text", () => {
    const actions = form[5]!;
    expect(actions.block_id).toMatch(/^[A-Za-z0-9]{5}$/);
    const button = (actions.elements as Json[])[0]!;
    expect(button.action_id).toMatch(/^[A-Za-z0-9]{5}$/);
    expect(button.text).toEqual({ type: "plain_text", text: "Go", emoji: true });
  });

  it("reports every stateful element: untouched ones with their initial value or null, never buttons", () => {
    expect(buildStateValues(form)).toEqual({
      creator_name: { creator_name: { type: "plain_text_input", value: null } },
      notes: { notes: { type: "plain_text_input", value: "hello" } },
      journey_status: {
        journey_status: { type: "static_select", selected_option: { text: { type: "plain_text", text: "LIVE", emoji: true }, value: "LIVE" } },
      },
      target_date: { target_date: { type: "datepicker", selected_date: null } },
      flags: { flags: { type: "checkboxes", selected_options: [] } },
    });
  });

  it("takes what the person typed or picked, mapping option values to the definition's option objects", () => {
    const v = buildStateValues(form, {
      creator_name: { creator_name: "Maya" },
      notes: { notes: "" },
      journey_status: { journey_status: "ONBOARDING" },
      target_date: { target_date: "2026-12-01" },
      flags: { flags: ["b", "not-an-option"] },
    });
    expect(v.creator_name!.creator_name).toEqual({ type: "plain_text_input", value: "Maya" });
    expect(v.notes!.notes).toEqual({ type: "plain_text_input", value: null });
    expect(v.journey_status!.journey_status!.selected_option).toEqual({ text: { type: "plain_text", text: "ONBOARDING", emoji: true }, value: "ONBOARDING" });
    expect(v.target_date!.target_date).toEqual({ type: "datepicker", selected_date: "2026-12-01" });
    expect(v.flags!.flags!.selected_options).toEqual([{ text: { type: "plain_text", text: "b", emoji: true }, value: "b" }]);
  });

  it("refuses, as Slack's client does, an empty required input before the app sees anything", () => {
    expect(clientSideErrors(form, buildStateValues(form))).toEqual({ creator_name: "Please complete this required field." });
    expect(clientSideErrors(form, buildStateValues(form, { creator_name: { creator_name: "x" } }))).toEqual({});
  });

  it("builds a button's action from its definition, not from the page", () => {
    const actions = form[5]!;
    const button = (actions.elements as Json[])[0]!;
    expect(actionFor(actions, button, undefined, "1.000001")).toEqual({
      type: "button",
      action_id: button.action_id,
      block_id: actions.block_id,
      action_ts: "1.000001",
      text: { type: "plain_text", text: "Go", emoji: true },
      value: "v1",
    });
  });
});

describe("sandbox Block Kit: Slack's limits", () => {
  it("refuses what Slack refuses", () => {
    const long = "x".repeat(3001);
    const cases: [unknown, RegExp][] = [
      [[{ type: "section", text: { type: "mrkdwn", text: long } }], /less than 3001 characters \[json-pointer:\/blocks\/0\/text\/text\]/],
      [[{ type: "section", text: { type: "mrkdwn", text: "" } }], /more than 0 characters/],
      [[{ type: "header", text: { type: "mrkdwn", text: "h" } }], /plain_text/],
      [[{ type: "header", text: pt("h".repeat(151)) }], /less than 151/],
      [[{ type: "actions", elements: [{ type: "button", text: pt("b".repeat(76)), action_id: "a" }] }], /less than 76/],
      [
        [
          {
            type: "actions",
            elements: [
              { type: "button", text: pt("a"), action_id: "x" },
              { type: "button", text: pt("b"), action_id: "x" },
            ],
          },
        ],
        /duplicate action_id x/,
      ],
      [
        [
          { type: "divider", block_id: "d" },
          { type: "divider", block_id: "d" },
        ],
        /duplicate block_id d/,
      ],
      [Array.from({ length: 51 }, () => ({ type: "divider" })), /no more than 50 items/],
      [[{ type: "carousel" }], /unsupported type: carousel/],
      [
        [{ type: "input", label: pt("x"), element: { type: "static_select", action_id: "s", options: [opt("a")], initial_option: opt("z") } }],
        /must match one of the options/,
      ],
      [
        [
          {
            type: "actions",
            elements: [
              { type: "button", text: pt("a"), action_id: "a", confirm: { title: pt("t"), text: pt("t"), confirm: pt("c".repeat(31)), deny: pt("d") } },
            ],
          },
        ],
        /less than 31 characters \[json-pointer:\/blocks\/0\/elements\/0\/confirm\/confirm\/text\]/,
      ],
    ];
    for (const [blocks, re] of cases)
      expect(validateBlocks(blocks, { max: 50, surface: "message" }).join("\n"), JSON.stringify(blocks).slice(0, 80)).toMatch(re);
    expect(validateBlocks([{ type: "section", text: pt("ok") }], { max: 50, surface: "message" })).toEqual([]);
  });

  it("needs text or blocks in a message", () => {
    expect(validateMessage({})).toEqual({ error: "no_text", messages: [] });
    expect(validateMessage({ text: "x".repeat(40_001) })?.error).toBe("msg_too_long");
    expect(validateMessage({ text: "fallback", blocks: [{ type: "divider" }] })).toBeNull();
  });

  it("checks views: title length, a submit button when there are inputs, 100 blocks", () => {
    const input = { type: "input", label: pt("x"), element: { type: "plain_text_input", action_id: "x" } };
    expect(validateView({ type: "modal", title: pt("t".repeat(25)), blocks: [] }).join()).toMatch(/title\/text/);
    expect(validateView({ type: "modal", title: pt("ok"), blocks: [input] }).join()).toMatch(/must provide submit/);
    expect(validateView({ type: "modal", title: pt("ok"), submit: pt("Save"), blocks: [input] })).toEqual([]);
    expect(validateView({ type: "home", blocks: Array.from({ length: 101 }, () => ({ type: "divider" })) }).join()).toMatch(
      /no more than 100 items \[json-pointer:\/view\/blocks\]/,
    );
    expect(validateView({ type: "modal", title: pt("ok"), private_metadata: "m".repeat(3001), blocks: [] }).join()).toMatch(/private_metadata/);
  });
});
