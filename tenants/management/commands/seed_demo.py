"""Demo data for `make run`: an operator, two grid companies with an admin and an
applicant each. Idempotent: running it again changes nothing. Demo-only password."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from core.accounts.models import User
from core.accounts.services import register_applicant
from core.models import LegalForm
from tenants.models import GridCompany
from tenants.provisioning import CompanyAdmin, provision_grid_company, schema_name_for

DEMO_PASSWORD = "demo-password-1"

COMPANIES = [
    {
        "name": 'ООО "Сетевая организация"',
        "subdomain": "demo",
        "settings": {
            "primary_color": "#1f5fa8",
            "inn": "7707083893",
            "ogrn": "1027700132195",
            "kpp": "773601001",
            "address": "г. Москва, ул. Энергетиков, д. 1",
            "phone": "+7 (495) 000-00-00",
            "email": "info@demo.example.com",
            "notification_emails": "tp@demo.example.com",
            "application_forms_url": "https://demo.example.com/forms/",
        },
    },
    {
        "name": 'АО "Вторая электросетевая компания"',
        "subdomain": "demo2",
        "settings": {
            "primary_color": "#2e7d32",
            "inn": "5001007322",
            "address": "Московская обл., г. Балашиха, ш. Энтузиастов, д. 7",
            "phone": "+7 (495) 111-11-11",
            "email": "info@demo2.example.com",
            "notification_emails": "tp@demo2.example.com",
        },
    },
]


class Command(BaseCommand):
    help = "Демонстрационные данные (идемпотентно)."

    def handle(self, *args, **options):
        with schema_context("public"):
            if not User.objects.filter(email="operator@example.com").exists():
                User.objects.create_superuser(
                    "operator@example.com",
                    DEMO_PASSWORD,
                    last_name="Оператор",
                    first_name="Платформы",
                )
        for spec in COMPANIES:
            sub = spec["subdomain"]
            if not GridCompany.objects.filter(subdomain=sub).exists():
                provision_grid_company(
                    name=spec["name"],
                    subdomain=sub,
                    admin=CompanyAdmin(
                        email=f"admin@{sub}.example.com", last_name="Администратор", first_name="ЛК"
                    ),
                    settings_overrides=spec["settings"],
                )
            with schema_context(schema_name_for(sub)):
                self._ensure_demo_users(sub)
        self.stdout.write("Демо-данные готовы.")

    def _ensure_demo_users(self, sub):
        admin = User.objects.get(email=f"admin@{sub}.example.com")
        if not admin.has_usable_password():
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        if not User.objects.filter(email=f"applicant@{sub}.example.com").exists():
            register_applicant(
                user_values={
                    "email": f"applicant@{sub}.example.com",
                    "last_name": "Туксин",
                    "first_name": "Артем",
                    "middle_name": "Александрович",
                    "phone": "+79617005673",
                },
                profile_values={"legal_form": LegalForm.INDIVIDUAL, "snils": "049-114-804-49"},
                password=DEMO_PASSWORD,
                pep_accepted=True,
            )
