-- The job queue: durable one-off work (reveal deletions, deliverable generation, digest parts,
-- approval expiry notices, scheduled firings) that any replica can run, stored before it is
-- promised. A claim carries an owner (one per process), a lease (a fencing token) and a
-- heartbeat; a running job whose heartbeat went stale is taken over by any replica.
CREATE TABLE "wl_job" (
    "id" UUID NOT NULL,
    "kind" VARCHAR(60) NOT NULL,
    -- Never a secret in clear: a bearer credential a job needs (a response_url) is Fernet-encrypted.
    "payload" JSONB NOT NULL,
    -- Where a resumable job got to (digest parts posted), written under the lease.
    "progress" JSONB,
    "status" VARCHAR(12) NOT NULL,
    "run_at" TIMESTAMPTZ(6) NOT NULL,
    -- After this the job is not retried any more (a response_url lives 30 minutes).
    "deadline_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL,
    "max_attempts" INTEGER NOT NULL,
    "owner" VARCHAR(100),
    "lease" UUID,
    "heartbeat_at" TIMESTAMPTZ(6),
    "enqueued_by" VARCHAR(100),
    "dedupe_key" VARCHAR(200),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "finished_at" TIMESTAMPTZ(6),
    CONSTRAINT "wl_job_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "wl_job_status_check" CHECK ("status" IN ('queued','running','done','dead','cancelled')),
    CONSTRAINT "wl_job_attempts_check" CHECK ("attempts" >= 0 AND "max_attempts" >= 1)
);
-- Once across replicas: a second enqueue of the same (kind, dedupe_key) is a no-op. NULL keys
-- never conflict (jobs that need no dedupe).
CREATE UNIQUE INDEX "wl_job_kind_dedupe_key_key" ON "wl_job"("kind", "dedupe_key");
-- The claim: due queued jobs and stale running ones of a kind, oldest first.
CREATE INDEX "wl_job_kind_status_run_at_idx" ON "wl_job"("kind", "status", "run_at");
