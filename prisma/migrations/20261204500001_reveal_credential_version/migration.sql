-- An approval is for one version of a credential (issue 14, item 1).
--
-- wl_credential_version() fingerprints what a reveal shows: the platform, the account and the
-- four secret columns AS STORED (Fernet tokens). It never needs a key and reveals nothing about
-- a secret (a hash of ciphertext). A request records the version it was made for; approving
-- and claiming are conditional UPDATEs that also require the credential to still have that
-- version, so a secret, account or platform changed in between (by the bot, by Django, by
-- hand) is never revealed under an old approval. Notes and dates are not part of it.
-- Django re-encrypts every secret on each save (new Fernet tokens), so any Django save of a
-- credential ends its open approvals too: fail closed, the requester asks again.
CREATE OR REPLACE FUNCTION wl_credential_version(
  platform_name text, account_identifier text, login_url text, password text, two_factor_backup_codes text, api_keys text
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(ROW($1, $2, $3, $4, $5, $6)::text, 'UTF8')), 'hex')
$$;

ALTER TABLE wl_reveal_request
  ADD COLUMN credential_version varchar(64),
  -- Why an open request was ended early (status EXPIRED): credential_changed,
  -- credential_deactivated; NULL when its time ran out.
  ADD COLUMN end_reason varchar(24);

-- Requests open at deploy time keep working: they are taken to be for the current version.
UPDATE wl_reveal_request r
   SET credential_version = wl_credential_version(c.platform_name, c.account_identifier, c.login_url, c.password, c.two_factor_backup_codes, c.api_keys)
  FROM studio_crm_creatorcredential c
 WHERE c.id = r.credential_id;
