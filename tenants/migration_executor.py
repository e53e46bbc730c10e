"""`migrate_schemas` that skips grid companies already up to date.

With hundreds of schemas, a deploy with nothing to apply still starts Django's
`migrate` once per schema (building the migration state each time), which takes
minutes. One query over every schema's `django_migrations` tells which schemas
lack a migration of the code; only those are migrated.

Enabled by `GET_EXECUTOR_FUNCTION = "tenants.migration_executor.get_executor"` in
settings; it wraps whichever executor `TENANT_MIGRATION_EXECUTOR` names.
"""

import logging
import re

from django.db import connection
from django_tenants.migration_executors import get_executor as get_base_executor
from django_tenants.utils import get_public_schema_name

from .provisioning import expected_migrations

logger = logging.getLogger(__name__)

SAFE_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Options that ask for something other than "apply what is missing": never skip then.
TARGETED_OPTIONS = (
    "app_label",
    "migration_name",
    "fake",
    "fake_initial",
    "plan",
    "prune",
    "run_syncdb",
    "check_unapplied",
)


def get_executor(codename=None):
    base = get_base_executor(codename)
    return type(f"UpToDateSkipping{base.__name__}", (base,), {"run_migrations": run_migrations})


def run_migrations(self, tenants=None):
    tenants = list(tenants or [])
    if not any(self.options.get(name) for name in TARGETED_OPTIONS):
        tenants = schemas_behind(tenants)
    # The base class is the executor this one was built from (see get_executor).
    return super(type(self), self).run_migrations(tenants=tenants)


def schemas_behind(schemas: list[str]) -> list[str]:
    """The schemas that miss at least one migration of the code, in the given order.

    The public schema is always kept (it is migrated separately and cheaply).
    """
    public = get_public_schema_name()
    candidates = [s for s in schemas if s != public and SAFE_SCHEMA_RE.match(s)]
    applied = applied_by_schema(candidates)
    expected = expected_migrations()
    behind = [s for s in schemas if s == public or not expected <= applied.get(s, set())]
    skipped = len(schemas) - len(behind)
    if skipped:
        logger.info("migrate_schemas: %s up-to-date schemas skipped", skipped)
    return behind


def applied_by_schema(schemas: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Applied migrations of every schema that has a django_migrations table, in
    two queries whatever the number of schemas."""
    if not schemas:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [schemas],
        )
        present = [row[0] for row in cursor.fetchall()]
        if not present:
            return {}
        sql = " UNION ALL ".join(
            f'SELECT %s, app, name FROM "{schema}".django_migrations' for schema in present
        )
        cursor.execute(sql, present)
        applied: dict[str, set[tuple[str, str]]] = {}
        for schema, app, name in cursor.fetchall():
            applied.setdefault(schema, set()).add((app, name))
    return applied
