"""Provisioning grid companies: one schema each, cloned from an up-to-date template.

Replaying every migration for each new tenant takes seconds and grows with the
project; cloning a template schema takes a fraction of that. The trap with
cloning is a template that falls behind the code: django-tenants would then
fake-apply the missing migrations on the clone and the tenant would silently
miss tables. So the template is migrated by the deploy step
(`migrate_platform`) and, as a second line of defence, checked against the
migration graph before every clone.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_context, schema_exists

from .clone import clone_schema
from .models import Domain, GridCompany

logger = logging.getLogger(__name__)

SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$")
# Serialises changes to the template schema across processes.
TEMPLATE_LOCK_ID = 7_254_001


class ProvisioningError(Exception):
    """A grid company could not be created; the message is for the operator (Russian)."""


@dataclass(frozen=True)
class CompanyAdmin:
    email: str
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""


def validate_subdomain(subdomain: str) -> str:
    """Return the subdomain if it can name a new grid company, else raise ProvisioningError."""
    value = (subdomain or "").strip()
    if not value:
        raise ProvisioningError("Укажите поддомен.")
    if not SUBDOMAIN_RE.match(value) or "--" in value:
        raise ProvisioningError(
            "Поддомен может содержать только строчные латинские буквы, цифры и дефис "
            "(от 3 до 40 символов, не начинается и не заканчивается дефисом)."
        )
    if value in settings.RESERVED_SUBDOMAINS:
        raise ProvisioningError(f"Поддомен «{value}» зарезервирован, выберите другой.")
    if GridCompany.objects.filter(subdomain=value).exists():
        raise ProvisioningError(f"Поддомен «{value}» уже занят.")
    return value


def schema_name_for(subdomain: str) -> str:
    return "gc_" + subdomain.replace("-", "_")


def host_for(subdomain: str) -> str:
    return f"{subdomain}.{settings.PLATFORM_DOMAIN}"


def expected_migrations() -> set[tuple[str, str]]:
    """Every migration of the code base, as (app, name) pairs."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.graph.nodes)


def applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name = 'django_migrations')",
            [schema],
        )
        if not cursor.fetchone()[0]:
            return set()
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def template_is_current() -> bool:
    template = settings.TENANT_TEMPLATE_SCHEMA
    return schema_exists(template) and not (expected_migrations() - applied_migrations(template))


def migrate_template_schema(verbosity: int = 0) -> None:
    """Create the template schema if needed and apply every tenant migration to it.

    One transaction under an advisory lock: two processes deploying or provisioning
    at once migrate the template one after the other, and a failed migration leaves
    the template as it was.
    """
    template = settings.TENANT_TEMPLATE_SCHEMA
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TEMPLATE_LOCK_ID])
                cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{template}"')
            call_command(
                "migrate_schemas",
                tenant=True,
                schema_name=template,
                interactive=False,
                verbosity=verbosity,
                executor="standard",
            )
    finally:
        connection.set_schema_to_public()


def ensure_template_current() -> None:
    if not template_is_current():
        logger.warning("Template schema is behind the code; migrating it before cloning.")
        migrate_template_schema()


def provision_grid_company(
    *,
    name: str,
    subdomain: str,
    extra_domains: tuple[str, ...] = (),
    admin: CompanyAdmin | None = None,
    settings_overrides: dict | None = None,
):
    """Create a grid company: schema (cloned), host(s), default settings, catalogues, admin.

    Everything happens in one transaction (PostgreSQL DDL is transactional), so
    a failure at any step leaves no schema, row or domain behind.
    Returns (company, admin_user or None).
    """
    from core.accounts.services import create_company_admin
    from core.services import seed_company_defaults

    name = (name or "").strip()
    if not name:
        raise ProvisioningError("Укажите наименование сетевой организации.")
    subdomain = validate_subdomain(subdomain)
    schema = schema_name_for(subdomain)
    hosts = [host_for(subdomain), *[h.strip().lower() for h in extra_domains if h.strip()]]
    taken = list(Domain.objects.filter(domain__in=hosts).values_list("domain", flat=True))
    if taken:
        raise ProvisioningError(f"Домен «{taken[0]}» уже используется.")

    ensure_template_current()
    try:
        with transaction.atomic():
            clone_schema(settings.TENANT_TEMPLATE_SCHEMA, schema)
            company = GridCompany.objects.create(schema_name=schema, name=name, subdomain=subdomain)
            for index, host in enumerate(hosts):
                Domain.objects.create(tenant=company, domain=host, is_primary=index == 0)
            with schema_context(schema):
                seed_company_defaults(company_name=name, **(settings_overrides or {}))
                admin_user = create_company_admin(admin) if admin else None
    except ValidationError as exc:  # raised by the clone when the schema exists
        raise ProvisioningError(f"Поддомен «{subdomain}» уже занят.") from exc
    finally:
        connection.set_schema_to_public()
    logger.info("Provisioned grid company %s (%s)", name, schema)
    return company, admin_user


def provision_by_migrations(*, name: str, subdomain: str) -> GridCompany:
    """The slow path, kept for the benchmark: create the schema by replaying migrations."""
    subdomain = validate_subdomain(subdomain)
    schema = schema_name_for(subdomain)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=schema,
        interactive=False,
        verbosity=0,
        executor="standard",
    )
    connection.set_schema_to_public()
    company = GridCompany.objects.create(schema_name=schema, name=name, subdomain=subdomain)
    Domain.objects.create(tenant=company, domain=host_for(subdomain), is_primary=True)
    return company


def delete_grid_company(company: GridCompany) -> None:
    """Drop the schema and the registry rows (files are removed by the caller's storage)."""
    connection.set_schema_to_public()
    company.delete(force_drop=True)


def ensure_public_tenant() -> GridCompany:
    """The public schema's registry row and host (the platform operators' site). Idempotent."""
    public, _ = GridCompany.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={"name": "Платформа", "subdomain": "public"},
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": public, "is_primary": True}
    )
    return public
