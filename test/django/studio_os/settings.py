"""Settings for the stand-in Django app. Everything that differs per run comes from the environment:
DATABASE_URL (postgresql://user@host:port/name) and FIELD_ENCRYPTION_KEY (comma-separated Fernet
keys, first = primary, as the bot reads them)."""
import os
from urllib.parse import unquote, urlparse

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "studio_crm",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

_url = urlparse(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/wl_django"))
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(_url.path.lstrip("/")),
        "USER": unquote(_url.username or "postgres"),
        "PASSWORD": unquote(_url.password or ""),
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": str(_url.port or 5432),
    }
}

# django-encrypted-model-fields accepts one key or a list (the first encrypts, all decrypt).
FIELD_ENCRYPTION_KEY = [k.strip() for k in os.environ.get("FIELD_ENCRYPTION_KEY", "").split(",") if k.strip()]
