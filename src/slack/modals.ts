import type { ModalView } from "@slack/types";
import { AppError, isAppError } from "../errors.js";
import { VIEWS } from "./ids.js";
import { LIMITS, plain, truncate } from "./mrkdwn.js";
import type { FormOpener } from "./router.js";

/** Opened at once with a trigger_id (it lives 3 s), then replaced with views.update. */
export function loadingModal(title: string): ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.loading,
    title: { type: "plain_text", text: plain(title, 24) },
    close: { type: "plain_text", text: "Close" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: ":hourglass_flowing_sand: Loading…" } }],
  };
}

/** What a loading modal becomes when there is nothing to edit (gone, refused). */
export function messageModal(title: string, text: string): ModalView {
  return {
    type: "modal",
    title: { type: "plain_text", text: plain(title, 24) },
    close: { type: "plain_text", text: "Close" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } }],
  };
}

/**
 * trigger_id lives 3 s: the modal opens at once with a loading view while `load` reads what
 * it needs, then becomes the real form, or says why there is none (and the error is rethrown,
 * marked as already shown, so the pipeline records the refusal without answering twice).
 * Where it was opened from is stored before the form can be submitted, so the answer lands
 * there (`shows`: what the message clicked in displays, for the answer to redraw).
 */
export async function openLoaded(ctx: FormOpener, title: string, load: () => Promise<ModalView>, opts: { shows?: string } = {}): Promise<void> {
  const { client } = ctx;
  const [opened, loaded] = await Promise.all([
    client.views.open({ trigger_id: ctx.triggerId, view: loadingModal(title) }),
    load().then(
      (view) => ({ view }),
      (error: unknown) => ({ error }),
    ),
  ]);
  const viewId = opened.view?.id;
  if ("view" in loaded) {
    if (viewId) {
      await ctx.formOpened(viewId, opts.shows);
      await client.views.update({ view_id: viewId, view: loaded.view });
    }
    return;
  }
  const e = loaded.error;
  const msg = isAppError(e) ? e.userMessage : "Something went wrong loading this. Please try again.";
  if (viewId) await client.views.update({ view_id: viewId, view: messageModal(title, msg) });
  throw isAppError(e) && viewId ? new AppError(e.code, { message: e.message, userMessage: e.userMessage, cause: e, shownToUser: true }) : e;
}

/** A form with nothing to load, opened at once; its place is stored as openLoaded does. */
export async function openForm(ctx: FormOpener, view: ModalView, opts: { shows?: string } = {}): Promise<void> {
  const opened = await ctx.client.views.open({ trigger_id: ctx.triggerId, view });
  await ctx.formOpened(opened.view?.id, opts.shows);
}
