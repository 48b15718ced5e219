-- A pending reveal request reminds its approvers once (issue 18 part 3): the reminder job sets
-- reminded_at with one conditional UPDATE (still PENDING, not expired, not yet reminded), so of
-- two workers running it at once only the one whose write matched sends the reminder.
-- The app role's grants are table-level (src/audit/app-role.ts), so they cover the new column.
ALTER TABLE wl_reveal_request ADD COLUMN reminded_at timestamptz;
