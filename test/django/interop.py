#!/usr/bin/env python3
"""Drives the real Django ORM for test/integration/django-interop.test.ts.

    DATABASE_URL=… FIELD_ENCRYPTION_KEY=… /usr/bin/python3 interop.py <phase>  < args.json

Each phase is one process (Django starts once), reads a JSON object on stdin and prints one
JSON object on stdout: the facts the test asserts. A step that fails is reported as
{"error": "..."} under its name rather than ending the phase, so each defect shows up on its own.
"""
import datetime
import io
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio_os.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

from studio_crm.models import AIDeliverable, AuditLog, Creator, CreatorCredential, Milestone  # noqa: E402
from studio_crm.signals import acting_as  # noqa: E402

facts = {}


def step(name):
    """Runs fn, recording its result (or its error) under `name`."""

    def wrap(fn):
        try:
            facts[name] = fn()
        except Exception as e:  # noqa: BLE001 - the test asserts on the message
            facts[name] = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)}
        return fn

    return wrap


def days(today, n):
    return today + datetime.timedelta(days=n)


def raw(sql, params=()):
    with connection.cursor() as c:
        c.execute(sql, params)
        return c.fetchall()


def unapplied():
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


def migrate(**options):
    out = io.StringIO()
    call_command("migrate", interactive=False, verbosity=1, stdout=out, stderr=out, **options)
    return out.getvalue()


def django_first_setup(args):
    """The studio's existing database: Django migrates an empty database and its staff work in it."""
    today = datetime.date.fromisoformat(args["today"])

    @step("migrate")
    def _():
        migrate()
        # The models and their migration agree (makemigrations --check exits non-zero otherwise).
        call_command("makemigrations", "studio_crm", check=True, dry_run=True, verbosity=0)
        return {"unapplied": unapplied()}

    alice = User.objects.create_user("alice", "alice@studio.test", "pw-alice", is_staff=True, first_name="Alice")
    with acting_as(alice, "10.0.0.7"):
        # Silent for 40 days with a milestone 10 days late: the bot's nightly run must turn it RED.
        overdue = Creator.objects.create(
            creator_name="Olive Overdue", creator_email="olive@creators.test", brand_name="Overdue Co", brand_niche="fitness",
            journey_status="LIVE", last_contacted_date=days(today, -40), created_by=alice,
        )
        Milestone.objects.create(creator=overdue, title="Launch deck", target_date=days(today, -10), related_journey_stage="LIVE")

        # Children of every kind, for the bot to delete.
        doomed = Creator.objects.create(
            creator_name="Dora Doomed", creator_email="dora@creators.test", brand_name="Doomed Brand", brand_niche="food",
            journey_status="ONBOARDING", last_contacted_date=today, created_by=alice,
        )
        Milestone.objects.create(creator=doomed, title="Kickoff", target_date=days(today, 5), related_journey_stage="ONBOARDING")
        CreatorCredential.objects.create(creator=doomed, platform_name="Instagram", account_identifier="@doomed", password="hunter2", created_by=alice)
        AIDeliverable.objects.create(
            creator=doomed, deliverable_type="Brand guidelines", prompt_used="p", context_data={"brand": "Doomed Brand"},
            generated_content="…", status="COMPLETED", created_by=alice,
        )

        # Blank fields saved through Django: a token of '' for password and 2FA codes.
        vault = Creator.objects.create(
            creator_name="Val Vault", creator_email="val@creators.test", brand_name="Vault Brand", brand_niche="tech",
            journey_status="LIVE", last_contacted_date=today, created_by=alice,
        )
        cred = CreatorCredential.objects.create(
            creator=vault, platform_name="TikTok", account_identifier="@vault", login_url="https://tiktok.com/login",
            password="", two_factor_backup_codes="", api_keys='{"key": "ünïcødé-k3y"}', created_by=alice,
        )

    (stored_password,) = raw("SELECT password FROM studio_crm_creatorcredential WHERE id = %s", [cred.id])[0]
    return {
        "aliceId": alice.id,
        "overdueId": str(overdue.id),
        "doomedId": str(doomed.id),
        "vaultId": str(vault.id),
        "vaultCredentialId": str(cred.id),
        "storedBlankPassword": stored_password,
        "auditRows": AuditLog.objects.count(),
    }


def django_first_after(args):
    """Django reads what the bot wrote on Django's own tables, and keeps working."""
    alice = User.objects.get(id=args["aliceId"])

    @step("doomed")
    def _():
        d = args["doomedId"]
        return {
            "creator": Creator.objects.filter(id=d).count(),
            "milestones": Milestone.objects.filter(creator_id=d).count(),
            "credentials": CreatorCredential.objects.filter(creator_id=d).count(),
            "deliverables": AIDeliverable.objects.filter(creator_id=d).count(),
        }

    @step("overdueScore")
    def _():
        return Creator.objects.get(id=args["overdueId"]).health_score

    @step("botCredential")
    def _():
        c = CreatorCredential.objects.get(id=args["botCredentialId"])
        return {"password": c.password, "api_keys": c.api_keys, "login_url": c.login_url}

    @step("botCreator")
    def _():
        c = Creator.objects.get(id=args["botCreatorId"])
        c.full_clean()
        return {"brand": c.brand_name, "tags": c.tags, "custom_fields": c.custom_fields, "priority": c.priority_level}

    @step("botUser")
    def _():
        u = User.objects.get(id=args["botUserId"])
        u.full_clean()
        u.save()
        return {"username": u.username}

    @step("djangoEdit")
    def _():
        with acting_as(alice):
            c = Creator.objects.get(id=args["overdueId"])
            c.internal_notes = "called, back on track"
            c.save()
        row = AuditLog.objects.filter(target_id=c.id, action_type="UPDATE", user=alice).order_by("-timestamp").first()
        return {"auditId": str(row.id)}

    return {}


def bot_first_adopt(args):
    """The studio's Django app pointed at the bot's database: the one adopt command, then work."""

    @step("adopt")
    def _():
        return {"output": migrate(fake_initial=True), "unapplied": unapplied()}

    @step("migrateAgain")
    def _():
        migrate()
        return {"unapplied": unapplied()}

    boss = User.objects.get(id=args["bossUserId"])

    @step("botUserSaved")
    def _():
        u = User.objects.get(id=args["targetUserId"])
        u.full_clean()
        u.first_name = "Edited in the admin"
        u.save()
        return {"username": u.username}

    @step("botCredential")
    def _():
        c = CreatorCredential.objects.get(id=args["credentialId"])
        return {"password": c.password, "api_keys": c.api_keys, "two_factor_backup_codes": c.two_factor_backup_codes}

    @step("djangoWrites")
    def _():
        with acting_as(boss, "192.0.2.10"):
            c = Creator.objects.create(
                creator_name="Gina Django", creator_email="gina@creators.test", brand_name="Django Brand", brand_niche="music",
                journey_status="LAUNCH", created_by=boss,
            )
            cred = CreatorCredential.objects.create(creator=c, platform_name="YouTube", account_identifier="gina", password="", api_keys='{"k": 1}')
            bot_creator = Creator.objects.get(id=args["creatorId"])
            bot_creator.brand_tagline = "edited in Django"
            bot_creator.save()
        return {"creatorId": str(c.id), "credentialId": str(cred.id), "auditIds": [str(a.id) for a in AuditLog.objects.filter(user=boss)]}

    @step("deleteBotUser")
    def _():
        User.objects.get(id=args["targetUserId"]).delete()
        return {"left": User.objects.filter(id=args["targetUserId"]).count()}

    @step("deleteBotCreator")
    def _():
        with acting_as(boss):
            Creator.objects.get(id=args["doomedId"]).delete()
        return {"left": Creator.objects.filter(id=args["doomedId"]).count()}

    @step("deleteUserWithHistory")
    def _():
        # Deleting a user would null user_id on their audit rows (SET_NULL): history is append-only.
        try:
            User.objects.get(id=args["bossUserId"]).delete()
        except Exception as e:  # noqa: BLE001
            return {"refused": str(e).splitlines()[0], "left": User.objects.filter(id=args["bossUserId"]).count()}
        return {"refused": None}

    return {}


PHASES = {"django_first_setup": django_first_setup, "django_first_after": django_first_after, "bot_first_adopt": bot_first_adopt}

if __name__ == "__main__":
    result = PHASES[sys.argv[1]](json.load(sys.stdin))
    print(json.dumps({**facts, **result}, default=str))
