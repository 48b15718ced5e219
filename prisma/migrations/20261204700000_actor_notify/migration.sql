-- Every replica caches resolved Slack callers briefly. Any change that can alter who a caller
-- is or what role they hold (roles, Slack links, users; from the bot or from Django) NOTIFYs
-- wl_actor_changed, delivered at commit to every listening replica, which then forgets its
-- cache: a role change takes effect everywhere at once, never a TTL later.
CREATE OR REPLACE FUNCTION wl_notify_actor_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wl_actor_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS wl_user_role_actor_changed ON wl_user_role;
CREATE TRIGGER wl_user_role_actor_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON wl_user_role
  FOR EACH STATEMENT EXECUTE FUNCTION wl_notify_actor_changed();

DROP TRIGGER IF EXISTS wl_slack_user_actor_changed ON wl_slack_user;
CREATE TRIGGER wl_slack_user_actor_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON wl_slack_user
  FOR EACH STATEMENT EXECUTE FUNCTION wl_notify_actor_changed();

-- auth_user may be Django's table: only the columns an actor is built from (a login's
-- last_login update does not flush every replica's cache).
DROP TRIGGER IF EXISTS auth_user_actor_changed ON auth_user;
CREATE TRIGGER auth_user_actor_changed AFTER INSERT OR DELETE OR UPDATE OF email, username, first_name ON auth_user
  FOR EACH STATEMENT EXECUTE FUNCTION wl_notify_actor_changed();
DROP TRIGGER IF EXISTS auth_user_actor_truncated ON auth_user;
CREATE TRIGGER auth_user_actor_truncated AFTER TRUNCATE ON auth_user
  FOR EACH STATEMENT EXECUTE FUNCTION wl_notify_actor_changed();
