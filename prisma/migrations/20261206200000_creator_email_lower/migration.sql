-- The duplicate-email check of every new creator and every email edit compares
-- lower(creator_email) (emails are unique whatever their case): without an index on that
-- expression it read the whole table (10,000 rows per New creator in the benchmark). Not
-- UNIQUE: a Django database may already hold two spellings of one address, and the bot's
-- check, not the index, is what refuses a new one. An expression index, so it lives here only
-- (Prisma's schema cannot describe it; the drift test leaves expression indexes alone).
CREATE INDEX IF NOT EXISTS studio_crm_creator_email_lower_idx ON studio_crm_creator (lower(creator_email));
