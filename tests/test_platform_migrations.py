"""`migrate_schemas` skips grid companies whose schema already has every migration."""

from django.core.management import call_command
from django.db import connection
from django_tenants.management.commands import migrate_schemas
from django_tenants.signals import schema_pre_migration

from tenants.migration_executor import get_executor, schemas_behind
from tenants.provisioning import applied_migrations, expected_migrations


def unapply_core(schema):
    call_command(
        "migrate_schemas",
        "core",
        "zero",
        tenant=True,
        schema_name=schema,
        interactive=False,
        verbosity=0,
        executor="standard",
    )
    connection.set_schema_to_public()


def test_up_to_date_schema_is_skipped_and_behind_one_is_migrated(alpha, beta, monkeypatch):
    unapply_core(beta.schema_name)
    assert expected_migrations() - applied_migrations(beta.schema_name)
    assert schemas_behind([alpha.schema_name, beta.schema_name]) == [beta.schema_name]

    migrated = []

    def remember(sender, schema_name, **kwargs):
        migrated.append(schema_name)

    schema_pre_migration.connect(remember)
    monkeypatch.setattr(migrate_schemas, "GET_EXECUTOR_FUNCTION", get_executor)
    try:
        call_command(
            "migrate_schemas", tenant=True, interactive=False, verbosity=0, executor="standard"
        )
    finally:
        schema_pre_migration.disconnect(remember)
        connection.set_schema_to_public()
    assert migrated == [beta.schema_name]
    assert not expected_migrations() - applied_migrations(beta.schema_name)


def test_targeted_migrations_are_never_skipped(alpha, monkeypatch):
    """`migrate_schemas core zero` must run even on an up-to-date schema."""
    monkeypatch.setattr(migrate_schemas, "GET_EXECUTOR_FUNCTION", get_executor)
    unapply_core(alpha.schema_name)
    assert ("core", "0001_initial") not in applied_migrations(alpha.schema_name)
