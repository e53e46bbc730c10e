"""The pages where applicants and staff create and revoke their API tokens."""

import re

from api.models import ApiToken
from core.models import AuditEntry
from tests.api_fixtures import api_client
from tests.conftest import client_for, force_login, in_tenant
from tests.factories import make_applicant, make_staff


def shown_token(response) -> str:
    return re.search(r'value="(lk\.gc_alpha\.[^"]+)"', response.content.decode()).group(1)


def test_applicant_creates_uses_and_revokes_a_token(alpha):
    applicant = make_applicant(alpha)
    client = client_for(alpha)
    force_login(client, alpha, applicant)
    page = client.get("/profile/tokens/")
    assert page.status_code == 200 and "Токены API" in page.content.decode()

    created = client.post("/profile/tokens/", {"name": "Интеграция с 1С"})
    assert created.status_code == 200
    text = created.content.decode()
    assert "больше он показан не будет" in text
    token = shown_token(created)
    assert api_client(alpha, token=token).get("/api/v1/me/").json()["email"] == applicant.email

    again = client.get("/profile/tokens/").content.decode()
    assert token not in again and "Интеграция с 1С" in again  # shown once only

    with in_tenant(alpha):
        stored = ApiToken.objects.get(user=applicant)
        assert AuditEntry.objects.filter(action="api.token_created", actor=applicant).exists()
    revoked = client.post(f"/profile/tokens/{stored.pk}/revoke/")
    assert revoked.status_code == 302
    assert api_client(alpha, token=token).get("/api/v1/me/").status_code == 401
    with in_tenant(alpha):
        assert AuditEntry.objects.filter(action="api.token_revoked").exists()


def test_token_needs_a_name(alpha):
    applicant = make_applicant(alpha)
    client = client_for(alpha)
    force_login(client, alpha, applicant)
    response = client.post("/profile/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert "Укажите название токена" in response.content.decode()
    with in_tenant(alpha):
        assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(alpha):
    owner, other = make_applicant(alpha), make_applicant(alpha)
    owner_client, other_client = client_for(alpha), client_for(alpha)
    force_login(owner_client, alpha, owner)
    force_login(other_client, alpha, other)
    owner_client.post("/profile/tokens/", {"name": "Мой"})
    with in_tenant(alpha):
        token = ApiToken.objects.get(user=owner)
    assert other_client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    with in_tenant(alpha):
        assert ApiToken.objects.filter(pk=token.pk).exists()


def test_staff_manage_tokens_in_the_console(alpha):
    staff = make_staff(alpha, admin=False)
    client = client_for(alpha)
    force_login(client, alpha, staff)
    created = client.post("/console/tokens/", {"name": "CRM"})
    assert created.status_code == 200
    token = shown_token(created)
    assert api_client(alpha, token=token).get("/api/v1/inbox/").status_code == 200


def test_token_pages_are_for_their_own_side(alpha):
    applicant, staff = make_applicant(alpha), make_staff(alpha)
    anonymous = client_for(alpha)
    assert anonymous.get("/profile/tokens/").status_code == 302  # to the login window
    applicant_client = client_for(alpha)
    force_login(applicant_client, alpha, applicant)
    assert applicant_client.get("/console/tokens/").status_code == 404
    staff_client = client_for(alpha)
    force_login(staff_client, alpha, staff)
    assert staff_client.get("/profile/tokens/").status_code == 302  # staff go to the console
