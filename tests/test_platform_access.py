"""Only OTP-verified platform operators reach the console on the public host."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from core.accounts.models import User
from tenants.models import PlatformAuditEntry
from tests.conftest import TEST_PASSWORD, client_for, in_tenant
from tests.platform_fixtures import *  # noqa: F403 (fixtures)
from tests.platform_fixtures import OPERATOR_EMAIL, current_code, make_operator, public_host_client

CONSOLE_URLS = [
    "/platform/",
    "/platform/companies/new/",
    "/platform/companies/alpha/",
    "/platform/companies/alpha/created/",
    "/platform/audit/",
]


def assert_refused(response):
    """Refused: sent to the login page or forbidden; never the console itself."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith("/platform/login/")
    assert "Сетевые организации" not in response.content.decode()


def test_landing_page_describes_the_service_and_links_operator_login(public_client):
    body = public_client.get("/").content.decode()
    assert "Личный кабинет по технологическому присоединению" in body
    assert "Сетевой организации" in body
    assert 'href="/platform/login/"' in body


@pytest.mark.parametrize("url", CONSOLE_URLS)
def test_anonymous_visitor_is_sent_to_operator_login(db, alpha, url):
    assert_refused(public_host_client().get(url))


@pytest.mark.parametrize("url", CONSOLE_URLS)
def test_operator_console_pages_open_for_verified_operator(operator_client, alpha, url):
    assert operator_client.get(url).status_code == 200


def test_tenant_staff_session_is_not_honoured_on_public_host(alpha, operator):
    """The admin of a grid company with the operator's very e-mail signs in on the
    company's host; that session does not exist on the public host."""
    with in_tenant(alpha):
        staff = User.objects.create_user(
            OPERATOR_EMAIL, TEST_PASSWORD, role=User.Role.STAFF, is_company_admin=True
        )
    company_client = client_for(alpha)
    response = company_client.post(
        "/accounts/login/", {"login": staff.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in company_client.session.keys()

    public = public_host_client()
    public.cookies = company_client.cookies  # even if the browser sent it along
    for url in CONSOLE_URLS:
        assert_refused(public.get(url))


def test_tenant_staff_password_does_not_open_operator_login(alpha, db):
    with in_tenant(alpha):
        User.objects.create_user("staff@alpha.test", TEST_PASSWORD, role=User.Role.STAFF)
    response = public_host_client().post(
        "/platform/login/", {"login": "staff@alpha.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Неверный email или пароль" in response.content.decode()


def test_applicant_account_in_public_schema_is_refused(db):
    applicant = make_operator("applicant@platform.test", role=User.Role.APPLICANT)
    client = public_host_client()
    response = client.post(
        "/platform/login/", {"login": applicant.email, "password": TEST_PASSWORD}
    )
    assert "Неверный email или пароль" in response.content.decode()
    client.force_login(applicant)
    for url in CONSOLE_URLS:
        response = client.get(url)
        assert response.status_code == 403
        assert "только операторам платформы" in response.content.decode()


def test_password_alone_does_not_open_the_console(operator, operator_device):
    client = public_host_client()
    response = client.post("/platform/login/", {"login": operator.email, "password": TEST_PASSWORD})
    assert response["Location"].startswith("/platform/login/code/")
    assert "_auth_user_id" not in client.session.keys()
    assert_refused(client.get("/platform/"))


def test_operator_enrols_authenticator_on_first_login(operator):
    client = public_host_client()
    client.post("/platform/login/", {"login": operator.email, "password": TEST_PASSWORD})
    page = client.get("/platform/login/code/").content.decode()
    assert "Подключение приложения-аутентификатора" in page
    assert "<svg" in page
    with schema_context("public"):
        device = TOTPDevice.objects.get(user=operator)
    assert not device.confirmed
    secret = page.split('class="otp-secret">')[1].split("<")[0]
    assert len(secret) == 32  # base32 of the 20-byte key

    wrong = client.post("/platform/login/code/", {"code": "000000"})
    assert "Неверный или устаревший код" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the next try is not throttled in the test
    device.throttling_failure_timestamp = None
    device.save()

    response = client.post("/platform/login/code/", {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/platform/").status_code == 200
    actions = set(PlatformAuditEntry.objects.values_list("action", flat=True))
    assert {"totp_enrolled", "operator_login"} <= actions


def test_bad_code_format_gets_a_message_next_to_the_field(operator, operator_device):
    client = public_host_client()
    client.post("/platform/login/", {"login": operator.email, "password": TEST_PASSWORD})
    body = client.post("/platform/login/code/", {"code": "12ab"}).content.decode()
    assert "Код состоит из 6 цифр." in body
    assert_refused(client.get("/platform/"))


def test_code_step_without_password_step_goes_back_to_login(db):
    response = public_host_client().get("/platform/login/code/")
    assert response["Location"] == "/platform/login/"


def test_operator_login_is_throttled_by_axes(operator, operator_device, settings):
    client = public_host_client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/platform/login/", {"login": operator.email, "password": "wrong"})
    with schema_context("public"):
        assert AccessAttempt.objects.filter(username=operator.email).exists()
    response = client.post("/platform/login/", {"login": operator.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Вход временно заблокирован" in response.content.decode()
    assert "platform_pending_operator" not in client.session.keys()


def test_logout_ends_the_operator_session(operator_client):
    operator_client.post("/platform/logout/")
    assert_refused(operator_client.get("/platform/"))


def test_create_operator_command_creates_an_operator(db, monkeypatch):
    monkeypatch.setenv("DJANGO_OPERATOR_PASSWORD", "Very-long-operator-pass-77")
    call_command("create_operator", "--email", "First@Platform.test", "--noinput")
    with schema_context("public"):
        user = User.objects.get(email="first@platform.test")
    assert user.role == User.Role.OPERATOR
    assert user.check_password("Very-long-operator-pass-77")
    assert not TOTPDevice.objects.filter(user=user).exists()  # enrolled at first login


def test_operator_returns_to_the_page_they_asked_for(operator, operator_device):
    client = public_host_client()
    response = client.get("/platform/audit/")
    assert response["Location"] == "/platform/login/?next=%2Fplatform%2Faudit%2F"
    response = client.post(
        response["Location"], {"login": operator.email, "password": TEST_PASSWORD}
    )
    response = client.post(response["Location"], {"code": current_code(operator_device)})
    assert response["Location"] == "/platform/audit/"


def test_next_pointing_to_another_host_is_ignored(operator, operator_device):
    client = public_host_client()
    client.post(
        "/platform/login/?next=https://evil.example/",
        {"login": operator.email, "password": TEST_PASSWORD},
    )
    response = client.post(
        "/platform/login/code/?next=https://evil.example/",
        {"code": current_code(operator_device)},
    )
    assert response["Location"] == "/platform/"
