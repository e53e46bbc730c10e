"""Tenant-aware helpers shared by every app: file keys and signed values carry the schema.

Cache keys carry it through `django_tenants.cache.make_key` (settings.CACHES) and
Celery tasks through tenant-schemas-celery (config/celery.py).
"""

import posixpath
import uuid

from django.core import signing
from django.db import connection


def current_schema() -> str:
    return connection.schema_name


def tenant_file_key(folder: str, filename: str) -> str:
    """A storage key under the current schema's prefix: `<schema>/<folder>/<uuid>/<name>`.

    The prefix is part of the stored name, so local disk and S3 alike keep each grid
    company's files apart and a whole company's files can be listed or removed at once.
    """
    return posixpath.join(current_schema(), folder, uuid.uuid4().hex, filename)


def belongs_to_current_schema(key: str) -> bool:
    return key.startswith(current_schema() + "/")


def sum_over_companies(task) -> int:
    """Run `task()` in every grid company's schema and add up what it returns: the
    shape of the periodic sweeps (notifications, webhooks)."""
    from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

    schemas = (
        get_tenant_model()
        .objects.exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    )
    total = 0
    for schema in schemas:
        with schema_context(schema):
            total += task()
    return total


def tenant_signer(salt: str, **kwargs) -> signing.TimestampSigner:
    """A signer whose salt names the schema: a value signed on one grid company's host
    does not verify on another's."""
    return signing.TimestampSigner(salt=f"{current_schema()}:{salt}", **kwargs)


def sign_for_tenant(value: str, salt: str) -> str:
    return tenant_signer(salt).sign(value)


def unsign_for_tenant(token: str, salt: str, max_age: int | None = None) -> str:
    """Raises django.core.signing.BadSignature (or SignatureExpired) on any mismatch."""
    return tenant_signer(salt).unsign(token, max_age=max_age)
