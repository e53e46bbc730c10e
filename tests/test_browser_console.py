"""Browser journey: staff assign a number and a status, add a message and a document;
the applicant sees them."""

import os

import pytest

from tenants.models import GridCompany
from tests.conftest import TEST_PASSWORD, screenshot_dir
from tests.factories import docx_bytes, make_applicant, make_case, make_staff

pytestmark = pytest.mark.browser


def sign_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_staff_processes_a_case_and_the_applicant_sees_it(
    live_server_url, browser, committed_db, tmp_path
):
    alpha = GridCompany.objects.get(subdomain="alpha")
    applicant = make_applicant(alpha)
    staff = make_staff(alpha)
    case = make_case(alpha, applicant, title="Баня на участке")
    base = live_server_url.format(sub="alpha")
    contract = tmp_path / "Договор ТП.docx"
    contract.write_bytes(docx_bytes())

    staff_page = browser.new_context(
        locale="ru-RU", viewport={"width": 1280, "height": 900}
    ).new_page()
    sign_in(staff_page, base, staff.email)
    staff_page.wait_for_url(base + "/console/")
    row = staff_page.locator("table.inbox tr", has_text="Баня на участке")
    assert row.locator(".unseen-mark").count() == 1
    staff_page.screenshot(path=os.path.join(screenshot_dir(), "console-inbox.png"), full_page=True)
    row.get_by_role("link", name="Баня на участке").click()
    staff_page.wait_for_url(f"{base}/console/cases/{case.pk}/")

    staff_page.select_option("select[name=status]", "Подготовка оферты договора")
    staff_page.fill("input[name=registration_number]", "1563")
    staff_page.get_by_role("button", name="Сохранить").click()
    staff_page.wait_for_load_state()
    assert "Сохранено." in staff_page.locator(".messages").text_content()

    staff_page.locator("summary", has_text="Добавить сообщение").click()
    staff_page.locator(".editor-area").click()
    staff_page.keyboard.type("Направляем оферту договора")
    with staff_page.expect_navigation():
        staff_page.locator("form.message-form").get_by_role("button", name="Добавить").click()

    staff_page.locator("summary", has_text="Добавить документ").click()
    form = staff_page.locator("form.upload-form")
    form.locator("input[name=title]").fill("Оферта договора о технологическом присоединении")
    form.locator("input[type=file]").set_input_files(str(contract))
    form.locator("input[name=requires_two_sided_signature]").check()
    with staff_page.expect_navigation():
        form.get_by_role("button", name="Добавить").click()

    staff_page.locator("summary", has_text="Добавить статус").click()
    staff_page.locator("select[name=text]").select_option("Ведется проектирование")
    with staff_page.expect_navigation():
        staff_page.locator("details[open] form").get_by_role("button", name="Добавить").click()
    staff_page.screenshot(path=os.path.join(screenshot_dir(), "console-case.png"), full_page=True)

    applicant_page = browser.new_context(locale="ru-RU").new_page()
    sign_in(applicant_page, base, applicant.email)
    applicant_page.goto(base + "/documents/")
    card = applicant_page.locator(f"#case-{case.pk}")
    text = " ".join(card.text_content().split())
    assert "Подготовка оферты договора" in text and "1563" in text
    assert 'От ООО "Альфа Сети":' in text
    assert "Направляем оферту договора" in text
    assert "Договор ТП.docx" in text
    assert "Ведется проектирование" in text
    applicant_page.screenshot(
        path=os.path.join(screenshot_dir(), "applicant-sees.png"), full_page=True
    )
