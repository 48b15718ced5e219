-- Where to answer later: the message, slash command or App Home a person acted from when the
-- bot opened a form (key 'view:<view id>') or decided a reveal request from an ephemeral list
-- ('approval:<request id>'). Kept server-side because a form's private_metadata comes back in
-- the submission and can be forged. Only the person who acted (slack_user_id) is answered
-- there. response_url is a bearer credential (whoever holds it can post as the bot for 30
-- minutes): it is stored Fernet-encrypted, like the reveal deletion job's. Rows expire with the
-- URL and are pruned by the housekeeping schedule.
CREATE TABLE IF NOT EXISTS "wl_answer_place" (
    "key" VARCHAR(120) NOT NULL,
    "slack_user_id" VARCHAR(32) NOT NULL,
    "kind" VARCHAR(12) NOT NULL,
    -- What the message there shows ('card', 'milestones', 'credentials'), so the answer redraws it.
    "shows" VARCHAR(40),
    "response_url" TEXT,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "wl_answer_place_pkey" PRIMARY KEY ("key"),
    CONSTRAINT "wl_answer_place_kind_check" CHECK ("kind" IN ('message', 'command', 'home'))
);
CREATE INDEX IF NOT EXISTS "wl_answer_place_expires_at_idx" ON "wl_answer_place"("expires_at");
