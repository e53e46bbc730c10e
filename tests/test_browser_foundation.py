"""Browser journey: the demo tenant's login page renders with its branding."""

import os

import pytest

from tests.conftest import screenshot_dir

pytestmark = pytest.mark.browser


def test_company_login_page_renders_with_its_branding(live_server_url, page, committed_db):
    page.goto(live_server_url.format(sub="alpha") + "/")
    assert page.url.endswith("/accounts/login/")
    assert page.locator("h1").text_content() == "Вход в личный кабинет"
    assert page.locator(".brand-name").inner_text() == 'ООО "Альфа Сети"'
    border = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).borderBottomColor"
    )
    assert border == "rgb(170, 51, 0)"  # #aa3300, alpha's colour
    assert page.get_by_text("Зарегистрируйтесь!").is_visible()
    page.screenshot(path=os.path.join(screenshot_dir(), "login-alpha.png"), full_page=True)

    page.goto(live_server_url.format(sub="beta") + "/accounts/login/")
    assert page.locator(".brand-name").inner_text() == 'АО "Бета Энерго"'
