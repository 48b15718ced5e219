-- "Snooze 3 days" on a digest row: the creator stays out of digests until `until` (the digest
-- of that day shows it again). The seed's next_follow_up_date is not touched: a snooze is the
-- bot's own note, and it must never move a date the studio set. One row per creator; a second
-- snooze only ever extends it. No foreign key: a row of a deleted creator is inert (digests
-- read only existing creators) and is deleted once it has expired.
CREATE TABLE IF NOT EXISTS "wl_creator_snooze" (
    "creator_id" UUID NOT NULL,
    "until" DATE NOT NULL,
    "snoozed_by" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "wl_creator_snooze_pkey" PRIMARY KEY ("creator_id")
);
CREATE INDEX IF NOT EXISTS "wl_creator_snooze_until_idx" ON "wl_creator_snooze"("until");
