-- Personal digests (issue 18 part 2). A manager's own digest schedule: a local time in their
-- time zone, the scope (every creator, or only those they follow) and an opt-out. A manager
-- with no row keeps getting the channel digest's DM at DIGEST_CRON; a row moves them onto
-- their own schedule (or off it, enabled = false). Time zones are checked with Intl on save.
CREATE TABLE IF NOT EXISTS "wl_digest_subscription" (
    "user_id" INTEGER NOT NULL,
    -- What audit rows about the settings point at (target_id is a UUID); set by the bot.
    "id" UUID NOT NULL,
    "time" VARCHAR(5) NOT NULL,
    "tz" VARCHAR(64) NOT NULL,
    "scope" VARCHAR(10) NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "wl_digest_subscription_pkey" PRIMARY KEY ("user_id"),
    CONSTRAINT "wl_digest_subscription_time_check" CHECK ("time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    CONSTRAINT "wl_digest_subscription_scope_check" CHECK ("scope" IN ('all', 'followed')),
    CONSTRAINT "wl_digest_subscription_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_user"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX IF NOT EXISTS "wl_digest_subscription_id_key" ON "wl_digest_subscription"("id");

-- Who follows which creator (the Follow button on the card). The primary key makes a double
-- click one row; a deleted creator or user takes their follows with them.
CREATE TABLE IF NOT EXISTS "wl_creator_follow" (
    "user_id" INTEGER NOT NULL,
    "creator_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "wl_creator_follow_pkey" PRIMARY KEY ("user_id", "creator_id"),
    CONSTRAINT "wl_creator_follow_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth_user"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "wl_creator_follow_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "studio_crm_creator"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "wl_creator_follow_creator_id_idx" ON "wl_creator_follow"("creator_id");
