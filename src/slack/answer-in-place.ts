import type { BlockAction } from "@slack/bolt";
import type { MultiFernet } from "../crypto/fernet.js";
import type { Db } from "../db.js";
import type { Logger } from "../logger.js";
import { postToResponseUrl } from "./response-url.js";
import type { Msg, Reply, ReplyMessage } from "./router.js";

// Answering where the person acted. A form (modal) has no response_url of its own, so when a
// button or command opens one, the place it was opened from is stored here, keyed by the
// modal's view id and the person who opened it; the submission's answer then replaces the
// message they clicked in (the updated card, list, … with a one-line confirmation), answers in
// the channel where they typed the command, or refreshes their App Home. private_metadata is
// not used for this: a submission can carry anything there. The same store remembers an
// admin's ephemeral "Approved" message, so a later reveal can update it.

export type Place =
  | { kind: "message"; responseUrl: string; shows: string | null }
  | { kind: "command"; responseUrl: string; shows: string | null }
  | { kind: "home"; shows: string | null };
type Where = { kind: "message" | "command"; responseUrl: string } | { kind: "home" };

/** Slack honours a response_url for 30 minutes; a place is kept a minute short of that. */
export const PLACE_TTL_MS = 29 * 60_000;

export const formKey = (viewId: string) => `view:${viewId}`;

/** Where a button click happened: a message (its response_url), the App Home, or nowhere we can answer. */
export function placeOfAction(body: Pick<BlockAction, "response_url" | "container" | "view">): Where | null {
  if (body.container?.type === "message" && body.response_url) return { kind: "message", responseUrl: body.response_url };
  if (body.container?.type === "view" && body.view?.type === "home") return { kind: "home" };
  return null;
}

/** A slash command: its response_url answers in the channel where it was typed. */
export const placeOfCommand = (body: { response_url?: string }): Where | null =>
  body.response_url ? { kind: "command", responseUrl: body.response_url } : null;

export type AnswerPlaces = ReturnType<typeof createAnswerPlaces>;

export function createAnswerPlaces(deps: { db: Db; fernet: MultiFernet; now: () => Date }) {
  const { db, fernet } = deps;
  return {
    /** Stores (or replaces) the place behind `key` for `slackUserId`, the URL encrypted. */
    async remember(key: string, slackUserId: string, where: Where, shows?: string): Promise<void> {
      const now = deps.now();
      const data = {
        slackUserId,
        kind: where.kind,
        shows: shows ?? null,
        responseUrl: where.kind === "home" ? null : fernet.encrypt(where.responseUrl),
        expiresAt: new Date(now.getTime() + PLACE_TTL_MS),
        createdAt: now,
      };
      await db.answerPlace.upsert({ where: { key }, create: { key, ...data }, update: data });
    },

    /** The place behind `key`, only for the person who acted there and only while it is valid. */
    async find(key: string, slackUserId: string): Promise<Place | null> {
      const row = await db.answerPlace.findUnique({ where: { key } });
      if (!row || row.slackUserId !== slackUserId || row.expiresAt <= deps.now()) return null;
      if (row.kind === "home") return { kind: "home", shows: row.shows };
      if (!row.responseUrl || (row.kind !== "message" && row.kind !== "command")) return null;
      try {
        return { kind: row.kind, responseUrl: fernet.decryptString(row.responseUrl), shows: row.shows };
      } catch {
        return null; // written under a key no longer configured: answer by DM instead
      }
    },

    async forget(key: string): Promise<void> {
      await db.answerPlace.deleteMany({ where: { key } });
    },

    /** Deletes expired places (their URLs no longer work); returns how many. */
    async prune(): Promise<number> {
      return (await db.answerPlace.deleteMany({ where: { expiresAt: { lt: deps.now() } } })).count;
    },
  };
}

const asMessage = (msg: Msg): ReplyMessage => (typeof msg === "string" ? { text: msg } : msg);

/**
 * A form's `reply` when it has a place: a message marked replace_original replaces the one the
 * person clicked in (any other is posted beside it, ephemeral); from a command, an ephemeral
 * answer in that channel; from the App Home, the Home refreshed with the message's text as
 * its notice. If Slack refuses (the URL expired or is used up), the fallback (a DM) answers.
 */
export function placeReply(
  place: Place,
  deps: { fallback: Reply; refreshHome(notice: string): Promise<void>; forget(): Promise<void>; logger: Logger },
): Reply {
  return async (msg) => {
    const m = asMessage(msg);
    try {
      if (place.kind === "home") return await deps.refreshHome(m.text);
      const replace = place.kind === "message" && m.replace_original === true;
      await postToResponseUrl(place.responseUrl, { response_type: "ephemeral", ...m, replace_original: replace });
      // The message it replaced is answered; the URL is not kept for longer than it is needed.
      if (replace) await deps.forget().catch(() => undefined);
      return;
    } catch (e) {
      deps.logger.warn({ err: (e as Error).message, kind: place.kind }, "could not answer a form in place; answering by DM");
    }
    await deps.fallback(m);
  };
}

/**
 * A submitted form's answer: in the place stored when it was opened (looked up once, when first
 * needed, only for the person who opened it), else by DM. The request pipeline and a job that
 * finishes a form on another replica answer through this alike.
 */
export function formAnswer(
  deps: { places: Pick<AnswerPlaces, "find" | "forget">; logger: Logger; dm: Reply; refreshHome(notice: string): Promise<void> },
  form: { viewId: string; slackUserId: string; lookUp?: boolean },
): { place: () => Promise<Place | null>; reply: Reply } {
  const key = formKey(form.viewId);
  let placeP: Promise<Place | null> | undefined;
  const place = (): Promise<Place | null> =>
    (placeP ??=
      form.lookUp === false
        ? Promise.resolve(null)
        : deps.places.find(key, form.slackUserId).catch((e: unknown) => {
            deps.logger.warn({ err: e }, "could not read a form's place");
            return null;
          }));
  let replyP: Promise<Reply> | undefined;
  const reply: Reply = async (msg) => {
    replyP ??= place().then((p) =>
      p ? placeReply(p, { fallback: deps.dm, refreshHome: deps.refreshHome, forget: () => deps.places.forget(key), logger: deps.logger }) : deps.dm,
    );
    await (await replyP)(msg);
  };
  return { place, reply };
}
