"""The grid company's console: access, inbox, case processing, texts, settings,
catalogues, staff, audit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.accounts.models import User
from core.errors import DomainError
from core.models import (
    AuditEntry,
    Case,
    CaseEntry,
    CatalogueEntry,
    Notification,
    PortalSettings,
)
from core.services import cases as case_services
from tests.conftest import TEST_PASSWORD, force_login, in_tenant
from tests.factories import docx_bytes, make_applicant, make_case, make_staff, upload


@pytest.fixture
def admin(alpha):
    return make_staff(alpha, admin=True)


@pytest.fixture
def clerk(alpha):
    return make_staff(alpha, admin=False)


@pytest.fixture
def applicant(alpha):
    return make_applicant(alpha)


@pytest.fixture
def case(alpha, applicant):
    return make_case(alpha, applicant, title="Дом в Ивановке")


def signed_in(client, company, user):
    force_login(client, company, user)
    return client


def page(response):
    return response.content.decode()


# --- Access ---------------------------------------------------------------------------------

ANY_STAFF_URLS = ["/console/", "/console/audit/"]
ADMIN_URLS = [
    "/console/texts/",
    "/console/settings/",
    "/console/catalogues/",
    "/console/staff/",
    "/console/outbox/",
]


def case_urls(case):
    return [f"/console/cases/{case.pk}/"]


def test_permission_matrix_over_console_pages(
    alpha, beta, alpha_client, beta_client, admin, clerk, applicant, case
):
    from django.test import Client

    urls = ANY_STAFF_URLS + ADMIN_URLS + case_urls(case)
    # Anonymous: the login window.
    for url in urls:
        response = Client(HTTP_HOST="alpha.localhost").get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    # An applicant: the console does not exist.
    client = signed_in(Client(HTTP_HOST="alpha.localhost"), alpha, applicant)
    for url in urls:
        assert client.get(url).status_code == 404, url
    # The company's administrator: everything.
    client = signed_in(Client(HTTP_HOST="alpha.localhost"), alpha, admin)
    for url in urls:
        assert client.get(url).status_code == 200, url
    # Other staff: cases and the journal, not the company's settings.
    client = signed_in(Client(HTTP_HOST="alpha.localhost"), alpha, clerk)
    for url in ANY_STAFF_URLS + case_urls(case):
        assert client.get(url).status_code == 200, url
    for url in ADMIN_URLS:
        assert client.get(url).status_code == 404, url
    # Staff of another company, with their session, on this company's host.
    other = make_staff(beta, admin=True)
    client = signed_in(Client(HTTP_HOST="beta.localhost"), beta, other)
    client.defaults["HTTP_HOST"] = "alpha.localhost"
    for url in urls:
        assert client.get(url).status_code == 302, url
    # …and on their own host, this company's case does not exist.
    client = signed_in(Client(HTTP_HOST="beta.localhost"), beta, other)
    assert client.get(f"/console/cases/{case.pk}/").status_code == 404


def test_console_write_urls_refuse_applicants(alpha, alpha_client, applicant, case):
    client = signed_in(alpha_client, alpha, applicant)
    with in_tenant(alpha):
        entry = case.entries.get()
    posts = [
        (f"/console/cases/{case.pk}/header/", {"status": "x", "registration_number": "1"}),
        (f"/console/cases/{case.pk}/message/", {"body": "x"}),
        (f"/console/cases/{case.pk}/progress/", {"text": "x"}),
        (f"/console/entries/{entry.pk}/remove/", {}),
        ("/console/texts/", {"info_text": "взлом"}),
        ("/console/catalogues/status/", {"action": "add", "title": "взлом"}),
        ("/console/staff/", {"email": "evil@example.com"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    with in_tenant(alpha):
        case.refresh_from_db()
        assert case.registration_number == "" and case.entries.count() == 1
        assert not User.objects.filter(email="evil@example.com").exists()


def test_staff_login_lands_on_the_console(alpha, alpha_client, admin):
    response = alpha_client.post(
        "/accounts/login/", {"login": admin.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/console/"
    assert alpha_client.get("/").status_code == 302  # the portal sends staff to the console


# --- Inbox -------------------------------------------------------------------------------


def test_inbox_lists_sent_cases_with_the_applicant_line(alpha, alpha_client, admin, case):
    make_case(alpha, make_applicant(alpha, email="drafty@example.com"), sent=False)
    body = page(signed_in(alpha_client, alpha, admin).get("/console/"))
    assert "Физическое лицо - СНИЛС: 049-114-804-49 ФИО: Туксин Артем Александрович" in body
    assert "Дом в Ивановке" in body and "Ожидание ответа электросетевой" in body
    assert "drafty@example.com" not in body
    assert "unseen-mark" in body


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("15-63", True),
        ("туксин", True),
        ("Ромашка", True),
        ("7707083893", True),
        ("04911480449", True),
        ("049-114-804-49", True),
        ("owner@example", True),
        ("иванов", False),
    ],
)
def test_inbox_search(alpha, alpha_client, admin, query, found):
    from core.models import LegalForm

    fl = make_applicant(alpha, email="owner@example.com")
    ul = make_applicant(alpha, legal_form=LegalForm.LEGAL_ENTITY, email="ul@example.com")
    fl_case = make_case(alpha, fl, title="Гараж")
    make_case(alpha, ul, title="Цех")
    with in_tenant(alpha):
        case_services.update_status_and_number(
            admin, fl_case, status=fl_case.status, registration_number="15-63"
        )
    body = page(signed_in(alpha_client, alpha, admin).get("/console/", {"q": query}))
    expected_title = "Цех" if query in ("Ромашка", "7707083893") else "Гараж"
    assert (expected_title in body) is found


def test_inbox_filters(alpha, alpha_client, admin, applicant):
    numbered = make_case(alpha, applicant, title="С номером")
    make_case(alpha, applicant, kind="message", title="Вопрос")
    with in_tenant(alpha):
        case_services.update_status_and_number(
            admin, numbered, status="Подготовка оферты договора", registration_number="77"
        )
    client = signed_in(alpha_client, alpha, admin)
    body = page(client.get("/console/", {"without_number": "on"}))
    assert "Вопрос" in body and "С номером" not in body
    body = page(client.get("/console/", {"status": "Подготовка оферты договора"}))
    assert "С номером" in body and "Вопрос" not in body
    body = page(client.get("/console/", {"kind": "message"}))
    assert "Вопрос" in body and "С номером" not in body
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = page(client.get("/console/", {"date_from": tomorrow}))
    assert "Вопрос" not in body and "С номером" not in body
    body = page(client.get("/console/", {"date_from": "не дата"}))
    assert "Введите правильную дату" in body


def test_inbox_filter_for_unsigned_documents(alpha, alpha_client, admin, applicant):
    waiting = make_case(alpha, applicant, title="Ждёт подписи")
    make_case(alpha, applicant, title="Без договора")
    with in_tenant(alpha):
        case_services.add_document(
            admin,
            waiting,
            title="Оферта",
            uploaded=upload("Договор ТП.docx", docx_bytes()),
            requires_two_sided_signature=True,
        )
    body = page(signed_in(alpha_client, alpha, admin).get("/console/", {"unsigned": "on"}))
    assert "Ждёт подписи" in body and "Без договора" not in body


def test_dashboard_counts_cases_waiting_longer_than_n_working_days(
    alpha, alpha_client, admin, applicant
):
    old = make_case(alpha, applicant, title="Старое")
    make_case(alpha, applicant, title="Новое")
    with in_tenant(alpha):
        Case.objects.filter(pk=old.pk).update(
            awaiting_company_since=timezone.now() - timedelta(days=10)
        )
    body = page(signed_in(alpha_client, alpha, admin).get("/console/"))
    assert 'Ждут ответа дольше 3 раб. дн.: <span class="dash-num" data-overdue>1</span>' in body
    with in_tenant(alpha):
        case_services.add_message(admin, old, "<p>Ответ</p>")
        assert Case.objects.get(pk=old.pk).awaiting_company_since is None


def test_inbox_costs_the_same_queries_at_10_and_500_cases(alpha, alpha_client, admin, applicant):
    def fill(n):
        with in_tenant(alpha):
            Case.objects.bulk_create(
                Case(
                    applicant=applicant,
                    kind="application",
                    title=f"Заявка {i}",
                    status="Ожидание ответа электросетевой",
                    sent_at=timezone.now(),
                )
                for i in range(n)
            )

    client = signed_in(alpha_client, alpha, admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/console/").status_code == 200
        return len(queries)

    fill(10)
    at_10 = count()
    fill(490)
    assert count() == at_10


# --- Case processing ------------------------------------------------------------------------


def test_staff_sets_status_and_number_and_the_applicant_is_told(alpha, alpha_client, admin, case):
    client = signed_in(alpha_client, alpha, admin)
    response = client.post(
        f"/console/cases/{case.pk}/header/",
        {"status": "Заявка на рассмотрении сетевой организацией", "registration_number": "1563"},
    )
    assert response.status_code == 302
    with in_tenant(alpha):
        case.refresh_from_db()
        assert case.status == "Заявка на рассмотрении сетевой организацией"
        assert case.registration_number == "1563"
        note = Notification.objects.filter(kind="case_changed").latest("id")
        assert note.recipients == [case.applicant.email]
        assert "Регистрационный номер: 1563" in note.body_text
        assert "/documents/#case-" in note.body_text
        assert AuditEntry.objects.filter(action="case.updated", case_id=case.pk).exists()


def test_staff_types_their_own_status(alpha, alpha_client, admin, case):
    client = signed_in(alpha_client, alpha, admin)
    client.post(
        f"/console/cases/{case.pk}/header/",
        {
            "status": "Подготовка оферты договора",
            "custom_status": "Ждём выезда инженера",
            "registration_number": "",
        },
    )
    with in_tenant(alpha):
        assert Case.objects.get(pk=case.pk).status == "Ждём выезда инженера"


def test_duplicate_registration_number_is_refused(alpha, alpha_client, admin, applicant, case):
    other = make_case(alpha, applicant, title="Другая")
    with in_tenant(alpha):
        case_services.update_status_and_number(
            admin, other, status=other.status, registration_number="1563"
        )
    client = signed_in(alpha_client, alpha, admin)
    response = client.post(
        f"/console/cases/{case.pk}/header/",
        {"status": "Подготовка оферты договора", "registration_number": "1563"},
    )
    assert response.status_code == 400
    assert "Регистрационный номер 1563 уже присвоен другому обращению" in page(response)
    with in_tenant(alpha):
        case.refresh_from_db()
        assert case.registration_number == "" and case.status == "Ожидание ответа электросетевой"


def test_staff_adds_message_document_and_progress_status(alpha, alpha_client, admin, case):
    client = signed_in(alpha_client, alpha, admin)
    client.post(f"/console/cases/{case.pk}/message/", {"body": "<p>Здравствуйте!</p>"})
    response = client.post(
        f"/console/cases/{case.pk}/document/",
        {
            "title": "Оферта договора о технологическом присоединении",
            "file": upload("Договор ТП.docx", docx_bytes()),
            "requires_two_sided_signature": "on",
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["ok"]
    client.post(f"/console/cases/{case.pk}/progress/", {"text": "Ведется проектирование"})
    with in_tenant(alpha):
        kinds = list(case.entries.order_by("created_at").values_list("kind", "side"))
        assert kinds[-3:] == [
            ("message", "company"),
            ("document", "company"),
            ("status", "company"),
        ]
        assert case.entries.get(kind="document", side="company").requires_two_sided_signature
        assert Notification.objects.filter(kind="case_changed").count() == 3
    body = page(client.get(f"/console/cases/{case.pk}/"))
    assert "Ведется проектирование" in body and "Договор ТП.docx" in body


def test_applicant_sees_what_staff_added(alpha, alpha_client, admin, applicant, case):
    with in_tenant(alpha):
        case_services.update_status_and_number(
            admin, case, status="Подготовка оферты договора", registration_number="1563"
        )
        case_services.add_message(admin, case, "<p>Документы получены</p>")
        case_services.add_status_entry(admin, case, "Ведется проектирование")
    body = page(signed_in(alpha_client, alpha, applicant).get("/documents/"))
    assert "Подготовка оферты договора" in body and "1563" in body
    assert "От ООО &quot;Альфа Сети&quot;:" in body
    assert "Документы получены" in body
    assert "Ведется проектирование" in body


def test_removed_entry_disappears_from_both_sides_and_stays_in_the_audit(
    alpha, alpha_client, admin, applicant, case
):
    with in_tenant(alpha):
        entry = case_services.add_message(admin, case, "<p>Лишнее сообщение</p>")
    client = signed_in(alpha_client, alpha, admin)
    assert client.post(f"/console/entries/{entry.pk}/remove/").status_code == 302
    assert "Лишнее сообщение" not in page(client.get(f"/console/cases/{case.pk}/"))
    from django.test import Client

    applicant_client = signed_in(Client(HTTP_HOST="alpha.localhost"), alpha, applicant)
    assert "Лишнее сообщение" not in page(applicant_client.get("/documents/"))
    with in_tenant(alpha):
        record = AuditEntry.objects.get(action="entry.removed", case_id=case.pk)
        assert record.actor == admin


def test_opening_a_case_clears_the_unseen_mark(alpha, alpha_client, admin, case):
    with in_tenant(alpha):
        assert Case.objects.get(pk=case.pk).unseen_by_company
    signed_in(alpha_client, alpha, admin).get(f"/console/cases/{case.pk}/")
    with in_tenant(alpha):
        assert not Case.objects.get(pk=case.pk).unseen_by_company


def test_staff_downloads_an_applicants_file(alpha, alpha_client, admin, case):
    with in_tenant(alpha):
        entry = case.entries.get()
    response = signed_in(alpha_client, alpha, admin).get(f"/files/{entry.pk}/")
    assert response.status_code == 200


def test_staff_cannot_see_drafts(alpha, admin, applicant):
    from core.errors import NotFound
    from core.selectors.cases import get_case

    draft = make_case(alpha, applicant, sent=False)
    with in_tenant(alpha), pytest.raises(NotFound):
        get_case(admin, draft.pk)


# --- Texts, settings, catalogues ------------------------------------------------------------


def test_texts_are_sanitised_on_save(alpha, alpha_client, admin):
    client = signed_in(alpha_client, alpha, admin)
    client.post(
        "/console/texts/",
        {
            "login_text": "<h2>Вход</h2><script>alert(1)</script>",
            "info_text": '<p onclick="x()">Инфо <a href="javascript:evil()">ссылка</a></p>',
            "help_text": '<p>Руководство: <a href="/pages/files/1/">скачать</a></p>',
        },
    )
    with in_tenant(alpha):
        portal = PortalSettings.objects.get()
    assert portal.login_text == "<h2>Вход</h2>"
    assert "onclick" not in portal.info_text and "javascript" not in portal.info_text
    assert 'href="/pages/files/1/"' in portal.help_text


def test_help_page_links_an_uploaded_file(alpha, alpha_client, admin, applicant):
    client = signed_in(alpha_client, alpha, admin)
    client.post(
        "/console/texts/files/", {"title": "Руководство", "file": upload("Руководство.pdf")}
    )
    from core.models import PageFile

    with in_tenant(alpha):
        page_file = PageFile.objects.get()
    from django.test import Client

    reader = signed_in(Client(HTTP_HOST="alpha.localhost"), alpha, applicant)
    response = reader.get(f"/pages/files/{page_file.pk}/")
    assert response.status_code == 200
    assert (
        Client(HTTP_HOST="alpha.localhost").get(f"/pages/files/{page_file.pk}/").status_code == 404
    )


def settings_post(**overrides):
    data = {
        "company_name": 'ООО "Альфа Сети"',
        "inn": "7707083893",
        "ogrn": "1027700132195",
        "kpp": "773601001",
        "address": "г. Москва",
        "phone": "+7 495 000-00-00",
        "email": "info@alpha.test",
        "notification_emails": "tp@alpha.test",
        "application_forms_url": "",
        "primary_color": "#aa3300",
        "answer_due_working_days": "3",
        "pep_agreement_text": "<p>Соглашение</p>",
        "personal_data_text": "<p>Согласие</p>",
    }
    data.update(overrides)
    return data


def test_forms_link_appears_and_disappears_with_the_setting(alpha, alpha_client, admin, applicant):
    from django.test import Client

    admin_client = signed_in(alpha_client, alpha, admin)
    reader = signed_in(Client(HTTP_HOST="alpha.localhost"), alpha, applicant)
    reader.post("/documents/new/application/")
    response = admin_client.post(
        "/console/settings/", settings_post(application_forms_url="https://alpha.test/forms")
    )
    assert response.status_code == 302
    assert "Заявки для заполнения вы можете скачать" in page(reader.get("/documents/"))
    admin_client.post("/console/settings/", settings_post(application_forms_url=""))
    assert "Заявки для заполнения вы можете скачать" not in page(reader.get("/documents/"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inn", "7707083894", "контрольное число"),
        ("kpp", "12", "КПП"),
        ("application_forms_url", "not a url", "правильную ссылку"),
        ("primary_color", "red", "#RRGGBB"),
        ("notification_emails", "tp@alpha.test\nnot-an-email", "Неверный адрес"),
        ("company_name", "", "Обязательное поле"),
    ],
)
def test_bad_settings_are_refused_with_a_message(alpha, alpha_client, admin, field, value, message):
    response = signed_in(alpha_client, alpha, admin).post(
        "/console/settings/", settings_post(**{field: value})
    )
    assert response.status_code == 200
    assert message.lower() in page(response).lower()
    with in_tenant(alpha):
        assert PortalSettings.objects.get().inn == ""


def test_settings_change_branding_name_and_agreement_version(alpha, alpha_client, admin):
    client = signed_in(alpha_client, alpha, admin)
    client.post(
        "/console/settings/",
        settings_post(company_name='ООО "Альфа Сети Плюс"', primary_color="#123456"),
    )
    with in_tenant(alpha):
        portal = PortalSettings.objects.get()
        assert portal.pep_agreement_version == 2 and portal.personal_data_version == 2
    from tenants.models import GridCompany

    assert GridCompany.objects.get(subdomain="alpha").name == 'ООО "Альфа Сети Плюс"'
    body = page(client.get("/console/"))
    assert "--brand: #123456" in body and "ООО &quot;Альфа Сети Плюс&quot;" in body


def test_catalogues_add_rename_reorder_and_retire(alpha, alpha_client, admin, applicant, case):
    client = signed_in(alpha_client, alpha, admin)
    url = "/console/catalogues/progress/"
    client.post(url, {"action": "add", "title": "Ожидание оплаты"})
    with in_tenant(alpha):
        added = CatalogueEntry.objects.get(kind="progress", title="Ожидание оплаты")
        first = CatalogueEntry.objects.filter(kind="progress").first()
    client.post(url, {"action": "add", "title": "Ожидание оплаты"})
    with in_tenant(alpha):
        assert CatalogueEntry.objects.filter(title="Ожидание оплаты").count() == 1
    client.post(
        url, {"action": "rename", "entry": added.pk, "title": "Ожидание оплаты по договору"}
    )
    client.post(url, {"action": "up", "entry": added.pk})
    with in_tenant(alpha):
        ordered = list(
            CatalogueEntry.objects.filter(kind="progress").values_list("title", flat=True)
        )
        assert ordered[-2] == "Ожидание оплаты по договору"
        case_services.add_status_entry(admin, case, first.title)
    client.post(url, {"action": "retire", "entry": first.pk})
    body = page(client.get(f"/console/cases/{case.pk}/"))
    assert f"<option>{first.title}</option>" not in body  # no longer offered
    assert first.title in body  # the old case keeps it


# --- Staff and audit ---------------------------------------------------------------------------


def test_admin_invites_staff_who_sets_a_password_and_can_be_deactivated(alpha, alpha_client, admin):
    client = signed_in(alpha_client, alpha, admin)
    response = client.post(
        "/console/staff/", {"email": "new.clerk@alpha.test", "last_name": "Новикова"}
    )
    assert response.status_code == 302
    with in_tenant(alpha):
        note = Notification.objects.get(kind="staff_invitation")
        clerk = User.objects.get(email="new.clerk@alpha.test")
        assert clerk.is_company_staff and not clerk.has_usable_password()
    import re

    path = re.search(r"(/accounts/invite/\S+/)", note.body_text).group(1)
    from django.test import Client

    invited = Client(HTTP_HOST="alpha.localhost")
    invited.post(path, {"new_password1": "Clerk-pass-77", "new_password2": "Clerk-pass-77"})
    assert invited.get("/console/").status_code == 200
    client.post(f"/console/staff/{clerk.pk}/", {"action": "deactivate"})
    assert invited.get("/console/").status_code == 302
    duplicate = client.post("/console/staff/", {"email": "new.clerk@alpha.test"})
    assert "уже есть" in page(duplicate)


def test_last_admin_cannot_be_deactivated(alpha, admin):
    from core.accounts.services import set_staff_active

    with in_tenant(alpha):
        User.objects.filter(is_company_admin=True).exclude(pk=admin.pk).update(is_active=False)
        with pytest.raises(DomainError, match="собственную"):
            set_staff_active(admin, admin.pk, False)


def test_audit_log_filters_by_case_and_person(alpha, alpha_client, admin, applicant, case):
    other = make_case(alpha, applicant, title="Другое")
    with in_tenant(alpha):
        case_services.add_status_entry(admin, case, "Ведется проектирование")
        case_services.add_status_entry(admin, other, "Ведутся строительно-монтажные работы")
    client = signed_in(alpha_client, alpha, admin)
    body = page(client.get("/console/audit/", {"case": case.pk}))
    assert "Ведется проектирование" in body and "Ведутся строительно-монтажные" not in body
    body = page(client.get("/console/audit/", {"person": "Сотрудникова"}))
    assert "entry.status_added" in body and "applicant.registered" not in body


def test_outbox_page_shows_mail_but_never_sms_text(alpha, alpha_client, admin, case):
    with in_tenant(alpha):
        Notification.objects.create(
            channel="sms", kind="sms_code", recipients=["+79990000000"], body_text="Код 123456"
        )
        Notification.objects.create(
            kind="case_changed", recipients=["a@example.com"], subject="Изменения", body_text="x"
        )
    body = page(signed_in(alpha_client, alpha, admin).get("/console/outbox/"))
    assert "a@example.com" in body and "Изменения" in body
    with in_tenant(alpha):
        sms = Notification.objects.get(kind="sms_code")
    detail = page(signed_in(alpha_client, alpha, admin).get("/console/outbox/", {"id": sms.pk}))
    assert "123456" not in detail


def test_staff_notifications_reach_the_applicant_by_mail(
    alpha, admin, case, django_capture_on_commit_callbacks
):
    with in_tenant(alpha), django_capture_on_commit_callbacks(execute=True):
        case_services.add_message(admin, case, "<p>Ответ</p>")
    assert mail.outbox[-1].to == [case.applicant.email]
    assert "Изменения по обращению «Дом в Ивановке»" in mail.outbox[-1].subject


def test_entries_of_a_case_count(alpha, case):
    with in_tenant(alpha):
        assert CaseEntry.objects.filter(case=case).count() == 1


def test_outbox_page_never_shows_links_meant_for_one_person(alpha, alpha_client, admin):
    make_applicant(alpha, email="forgot@example.com")
    from django.test import Client

    Client(HTTP_HOST="alpha.localhost").post(
        "/accounts/password/reset/", {"email": "forgot@example.com"}
    )
    with in_tenant(alpha):
        reset = Notification.objects.get(recipients=["forgot@example.com"])
    assert "/accounts/password/reset/key/" in reset.body_text
    detail = page(signed_in(alpha_client, alpha, admin).get("/console/outbox/", {"id": reset.pk}))
    assert "/accounts/password/reset/key/" not in detail
    assert "Текст не показывается" in detail


def test_inbox_search_is_served_by_a_trigram_index(alpha):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname = %s",
            [alpha.schema_name, "case_search_trgm"],
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition
