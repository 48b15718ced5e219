import type { DbOrTx } from "../../db.js";
import { invalid } from "../../errors.js";
import type { Reply } from "../../slack/router.js";
import { resolveCreatorRef, type CreatorRef } from "./creator-lookup.js";
import { candidatesBlocks, noMatchText } from "./creator-lookup-blocks.js";

/**
 * For handlers: the one creator a reference names, or null after telling the user why
 * (no match, or the candidates with Open buttons). Every feature that takes `<creator>` uses this.
 */
export async function creatorOrReply(db: DbOrTx, ref: string, reply: Reply, usage: string): Promise<CreatorRef | null> {
  if (!ref.trim()) throw invalid(`Usage: \`/wl ${usage}\``);
  const r = await resolveCreatorRef(db, ref);
  if (r.kind === "one") return r.creator;
  if (r.kind === "many") await reply(candidatesBlocks(ref, r.candidates));
  else await reply(noMatchText(ref));
  return null;
}
