-- Indexes for the two hot reads (expression indexes: schema.prisma cannot describe them).

-- `/wl find`: a substring match over brand, name, email and handles was a sequential scan of
-- six ILIKEs per row (~15 ms at 10,000 creators). A trigram index over one lower-cased search
-- text answers it from the index. Fields are joined with U+001F so a match cannot span two.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS "studio_crm_creator_search_trgm_idx" ON "studio_crm_creator" USING gin (
  (lower(brand_name || chr(31) || creator_name || chr(31) || creator_email || chr(31) ||
         coalesce(instagram_handle, '') || chr(31) || coalesce(tiktok_handle, '') || chr(31) || coalesce(twitter_handle, ''))) gin_trgm_ops
);

-- `/wl list`: most urgent first (RED, YELLOW, GREEN, then priority, then oldest status change)
-- straight from an index, instead of sorting every active creator on each page.
CREATE INDEX IF NOT EXISTS "studio_crm_creator_urgency_idx" ON "studio_crm_creator" (
  (CASE health_score WHEN 'RED' THEN 0 WHEN 'YELLOW' THEN 1 ELSE 2 END), priority_level, last_status_change, id
) WHERE is_active;

