-- "Log to creator" (a message shortcut): the Slack message becomes a contact note on a creator.
-- The seed has no contact-log table (only the free-text communication_notes), so the notes are
-- the bot's own rows. A note goes with its creator (ON DELETE CASCADE, also for Django's deletes).
CREATE TABLE IF NOT EXISTS "wl_contact_note" (
    "id" UUID NOT NULL,
    "creator_id" UUID NOT NULL,
    "slack_user_id" VARCHAR(32) NOT NULL,
    "user_id" INTEGER,
    "channel_id" VARCHAR(32) NOT NULL,
    "message_ts" VARCHAR(32) NOT NULL,
    "permalink" VARCHAR(500) NOT NULL,
    "message_text" TEXT NOT NULL,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "wl_contact_note_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "wl_contact_note_creator_id_created_at_idx" ON "wl_contact_note"("creator_id", "created_at");
ALTER TABLE "wl_contact_note" ADD CONSTRAINT "wl_contact_note_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "studio_crm_creator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The message a "Log to creator" modal is about, between the shortcut and the submit. It lives
-- here, keyed by the modal's view id and its owner, because private_metadata comes back from
-- the client and can be forged. The submit consumes the row (one DELETE ... RETURNING), so a
-- form submitted twice logs once. Drafts of modals that were never submitted are pruned when
-- the next one is stored.
CREATE TABLE IF NOT EXISTS "wl_contact_draft" (
    "view_id" VARCHAR(32) NOT NULL,
    "slack_user_id" VARCHAR(32) NOT NULL,
    "channel_id" VARCHAR(32) NOT NULL,
    "message_ts" VARCHAR(32) NOT NULL,
    "permalink" VARCHAR(500) NOT NULL,
    "message_text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "wl_contact_draft_pkey" PRIMARY KEY ("view_id")
);
CREATE INDEX IF NOT EXISTS "wl_contact_draft_created_at_idx" ON "wl_contact_draft"("created_at");
