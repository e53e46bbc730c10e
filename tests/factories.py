"""Factories for test data: valid applicants of each legal form, registered through
the same service the portal uses."""

import io
import itertools
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.services import register_applicant
from core.models import LegalForm
from tests.conftest import TEST_PASSWORD, in_tenant

_seq = itertools.count(1)

VALID = {
    LegalForm.INDIVIDUAL: {"legal_form": "fl", "snils": "049-114-804-49"},
    LegalForm.ENTREPRENEUR: {"legal_form": "ip", "inn": "420538910787", "ogrn": "318420500015205"},
    LegalForm.LEGAL_ENTITY: {
        "legal_form": "ul",
        "inn": "7707083893",
        "ogrn": "1027700132195",
        "kpp": "773601001",
        "organization_name": 'ООО "Ромашка"',
    },
}


def registration_post(legal_form="fl", **overrides):
    """POST data of the registration form, valid unless overridden."""
    data = {
        "legal_form": legal_form,
        "last_name": "Туксин",
        "first_name": "Артем",
        "middle_name": "Александрович",
        "email": f"user{next(_seq)}@example.com",
        "phone": "+7-999-999-99-99",
        "password1": TEST_PASSWORD,
        "password2": TEST_PASSWORD,
        "personal_data_consent": "on",
        "pep_agreement": "on",
    }
    if legal_form == "fl":
        data["snils"] = "049-114-804-49"
    elif legal_form == "ip":
        data.update(ip_inn="420538910787", ip_ogrnip="318420500015205")
    else:
        data.update(
            ul_inn="7707083893",
            ul_ogrn="1027700132195",
            ul_kpp="773601001",
            ul_organization_name='ООО "Ромашка"',
        )
    data.update(overrides)
    return data


def make_applicant(company, legal_form=LegalForm.INDIVIDUAL, email=None, **user_overrides):
    email = email or f"applicant{next(_seq)}@example.com"
    with in_tenant(company):
        return register_applicant(
            user_values={
                "email": email,
                "last_name": "Туксин",
                "first_name": "Артем",
                "middle_name": "Александрович",
                "phone": "+79617005673",
                **user_overrides,
            },
            profile_values=dict(VALID[legal_form]),
            password=TEST_PASSWORD,
            pep_accepted=True,
        )


# --- Files ---------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name="Заявка.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_case(company, applicant, *, kind="application", sent=True, entries=1, title=None):
    """A case with `entries` documents, sent unless told otherwise (through the services)."""
    from core.services import cases as case_services

    with in_tenant(company):
        case = case_services.open_draft(applicant, kind)
        if title:
            case_services.rename_draft(applicant, case, title)
        for n in range(entries):
            case_services.add_document(
                applicant, case, title=f"Документ {n + 1}", uploaded=upload(f"Скан {n + 1}.pdf")
            )
        if sent:
            case = case_services.send_case(applicant, case)
        return case


def make_staff(company, *, admin=True, email=None):
    from core.accounts.models import User

    email = email or f"staff{next(_seq)}@{company.subdomain}.test"
    with in_tenant(company):
        return User.objects.create_user(
            email,
            TEST_PASSWORD,
            last_name="Сотрудникова",
            first_name="Анна",
            role=User.Role.STAFF,
            is_company_admin=admin,
        )
