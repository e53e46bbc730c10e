"""The deploy step: migrate the public schema, the template and every grid company.

Grid companies are migrated in parallel (settings.TENANT_MIGRATION_EXECUTOR). The
template is migrated too, so a company provisioned after a deploy never misses a
table.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.provisioning import ensure_public_tenant, migrate_template_schema


class Command(BaseCommand):
    help = "Миграции общей схемы, шаблона и всех сетевых организаций."

    def handle(self, *args, verbosity=1, **options):
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_public_tenant()
        migrate_template_schema(verbosity=verbosity)
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
