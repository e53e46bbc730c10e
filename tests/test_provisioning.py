"""Provisioning clones an up-to-date template; failures leave nothing behind."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from core.models import CatalogueEntry, PortalSettings
from tenants.models import Domain, GridCompany
from tenants.provisioning import (
    CompanyAdmin,
    ProvisioningError,
    provision_grid_company,
    template_is_current,
)
from tests.conftest import in_tenant


def table_layout(schema):
    """Tables, columns and their types of a schema: what a tenant must have."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        return cursor.fetchall()


def migrate_from_scratch(schema):
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


def registry_counts():
    return GridCompany.objects.count(), Domain.objects.count()


def test_new_company_has_every_table_of_a_freshly_migrated_schema(db):
    company, admin = provision_grid_company(
        name="ООО Гамма", subdomain="gamma", admin=CompanyAdmin(email="boss@gamma.test")
    )
    migrate_from_scratch("scratch_layout")
    layout = table_layout(company.schema_name)
    assert layout == table_layout("scratch_layout")
    assert ("core_portalsettings", "company_name", "character varying") in layout
    assert company.domains.get().domain == "gamma.localhost"
    with in_tenant(company):
        assert PortalSettings.objects.get().company_name == "ООО Гамма"
        assert "ООО Гамма" in PortalSettings.objects.get().info_text
        assert CatalogueEntry.objects.filter(kind="status").count() >= 5
        assert admin.is_company_admin and not admin.has_usable_password()


def test_template_behind_the_code_is_migrated_before_cloning(db):
    """Simulates a migration added after the template was built: the template misses
    the core app's migrations, yet the new tenant gets every table."""
    call_command(
        "migrate_schemas",
        "core",
        "zero",
        tenant=True,
        schema_name=settings.TENANT_TEMPLATE_SCHEMA,
        interactive=False,
        verbosity=0,
        executor="standard",
    )
    connection.set_schema_to_public()
    assert not template_is_current()

    company, _ = provision_grid_company(name="ООО Дельта", subdomain="delta")
    migrate_from_scratch("scratch_behind")
    assert table_layout(company.schema_name) == table_layout("scratch_behind")
    assert template_is_current()


def test_deploy_step_migrates_the_template(db):
    call_command(
        "migrate_schemas",
        "core",
        "zero",
        tenant=True,
        schema_name=settings.TENANT_TEMPLATE_SCHEMA,
        interactive=False,
        verbosity=0,
        executor="standard",
    )
    connection.set_schema_to_public()
    assert not template_is_current()
    call_command("migrate_platform", verbosity=0)
    assert template_is_current()


def test_provisioning_the_same_subdomain_twice_fails_and_changes_nothing(db):
    provision_grid_company(name="ООО Эпсилон", subdomain="epsilon")
    before = registry_counts()
    with pytest.raises(ProvisioningError, match="уже занят"):
        provision_grid_company(name="Другая", subdomain="epsilon")
    assert registry_counts() == before


@pytest.mark.parametrize(
    ("subdomain", "message"),
    [
        ("Demo", "строчные латинские буквы"),
        ("my company", "строчные латинские буквы"),
        ("ab", "от 3 до 40 символов"),
        ("-abc", "не начинается"),
        ("x" * 41, "от 3 до 40 символов"),
        ("сети", "строчные латинские буквы"),
        ("www", "зарезервирован"),
        ("api", "зарезервирован"),
        ("admin", "зарезервирован"),
        ("", "Укажите поддомен"),
    ],
)
def test_bad_subdomain_is_refused_with_a_clear_message(db, subdomain, message):
    before = registry_counts()
    with pytest.raises(ProvisioningError, match=message):
        provision_grid_company(name="ООО Тест", subdomain=subdomain)
    assert registry_counts() == before


def test_failure_midway_leaves_no_schema_row_or_domain(db, monkeypatch):
    import core.services

    def broken_seed(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(core.services, "seed_company_defaults", broken_seed)
    before = registry_counts()
    with pytest.raises(RuntimeError):
        provision_grid_company(name="ООО Зета", subdomain="zeta")
    assert registry_counts() == before
    assert not schema_exists("gc_zeta")
    assert not Domain.objects.filter(domain="zeta.localhost").exists()


def test_command_line_provisioning(db, capsys):
    call_command("create_grid_company", name="ООО Эта", subdomain="eta", admin_email="a@eta.test")
    assert "eta.localhost" in capsys.readouterr().out
    company = GridCompany.objects.get(subdomain="eta")
    assert schema_exists(company.schema_name)


def test_command_line_reports_a_bad_subdomain(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="зарезервирован"):
        call_command("create_grid_company", name="ООО", subdomain="www")
