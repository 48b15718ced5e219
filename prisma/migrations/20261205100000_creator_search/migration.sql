-- `/wl find` and `/wl show` from the trigram index, whatever the planner estimates.
--
-- A LIKE '%text%' over the search expression can only be estimated from pg_trgm's guess, and
-- with real data (a word many brands share, a common first name) the planner often priced a
-- sequential scan of every creator below the index (7 ms of Postgres CPU per find at 10,000
-- creators). This function runs the search with sequential and plain index scans turned off,
-- so the only plan left is a bitmap scan of studio_crm_creator_search_trgm_idx (migration
-- 20261127080000); the index has every row, so nothing is missed. The settings apply to this
-- function's own statement only (a function with SET clauses is never inlined).
--
-- q is the user's text as typed: LIKE's wildcards and escape in it are escaped here, so `%`,
-- `_` and `\` match themselves. lim NULL returns every match. `total` counts every match.
-- It reads studio_crm_creator as it is (no copy, no trigger): rows Django writes are found at once.
CREATE OR REPLACE FUNCTION wl_creator_search(q text, lim integer)
RETURNS TABLE (
  id uuid, brand_name text, creator_name text, creator_email text, journey_status text, health_score text,
  is_active boolean, instagram_handle text, tiktok_handle text, twitter_handle text, total integer
)
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
SET enable_indexscan = off
SET enable_indexonlyscan = off
AS $$
SELECT c.id, c.brand_name::text, c.creator_name::text, c.creator_email::text, c.journey_status::text, c.health_score::text,
       c.is_active, c.instagram_handle::text, c.tiktok_handle::text, c.twitter_handle::text, (count(*) OVER ())::integer
  FROM studio_crm_creator c
 WHERE lower(c.brand_name || chr(31) || c.creator_name || chr(31) || c.creator_email || chr(31) ||
             coalesce(c.instagram_handle, '') || chr(31) || coalesce(c.tiktok_handle, '') || chr(31) || coalesce(c.twitter_handle, ''))
       LIKE '%' || lower(replace(replace(replace($1, '\', '\\'), '%', '\%'), '_', '\_')) || '%'
 ORDER BY c.is_active DESC, lower(c.brand_name), c.id
 LIMIT $2
$$;

-- The app role runs it through PUBLIC's EXECUTE (a function's default) as SECURITY INVOKER:
-- it reads only what the role may already SELECT.
