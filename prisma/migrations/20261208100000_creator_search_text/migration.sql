-- The trigram index that answers `/wl find` and `/wl show` moves off studio_crm_creator, onto a
-- table of its own holding each creator's search text.
--
-- Why: every write of a creator row that is not a HOT update (and a nightly score change never
-- is: health_score is in four of the table's indexes, three of them Django's) also inserted the
-- row's fifty-odd trigrams into the GIN index. Measured on the 100,000-creator benchmark
-- (64,000 scores moved): 1.1 s of Postgres CPU and 0.6 s of the run's 5.5 s went to that index,
-- for text that had not changed. Here the text is written only when it changes.
--
-- The text is kept by triggers, so rows the Django app writes are found at once, as before: an
-- insert or delete of a creator, an update of a searched column, and a TRUNCATE (Django's test
-- flush) all reach it in the same transaction. No foreign key, so a TRUNCATE of the creators by
-- a Django that does not know this table is not refused; the TRUNCATE trigger empties it too.
-- The triggers run with their owner's rights (the bot's role may only read the table, see
-- APP_ROLE_LIMITS in src/audit/app-role.ts, and Django's role may have no rights on it at all).
CREATE TABLE IF NOT EXISTS wl_creator_search_text (
  creator_id uuid PRIMARY KEY,
  -- brand, name, email and handles, lower-cased, joined with U+001F so a match cannot span two.
  search text NOT NULL
);

CREATE OR REPLACE FUNCTION wl_creator_search_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    TRUNCATE wl_creator_search_text;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM wl_creator_search_text WHERE creator_id = OLD.id AND (TG_OP = 'DELETE' OR OLD.id <> NEW.id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO wl_creator_search_text (creator_id, search)
    VALUES (NEW.id, lower(NEW.brand_name || chr(31) || NEW.creator_name || chr(31) || NEW.creator_email || chr(31) ||
                          coalesce(NEW.instagram_handle, '') || chr(31) || coalesce(NEW.tiktok_handle, '') || chr(31) ||
                          coalesce(NEW.twitter_handle, '')))
    ON CONFLICT (creator_id) DO UPDATE SET search = EXCLUDED.search
      WHERE wl_creator_search_text.search IS DISTINCT FROM EXCLUDED.search;
  END IF;
  RETURN NULL;
END;
$$;

-- SECURITY DEFINER needs a fixed search_path (see 20261204600000_audit_chain_definer).
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION wl_creator_search_sync() SET search_path = %I, pg_temp', current_schema());
END $$;
REVOKE ALL ON FUNCTION wl_creator_search_sync() FROM PUBLIC;

DROP TRIGGER IF EXISTS wl_creator_search_insert ON studio_crm_creator;
CREATE TRIGGER wl_creator_search_insert AFTER INSERT ON studio_crm_creator
  FOR EACH ROW EXECUTE FUNCTION wl_creator_search_sync();
-- Only when a searched column really changed: a score, status or notes update calls nothing.
DROP TRIGGER IF EXISTS wl_creator_search_update ON studio_crm_creator;
CREATE TRIGGER wl_creator_search_update
  AFTER UPDATE OF id, brand_name, creator_name, creator_email, instagram_handle, tiktok_handle, twitter_handle ON studio_crm_creator
  FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.brand_name IS DISTINCT FROM NEW.brand_name
        OR OLD.creator_name IS DISTINCT FROM NEW.creator_name OR OLD.creator_email IS DISTINCT FROM NEW.creator_email
        OR OLD.instagram_handle IS DISTINCT FROM NEW.instagram_handle OR OLD.tiktok_handle IS DISTINCT FROM NEW.tiktok_handle
        OR OLD.twitter_handle IS DISTINCT FROM NEW.twitter_handle)
  EXECUTE FUNCTION wl_creator_search_sync();
DROP TRIGGER IF EXISTS wl_creator_search_delete ON studio_crm_creator;
CREATE TRIGGER wl_creator_search_delete AFTER DELETE ON studio_crm_creator
  FOR EACH ROW EXECUTE FUNCTION wl_creator_search_sync();
DROP TRIGGER IF EXISTS wl_creator_search_truncate ON studio_crm_creator;
CREATE TRIGGER wl_creator_search_truncate AFTER TRUNCATE ON studio_crm_creator
  FOR EACH STATEMENT EXECUTE FUNCTION wl_creator_search_sync();

-- The creators already there (the triggers above hold the table against writers until commit).
INSERT INTO wl_creator_search_text (creator_id, search)
SELECT id, lower(brand_name || chr(31) || creator_name || chr(31) || creator_email || chr(31) ||
                 coalesce(instagram_handle, '') || chr(31) || coalesce(tiktok_handle, '') || chr(31) || coalesce(twitter_handle, ''))
  FROM studio_crm_creator
ON CONFLICT (creator_id) DO NOTHING;

-- A new creator's trigrams go to the index's pending list (an insert into the GIN tree itself cost
-- 0.2-0.3 ms more per creator), but the list is kept small: every search reads all of it, and at
-- the default 4 MB it read 358 pages a search and doubled `/wl show`'s time. At 64 kB (8 pages)
-- a search measured the same with the list full or flushed (0.42-0.57 ms at 10,000 creators).
CREATE INDEX IF NOT EXISTS wl_creator_search_text_trgm_idx ON wl_creator_search_text USING gin (search gin_trgm_ops)
  WITH (fastupdate = on, gin_pending_list_limit = 64);

-- The search (20261205100000), now through the new index. The matching ids come first, from a
-- bitmap scan of wl_creator_search_text_trgm_idx (sequential and plain index scans are off, so
-- no other plan is left whatever the planner estimates); the creators are then read by id with
-- one bitmap scan of the primary key. Measured at 10,000 creators against the old function:
-- an exact `/wl show` 0.6 ms either way, a few matches 0.35 ms either way, 1,400 matches 3.7-6.7
-- vs 5.8-6.7 ms. Same arguments, same rows, same order.
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
 WHERE c.id = ANY (ARRAY(
         SELECT s.creator_id FROM wl_creator_search_text s
          WHERE s.search LIKE '%' || lower(replace(replace(replace($1, '\', '\\'), '%', '\%'), '_', '\_')) || '%'))
 ORDER BY c.is_active DESC, lower(c.brand_name), c.id
 LIMIT $2
$$;

DROP INDEX IF EXISTS studio_crm_creator_search_trgm_idx;
