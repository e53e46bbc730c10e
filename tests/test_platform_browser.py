"""Browser journey: an operator signs in with a TOTP code, creates a grid company and
opens its host."""

import os
import uuid

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import TEST_PASSWORD, screenshot_dir
from tests.platform_fixtures import current_code, make_operator

pytestmark = pytest.mark.browser


@pytest.mark.django_db
def test_browser_journeys_run_against_the_test_database():
    """Also makes pytest-django create the test database when only browser journeys are
    selected: it sets up only the databases that collected `django_db` tests use, and the
    journeys (committed_db) use none, so they would otherwise write to the dev database."""
    assert connection.settings_dict["NAME"].startswith("test_")


def shot(page, name):
    page.screenshot(path=os.path.join(screenshot_dir(), f"platform-{name}.png"), full_page=True)


def test_operator_enrols_totp_creates_a_company_and_opens_its_host(
    live_server_url, page, committed_db, monkeypatch
):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls below are
    # plain blocking calls, which Django refuses there unless told it is fine.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert connection.settings_dict["NAME"].startswith("test_"), "not on the test database"
    run = uuid.uuid4().hex[:6]
    operator = make_operator(f"operator-{run}@platform.test")
    public = live_server_url.replace("{sub}.", "")
    sub = f"omega-{run}"

    page.goto(public + "/")
    shot(page, "landing")
    page.get_by_role("link", name="Вход для оператора платформы").click()
    page.get_by_label("Email").fill(operator.email)
    page.get_by_label("Пароль").fill(TEST_PASSWORD)
    shot(page, "login")
    page.get_by_role("button", name="Продолжить").click()

    assert page.locator("h1").text_content().strip() == "Подключение приложения-аутентификатора"
    assert page.locator(".otp-qr svg").is_visible()
    shot(page, "enrol")
    device = TOTPDevice.objects.get(user=operator)
    page.get_by_label("Код из приложения").fill(current_code(device))
    page.get_by_role("button", name="Подключить и войти").click()
    assert page.locator("h1").text_content().strip() == "Сетевые организации"
    shot(page, "companies")

    page.get_by_role("link", name="Подключить организацию").first.click()
    page.locator("input[name=name]").fill(f'АО "Омега Энерго {run}"')
    page.locator("input[name=inn]").fill("7707083893")
    page.locator("input[name=subdomain]").fill("Bad_Name")
    page.locator("input[name=admin_email]").fill(f"boss@{sub}.test")
    page.locator("input[name=admin_last_name]").fill("Смирнова")
    page.locator("input[name=admin_first_name]").fill("Ольга")
    page.get_by_role("button", name="Создать личный кабинет").click()
    assert page.locator(".field-error").first.is_visible()
    assert "строчные латинские буквы" in page.content()
    shot(page, "create-errors")

    page.locator("input[name=subdomain]").fill(sub)
    page.locator("input[type=color]").fill("#7b1fa2")
    page.get_by_role("button", name="Создать личный кабинет").click()
    page.wait_for_url("**/created/")
    assert page.locator("h1").text_content().strip() == "Личный кабинет создан"
    shot(page, "created")

    page.get_by_role("link", name="Карточка организации").click()
    page.wait_for_url(f"**/companies/{sub}/")
    assert page.get_by_role("heading", name="Работа личного кабинета").is_visible()
    shot(page, "company")
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name=f"{sub}.localhost").first.click()
    company_page = popup_info.value
    company_page.wait_for_load_state()
    assert company_page.url.startswith(live_server_url.format(sub=sub))
    assert company_page.locator("h1").text_content().strip() == "Вход в личный кабинет"
    assert company_page.locator(".brand-name").inner_text() == f'АО "Омега Энерго {run}"'
    border = company_page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).borderBottomColor"
    )
    assert border == "rgb(123, 31, 162)"
    company_page.screenshot(
        path=os.path.join(screenshot_dir(), "platform-new-company-host.png"), full_page=True
    )
