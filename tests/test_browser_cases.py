"""Browser journey: an applicant creates an application, attaches two files (with the
progress bar), adds a message in the editor, sends it and sees it in the list."""

import os

import pytest

from core.models import Case
from tenants.models import GridCompany
from tests.conftest import TEST_PASSWORD, in_tenant, screenshot_dir
from tests.factories import PDF_BYTES, docx_bytes, make_applicant

pytestmark = pytest.mark.browser


def sign_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(base + "/")


def test_applicant_files_an_application_with_two_documents_and_a_message(
    live_server_url, page, committed_db, tmp_path
):
    alpha = GridCompany.objects.get(subdomain="alpha")
    user = make_applicant(alpha)
    base = live_server_url.format(sub="alpha")
    application = tmp_path / "Заявка на ТП.docx"
    application.write_bytes(docx_bytes())
    scan = tmp_path / "К заявке на ТП.pdf"
    scan.write_bytes(PDF_BYTES + b"0" * 3_000_000)

    sign_in(page, base, user.email)
    page.locator("nav.nav").get_by_role("link", name="Документооборот").click()
    page.get_by_role("button", name="Создать заявку на технологическое присоединение").click()
    draft = page.locator("section.case-draft")
    assert "Черновик заявки на технологическое присоединение" in draft.text_content()
    assert "Текущий статус:Черновик" in " ".join(
        draft.locator(".case-head").text_content().split()
    ).replace(": ", ":")

    for path, title in (
        (application, "Заявка на технологическое присоединение (ФЛ) до 15 кВт"),
        (scan, "Дополнительный материал"),
    ):
        draft.locator("summary", has_text="Добавить документ").click()
        form = draft.locator("form.upload-form")
        form.locator("input[name=title]").fill(title)
        form.locator("input[type=file]").set_input_files(str(path))
        form.locator("textarea[name=comment]").fill("Направляю вам заявку")
        with page.expect_navigation():
            form.get_by_role("button", name="Добавить").click()
        draft = page.locator("section.case-draft")
        assert path.name in draft.text_content()
    assert page.locator("progress").count() >= 1

    draft.locator("summary", has_text="Добавить сообщение").click()
    editor = draft.locator(".editor-area")
    editor.click()
    page.keyboard.type("Здравствуйте! ")
    draft.locator("button[data-cmd=bold]").click()
    page.keyboard.type("Прошу рассмотреть")
    with page.expect_navigation():
        draft.locator("form.message-form").get_by_role("button", name="Добавить").click()
    page.screenshot(path=os.path.join(screenshot_dir(), "draft.png"), full_page=True)

    with page.expect_navigation():
        page.locator("section.case-draft").get_by_role("button", name="Отправить").click()
    assert "Заявка отправлена" in page.locator(".messages").text_content()
    sent = page.locator("section.case").first
    text = sent.text_content()
    assert "Ожидание ответа электросетевой" in text
    assert "Заявка на ТП.docx" in text and "К заявке на ТП.pdf" in text
    assert (
        "Прошу рассмотреть"
        in sent.locator(".message-body b, .message-body strong").first.text_content()
    )
    page.screenshot(path=os.path.join(screenshot_dir(), "sent.png"), full_page=True)
    with in_tenant(alpha):
        case = Case.objects.get(applicant=user)
        assert not case.is_draft
        assert case.entries.filter(kind="document").count() == 2
