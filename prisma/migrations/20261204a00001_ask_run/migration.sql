-- One row per `/wl ask` being answered. The bot posts "Thinking…" and promises an answer that
-- can take a minute; if the process dies first (a crash, a deploy), any replica's sweep finds
-- the row still RUNNING past the deadline and tells the asker once (the UPDATE that claims it
-- is the once-only write). The row also bounds how many questions one person has in flight.
-- Finished rows are deleted by the same sweep after a day; the audit log is the record.
CREATE TABLE IF NOT EXISTS "wl_ask_run" (
    "id" UUID NOT NULL,
    "slack_user_id" VARCHAR(32) NOT NULL,
    "question" VARCHAR(500) NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL,
    "finished_at" TIMESTAMPTZ(6),
    CONSTRAINT "wl_ask_run_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "wl_ask_run_status_check" CHECK ("status" IN ('RUNNING', 'DONE', 'INTERRUPTED'))
);
CREATE INDEX IF NOT EXISTS "wl_ask_run_status_started_at_idx" ON "wl_ask_run"("status", "started_at");
CREATE INDEX IF NOT EXISTS "wl_ask_run_slack_user_id_status_idx" ON "wl_ask_run"("slack_user_id", "status");
