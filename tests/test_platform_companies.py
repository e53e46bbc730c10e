"""Creating and editing grid companies from the operator console."""

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_exists

from core.accounts.models import User
from core.models import CatalogueEntry, Notification, PortalSettings
from core.notifications import deliver_pending
from tenants import selectors
from tenants.models import Domain, GridCompany, PlatformAuditEntry
from tests.conftest import TEST_PASSWORD, in_tenant
from tests.platform_fixtures import *  # noqa: F403 (fixtures)
from tests.platform_fixtures import company_form, png_upload


def create(client, **overrides):
    data = company_form(**overrides)
    return client.post("/platform/companies/new/", {**data, "logo": png_upload()})


def registry_state():
    return (
        GridCompany.objects.count(),
        Domain.objects.count(),
        sorted(GridCompany.objects.values_list("schema_name", flat=True)),
    )


def invitation_link(company) -> str:
    with in_tenant(company):
        notification = Notification.objects.get(kind="staff_invitation")
    return notification.body_text.split("http://")[1].split()[0].split("/", 1)[1]


def test_created_company_serves_branded_login_and_invited_admin_can_sign_in(operator_client):
    response = create(operator_client, extra_domain="lk.gamma-seti.ru")
    assert response.status_code == 302
    assert response["Location"] == "/platform/companies/gamma/created/"
    result = operator_client.get(response["Location"]).content.decode()
    assert "Личный кабинет создан" in result
    assert "gamma.localhost" in result and "lk.gamma-seti.ru" in result
    assert "boss@gamma.test" in result

    company = GridCompany.objects.get(subdomain="gamma")
    assert schema_exists(company.schema_name)
    assert set(company.domains.values_list("domain", "is_primary")) == {
        ("gamma.localhost", True),
        ("lk.gamma-seti.ru", False),
    }
    with in_tenant(company):
        portal = PortalSettings.objects.get()
        assert (portal.inn, portal.ogrn, portal.kpp) == ("7707083893", "1027700132195", "773601001")
        assert portal.primary_color == "#117733"
        assert portal.logo.name.startswith("gc_gamma/branding/")
        assert default_storage.exists(portal.logo.name)
        assert CatalogueEntry.objects.filter(kind="status").exists()
        admin = User.objects.get(email="boss@gamma.test")
        assert admin.is_company_admin and not admin.has_usable_password()
        assert deliver_pending() == 1
    assert mail.outbox[-1].to == ["boss@gamma.test"]
    assert "http://gamma.localhost:8000/accounts/invite/" in mail.outbox[-1].body

    host = Client(HTTP_HOST="gamma.localhost")
    login_page = host.get("/accounts/login/").content.decode()
    assert "ООО &quot;Гамма Сети&quot;" in login_page
    assert "--brand: #117733" in login_page
    assert "Добро пожаловать в личный кабинет" in login_page  # the default login text
    assert "gc_gamma/branding/" in login_page  # the logo

    link = "/" + invitation_link(company)
    assert host.get(link).status_code == 200
    new_password = "Gamma-admin-pass-2026"
    response = host.post(link, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    fresh = Client(HTTP_HOST="gamma.localhost")
    response = fresh.post(
        "/accounts/login/", {"login": "boss@gamma.test", "password": new_password}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in fresh.session.keys()
    assert PlatformAuditEntry.objects.filter(action="company_created", subdomain="gamma").exists()


@pytest.mark.parametrize(
    ("subdomain", "message"),
    [
        ("", "Заполните это поле."),
        ("ab", "от 3 до 40 символов"),
        ("Gamma_1", "только строчные латинские буквы"),
        ("-gamma", "не начинается и не заканчивается дефисом"),
        ("g" * 41, "Не более 40 символов"),
        ("www", "зарезервирован"),
        ("alpha", "уже занят"),
    ],
)
def test_invalid_or_taken_subdomain_is_refused_with_a_message(
    operator_client, alpha, subdomain, message
):
    before = registry_state()
    response = create(operator_client, subdomain=subdomain)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'class="field-error"' in body
    assert registry_state() == before


def test_bad_requisites_are_refused_next_to_their_fields(operator_client):
    before = registry_state()
    response = create(
        operator_client, inn="7707083890", ogrn="123", kpp="12", admin_email="нет", name=""
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"inn", "ogrn", "kpp", "admin_email", "name"}
    assert "контрольн" in " ".join(errors["inn"]).lower()
    assert registry_state() == before


def test_extra_domain_already_used_is_refused(operator_client, alpha):
    response = create(operator_client, extra_domain="alpha.localhost")
    assert response.status_code == 400
    assert "уже используется" in " ".join(response.context["form"].errors["extra_domain"])


def test_provisioning_failure_midway_leaves_nothing_behind_and_retry_works(
    operator_client, monkeypatch
):
    """The invitation (the last step) fails: no schema, domain, registry row or logo is
    left; the operator sees what failed; submitting again succeeds."""
    before = registry_state()
    files_before = (
        default_storage.listdir("gc_gamma") if default_storage.exists("gc_gamma") else None
    )

    def broken_invite(user):
        raise RuntimeError("mail queue is down")

    monkeypatch.setattr("tenants.services.invite_staff", broken_invite)
    response = create(operator_client)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Личный кабинет не создан" in body
    assert "отправка приглашения администратору" in body
    assert registry_state() == before
    assert not schema_exists("gc_gamma")
    assert not Domain.objects.filter(domain="gamma.localhost").exists()
    if files_before is None:
        assert not default_storage.exists("gc_gamma/branding") or not any(
            default_storage.listdir("gc_gamma/branding")
        )
    assert PlatformAuditEntry.objects.filter(action="company_create_failed").exists()

    monkeypatch.undo()
    assert create(operator_client).status_code == 302
    assert GridCompany.objects.filter(subdomain="gamma").exists()


def test_company_list_shows_usage_and_supports_search_and_sort(operator_client, alpha, beta):
    with in_tenant(alpha):
        for n in range(3):
            User.objects.create_user(f"a{n}@example.test", TEST_PASSWORD)
    body = operator_client.get("/platform/").content.decode()
    assert "ООО &quot;Альфа Сети&quot;" in body and "АО &quot;Бета Энерго&quot;" in body
    assert "alpha.localhost" in body and "Работает" in body

    found = operator_client.get("/platform/?q=бета").content.decode()
    assert "Бета Энерго" in found and "Альфа Сети" not in found
    found = operator_client.get("/platform/?q=alpha.local").content.decode()
    assert "Альфа Сети" in found and "Бета Энерго" not in found

    rows = operator_client.get("/platform/?sort=-applicants").context["rows"]
    assert rows[0].company.subdomain == "alpha"
    assert rows[0].stats.applicants == 3
    assert rows[0].stats.staff == 1
    rows = operator_client.get("/platform/?sort=-name").context["rows"]
    assert [r.company.name for r in rows] == sorted([r.company.name for r in rows], reverse=True)


def test_stats_read_cases_across_schemas_once_the_table_exists(db):
    """Until core_case exists the counts are unknown (None); a schema that has it is
    counted in SQL: total and last 30 days."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA probe_stats")
        cursor.execute("CREATE TABLE probe_stats.core_case (id serial, created_at timestamptz)")
        cursor.execute(
            "INSERT INTO probe_stats.core_case (created_at) VALUES "
            "(now()), (now() - interval '3 days'), (now() - interval '90 days')"
        )
    stats = selectors.company_stats(["probe_stats", "gc_alpha"])
    assert (stats["probe_stats"].cases_total, stats["probe_stats"].cases_30d) == (3, 2)
    assert stats["probe_stats"].last_activity is not None
    has_cases_table = selectors.existing_tables(["gc_alpha"], ["core_case"])["core_case"]
    if not has_cases_table:
        assert stats["gc_alpha"].cases_total is None


def test_requisites_are_validated_and_saved(operator_client, alpha):
    url = "/platform/companies/alpha/"
    bad = operator_client.post(url, {"action": "requisites", "name": "Альфа", "inn": "123"})
    assert bad.status_code == 400
    assert "ИНН" in " ".join(bad.context["requisites_form"].errors["inn"])
    with in_tenant(alpha):
        assert PortalSettings.objects.get().company_name == 'ООО "Альфа Сети"'

    ok = operator_client.post(
        url,
        {
            "action": "requisites",
            "name": 'ООО "Альфа Сети Плюс"',
            "inn": "7707083893",
            "phone": "+7 (800) 000-00-01",
            "email": "contact@alpha.test",
            "notification_emails": "tp@alpha.test\nboss@alpha.test",
        },
    )
    assert ok.status_code == 302
    alpha.refresh_from_db()
    assert alpha.name == 'ООО "Альфа Сети Плюс"'
    with in_tenant(alpha):
        portal = PortalSettings.objects.get()
    assert (portal.company_name, portal.inn, portal.phone) == (
        'ООО "Альфа Сети Плюс"',
        "7707083893",
        "+7 (800) 000-00-01",
    )
    assert PlatformAuditEntry.objects.filter(action="requisites_updated").exists()


def test_domains_can_be_added_made_primary_and_removed(operator_client, alpha):
    url = "/platform/companies/alpha/"
    assert (
        operator_client.post(url, {"action": "add_domain", "domain": "bad domain"}).status_code
        == 400
    )
    taken = operator_client.post(url, {"action": "add_domain", "domain": "beta.localhost"})
    assert "уже используется" in taken.content.decode()
    assert (
        operator_client.post(url, {"action": "add_domain", "domain": "LK.Alpha.ru"}).status_code
        == 302
    )
    extra = Domain.objects.get(domain="lk.alpha.ru")
    primary = Domain.objects.get(domain="alpha.localhost")

    operator_client.post(url, {"action": "remove_domain", "domain_id": primary.pk})
    assert Domain.objects.filter(pk=primary.pk).exists()  # the primary one stays

    operator_client.post(url, {"action": "primary_domain", "domain_id": extra.pk})
    assert list(alpha.domains.filter(is_primary=True).values_list("domain", flat=True)) == [
        "lk.alpha.ru"
    ]
    operator_client.post(url, {"action": "remove_domain", "domain_id": primary.pk})
    assert list(alpha.domains.values_list("domain", flat=True)) == ["lk.alpha.ru"]
    assert Client(HTTP_HOST="alpha.localhost").get("/").status_code == 404


def test_domain_of_another_company_cannot_be_touched(operator_client, alpha, beta):
    beta_domain = beta.domains.get()
    operator_client.post(
        "/platform/companies/alpha/", {"action": "primary_domain", "domain_id": beta_domain.pk}
    )
    operator_client.post(
        "/platform/companies/alpha/", {"action": "remove_domain", "domain_id": beta_domain.pk}
    )
    beta_domain.refresh_from_db()
    assert beta_domain.is_primary and beta_domain.tenant_id == beta.pk


def test_branding_colour_and_logo_are_saved(operator_client, alpha):
    url = "/platform/companies/alpha/"
    bad = operator_client.post(url, {"action": "branding", "primary_color": "red"})
    assert bad.status_code == 400
    assert "#RRGGBB" in bad.content.decode()
    not_image = operator_client.post(
        url,
        {"action": "branding", "primary_color": "#123456", "logo": png_upload("logo.exe")},
    )
    assert "изображением" in not_image.content.decode()
    ok = operator_client.post(
        url, {"action": "branding", "primary_color": "#123456", "logo": png_upload()}
    )
    assert ok.status_code == 302
    with in_tenant(alpha):
        portal = PortalSettings.objects.get()
    assert portal.primary_color == "#123456"
    assert portal.logo.name.startswith("gc_alpha/branding/")
    assert (
        "--brand: #123456"
        in Client(HTTP_HOST="alpha.localhost").get("/accounts/login/").content.decode()
    )


def test_invitation_can_be_resent_until_the_admin_sets_a_password(operator_client, alpha):
    with in_tenant(alpha):
        admin = User.objects.get(email="admin@alpha.test")
        before = Notification.objects.filter(kind="staff_invitation").count()
    url = "/platform/companies/alpha/"
    operator_client.post(url, {"action": "resend_invitation", "user_id": admin.pk})
    with in_tenant(alpha):
        assert Notification.objects.filter(kind="staff_invitation").count() == before + 1
        admin.set_password(TEST_PASSWORD)
        admin.save()
    response = operator_client.post(
        url, {"action": "resend_invitation", "user_id": admin.pk}, follow=True
    )
    assert "уже установил пароль" in response.content.decode()
    with in_tenant(alpha):
        assert Notification.objects.filter(kind="staff_invitation").count() == before + 1


def test_another_administrator_can_be_added_and_is_invited(operator_client, alpha):
    url = "/platform/companies/alpha/"
    form = {
        "action": "add_admin",
        "admin_email": "second@alpha.test",
        "admin_last_name": "Сидорова",
        "admin_first_name": "Анна",
    }
    assert operator_client.post(url, form).status_code == 302
    with in_tenant(alpha):
        second = User.objects.get(email="second@alpha.test")
        assert second.is_company_admin and second.role == User.Role.STAFF
        assert Notification.objects.filter(recipients=["second@alpha.test"]).exists()
    again = operator_client.post(url, form)
    assert again.status_code == 400
    assert "уже есть в этом личном кабинете" in again.content.decode()


def test_audit_log_lists_operator_actions(operator_client, alpha):
    operator_client.post("/platform/companies/alpha/", {"action": "suspend"})
    body = operator_client.get("/platform/audit/?q=alpha").content.decode()
    assert "Работа личного кабинета приостановлена" in body
    assert "operator@platform.test" in body


def test_stats_take_one_query_per_figure_whatever_the_number_of_companies(alpha, beta):
    with CaptureQueriesContext(connection) as captured:
        stats = selectors.company_stats([alpha.schema_name, beta.schema_name])
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) <= 5  # tables present + users, cases, case entries, audit
    assert stats[alpha.schema_name].staff == 1 and stats[beta.schema_name].staff == 1
