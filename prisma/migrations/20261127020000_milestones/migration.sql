-- Milestones and the health score.
-- The health recompute counts each creator's open, overdue milestones: with is_completed in the
-- key that is an index-only scan (no heap visits), which keeps the nightly run over 100,000
-- creators x 10 milestones to a fraction of a second of reads.
CREATE INDEX IF NOT EXISTS "studio_crm_milestone_creator_id_is_completed_target_date_idx" ON "studio_crm_milestone"("creator_id", "is_completed", "target_date");
