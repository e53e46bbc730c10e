"""Shared data for the signing tests: a GOST test CA, certificates of the company and of
applicants with the identifiers of tests/factories.py, and a document awaiting signatures."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import default_storage

from core import sms
from core.accounts.models import User
from core.models import LegalForm, PortalSettings
from core.services import cases as case_services
from tests.conftest import TEST_PASSWORD, in_tenant
from tests.factories import PDF_BYTES, make_applicant, make_case, upload
from tests.unit.gost_ca import TestCA, sign_cades

COMPANY_INN = "7702070139"
COMPANY_OGRN = "1027739609391"
DOCUMENT_TITLE = "Оферта договора о технологическом присоединении"

COMPANY_SUBJECT = {
    "cn": 'ООО "Альфа Сети"',
    "surname": "Админов",
    "given_name": "Админ Админович",
    "organization": 'ООО "Альфа Сети"',
    "inn_le": COMPANY_INN,
    "ogrn": COMPANY_OGRN,
    "inn": "500100732259",
}
STAFF_PERSONAL_SUBJECT = {
    "cn": "Подписантов Пётр Петрович",
    "surname": "Подписантов",
    "given_name": "Пётр Петрович",
    "inn": "500100732259",
    "snils": "11223344595",
}
ENTREPRENEUR_SUBJECT = {
    "cn": "ИП Туксин Артем Александрович",
    "surname": "Туксин",
    "given_name": "Артем Александрович",
    "inn": "420538910787",
    "ogrnip": "318420500015205",
}
LEGAL_ENTITY_SUBJECT = {
    "cn": 'ООО "Ромашка"',
    "surname": "Туксин",
    "given_name": "Артем Александрович",
    "organization": 'ООО "Ромашка"',
    "inn_le": "7707083893",
    "ogrn": "1027700132195",
}
STRANGER_SUBJECT = {
    "cn": 'ООО "Чужая"',
    "surname": "Чужой",
    "given_name": "Иван Иванович",
    "organization": 'ООО "Чужая"',
    "inn_le": "7728168971",
    "ogrn": "1027700067328",
}

_seq = itertools.count(1)
_ca = None


def ca() -> TestCA:
    global _ca
    if _ca is None:
        _ca = TestCA(256)
    return _ca


_identities = {}


def identity(name: str, bits: int = 256, **kwargs):
    """Certificates are made once per process (GOST key generation takes a moment)."""
    key = (name, bits, tuple(sorted(kwargs.items())))
    if key not in _identities:
        subject = {
            "company": COMPANY_SUBJECT,
            "personal": STAFF_PERSONAL_SUBJECT,
            "ip": ENTREPRENEUR_SUBJECT,
            "ul": LEGAL_ENTITY_SUBJECT,
            "stranger": STRANGER_SUBJECT,
        }[name.split(":")[0]]
        # The test CA's random 128-bit serial trips asn1crypto when the top bit is set
        # (the certificate cannot be re-encoded into the CMS): issue until it is clear.
        for _ in range(64):
            issued = ca().issue(bits, **kwargs, **subject)
            if issued.certificate.serial_number.bit_length() < 128:
                break
        _identities[key] = issued
    return _identities[key]


def expired_identity(name: str = "company"):
    now = datetime.now(UTC).replace(microsecond=0)
    return identity(
        name + ":expired",
        not_before=now - timedelta(days=730),
        not_after=now - timedelta(days=1),
    )


def set_company_inn(company, inn=COMPANY_INN, *, personal=False):
    with in_tenant(company):
        PortalSettings.objects.update(
            inn=inn,
            notification_emails="tp@alpha.test",
            accept_staff_personal_certificates=personal,
        )


def make_staff(company, **fields):
    with in_tenant(company):
        return User.objects.create_user(
            f"staff{next(_seq)}@{company.subdomain}.test",
            TEST_PASSWORD,
            role=User.Role.STAFF,
            last_name=fields.pop("last_name", "Подписантов"),
            first_name=fields.pop("first_name", "Пётр"),
            middle_name=fields.pop("middle_name", "Петрович"),
            **fields,
        )


def document_bytes(n: int = 0) -> bytes:
    return PDF_BYTES + f"% Договор ТП № {n}\n".encode() * 50


def make_signable_document(company, applicant, staff, *, content=None, title=DOCUMENT_TITLE):
    """A sent case of `applicant` with a document from the company that requires a
    two-sided signature. Returns (case, entry)."""
    case = make_case(company, applicant, entries=1)
    with in_tenant(company):
        entry = case_services.add_document(
            staff,
            case,
            title=title,
            uploaded=upload("Договор ТП.pdf", content or document_bytes(next(_seq))),
            requires_two_sided_signature=True,
        )
    return case, entry


def stored_bytes(company, entry) -> bytes:
    with in_tenant(company), default_storage.open(entry.file.name, "rb") as stored:
        return stored.read()


def sign_entry(company, entry, who="company", **kwargs) -> bytes:
    """A detached CAdES-BES of the stored document by one of the identities."""
    signer = who if not isinstance(who, str) else identity(who)
    return sign_cades(stored_bytes(company, entry), signer, **kwargs)


def applicant_of(company, legal_form=LegalForm.INDIVIDUAL, **kwargs):
    return make_applicant(company, legal_form, **kwargs)


# --- Fixtures shared by the signing test modules (import with *) -----------------------


@pytest.fixture(autouse=True)
def company_setup(alpha):
    set_company_inn(alpha)
    sms.clear()


@pytest.fixture
def staff(alpha):
    return make_staff(alpha)


@pytest.fixture
def person(alpha):
    return applicant_of(alpha, LegalForm.INDIVIDUAL)


@pytest.fixture
def entrepreneur(alpha):
    return applicant_of(alpha, LegalForm.ENTREPRENEUR)
