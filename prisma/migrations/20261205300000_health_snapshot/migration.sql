-- One row per tracked creator per day: the health status the day ended up with, written by the
-- nightly recompute (and, when that has not run yet, by the first digest of the day). The
-- digest's "new RED / recovered since yesterday" and the 14-day trend read it. First write of
-- a day wins (INSERT ... ON CONFLICT DO NOTHING); rows older than 35 days are deleted by the
-- writer. No foreign key: a deleted creator's past days still count in the trend.
CREATE TABLE IF NOT EXISTS "wl_health_snapshot" (
    "day" DATE NOT NULL,
    "creator_id" UUID NOT NULL,
    "status" VARCHAR(6) NOT NULL,
    CONSTRAINT "wl_health_snapshot_pkey" PRIMARY KEY ("day", "creator_id"),
    CONSTRAINT "wl_health_snapshot_status_check" CHECK ("status" IN ('RED', 'YELLOW', 'GREEN'))
);
