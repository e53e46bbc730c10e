"""The permission matrix of the API: every endpoint, every kind of caller.

Callers: anonymous, the applicant who owns the data, another applicant of the same
company, the company's administrator, a staff member who is not an administrator,
another company's administrator (session cookie carried to this host) and another
company's token. Each gets exactly the expected status, and a refusal (401, 403,
404) changes nothing: the company's data is fingerprinted before and after.
"""

from dataclasses import dataclass, field

import pytest

from api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from api.webhooks import create_endpoint
from core.accounts.models import User
from core.models import AuditEntry, Case, CaseEntry, CatalogueEntry, Notification, PortalSettings
from core.services import cases as case_services
from tests.api_fixtures import api_client, token_for
from tests.conftest import force_login, in_tenant
from tests.factories import make_applicant, make_case, make_staff, upload

ACTORS = ("anonymous", "owner", "other", "admin", "clerk", "beta_session", "beta_token")


@dataclass
class World:
    sent: int
    draft: int
    doc: int
    draft_doc: int
    signable: int
    clerk_id: int
    catalogue_id: int
    webhook_id: int
    clients: dict = field(default_factory=dict)


@pytest.fixture
def world(alpha, beta):
    owner = make_applicant(alpha)
    other = make_applicant(alpha)
    admin = make_staff(alpha)
    clerk = make_staff(alpha, admin=False)
    sent = make_case(alpha, owner, kind="application")
    draft = make_case(alpha, owner, kind="message", sent=False)
    beta_admin = make_staff(beta)
    with in_tenant(alpha):
        doc = CaseEntry.objects.filter(case=sent).get()
        draft_doc = CaseEntry.objects.filter(case=draft).get()
        signable = case_services.add_document(
            admin,
            sent,
            title="Оферта",
            uploaded=upload("Оферта.pdf"),
            requires_two_sided_signature=True,
        )
        catalogue = CatalogueEntry.objects.filter(kind="status").first()
        webhook = create_endpoint(admin, url="https://example.org/hook", events=["case.sent"])
    beta_session = api_client(alpha)
    force_login(beta_session, beta, beta_admin)  # the cookie of beta's session, sent to alpha
    world = World(
        sent=sent.pk,
        draft=draft.pk,
        doc=doc.pk,
        draft_doc=draft_doc.pk,
        signable=signable.pk,
        clerk_id=clerk.pk,
        catalogue_id=catalogue.pk,
        webhook_id=webhook.pk,
    )
    world.clients = {
        "anonymous": api_client(alpha),
        "owner": api_client(alpha, owner),
        "other": api_client(alpha, other),
        "admin": api_client(alpha, admin),
        "clerk": api_client(alpha, clerk),
        "beta_session": beta_session,
        "beta_token": api_client(alpha, token=token_for(beta, beta_admin)),
    }
    return world


def fingerprint(company) -> tuple:
    """Everything a refused request could have changed."""

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    with in_tenant(company):
        return (
            rows(Case, "title", "status", "registration_number", "sent_at"),
            rows(CaseEntry, "removed_at"),
            rows(User, "email", "is_active", "first_name"),
            rows(CatalogueEntry, "title", "position", "is_retired"),
            rows(WebhookEndpoint, "url", "is_active", "secret"),
            WebhookDelivery.objects.count(),
            ApiToken.objects.count(),
            PortalSettings.objects.values_list("updated_at", flat=True).get(),
            Notification.objects.count(),
            AuditEntry.objects.count(),
        )


def document():
    return {"title": "Скан паспорта", "file": upload("Паспорт.pdf")}


# (name, method, url, body, format, {actor: status}); actors not named get 401 (the
# strangers and the anonymous) — every other actor must be named.
S, D, E = "{sent}", "{draft}", "{doc}"
FULL_PROFILE = {
    "legal_form": "fl",
    "last_name": "Иванов",
    "first_name": "Иван",
    "middle_name": "",
    "email": "new-address@example.com",
    "phone": "+7 961 700-56-73",
    "snils": "049-114-804-49",
}
SKIP = None  # the entry is gone once another allowed caller removed it
ROWS = [
    ("me", "get", "/api/v1/me/", None, None,
     {"owner": 200, "other": 200, "admin": 200, "clerk": 200}),
    ("profile", "get", "/api/v1/profile/", None, None,
     {"owner": 200, "other": 200, "admin": 403, "clerk": 403}),
    ("profile update", "patch", "/api/v1/profile/", {"first_name": "Пётр"}, "json",
     {"owner": 200, "other": 200, "admin": 403, "clerk": 403}),
    ("profile replace", "put", "/api/v1/profile/", FULL_PROFILE, "json",
     {"owner": 200, "other": 200, "admin": 403, "clerk": 403}),
    ("cases", "get", "/api/v1/cases/", None, None,
     {"owner": 200, "other": 200, "admin": 403, "clerk": 403}),
    ("open draft", "post", "/api/v1/cases/", {"kind": "application"}, "json",
     {"owner": 201, "other": 201, "admin": 403, "clerk": 403}),
    ("sent case", "get", f"/api/v1/cases/{S}/", None, None,
     {"owner": 200, "other": 404, "admin": 200, "clerk": 200}),
    ("draft", "get", f"/api/v1/cases/{D}/", None, None,
     {"owner": 200, "other": 404, "admin": 404, "clerk": 404}),
    ("retitle", "patch", f"/api/v1/cases/{D}/", {"title": "Новое название"}, "json",
     {"owner": 200, "other": 404, "admin": 403, "clerk": 403}),
    ("delete draft", "delete", f"/api/v1/cases/{D}/", None, None,
     {"owner": 204, "other": 404, "admin": 403, "clerk": 403}),
    ("send", "post", f"/api/v1/cases/{D}/send/", None, None,
     {"owner": 200, "other": 404, "admin": 403, "clerk": 403}),
    ("timeline", "get", f"/api/v1/cases/{S}/entries/", None, None,
     {"owner": 200, "other": 404, "admin": 200, "clerk": 200}),
    ("draft timeline", "get", f"/api/v1/cases/{D}/entries/", None, None,
     {"owner": 200, "other": 404, "admin": 404, "clerk": 404}),
    ("add document", "post", f"/api/v1/cases/{S}/documents/", document, "multipart",
     {"owner": 201, "other": 404, "admin": 201, "clerk": 201}),
    ("add message", "post", f"/api/v1/cases/{S}/messages/", {"body": "Добрый день"}, "json",
     {"owner": 201, "other": 404, "admin": 201, "clerk": 201}),
    ("add message to draft", "post", f"/api/v1/cases/{D}/messages/", {"body": "Текст"}, "json",
     {"owner": 201, "other": 404, "admin": 404, "clerk": 404}),
    ("progress", "post", f"/api/v1/cases/{S}/progress/", {"text": "Ведется проектирование"},
     "json", {"owner": 403, "other": 403, "admin": 201, "clerk": 201}),
    ("status and number", "put", f"/api/v1/cases/{S}/status/",
     {"status": "Заявка на рассмотрении", "registration_number": "77-001"}, "json",
     {"owner": 403, "other": 403, "admin": 200, "clerk": 200}),
    ("remove draft entry", "delete", "/api/v1/entries/{draft_doc}/", None, None,
     {"other": 404, "admin": 404, "clerk": 404, "owner": 204}),
    ("remove sent entry", "delete", f"/api/v1/entries/{E}/", None, None,
     {"other": 404, "owner": 400, "clerk": 204, "admin": SKIP}),
    ("download", "get", f"/api/v1/entries/{E}/file/", None, None,
     {"owner": 200, "other": 404, "admin": 200, "clerk": 200}),
    ("draft download", "get", "/api/v1/entries/{draft_doc}/file/", None, None,
     {"owner": 200, "other": 404, "admin": 404, "clerk": 404}),
    ("sms code", "post", "/api/v1/entries/{signable}/signature/sms/", None, None,
     {"other": 404, "admin": 403, "clerk": 403, "owner": 400}),
    ("sms confirm", "post", "/api/v1/entries/{signable}/signature/sms/confirm/",
     {"code": "000000"}, "json", {"other": 404, "admin": 403, "clerk": 403, "owner": 400}),
    ("cades", "post", "/api/v1/entries/{signable}/signature/cades/",
     lambda: {"signature": upload("x.sig", b"0\x82garbage", "application/octet-stream")},
     "multipart", {"other": 404, "owner": 400, "admin": 400, "clerk": 400}),
    ("signature download", "get", "/api/v1/signatures/999999/file/", None, None,
     {"owner": 404, "other": 404, "admin": 404, "clerk": 404}),
    ("inbox", "get", "/api/v1/inbox/", None, None,
     {"owner": 403, "other": 403, "admin": 200, "clerk": 200}),
    ("catalogue", "get", "/api/v1/catalogues/status/", None, None,
     {"owner": 200, "other": 200, "admin": 200, "clerk": 200}),
    ("catalogue add", "post", "/api/v1/catalogues/status/", {"title": "Новый статус"}, "json",
     {"owner": 403, "other": 403, "clerk": 403, "admin": 201}),
    ("catalogue change", "patch", "/api/v1/catalogues/status/{catalogue_id}/",
     {"title": "Переименованный статус"}, "json",
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("catalogue move", "post", "/api/v1/catalogues/status/{catalogue_id}/move/",
     {"direction": "down"}, "json", {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("texts", "get", "/api/v1/texts/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("texts update", "patch", "/api/v1/texts/", {"help_text": "<p>Звоните нам</p>"}, "json",
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("settings", "get", "/api/v1/settings/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("settings update", "patch", "/api/v1/settings/", {"phone": "+7 (3452) 00-00-00"}, "json",
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("staff", "get", "/api/v1/staff/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("staff invite", "post", "/api/v1/staff/", {"email": "new.staff@alpha.test"}, "json",
     {"owner": 403, "other": 403, "clerk": 403, "admin": 201}),
    ("staff deactivate", "post", "/api/v1/staff/{clerk_id}/deactivate/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("staff activate", "post", "/api/v1/staff/{clerk_id}/activate/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("webhooks", "get", "/api/v1/webhooks/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("webhook create", "post", "/api/v1/webhooks/",
     {"url": "https://example.org/new", "events": ["entry.added"]}, "json",
     {"owner": 403, "other": 403, "clerk": 403, "admin": 201}),
    ("webhook", "get", "/api/v1/webhooks/{webhook_id}/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("webhook change", "patch", "/api/v1/webhooks/{webhook_id}/", {"is_active": False}, "json",
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("webhook deliveries", "get", "/api/v1/webhooks/{webhook_id}/deliveries/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 200}),
    ("webhook delete", "delete", "/api/v1/webhooks/{webhook_id}/", None, None,
     {"owner": 403, "other": 403, "clerk": 403, "admin": 204}),
]  # fmt: skip

REFUSED = {401, 403, 404}


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_every_caller_gets_exactly_the_expected_status(alpha, world, row):
    name, method, url, body, fmt, expected = row
    url = url.format(**{k: v for k, v in vars(world).items() if k != "clients"})
    expected = {actor: expected.get(actor, 401) for actor in ACTORS}
    # Refusals first (each must leave everything as it was), then the allowed callers
    # in the order the row names them.
    order = [a for a in ACTORS if expected[a] in REFUSED] + [
        a for a in row[5] if expected[a] not in REFUSED
    ]
    for actor in order:
        if expected[actor] is SKIP:
            continue
        before = fingerprint(alpha)
        data = body() if callable(body) else body
        kwargs = {"format": fmt} if fmt else {}
        response = getattr(world.clients[actor], method)(url, data, **kwargs)
        assert response.status_code == expected[actor], (
            f"{name}: {actor} got {response.status_code}: {response.content[:300]!r}"
        )
        if expected[actor] in REFUSED:
            assert fingerprint(alpha) == before, f"{name}: refused {actor} changed something"
            body_json = response.json()
            assert set(body_json) == {"code", "detail", "fields"}
            assert body_json["detail"]


def test_schema_and_docs_are_public(alpha):
    client = api_client(alpha)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content


def test_every_documented_operation_is_in_the_matrix(alpha):
    """A new endpoint cannot slip past the matrix."""
    schema = api_client(alpha).get("/api/schema/?format=json").json()
    documented = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    covered = set()
    for _, method, url, *_ in ROWS:
        template = (
            url.replace("{sent}", "{case_id}")
            .replace("{draft}", "{case_id}")
            .replace("{doc}", "{entry_id}")
            .replace("{draft_doc}", "{entry_id}")
            .replace("{signable}", "{entry_id}")
            .replace("status/{catalogue_id}", "{kind}/{entry_id}")
            .replace("/catalogues/status/", "/catalogues/{kind}/")
            .replace("{clerk_id}", "{user_id}")
            .replace("{webhook_id}", "{endpoint_id}")
            .replace("999999", "{signature_id}")
        )
        covered.add((method, template))
    assert documented - covered == set()


def test_a_token_of_another_company_fails_fast(alpha, beta):
    staff = make_staff(beta)
    response = api_client(alpha, token=token_for(beta, staff)).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "detail": "Токен выдан для другого личного кабинета.",
        "fields": {},
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_or_forged_token_is_refused(alpha):
    from api.tokens import revoke_token

    applicant = make_applicant(alpha)
    token = token_for(alpha, applicant)
    client = api_client(alpha, token=token)
    assert client.get("/api/v1/me/").status_code == 200
    with in_tenant(alpha):
        revoke_token(applicant, ApiToken.objects.get(user=applicant).pk)
    assert client.get("/api/v1/me/").status_code == 401
    forged = api_client(alpha, token=token[:-4] + "AAAA")
    assert forged.get("/api/v1/me/").json()["detail"] == "Токен недействителен или отозван."


def test_token_of_a_deactivated_staff_member_stops_working(alpha):
    admin = make_staff(alpha)
    clerk = make_staff(alpha, admin=False)
    client = api_client(alpha, clerk)
    assert client.get("/api/v1/inbox/").status_code == 200
    api_client(alpha, admin).post(f"/api/v1/staff/{clerk.pk}/deactivate/")
    assert client.get("/api/v1/inbox/").status_code == 401


def test_only_a_hash_of_the_token_is_stored(alpha):
    applicant = make_applicant(alpha)
    token = token_for(alpha, applicant)
    assert token.startswith("lk.gc_alpha.")
    with in_tenant(alpha):
        stored = ApiToken.objects.get(user=applicant)
    assert token not in str(vars(stored))
    assert stored.hint == token.split(".")[2][:8]


def test_session_calls_need_the_csrf_token(alpha):
    from tests.api_fixtures import csrf_session_client

    applicant = make_applicant(alpha)
    client = csrf_session_client(alpha, applicant)
    assert client.get("/api/v1/cases/").status_code == 200
    refused = client.post("/api/v1/cases/", {"kind": "application"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    with in_tenant(alpha):
        assert not Case.objects.filter(applicant=applicant).exists()
    client.get("/accounts/login/")  # any page sets the CSRF cookie
    csrf = client.cookies.get("csrftoken")
    if csrf is None:
        client.get("/")
        csrf = client.cookies["csrftoken"]
    accepted = client.post(
        "/api/v1/cases/", {"kind": "application"}, format="json", HTTP_X_CSRFTOKEN=csrf.value
    )
    assert accepted.status_code == 201


def test_rate_limit_per_token_answers_429(alpha, settings):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "api_token": "3/min",
        },
    }
    assert api_settings.DEFAULT_THROTTLE_RATES["api_token"] == "3/min"
    applicant = make_applicant(alpha)
    first, second = api_client(alpha, applicant), api_client(alpha, applicant)
    assert [first.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/api/v1/me/")
    assert limited.status_code == 429
    assert limited.json()["code"] == "throttled" and int(limited["Retry-After"]) > 0
    assert second.get("/api/v1/me/").status_code == 200  # another token, its own limit
