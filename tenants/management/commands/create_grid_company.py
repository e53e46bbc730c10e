"""Create a grid company from the command line (wraps tenants.provisioning)."""

from django.core.management.base import BaseCommand, CommandError

from tenants.provisioning import CompanyAdmin, ProvisioningError, provision_grid_company


class Command(BaseCommand):
    help = "Создать сетевую организацию: схема, домен, настройки, администратор."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Наименование")
        parser.add_argument("--subdomain", required=True, help="Поддомен")
        parser.add_argument("--domain", action="append", default=[], help="Дополнительный домен")
        parser.add_argument("--admin-email", help="Email первого администратора")

    def handle(self, *args, name, subdomain, domain, admin_email, **options):
        admin = CompanyAdmin(email=admin_email) if admin_email else None
        try:
            company, _ = provision_grid_company(
                name=name, subdomain=subdomain, extra_domains=tuple(domain), admin=admin
            )
        except ProvisioningError as exc:
            raise CommandError(str(exc)) from exc
        hosts = ", ".join(company.domains.values_list("domain", flat=True))
        self.stdout.write(f"Создана сетевая организация «{company.name}»: {hosts}")
