"""Browser journey: an applicant creates an API token on its page, the token works,
and the interactive API docs load entirely from our own host (no CDN)."""

import os
import uuid

import pytest

from tenants.models import GridCompany
from tests.conftest import TEST_PASSWORD, screenshot_dir
from tests.factories import make_applicant

pytestmark = pytest.mark.browser


def test_applicant_creates_a_token_and_reads_the_docs(live_server_url, page, committed_db):
    alpha = GridCompany.objects.get(subdomain="alpha")
    base = live_server_url.format(sub="alpha")
    email = f"api-{uuid.uuid4().hex[:8]}@example.com"
    make_applicant(alpha, email=email)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(base + "/")

    page.goto(base + "/profile/tokens/")
    page.fill("#token-name", "Интеграция с 1С")
    page.get_by_role("button", name="Создать токен").click()
    token = page.locator(".token-value").input_value()
    assert token.startswith("lk.gc_alpha.")
    assert "Интеграция с 1С" in page.locator("table.list").text_content()
    page.screenshot(path=os.path.join(screenshot_dir(), "api-tokens.png"), full_page=True)

    # The page's own script calls the API with the token only (no cookies).
    me = page.evaluate(
        """token => fetch("/api/v1/me/", {credentials: "omit",
            headers: {Authorization: "Bearer " + token}}).then(r => r.json())""",
        token,
    )
    assert me["email"] == email and me["role"] == "applicant"

    page.goto(base + "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Личный кабинет ТП" in page.locator(".swagger-ui .info .title").text_content()
    page.locator("#operations-tag-Обращения").wait_for()
    page.screenshot(path=os.path.join(screenshot_dir(), "api-docs.png"), full_page=False)
    foreign = [url for url in requested if not url.startswith(base)]
    assert foreign == [], foreign
