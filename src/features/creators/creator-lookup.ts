import type { DbOrTx } from "../../db.js";
import { Prisma } from "../../generated/prisma/client.js";
import { escapeLike, stripUnstorable } from "./creator-fns.js";

export type CreatorRef = { id: string; brandName: string; creatorName: string; creatorEmail: string; isActive: boolean; journeyStatus: string };

export type Resolution =
  | { kind: "one"; creator: CreatorRef }
  | { kind: "many"; candidates: CreatorRef[] }
  | { kind: "none" };

const MAX_CANDIDATES = 10;
const select = { id: true, brandName: true, creatorName: true, creatorEmail: true, isActive: true, journeyStatus: true } as const;
/**
 * The expression of studio_crm_creator_search_trgm_idx (migration 20261127080000): a query that
 * uses this fragment with LIKE may be answered from the trigram index, if the planner agrees;
 * wl_creator_search (below) always is.
 */
export const SEARCH_TEXT = Prisma.sql`lower(brand_name || chr(31) || creator_name || chr(31) || creator_email || chr(31) ||
  coalesce(instagram_handle, '') || chr(31) || coalesce(tiktok_handle, '') || chr(31) || coalesce(twitter_handle, ''))`;

const columns = Prisma.sql`id, brand_name AS "brandName", creator_name AS "creatorName", creator_email AS "creatorEmail", is_active AS "isActive", journey_status AS "journeyStatus"`;

/**
 * Every creator whose brand, name, email or handles contain `text`, from the trigram index
 * whatever the planner estimates (wl_creator_search, migration 20261205100000).
 */
const matching = (text: string) => Prisma.sql`wl_creator_search(${text}, NULL)`;

/**
 * `<creator>` as the contract defines it: brand name, creator name or email, case-insensitive;
 * an exact match wins, then a unique partial match; several list the candidates.
 * A UUID (from a button's value) resolves directly.
 */
export async function resolveCreatorRef(db: DbOrTx, rawRef: string): Promise<Resolution> {
  // NUL and lone surrogates would make Postgres reject the query: a typo must not become an error.
  const ref = Array.from(stripUnstorable(rawRef).replace(/[\u0000-\u001f\u007f]/g, " ").trim().replace(/^<mailto:[^|>]+\|([^>]+)>$/, "$1"))
    .slice(0, 254)
    .join("");
  if (!ref) return { kind: "none" };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
    const c = await db.creator.findUnique({ where: { id: ref.toLowerCase() }, select });
    return c ? { kind: "one", creator: c } : { kind: "none" };
  }
  // Raw SQL because Prisma's case-insensitive `equals`/`contains` become ILIKE without escaping:
  // `%` or `_` in a brand or email would then match other creators.
  // The trigram search narrows to candidates containing the text (no extra indexes to slow
  // down the nightly health writes); the condition is the exact match itself.
  const p = `%${escapeLike(ref)}%`;
  const exact = await db.$queryRaw<CreatorRef[]>`
    SELECT ${columns} FROM ${matching(ref)}
     WHERE (lower(brand_name) = lower(${ref}) OR lower(creator_name) = lower(${ref}) OR lower(creator_email) = lower(${ref}))
     ORDER BY is_active DESC, brand_name, id
     LIMIT ${MAX_CANDIDATES}`;
  if (exact.length === 1) return { kind: "one", creator: exact[0]! };
  if (exact.length > 1) return { kind: "many", candidates: exact };
  // The search narrows to candidates; the condition keeps the meaning exact (brand, name or
  // email only, not the handles).
  const partial = await db.$queryRaw<CreatorRef[]>`
    SELECT ${columns} FROM ${matching(ref)}
     WHERE (brand_name ILIKE ${p} OR creator_name ILIKE ${p} OR creator_email ILIKE ${p})
     ORDER BY is_active DESC, brand_name, id
     LIMIT ${MAX_CANDIDATES}`;
  if (partial.length === 1) return { kind: "one", creator: partial[0]! };
  if (partial.length > 1) return { kind: "many", candidates: partial };
  return { kind: "none" };
}

/** `<creator> <LAST>`: the creator may contain spaces, the last argument is the last word. */
export function splitLastWord(args: string): { head: string; last: string } | null {
  const m = /^(.*\S)\s+(\S+)$/.exec(args.trim());
  return m ? { head: m[1]!, last: m[2]! } : null;
}
