"""Factories for test data: valid applicants of each legal form, registered through
the same service the portal uses."""

import itertools

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
