import type { DbOrTx } from "../../db.js";

export type CreatorRef = { id: string; brandName: string; creatorName: string; creatorEmail: string; isActive: boolean; journeyStatus: string };

export type Resolution =
  | { kind: "one"; creator: CreatorRef }
  | { kind: "many"; candidates: CreatorRef[] }
  | { kind: "none" };

const MAX_CANDIDATES = 10;
const select = { id: true, brandName: true, creatorName: true, creatorEmail: true, isActive: true, journeyStatus: true } as const;

/**
 * `<creator>` as the contract defines it: brand name, creator name or email, case-insensitive;
 * an exact match wins, then a unique partial match; several list the candidates.
 * A UUID (from a button's value) resolves directly.
 */
export async function resolveCreatorRef(db: DbOrTx, rawRef: string): Promise<Resolution> {
  const ref = rawRef.trim().replace(/^<mailto:[^|>]+\|([^>]+)>$/, "$1").slice(0, 254);
  if (!ref) return { kind: "none" };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
    const c = await db.creator.findUnique({ where: { id: ref.toLowerCase() }, select });
    return c ? { kind: "one", creator: c } : { kind: "none" };
  }
  const exact = await db.creator.findMany({
    where: {
      OR: [
        { brandName: { equals: ref, mode: "insensitive" } },
        { creatorName: { equals: ref, mode: "insensitive" } },
        { creatorEmail: { equals: ref, mode: "insensitive" } },
      ],
    },
    select,
    orderBy: [{ isActive: "desc" }, { brandName: "asc" }],
    take: MAX_CANDIDATES,
  });
  if (exact.length === 1) return { kind: "one", creator: exact[0]! };
  if (exact.length > 1) return { kind: "many", candidates: exact };
  const partial = await db.creator.findMany({
    where: {
      OR: [
        { brandName: { contains: ref, mode: "insensitive" } },
        { creatorName: { contains: ref, mode: "insensitive" } },
        { creatorEmail: { contains: ref, mode: "insensitive" } },
      ],
    },
    select,
    orderBy: [{ isActive: "desc" }, { brandName: "asc" }],
    take: MAX_CANDIDATES,
  });
  if (partial.length === 1) return { kind: "one", creator: partial[0]! };
  if (partial.length > 1) return { kind: "many", candidates: partial };
  return { kind: "none" };
}

/** `<creator> <LAST>`: the creator may contain spaces, the last argument is the last word. */
export function splitLastWord(args: string): { head: string; last: string } | null {
  const m = /^(.*\S)\s+(\S+)$/.exec(args.trim());
  return m ? { head: m[1]!, last: m[2]! } : null;
}
