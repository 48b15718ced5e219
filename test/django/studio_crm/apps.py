from django.apps import AppConfig


class StudioCrmConfig(AppConfig):
    name = "studio_crm"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from . import signals  # noqa: F401
