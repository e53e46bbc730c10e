"""Routing by Host: each grid company's host serves its own portal, the public host the
platform, and an unknown host a clear 404."""

from django.test import Client


def test_demo_tenant_host_serves_its_login_page(alpha_client):
    response = alpha_client.get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Вход в личный кабинет" in body
    assert "ООО &quot;Альфа Сети&quot;" in body
    assert "--brand: #aa3300" in body


def test_second_tenant_host_serves_its_own_branding(beta_client):
    body = beta_client.get("/accounts/login/").content.decode()
    assert "АО &quot;Бета Энерго&quot;" in body
    assert "--brand: #0033aa" in body
    assert "Альфа" not in body


def test_tenant_root_sends_anonymous_visitor_to_login(alpha_client):
    response = alpha_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_public_host_serves_the_platform_landing(public_client):
    response = public_client.get("/")
    assert response.status_code == 200
    assert "Личный кабинет по технологическому присоединению" in response.content.decode()


def test_public_host_has_no_applicant_portal(public_client):
    assert public_client.get("/accounts/login/").status_code == 404


def test_unknown_host_gets_a_clear_404(db):
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Личный кабинет не найден" in body
    assert "nobody.localhost" in body


def test_suspended_company_shows_unavailable_page(alpha, alpha_client):
    alpha.is_active = False
    alpha.save(update_fields=["is_active"])
    response = alpha_client.get("/accounts/login/")
    assert response.status_code == 503
    assert "Личный кабинет временно недоступен" in response.content.decode()


def test_suspended_company_answers_the_api_in_its_error_shape(alpha, alpha_client):
    alpha.is_active = False
    alpha.save(update_fields=["is_active"])
    response = alpha_client.get("/api/v1/cases/")
    assert response.status_code == 503
    assert response.json()["code"] == "suspended"
    assert response.json()["detail"] == "Личный кабинет временно недоступен."


def test_oversized_api_body_is_refused_in_the_api_error_shape(alpha_client):
    response = alpha_client.post(
        "/api/v1/cases/",
        data=b"x",
        content_type="application/json",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and "50 MB" in body["fields"]["file"][0]
