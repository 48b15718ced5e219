import type { BlockAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { postToResponseUrl } from "./response-url.js";
import type { Msg, Reply, ReplyMessage } from "./router.js";

// How each surface answers the caller privately. One place, so every handler's `reply` means
// the same thing: ephemeral where Slack allows it, a DM where it does not.

const asMessage = (msg: Msg): ReplyMessage => (typeof msg === "string" ? { text: msg } : msg);
const blocksOf = (m: ReplyMessage) => (m.blocks ? { blocks: m.blocks } : {});

/** Slash commands and message-shortcut clicks: the request's response_url, ephemeral. */
export function responseUrlReply(url: string): Reply {
  return (msg) => postToResponseUrl(url, { response_type: "ephemeral", ...asMessage(msg) });
}

/** Buttons in messages answer through response_url (not replacing the clicked message unless asked); in the App Home, by DM. */
export function actionReply(client: WebClient, body: BlockAction): Reply {
  return async (msg) => {
    const m = asMessage(msg);
    if (body.response_url) {
      await postToResponseUrl(body.response_url, { response_type: "ephemeral", replace_original: false, ...m });
      return;
    }
    const channel = body.channel?.id;
    if (channel && body.container?.type === "message") {
      await client.chat.postEphemeral({ channel, user: body.user.id, text: m.text, ...blocksOf(m) });
      return;
    }
    await client.chat.postMessage({ channel: body.user.id, text: m.text, ...blocksOf(m) });
  };
}

/** Forms, events and global shortcuts have no response_url of their own: a DM. */
export function dmReply(client: WebClient, userId: string): Reply {
  return async (msg) => {
    const m = asMessage(msg);
    if (userId) await client.chat.postMessage({ channel: userId, text: m.text, ...blocksOf(m) });
  };
}
