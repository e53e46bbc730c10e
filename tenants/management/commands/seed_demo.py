"""Demo data for `make run`: an operator, two grid companies with an admin and an
applicant each. Idempotent: running it again changes nothing. Demo-only password."""

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from core.accounts.models import User
from core.accounts.services import register_applicant
from core.models import LegalForm
from tenants.models import GridCompany
from tenants.provisioning import CompanyAdmin, provision_grid_company, schema_name_for

DEMO_PASSWORD = "demo-password-1"
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # demo only, never in production

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
            operator = User.objects.filter(email="operator@example.com").first()
            if operator is None:
                operator = User.objects.create_superuser(
                    "operator@example.com",
                    DEMO_PASSWORD,
                    last_name="Оператор",
                    first_name="Платформы",
                )
            # A known TOTP device, demo only: `manage.py demo_totp` prints its code.
            TOTPDevice.objects.get_or_create(
                user=operator, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
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
        applicant = User.objects.get(email=f"applicant@{sub}.example.com")
        if not applicant.cases.exists():
            self._demo_cases(applicant, admin)

    def _demo_cases(self, applicant, admin):
        """One application the company has started processing, one message waiting."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from core.services import cases as case_services

        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        case = case_services.open_draft(applicant, "application")
        case_services.add_document(
            applicant,
            case,
            title="Заявка на технологическое присоединение (ФЛ) до 15 кВт",
            uploaded=SimpleUploadedFile("Заявка на ТП.pdf", pdf, "application/pdf"),
            comment="Направляю вам заявку на технологическое присоединение",
        )
        case = case_services.send_case(applicant, case)
        case_services.update_status_and_number(
            admin,
            case,
            status="Заявка на рассмотрении сетевой организацией",
            registration_number=f"{applicant.pk:04d}-1",
        )
        case_services.add_message(
            admin, case, "<p>Здравствуйте! Заявка принята к рассмотрению.</p>"
        )
        question = case_services.open_draft(applicant, "message")
        case_services.add_message(
            applicant,
            question,
            "<p>Здравствуйте! Как можно подать заявку на технологическое присоединение?</p>",
        )
        case_services.send_case(applicant, question)
