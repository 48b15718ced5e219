"""The equivalent of django-encrypted-model-fields' EncryptedTextField (PyPI is not reachable
here): Fernet over the UTF-8 text, stored as the token's text, keys from FIELD_ENCRYPTION_KEY
through a MultiFernet. Like the package, an empty string is encrypted too (a token of ''),
only None stays NULL, and a value no key opens is handed back as it is."""
import cryptography.fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.encoding import force_bytes


def get_crypter():
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", None)
    if not configured:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be defined in settings")
    keys = configured if isinstance(configured, (list, tuple)) else [configured]
    return cryptography.fernet.MultiFernet([cryptography.fernet.Fernet(force_bytes(k)) for k in keys])


def encrypt_str(s):
    return get_crypter().encrypt(s.encode("utf-8"))


def decrypt_str(t):
    return get_crypter().decrypt(t.encode("utf-8")).decode("utf-8")


class EncryptedMixin:
    def to_python(self, value):
        if value is None:
            return value
        if isinstance(value, (bytes, str)):
            if isinstance(value, bytes):
                value = value.decode("utf-8")
            try:
                value = decrypt_str(value)
            except cryptography.fernet.InvalidToken:
                pass
        return super().to_python(value)

    def from_db_value(self, value, *args, **kwargs):
        return self.to_python(value)

    def get_db_prep_save(self, value, connection):
        value = super().get_db_prep_save(value, connection)
        if value is None:
            return value
        return encrypt_str(str(value)).decode("utf-8")

    def get_internal_type(self):
        return "TextField"

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass
