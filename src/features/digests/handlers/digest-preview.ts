import type { Answer, Msg } from "../../../slack/router.js";
import { renderDigest, rowId } from "../digest-blocks.js";
import type { DigestHandlerDeps } from "./types.js";

/** response_url takes at most 5 answers: up to 4 parts, then a note on what was left out. */
const PREVIEW_PARTS = 4;

export async function previewAnswer(deps: Pick<DigestHandlerDeps, "digests" | "today">): Promise<Answer> {
  const { snapshot, entries } = await deps.digests.prepare(deps.today(), { compareWithToday: true });
  const messages = renderDigest(snapshot, entries, { kind: "preview" });
  const reply: Msg[] = messages.slice(0, PREVIEW_PARTS);
  const rest = messages.slice(PREVIEW_PARTS);
  if (rest.length) {
    const creators = rest.flatMap((m) => m.blocks).filter((b) => b.block_id?.startsWith(rowId(""))).length;
    reply.push(
      `…and ${creators} more creators in ${rest.length} more parts, left out of this preview. The digest itself posts every part in a thread; managers can post it with \`/wl digest now\`.`,
    );
  }
  return { reply, shown: `digest preview: ${snapshot.red.length} RED, ${snapshot.yellow.length} YELLOW` };
}
