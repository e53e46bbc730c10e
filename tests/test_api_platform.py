"""The platform API on the public host: a token only after password + TOTP, then grid
companies listed, created, suspended and resumed through tenants.services."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tenants.models import GridCompany, PlatformAuditEntry
from tests.api_fixtures import api_client, token_for
from tests.conftest import TEST_PASSWORD
from tests.factories import make_staff
from tests.platform_fixtures import add_device, company_form, current_code, make_operator


def public_api() -> APIClient:
    return APIClient(HTTP_HOST=settings.PLATFORM_DOMAIN)


@pytest.fixture
def operator(db):
    return make_operator()


@pytest.fixture
def device(operator):
    return add_device(operator)


def issue(operator, device) -> str:
    response = public_api().post(
        "/api/v1/token/",
        {"email": operator.email, "password": TEST_PASSWORD, "code": current_code(device)},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["token"].startswith("lk.public.")
    return body["token"]


def operator_api(token) -> APIClient:
    client = public_api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_token_needs_password_and_totp_code(operator, device):
    client = public_api()
    wrong_code = client.post(
        "/api/v1/token/",
        {"email": operator.email, "password": TEST_PASSWORD, "code": "000000"},
        format="json",
    )
    assert wrong_code.status_code == 400
    assert wrong_code.json()["code"] == "invalid_credentials"
    wrong_password = client.post(
        "/api/v1/token/",
        {"email": operator.email, "password": "nope", "code": current_code(device)},
        format="json",
    )
    assert wrong_password.status_code == 400
    missing = client.post("/api/v1/token/", {"email": operator.email}, format="json")
    assert set(missing.json()["fields"]) == {"password", "code"}
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    device.throttle_reset()
    token = issue(operator, device)
    assert operator_api(token).get("/api/v1/companies/").status_code == 200
    assert PlatformAuditEntry.objects.filter(action="api_token_issued").exists()


def test_operator_without_an_enrolled_authenticator_gets_no_token(operator):
    response = public_api().post(
        "/api/v1/token/",
        {"email": operator.email, "password": TEST_PASSWORD, "code": "123456"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "totp_not_enrolled"


def test_company_staff_cannot_get_an_operator_token(alpha):
    staff = make_staff(alpha)
    response = public_api().post(
        "/api/v1/token/",
        {"email": staff.email, "password": TEST_PASSWORD, "code": "123456"},
        format="json",
    )
    assert response.status_code == 400


def test_list_create_suspend_resume(operator, device, alpha):
    client = operator_api(issue(operator, device))
    listed = client.get("/api/v1/companies/").json()["results"]
    assert {c["subdomain"] for c in listed} >= {"alpha", "beta"}
    alpha_row = next(c for c in listed if c["subdomain"] == "alpha")
    assert alpha_row["domains"] == ["alpha.localhost"] and alpha_row["is_active"]

    created = client.post(
        "/api/v1/companies/", company_form(subdomain="delta", name='ООО "Дельта"'), format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["company"]["schema_name"] == "gc_delta"
    assert created.json()["admin_email"] == "boss@gamma.test"

    suspended = client.post("/api/v1/companies/alpha/suspend/")
    assert suspended.status_code == 200 and suspended.json()["is_active"] is False
    assert api_client(alpha).get("/api/v1/me/").status_code == 503  # the host is closed
    resumed = client.post("/api/v1/companies/alpha/resume/")
    assert resumed.json()["is_active"] is True
    assert client.get("/api/v1/companies/nowhere/").status_code == 404


def test_invalid_company_names_every_field(operator, device):
    client = operator_api(issue(operator, device))
    response = client.post(
        "/api/v1/companies/",
        company_form(inn="1234567890", subdomain="Плохой", admin_email="x"),
        format="json",
    )
    assert response.status_code == 400
    assert {"inn", "subdomain", "admin_email"} <= set(response.json()["fields"])
    assert not GridCompany.objects.filter(name='ООО "Гамма Сети"').exists()


def test_without_token_or_with_a_tenant_token_nothing_is_reachable(operator, alpha):
    assert public_api().get("/api/v1/companies/").status_code == 401
    assert public_api().post("/api/v1/companies/alpha/suspend/").status_code == 401
    tenant_token = token_for(alpha, make_staff(alpha))
    refused = operator_api(tenant_token).post("/api/v1/companies/alpha/suspend/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Токен выдан для другого адреса."
    assert GridCompany.objects.get(subdomain="alpha").is_active


def test_operator_token_is_refused_on_a_company_host(operator, device, alpha):
    token = issue(operator, device)
    response = api_client(alpha, token=token).get("/api/v1/me/")
    assert response.status_code == 401


def test_changing_the_password_revokes_tokens(operator, device):
    token = issue(operator, device)
    operator.set_password("Another-password-42")
    operator.save()
    response = operator_api(token).get("/api/v1/companies/")
    assert response.status_code == 401 and response.json()["detail"] == "Токен недействителен."


def test_expired_token_is_refused(operator, device, settings):
    token = issue(operator, device)
    settings.API_OPERATOR_TOKEN_SECONDS = -1  # every token is now past its lifetime
    response = operator_api(token).get("/api/v1/companies/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Срок действия токена истёк. Получите новый."


def test_platform_schema_and_docs(db):
    schema = public_api().get("/api/schema/?format=json").json()
    assert set(schema["paths"]) == {
        "/api/v1/token/",
        "/api/v1/companies/",
        "/api/v1/companies/{subdomain}/",
        "/api/v1/companies/{subdomain}/suspend/",
        "/api/v1/companies/{subdomain}/resume/",
    }
    assert public_api().get("/api/docs/").status_code == 200
