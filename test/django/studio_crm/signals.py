"""Audit logging through signals, as the seed describes (studio_crm/signals.py): pre_save keeps
the original values, post_save logs CREATE/UPDATE, post_delete logs DELETE. The acting user and
IP come from the request in the real app; here `acting_as` sets them."""
import contextlib
import contextvars

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import AIDeliverable, AuditLog, Creator, CreatorCredential, Milestone

_actor = contextvars.ContextVar("studio_crm_actor", default=(None, None))
AUDITED = (Creator, CreatorCredential, Milestone, AIDeliverable)
SECRET_FIELDS = {"login_url", "password", "two_factor_backup_codes", "api_keys"}


@contextlib.contextmanager
def acting_as(user, ip=None):
    token = _actor.set((user, ip))
    try:
        yield
    finally:
        _actor.reset(token)


def _values(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _json(v):
    return v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)


def _log(action, instance, changes):
    user, ip = _actor.get()
    AuditLog.objects.create(
        user=user,
        user_email=getattr(user, "email", "") or "system@studio",
        ip_address=ip,
        action_type=action,
        target_model=type(instance).__name__,
        target_id=instance.pk,
        target_display=str(instance)[:200],
        changes=changes,
    )


@receiver(pre_save)
def remember_original(sender, instance, **kwargs):
    if sender in AUDITED and instance.pk and not instance._state.adding:
        before = sender.objects.filter(pk=instance.pk).first()
        instance._audit_before = _values(before) if before else None


@receiver(post_save)
def log_save(sender, instance, created, **kwargs):
    if sender not in AUDITED:
        return
    after = _values(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _log("CREATE", instance, {k: ("[encrypted]" if k in SECRET_FIELDS and v else _json(v)) for k, v in after.items()})
        return
    changes = {}
    for k, v in after.items():
        if before.get(k) != v:
            changes[k] = {"changed": True} if k in SECRET_FIELDS else {"from": _json(before.get(k)), "to": _json(v)}
    _log("UPDATE", instance, changes)


@receiver(post_delete)
def log_delete(sender, instance, **kwargs):
    if sender in AUDITED:
        _log("DELETE", instance, {})
