"""Browser journey: an individual registers, sees the header with СНИЛС, logs out and
logs back in with «Запомнить меня?»."""

import os
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD, screenshot_dir

pytestmark = pytest.mark.browser


def test_individual_registers_logs_out_and_logs_in_again(live_server_url, page, committed_db):
    base = live_server_url.format(sub="alpha")
    email = f"browser-{uuid.uuid4().hex[:8]}@example.com"

    page.goto(base + "/accounts/login/")
    page.get_by_role("link", name="Зарегистрируйтесь!").click()
    page.wait_for_url(base + "/accounts/signup/")  # loaded: legal-form.js has run
    assert page.locator("h1").text_content() == "Регистрация"
    # Only the chosen legal form's fields are shown (expect() waits for the script).
    expect(page.locator("#id_snils")).to_be_visible()
    expect(page.locator("#id_ul_kpp")).to_be_hidden()
    page.select_option("#id_legal_form", "ul")
    expect(page.locator("#id_ul_kpp")).to_be_visible()
    expect(page.locator("#id_snils")).to_be_hidden()
    page.select_option("#id_legal_form", "fl")

    page.fill("#id_snils", "049-114-804-48")  # wrong check digit first
    page.fill("#id_last_name", "Туксин")
    page.fill("#id_first_name", "Артем")
    page.fill("#id_middle_name", "Александрович")
    page.fill("#id_email", email)
    page.fill("#id_phone", "+7-999-999-99-99")
    page.fill("#id_password1", TEST_PASSWORD)
    page.fill("#id_password2", TEST_PASSWORD)
    page.check("#id_personal_data_consent")
    page.get_by_role("button", name="Зарегистрироваться").click()
    assert "Неверное контрольное число СНИЛС" in page.locator(".field-error").first.text_content()
    page.screenshot(path=os.path.join(screenshot_dir(), "register-error.png"), full_page=True)

    page.fill("#id_snils", "049-114-804-49")
    page.fill("#id_password1", TEST_PASSWORD)
    page.fill("#id_password2", TEST_PASSWORD)
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.wait_for_url(base + "/")
    header = page.locator(".user-line").text_content()
    assert "Туксин Артем Александрович" in header
    assert "Физическое лицо - СНИЛС: 049-114-804-49" in header
    assert "Телефон: +7-999-999-99-99" in header
    page.screenshot(path=os.path.join(screenshot_dir(), "information.png"), full_page=True)

    page.get_by_role("button", name="Выход").click()
    page.wait_for_url(base + "/accounts/login/")

    page.fill("input[name=login]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.check("input[name=remember]")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(base + "/")
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert cookie["expires"] > 0, "«Запомнить меня?» keeps the session beyond the browser"
    assert "domain" in cookie and cookie["domain"] == "alpha.localhost"
