import type { Harness } from "./bot-harness.js";
import { answerTo } from "./bot-harness.js";

// Creator-specific test helpers: form state as Slack sends it, modal round-trips, seeding.

const DATES = new Set(["last_contacted_date", "next_follow_up_date"]);
const SELECTS = new Set(["journey_status", "priority_level"]);

/** view.state.values for {column: text}, with the element type each column's input has. */
export function formValues(fields: Record<string, string | null>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(fields).map(([col, v]) => [
      col,
      {
        [col]: DATES.has(col)
          ? { type: "datepicker", selected_date: v }
          : SELECTS.has(col)
            ? { type: "static_select", selected_option: v === null ? null : { text: { type: "plain_text", text: v }, value: v } }
            : { type: "plain_text_input", value: v },
      },
    ]),
  );
}

type ViewBlock = {
  type: string;
  block_id?: string;
  element?: { type: string; action_id?: string; initial_value?: string; initial_date?: string; initial_option?: { value: string } };
};
export type OpenedView = { callback_id?: string; private_metadata?: string; blocks: ViewBlock[]; title?: { text: string } };

/** What a person submits when they change nothing: each input's initial value. */
export function initialValues(view: OpenedView): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const b of view.blocks) {
    if (b.type !== "input" || !b.block_id || !b.element) continue;
    out[b.block_id] = b.element.initial_value ?? b.element.initial_date ?? b.element.initial_option?.value ?? null;
  }
  return out;
}

export const validNew = (over: Record<string, string | null> = {}): Record<string, string | null> => ({
  creator_name: "Jo Maker",
  creator_email: "jo@maker.test",
  creator_phone: "+44 20 7946 0958",
  creator_location: "London, UK",
  creator_timezone: "Europe/London",
  creator_avatar: null,
  brand_name: "Maker Studio",
  brand_tagline: "Made by hand",
  brand_niche: "Crafts",
  brand_website: "https://maker.test",
  brand_logo: null,
  brand_description: "Handmade goods\nfor everyone",
  journey_status: "ONBOARDING",
  priority_level: "2",
  instagram_handle: "@maker",
  tiktok_handle: "maker.tok",
  twitter_handle: null,
  youtube_channel: "https://youtube.com/@maker",
  linkedin_profile: null,
  other_social_links: '{"pinterest": "https://pinterest.com/maker"}',
  primary_communication_channel: "Slack",
  last_contacted_date: null,
  next_follow_up_date: null,
  communication_notes: null,
  tags: "VIP, Launch-Ready, vip",
  custom_fields: '{"revenue_target_monthly": 50000}',
  internal_notes: null,
  ...over,
});

/**
 * Submits the New creator form. A form that passed its checks is acked at once and the creator
 * is created after the ack, so this waits for the answer (a DM here: the form was not opened
 * through the bot) before returning, as a person would.
 */
export async function submitNew(h: Harness, user: string, fields: Record<string, string | null>) {
  const from = h.slack.calls.length;
  const res = await h.submit(user, { callback_id: "creator_new", values: formValues(fields) });
  const answer =
    res.body === null ? await h.slack.waitFor(() => h.slack.calls.slice(from).find((c) => c.method === "chat.postMessage" && c.args.channel === user)) : null;
  return { ...res, answer: answer ? String(answer.args.text ?? "") : null };
}

/** The modal a command or button opened: views.open, then views.update when it had to load. */
export async function openedModal(h: Harness, from: number, callbackId: string): Promise<OpenedView> {
  const call = await h.slack.waitFor(() =>
    h.slack.calls.slice(from).find((c) => (c.method === "views.open" || c.method === "views.update") && (c.args.view as OpenedView).callback_id === callbackId),
  );
  return call.args.view as OpenedView;
}

let seq = 0;
export async function seedCreator(h: Harness, data: Record<string, unknown> = {}) {
  seq++;
  return h.tdb.db.creator.create({
    data: {
      creatorName: `Seed Person ${seq}`,
      creatorEmail: `seed${seq}-${Math.random().toString(36).slice(2, 8)}@creators.test`,
      brandName: `Seed Brand ${seq}`,
      brandNiche: "Testing",
      journeyStatus: "LIVE",
      healthScore: "GREEN",
      lastStatusChange: new Date(),
      lastContactedDate: new Date(new Date().toISOString().slice(0, 10)),
      ...data,
    } as never,
  });
}

export async function answerText(h: Harness, responseUrl: string): Promise<string> {
  return JSON.stringify(await answerTo(h, responseUrl));
}

export const daysAgo = (n: number): Date => {
  const d = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d;
};

/** Polls an async condition (FakeSlack.waitFor is synchronous: a Promise would count as truthy). */
export async function waitUntil<T>(fn: () => Promise<T | undefined | false | null>, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("waitUntil timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
