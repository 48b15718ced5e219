-- wl_slack_event only has to remember an event for as long as Slack may redeliver it (minutes);
-- a scheduled job deletes rows older than an hour, oldest first, in batches. This index keeps
-- each batch an index range scan however large the table grew before pruning existed.
CREATE INDEX IF NOT EXISTS "wl_slack_event_received_at_idx" ON "wl_slack_event" ("received_at");
