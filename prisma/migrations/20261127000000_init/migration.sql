-- The seed's tables (Django "Wavelaunch Studio OS", studio_crm 0001_initial) and the bot's own.
-- IF NOT EXISTS throughout: the bot may be pointed at the Django app's existing database.

-- Django's auth_user, only where absent.
CREATE TABLE IF NOT EXISTS "auth_user" (
    "id" SERIAL NOT NULL,
    "password" VARCHAR(128) NOT NULL,
    "last_login" TIMESTAMPTZ(6),
    "is_superuser" BOOLEAN NOT NULL,
    "username" VARCHAR(150) NOT NULL,
    "first_name" VARCHAR(150) NOT NULL,
    "last_name" VARCHAR(150) NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "is_staff" BOOLEAN NOT NULL,
    "is_active" BOOLEAN NOT NULL,
    "date_joined" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "auth_user_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "auth_user_username_key" ON "auth_user"("username");

CREATE TABLE IF NOT EXISTS "studio_crm_creator" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" INTEGER,
    "last_updated_by_id" INTEGER,
    "creator_name" VARCHAR(200) NOT NULL,
    "creator_email" VARCHAR(254) NOT NULL,
    "creator_phone" VARCHAR(20),
    "creator_location" VARCHAR(200),
    "creator_timezone" VARCHAR(50) NOT NULL DEFAULT 'UTC',
    "creator_avatar" VARCHAR(100),
    "brand_name" VARCHAR(200) NOT NULL,
    "brand_tagline" VARCHAR(500),
    "brand_niche" VARCHAR(200) NOT NULL,
    "brand_logo" VARCHAR(100),
    "brand_website" VARCHAR(200),
    "brand_description" TEXT,
    "journey_status" VARCHAR(20) NOT NULL,
    "health_score" VARCHAR(10) NOT NULL,
    "last_status_change" TIMESTAMPTZ(6) NOT NULL,
    "priority_level" INTEGER NOT NULL DEFAULT 3,
    "instagram_handle" VARCHAR(100),
    "youtube_channel" VARCHAR(200),
    "tiktok_handle" VARCHAR(100),
    "twitter_handle" VARCHAR(100),
    "linkedin_profile" VARCHAR(200),
    "other_social_links" JSONB NOT NULL DEFAULT '{}',
    "primary_communication_channel" VARCHAR(50) NOT NULL DEFAULT 'Email',
    "last_contacted_date" DATE,
    "next_follow_up_date" DATE,
    "communication_notes" TEXT,
    "custom_fields" JSONB NOT NULL DEFAULT '{}',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "internal_notes" TEXT,
    "tags" JSONB NOT NULL DEFAULT '[]',
    CONSTRAINT "studio_crm_creator_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "studio_crm_creator_journey_status_check" CHECK ("journey_status" IN ('ONBOARDING','BRAND_BUILDING','LAUNCH','LIVE','PAUSED','CLOSED')),
    CONSTRAINT "studio_crm_creator_health_score_check" CHECK ("health_score" IN ('GREEN','YELLOW','RED')),
    CONSTRAINT "studio_crm_creator_priority_level_check" CHECK ("priority_level" BETWEEN 1 AND 5),
    CONSTRAINT "studio_crm_creator_tags_check" CHECK (jsonb_typeof("tags") = 'array'),
    CONSTRAINT "studio_crm_creator_custom_fields_check" CHECK (jsonb_typeof("custom_fields") = 'object'),
    CONSTRAINT "studio_crm_creator_other_social_links_check" CHECK (jsonb_typeof("other_social_links") = 'object')
);
CREATE UNIQUE INDEX IF NOT EXISTS "studio_crm_creator_creator_email_key" ON "studio_crm_creator"("creator_email");
CREATE INDEX IF NOT EXISTS "studio_crm_creator_journey_status_health_score_idx" ON "studio_crm_creator"("journey_status", "health_score");
CREATE INDEX IF NOT EXISTS "studio_crm_creator_brand_name_idx" ON "studio_crm_creator"("brand_name");
CREATE INDEX IF NOT EXISTS "studio_crm_creator_last_status_change_idx" ON "studio_crm_creator"("last_status_change" DESC);
CREATE INDEX IF NOT EXISTS "studio_crm_creator_health_score_last_status_change_idx" ON "studio_crm_creator"("health_score", "last_status_change");
CREATE INDEX IF NOT EXISTS "studio_crm_creator_journey_status_idx" ON "studio_crm_creator"("journey_status");
CREATE INDEX IF NOT EXISTS "studio_crm_creator_health_score_idx" ON "studio_crm_creator"("health_score");

CREATE TABLE IF NOT EXISTS "studio_crm_creatorcredential" (
    "id" UUID NOT NULL,
    "creator_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" INTEGER,
    "platform_name" VARCHAR(100) NOT NULL,
    "account_identifier" VARCHAR(200) NOT NULL,
    "login_url" TEXT,
    "password" TEXT,
    "two_factor_backup_codes" TEXT,
    "api_keys" TEXT,
    "notes" TEXT,
    "last_verified_date" DATE,
    "expires_on" DATE,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    CONSTRAINT "studio_crm_creatorcredential_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "studio_crm_creatorcredential_creator_id_platform_name_acco_key" ON "studio_crm_creatorcredential"("creator_id", "platform_name", "account_identifier");
CREATE INDEX IF NOT EXISTS "studio_crm_creatorcredential_creator_id_idx" ON "studio_crm_creatorcredential"("creator_id");

CREATE TABLE IF NOT EXISTS "studio_crm_milestone" (
    "id" UUID NOT NULL,
    "creator_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "title" VARCHAR(200) NOT NULL,
    "description" TEXT,
    "target_date" DATE,
    "completed_date" DATE,
    "is_completed" BOOLEAN NOT NULL DEFAULT false,
    "related_journey_stage" VARCHAR(20) NOT NULL,
    CONSTRAINT "studio_crm_milestone_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "studio_crm_milestone_related_journey_stage_check" CHECK ("related_journey_stage" IN ('ONBOARDING','BRAND_BUILDING','LAUNCH','LIVE','PAUSED','CLOSED'))
);
CREATE INDEX IF NOT EXISTS "studio_crm_milestone_creator_id_target_date_idx" ON "studio_crm_milestone"("creator_id", "target_date");

CREATE TABLE IF NOT EXISTS "studio_crm_auditlog" (
    "id" UUID NOT NULL,
    "timestamp" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_id" INTEGER,
    "user_email" VARCHAR(254) NOT NULL,
    "ip_address" INET,
    "action_type" VARCHAR(50) NOT NULL,
    "target_model" VARCHAR(50) NOT NULL,
    "target_id" UUID NOT NULL,
    "target_display" VARCHAR(200) NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '{}',
    "notes" TEXT,
    CONSTRAINT "studio_crm_auditlog_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "studio_crm_auditlog_action_type_check" CHECK ("action_type" IN ('CREATE','UPDATE','DELETE','VIEW'))
);
CREATE INDEX IF NOT EXISTS "studio_crm_auditlog_timestamp_action_type_idx" ON "studio_crm_auditlog"("timestamp" DESC, "action_type");
CREATE INDEX IF NOT EXISTS "studio_crm_auditlog_user_id_timestamp_idx" ON "studio_crm_auditlog"("user_id", "timestamp" DESC);
CREATE INDEX IF NOT EXISTS "studio_crm_auditlog_timestamp_idx" ON "studio_crm_auditlog"("timestamp");
CREATE INDEX IF NOT EXISTS "studio_crm_auditlog_action_type_idx" ON "studio_crm_auditlog"("action_type");
CREATE INDEX IF NOT EXISTS "studio_crm_auditlog_target_id_timestamp_idx" ON "studio_crm_auditlog"("target_id", "timestamp" DESC);

CREATE TABLE IF NOT EXISTS "studio_crm_aideliverable" (
    "id" UUID NOT NULL,
    "creator_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" INTEGER,
    "deliverable_type" VARCHAR(100) NOT NULL,
    "prompt_used" TEXT NOT NULL,
    "context_data" JSONB NOT NULL,
    "ai_model" VARCHAR(50) NOT NULL DEFAULT 'claude-3-5-sonnet',
    "generated_content" TEXT NOT NULL,
    "file_url" VARCHAR(200),
    "status" VARCHAR(20) NOT NULL,
    "error_message" TEXT,
    CONSTRAINT "studio_crm_aideliverable_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "studio_crm_aideliverable_status_check" CHECK ("status" IN ('PENDING','GENERATING','COMPLETED','FAILED'))
);
CREATE INDEX IF NOT EXISTS "studio_crm_aideliverable_creator_id_idx" ON "studio_crm_aideliverable"("creator_id");
CREATE INDEX IF NOT EXISTS "studio_crm_aideliverable_status_created_at_idx" ON "studio_crm_aideliverable"("status", "created_at");

-- Who in Slack acted; nullable so rows the Django app writes stay valid.
ALTER TABLE "studio_crm_auditlog" ADD COLUMN IF NOT EXISTS "slack_user_id" VARCHAR(32);
ALTER TABLE "studio_crm_auditlog" ADD COLUMN IF NOT EXISTS "slack_team_id" VARCHAR(32);

-- The bot's own tables.
CREATE TABLE "wl_slack_user" (
    "slack_user_id" VARCHAR(32) NOT NULL,
    "slack_team_id" VARCHAR(32) NOT NULL,
    "user_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "wl_slack_user_pkey" PRIMARY KEY ("slack_user_id")
);
CREATE UNIQUE INDEX "wl_slack_user_user_id_key" ON "wl_slack_user"("user_id");

CREATE TABLE "wl_user_role" (
    "user_id" INTEGER NOT NULL,
    "role" VARCHAR(10) NOT NULL,
    "granted_by_id" INTEGER,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "wl_user_role_pkey" PRIMARY KEY ("user_id"),
    CONSTRAINT "wl_user_role_role_check" CHECK ("role" IN ('staff','manager','admin'))
);

CREATE TABLE "wl_reveal_request" (
    "id" UUID NOT NULL,
    "credential_id" UUID NOT NULL,
    "requester_id" INTEGER NOT NULL,
    "requester_slack_id" VARCHAR(32) NOT NULL,
    "reason" VARCHAR(500) NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" INTEGER,
    "decided_at" TIMESTAMPTZ(6),
    "expires_at" TIMESTAMPTZ(6),
    "revealed_at" TIMESTAMPTZ(6),
    "approval_messages" JSONB NOT NULL DEFAULT '[]',
    CONSTRAINT "wl_reveal_request_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "wl_reveal_request_status_check" CHECK ("status" IN ('PENDING','APPROVED','DENIED','REVEALED','EXPIRED'))
);
CREATE INDEX "wl_reveal_request_status_created_at_idx" ON "wl_reveal_request"("status", "created_at");
CREATE INDEX "wl_reveal_request_requester_id_status_idx" ON "wl_reveal_request"("requester_id", "status");

CREATE TABLE "wl_job_run" (
    "id" UUID NOT NULL,
    "job" VARCHAR(40) NOT NULL,
    "run_key" VARCHAR(40) NOT NULL,
    "destination" VARCHAR(64) NOT NULL DEFAULT '',
    "status" VARCHAR(12) NOT NULL,
    "claimed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    CONSTRAINT "wl_job_run_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "wl_job_run_job_run_key_destination_key" ON "wl_job_run"("job", "run_key", "destination");
CREATE INDEX "wl_job_run_job_status_idx" ON "wl_job_run"("job", "status");

CREATE TABLE "wl_slack_event" (
    "event_id" VARCHAR(64) NOT NULL,
    "received_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "wl_slack_event_pkey" PRIMARY KEY ("event_id")
);

-- Foreign keys (guarded: on Django's database they may already exist under Django's names).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'studio_crm_creator'::regclass AND contype = 'f') THEN
    ALTER TABLE "studio_crm_creator" ADD CONSTRAINT "studio_crm_creator_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "auth_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    ALTER TABLE "studio_crm_creator" ADD CONSTRAINT "studio_crm_creator_last_updated_by_id_fkey" FOREIGN KEY ("last_updated_by_id") REFERENCES "auth_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'studio_crm_creatorcredential'::regclass AND contype = 'f') THEN
    ALTER TABLE "studio_crm_creatorcredential" ADD CONSTRAINT "studio_crm_creatorcredential_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "studio_crm_creator"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    ALTER TABLE "studio_crm_creatorcredential" ADD CONSTRAINT "studio_crm_creatorcredential_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "auth_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'studio_crm_milestone'::regclass AND contype = 'f') THEN
    ALTER TABLE "studio_crm_milestone" ADD CONSTRAINT "studio_crm_milestone_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "studio_crm_creator"("id") ON DELETE CASCADE ON UPDATE CASCADE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'studio_crm_auditlog'::regclass AND contype = 'f') THEN
    ALTER TABLE "studio_crm_auditlog" ADD CONSTRAINT "studio_crm_auditlog_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'studio_crm_aideliverable'::regclass AND contype = 'f') THEN
    ALTER TABLE "studio_crm_aideliverable" ADD CONSTRAINT "studio_crm_aideliverable_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "studio_crm_creator"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    ALTER TABLE "studio_crm_aideliverable" ADD CONSTRAINT "studio_crm_aideliverable_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "auth_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
  END IF;
END $$;

ALTER TABLE "wl_slack_user" ADD CONSTRAINT "wl_slack_user_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "wl_user_role" ADD CONSTRAINT "wl_user_role_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "wl_reveal_request" ADD CONSTRAINT "wl_reveal_request_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "studio_crm_creatorcredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "wl_reveal_request" ADD CONSTRAINT "wl_reveal_request_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "auth_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "wl_reveal_request" ADD CONSTRAINT "wl_reveal_request_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "auth_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- History is append-only: nobody, the app included, edits or removes audit rows.
CREATE OR REPLACE FUNCTION wl_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'studio_crm_auditlog is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS wl_auditlog_no_update_delete ON "studio_crm_auditlog";
CREATE TRIGGER wl_auditlog_no_update_delete BEFORE UPDATE OR DELETE ON "studio_crm_auditlog"
  FOR EACH ROW EXECUTE FUNCTION wl_auditlog_refuse_change();
DROP TRIGGER IF EXISTS wl_auditlog_no_truncate ON "studio_crm_auditlog";
CREATE TRIGGER wl_auditlog_no_truncate BEFORE TRUNCATE ON "studio_crm_auditlog"
  FOR EACH STATEMENT EXECUTE FUNCTION wl_auditlog_refuse_change();
