-- The requester may cancel a pending reveal request (issue 18 part 3): a new final status.
ALTER TABLE wl_reveal_request DROP CONSTRAINT wl_reveal_request_status_check;
ALTER TABLE wl_reveal_request ADD CONSTRAINT wl_reveal_request_status_check
  CHECK (status IN ('PENDING','APPROVED','DENIED','REVEALED','EXPIRED','CANCELLED'));
