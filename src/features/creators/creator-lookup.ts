import type { Pool } from "../../db.js";
import { escapeLike, stripUnstorable } from "./creator-fns.js";

export type CreatorRef = { id: string; brandName: string; creatorName: string; creatorEmail: string; isActive: boolean; journeyStatus: string };

export type Resolution = { kind: "one"; creator: CreatorRef } | { kind: "many"; candidates: CreatorRef[] } | { kind: "none" };

const MAX_CANDIDATES = 10;

const columns = `id, brand_name AS "brandName", creator_name AS "creatorName", creator_email AS "creatorEmail", is_active AS "isActive", journey_status AS "journeyStatus"`;

// Named prepared statements on the pool (a hot read of `/wl show` and every `<creator>`
// argument). The candidates come from wl_creator_search (migration 20261208100000): every
// creator whose brand, name, email or handles contain the text, from the trigram index of
// wl_creator_search_text whatever the planner estimates; no extra indexes on the creator table
// to slow down the nightly health writes.
const BY_ID = { name: "wl_creator_ref_id", text: `SELECT ${columns} FROM studio_crm_creator WHERE id = $1::uuid` };
/** The exact match itself: brand, name or email equal to the text, case-insensitive. */
const EXACT = {
  name: "wl_creator_ref_exact",
  text: `SELECT ${columns} FROM wl_creator_search($1, NULL)
          WHERE lower(brand_name) = lower($1) OR lower(creator_name) = lower($1) OR lower(creator_email) = lower($1)
          ORDER BY is_active DESC, brand_name, id LIMIT ${MAX_CANDIDATES}`,
};
/** A partial match keeps the meaning exact: brand, name or email only, not the handles ($2 is the escaped LIKE pattern). */
const PARTIAL = {
  name: "wl_creator_ref_partial",
  text: `SELECT ${columns} FROM wl_creator_search($1, NULL)
          WHERE brand_name ILIKE $2 OR creator_name ILIKE $2 OR creator_email ILIKE $2
          ORDER BY is_active DESC, brand_name, id LIMIT ${MAX_CANDIDATES}`,
};

/**
 * `<creator>` as the contract defines it: brand name, creator name or email, case-insensitive;
 * an exact match wins, then a unique partial match; several list the candidates.
 * A UUID (from a button's value) resolves directly.
 */
export async function resolveCreatorRef(pool: Pool, rawRef: string): Promise<Resolution> {
  // NUL and lone surrogates would make Postgres reject the query: a typo must not become an error.
  const ref = Array.from(
    stripUnstorable(rawRef)
      .replace(/[\u0000-\u001f\u007f]/g, " ")
      .trim()
      .replace(/^<mailto:[^|>]+\|([^>]+)>$/, "$1"),
  )
    .slice(0, 254)
    .join("");
  if (!ref) return { kind: "none" };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
    const [c] = (await pool.query<CreatorRef>({ ...BY_ID, values: [ref.toLowerCase()] })).rows;
    return c ? { kind: "one", creator: c } : { kind: "none" };
  }
  // Not Prisma's case-insensitive `equals`/`contains`: they become ILIKE without escaping, and
  // `%` or `_` in a brand or email would then match other creators.
  const exact = (await pool.query<CreatorRef>({ ...EXACT, values: [ref] })).rows;
  if (exact.length === 1) return { kind: "one", creator: exact[0]! };
  if (exact.length > 1) return { kind: "many", candidates: exact };
  const partial = (await pool.query<CreatorRef>({ ...PARTIAL, values: [ref, `%${escapeLike(ref)}%`] })).rows;
  if (partial.length === 1) return { kind: "one", creator: partial[0]! };
  if (partial.length > 1) return { kind: "many", candidates: partial };
  return { kind: "none" };
}

/** `<creator> <LAST>`: the creator may contain spaces, the last argument is the last word. */
export function splitLastWord(args: string): { head: string; last: string } | null {
  const m = /^(.*\S)\s+(\S+)$/.exec(args.trim());
  return m ? { head: m[1]!, last: m[2]! } : null;
}
