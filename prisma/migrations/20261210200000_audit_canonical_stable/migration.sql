-- wl_audit_canonical() is declared STABLE instead of IMMUTABLE, so the chain trigger's call is
-- inlined into its expression instead of run as a SQL function on every audit row.
--
-- Postgres inlines a one-SELECT SQL function only when its body is no more volatile than the
-- function says it is. The body calls to_char(), which is STABLE (it reads locale settings), so
-- as IMMUTABLE the function was never inlined: each audit row paid for starting and stopping an
-- executor for it, about a third of the trigger's time. STABLE is what the body is. The text it
-- returns, and so every row's hash, is the same; nothing indexes it, which is the one place
-- IMMUTABLE would be needed.
ALTER FUNCTION wl_audit_canonical(studio_crm_auditlog) STABLE;
