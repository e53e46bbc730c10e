"""«Документооборот» for applicants: services and views."""

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import DomainError, NotFound
from core.models import AuditEntry, Case, CaseEntry, Notification, PortalSettings
from core.services import cases as case_services
from tests.conftest import force_login, in_tenant
from tests.factories import (
    EXE_BYTES,
    PNG_BYTES,
    docx_bytes,
    make_applicant,
    make_case,
    upload,
)


@pytest.fixture
def applicant(alpha):
    return make_applicant(alpha, email="owner@example.com")


@pytest.fixture
def intruder(alpha):
    return make_applicant(alpha, email="intruder@example.com")


@pytest.fixture
def client_of(alpha, alpha_client):
    def sign_in(user):
        force_login(alpha_client, alpha, user)
        return alpha_client

    return sign_in


@pytest.fixture(autouse=True)
def company_addresses(alpha):
    with in_tenant(alpha):
        PortalSettings.objects.update(notification_emails="tp@alpha.test")


# --- Drafts --------------------------------------------------------------------------------


def test_opening_a_draft_twice_gives_the_same_draft(alpha, applicant):
    with in_tenant(alpha):
        first = case_services.open_draft(applicant, "application")
        assert case_services.open_draft(applicant, "application") == first
        other_kind = case_services.open_draft(applicant, "message")
        assert other_kind != first
        assert first.title == "Заявка на технологическое присоединение"
        assert other_kind.title == "Сообщение сетевой организации"
        assert first.status == "Черновик" and first.registration_number == ""


def test_database_refuses_a_second_draft_of_the_same_kind(alpha, applicant):
    with in_tenant(alpha):
        Case.objects.create(applicant=applicant, kind="application", title="a")
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(applicant=applicant, kind="application", title="b")


def test_renaming_a_draft(alpha, applicant):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        case_services.rename_draft(applicant, case, "  Дом   в Ивановке ")
        assert Case.objects.get(pk=case.pk).title == "Дом в Ивановке"
        with pytest.raises(DomainError, match="Укажите название"):
            case_services.rename_draft(applicant, case, "   ")


# --- Documents ------------------------------------------------------------------------------


def test_document_is_stored_under_the_schema_with_size_and_sha256(alpha, applicant):
    import hashlib

    content = docx_bytes()
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        entry = case_services.add_document(
            applicant,
            case,
            title="Договор",
            uploaded=upload("Договор ТП.docx", content),
            comment="Направляю",
        )
        assert entry.file.name.startswith(f"gc_alpha/cases/{case.pk}/")
        assert entry.file_name == "Договор ТП.docx"
        assert entry.file_size == len(content)
        assert entry.sha256 == hashlib.sha256(content).hexdigest()
        assert entry.side == "applicant" and entry.comment == "Направляю"
        with default_storage.open(entry.file.name) as stored:
            assert stored.read() == content


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\Скан паспорта.pdf", "Скан паспорта.pdf"),
        ("bad\x00\x07name\n.pdf", "badname.pdf"),
        ("я" * 500 + ".pdf", "я" * 146 + ".pdf"),
    ],
)
def test_hostile_file_names_are_made_safe(alpha, applicant, name, expected):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        entry = case_services.add_document(applicant, case, title="Скан", uploaded=upload(name))
        assert entry.file_name == expected
        assert ".." not in entry.file.name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", EXE_BYTES, "не соответствует расширению .pdf"),
        ("picture.pdf", PNG_BYTES, "не соответствует расширению .pdf"),
        ("empty.pdf", b"", "Файл пустой"),
        ("program.exe", EXE_BYTES, "Недопустимый тип файла"),
        ("noext", b"%PDF-1.4", "Недопустимый тип файла"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(alpha, applicant, name, content, message):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        with pytest.raises(DomainError, match=message):
            case_services.add_document(applicant, case, title="x", uploaded=upload(name, content))
        assert not CaseEntry.objects.filter(case=case).exists()


def test_document_needs_a_title(alpha, applicant):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        with pytest.raises(DomainError, match="Укажите название документа"):
            case_services.add_document(applicant, case, title=" ", uploaded=upload())


def test_applicant_cannot_ask_for_a_two_sided_signature(alpha, applicant):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        with pytest.raises(DomainError):
            case_services.add_document(
                applicant, case, title="x", uploaded=upload(), requires_two_sided_signature=True
            )


# --- Messages --------------------------------------------------------------------------------


def test_message_html_is_sanitised(alpha, applicant):
    dirty = (
        '<p onclick="steal()">Здравствуйте! <b>Важно</b> <i>очень</i></p>'
        "<script>alert(1)</script><ul><li>раз</li></ul>"
        '<a href="javascript:alert(1)">плохая</a> <a href="https://example.ru">хорошая</a>'
        '<span style="color:red">стиль</span>'
    )
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "message")
        entry = case_services.add_message(applicant, case, dirty)
    body = entry.body
    assert "<b>Важно</b>" in body and "<i>очень</i>" in body and "<li>раз</li>" in body
    for bad in ("script", "onclick", "javascript:", "style=", "alert"):
        assert bad not in body
    assert 'href="https://example.ru"' in body and "noopener" in body


def test_empty_message_is_refused(alpha, applicant):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "message")
        with pytest.raises(DomainError, match="Напишите сообщение"):
            case_services.add_message(applicant, case, "<p> </p><script>x</script>")


# --- Sending, removing, deleting ------------------------------------------------------------


def test_sending_an_empty_draft_is_refused(alpha, applicant):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        with pytest.raises(DomainError, match="Нельзя отправить пустую заявку"):
            case_services.send_case(applicant, case)
        assert Case.objects.get(pk=case.pk).is_draft


def test_sending_sets_the_status_and_notifies_the_company(alpha, applicant):
    case = make_case(alpha, applicant, sent=True)
    with in_tenant(alpha):
        case.refresh_from_db()
        assert case.status == "Ожидание ответа электросетевой"
        assert case.sent_at is not None and not case.is_draft and case.registration_number == ""
        note = Notification.objects.get(kind="case_sent")
        assert note.recipients == ["tp@alpha.test"]
        assert f"/console/cases/{case.pk}/" in note.body_text
        assert AuditEntry.objects.filter(action="case.sent", case_id=case.pk).exists()
        # A new draft of the same kind may now be created.
        assert case_services.open_draft(applicant, "application") != case


def test_sending_someone_elses_draft_is_not_found(alpha, applicant, intruder):
    case = make_case(alpha, applicant, sent=False)
    with in_tenant(alpha), pytest.raises(NotFound):
        case_services.send_case(intruder, case)


def test_applicant_adds_to_a_sent_case_and_the_company_hears_of_it(alpha, applicant):
    case = make_case(alpha, applicant)
    with in_tenant(alpha):
        Case.objects.filter(pk=case.pk).update(unseen_by_company=False)
        case.refresh_from_db()
        case_services.add_message(applicant, case, "<p>Дополнение</p>")
        case.refresh_from_db()
        assert case.unseen_by_company
        assert Notification.objects.filter(kind="applicant_activity").count() == 1


def test_entries_can_be_removed_from_a_draft_only(alpha, applicant):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        entry = case_services.add_document(applicant, case, title="x", uploaded=upload())
        case_services.remove_entry(applicant, entry)
        entry.refresh_from_db()
        assert entry.removed_at is not None
        assert AuditEntry.objects.get(action="entry.removed").data["sha256"] == entry.sha256
        kept = case_services.add_document(applicant, case, title="y", uploaded=upload())
        case_services.send_case(applicant, case)
        case.refresh_from_db()
        kept.case = case
        with pytest.raises(DomainError, match="уже отправлено"):
            case_services.remove_entry(applicant, kept)


def test_deleting_a_draft_removes_it_and_its_files(
    alpha, applicant, django_capture_on_commit_callbacks
):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        entry = case_services.add_document(applicant, case, title="x", uploaded=upload())
        name = entry.file.name
        with django_capture_on_commit_callbacks(execute=True):
            case_services.delete_draft(applicant, case)
        assert not Case.objects.filter(pk=case.pk).exists()
        assert not default_storage.exists(name)
        assert AuditEntry.objects.filter(action="case.draft_deleted").exists()


# --- Views ------------------------------------------------------------------------------------


def page(response):
    return response.content.decode()


def test_documents_page_shows_the_two_buttons(client_of, applicant):
    body = page(client_of(applicant).get("/documents/"))
    assert "Создать заявку на технологическое присоединение" in body
    assert "Создать сообщение сетевой организации" in body
    assert "Созданные заявки и сообщения" in body


def test_creating_drafts_through_the_page(alpha, client_of, applicant):
    client = client_of(applicant)
    response = client.post("/documents/new/application/")
    assert response.status_code == 302
    client.post("/documents/new/message/")
    body = page(client.get("/documents/"))
    assert "Черновик заявки на технологическое присоединение" in body
    assert (
        "В черновике хранится одна заявка. "
        "Чтобы создать новую необходимо отправить заявку или удалить ее" in body
    )
    assert "Черновик сообщения в сетевую организацию" in body
    assert (
        "В черновике хранится одно сообщение. "
        "Чтобы создать новое необходимо отправить сообщение или удалить его" in body
    )
    for label in (
        "Текущий статус:",
        "Черновик",
        "Создано:",
        "Регистрационный номер:",
        "Добавить документ",
        "Добавить сообщение",
        "Отправить",
        "Удалить",
        "Максимальный размер файла 50 MB",
        "Отменить добавление",
    ):
        assert label in body, label
    assert client.post("/documents/new/nonsense/").status_code == 404


def test_forms_link_appears_only_when_the_setting_is_filled(alpha, client_of, applicant):
    client = client_of(applicant)
    client.post("/documents/new/application/")
    assert "Заявки для заполнения вы можете скачать" not in page(client.get("/documents/"))
    with in_tenant(alpha):
        PortalSettings.objects.update(application_forms_url="https://alpha.example/forms")
    body = page(client.get("/documents/"))
    assert "Заявки для заполнения вы можете скачать" in body
    assert 'href="https://alpha.example/forms"' in body


def test_upload_through_the_page_with_json_for_the_progress_bar(alpha, client_of, applicant):
    client = client_of(applicant)
    client.post("/documents/new/application/")
    with in_tenant(alpha):
        case = Case.objects.get(applicant=applicant)
    response = client.post(
        f"/documents/{case.pk}/document/",
        {"title": "Дополнительный материал", "file": upload("К заявке на ТП.pdf")},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"ok": True, "redirect": f"/documents/#case-{case.pk}"}
    body = page(client.get("/documents/"))
    assert "К заявке на ТП.pdf" in body and "Дополнительный материал" in body


def test_refused_upload_shows_its_message_next_to_the_field(alpha, client_of, applicant):
    client = client_of(applicant)
    client.post("/documents/new/application/")
    with in_tenant(alpha):
        case = Case.objects.get(applicant=applicant)
    response = client.post(
        f"/documents/{case.pk}/document/",
        {"title": "Скан", "comment": "мой комментарий", "file": upload("virus.pdf", EXE_BYTES)},
    )
    assert response.status_code == 400
    body = page(response)
    assert "не соответствует расширению .pdf" in body
    assert "мой комментарий" in body  # the input is kept
    json_response = client.post(
        f"/documents/{case.pk}/document/",
        {"title": "Скан", "file": upload("virus.pdf", EXE_BYTES)},
        HTTP_ACCEPT="application/json",
    )
    assert json_response.status_code == 400
    assert "file" in json_response.json()["errors"]
    with in_tenant(alpha):
        assert not CaseEntry.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("size", "status"),
    [
        (51 * 1024 * 1024, 413),  # refused by its Content-Length, before it is read
        (50 * 1024 * 1024 + 100 * 1024, 400),  # read, and dropped past the limit
    ],
)
def test_file_over_50_mb_is_refused(alpha, client_of, applicant, size, status):
    client = client_of(applicant)
    client.post("/documents/new/application/")
    with in_tenant(alpha):
        case = Case.objects.get(applicant=applicant)
    big = b"%PDF-1.4\n" + b"0" * size
    response = client.post(
        f"/documents/{case.pk}/document/",
        {"title": "Большой", "file": upload("big.pdf", big)},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == status
    assert "Файл больше 50 MB" in response.json()["errors"]["file"][0]
    with in_tenant(alpha):
        assert not CaseEntry.objects.filter(case=case).exists()


def test_sending_through_the_page_says_so_and_lists_the_case(alpha, client_of, applicant):
    make_case(alpha, applicant, sent=False, title="Дачный дом")
    client = client_of(applicant)
    with in_tenant(alpha):
        case = Case.objects.get(applicant=applicant)
    response = client.post(f"/documents/{case.pk}/send/", follow=True)
    body = page(response)
    assert "Заявка отправлена" in body
    assert "Дачный дом" in body and "Ожидание ответа электросетевой" in body
    assert "Черновик заявки" not in body


def test_sending_an_empty_draft_through_the_page_shows_the_message(alpha, client_of, applicant):
    client = client_of(applicant)
    client.post("/documents/new/message/")
    with in_tenant(alpha):
        case = Case.objects.get(applicant=applicant)
    response = client.post(f"/documents/{case.pk}/send/")
    assert response.status_code == 400
    assert "Нельзя отправить пустое сообщение" in page(response)


def test_deleting_a_draft_asks_for_confirmation(alpha, client_of, applicant):
    make_case(alpha, applicant, sent=False)
    client = client_of(applicant)
    with in_tenant(alpha):
        case = Case.objects.get(applicant=applicant)
    assert "Удалить черновик?" in page(client.get(f"/documents/{case.pk}/delete/"))
    with in_tenant(alpha):
        assert Case.objects.filter(pk=case.pk).exists()
    client.post(f"/documents/{case.pk}/delete/")
    with in_tenant(alpha):
        assert not Case.objects.filter(pk=case.pk).exists()


def test_case_list_is_paginated_latest_activity_first(alpha, client_of, applicant):
    for n in range(12):
        make_case(alpha, applicant, kind="message", entries=1, title=f"Обращение {n:02d}")
    client = client_of(applicant)
    first = page(client.get("/documents/"))
    assert "Обращение 11" in first and "Обращение 02" in first and "Обращение 01" not in first
    assert 'href="?page=2"' in first
    second = page(client.get("/documents/?page=2"))
    assert "Обращение 01" in second and "Обращение 00" in second


def test_download_keeps_the_cyrillic_file_name(alpha, client_of, applicant):
    with in_tenant(alpha):
        case = case_services.open_draft(applicant, "application")
        entry = case_services.add_document(
            applicant, case, title="Договор", uploaded=upload("Договор ТП.docx", docx_bytes())
        )
    response = client_of(applicant).get(f"/files/{entry.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == docx_bytes()
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        "filename*=utf-8''%D0%94%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80%20%D0%A2%D0%9F.docx"
        in disposition
    )


# --- IDOR: another applicant gets 404 on every case, entry and file URL ----------------------


def test_another_applicant_gets_404_on_every_case_entry_and_file_url(
    alpha, client_of, applicant, intruder
):
    draft = make_case(alpha, applicant, sent=False, kind="message")
    sent = make_case(alpha, applicant, sent=True)
    with in_tenant(alpha):
        draft_entry = draft.entries.get()
        sent_entry = sent.entries.get()
    client = client_of(intruder)
    for case in (draft, sent):
        urls_post = [
            (f"/documents/{case.pk}/title/", {"title": "взлом"}),
            (f"/documents/{case.pk}/document/", {"title": "x", "file": upload()}),
            (f"/documents/{case.pk}/message/", {"body": "взлом"}),
            (f"/documents/{case.pk}/send/", {}),
            (f"/documents/{case.pk}/delete/", {}),
        ]
        for url, data in urls_post:
            assert client.post(url, data).status_code == 404, url
        assert client.get(f"/documents/{case.pk}/delete/").status_code == 404
    for entry in (draft_entry, sent_entry):
        assert client.get(f"/files/{entry.pk}/").status_code == 404
        assert client.post(f"/documents/entries/{entry.pk}/remove/").status_code == 404
    assert "Скан 1.pdf" not in page(client.get("/documents/"))
    with in_tenant(alpha):
        assert Case.objects.get(pk=draft.pk).title == "Сообщение сетевой организации"
        assert Case.objects.get(pk=draft.pk).is_draft
        assert draft.entries.count() == 1 and sent.entries.count() == 1
        assert not CaseEntry.objects.filter(removed_at__isnull=False).exists()


def test_anonymous_visitor_cannot_download(alpha, alpha_client, applicant):
    case = make_case(alpha, applicant)
    with in_tenant(alpha):
        entry = case.entries.get()
    assert alpha_client.get(f"/files/{entry.pk}/").status_code == 404
    assert alpha_client.get("/documents/").status_code == 302


def test_a_file_of_one_company_is_not_served_on_another(alpha, beta, beta_client, applicant):
    case = make_case(alpha, applicant)
    with in_tenant(alpha):
        entry = case.entries.get()
    stranger = make_applicant(beta)
    force_login(beta_client, beta, stranger)
    assert beta_client.get(f"/files/{entry.pk}/").status_code == 404


# --- Query count --------------------------------------------------------------------------


def test_case_list_costs_the_same_queries_for_1_and_for_50_cases(alpha, client_of):
    few = make_applicant(alpha, email="few@example.com")
    many = make_applicant(alpha, email="many@example.com")
    make_case(alpha, few, entries=1)
    with in_tenant(alpha):
        for n in range(50):
            case = Case.objects.create(
                applicant=many,
                kind="message",
                title=f"Обращение {n}",
                status="Ожидание",
                sent_at="2026-01-01T00:00:00Z",
            )
            CaseEntry.objects.bulk_create(
                CaseEntry(
                    case=case, kind="message", side="applicant", author=many, body=f"<p>{i}</p>"
                )
                for i in range(20)
            )

    def count_queries(user):
        client = client_of(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/documents/").status_code == 200
        return len(queries)

    assert count_queries(few) == count_queries(many)


def test_oversized_body_is_refused_before_it_is_read(alpha, client_of, applicant):
    client = client_of(applicant)
    client.post("/documents/new/application/")
    with in_tenant(alpha):
        case = Case.objects.get(applicant=applicant)
    response = client.post(
        f"/documents/{case.pk}/document/",
        {"title": "x", "file": upload()},
        HTTP_ACCEPT="application/json",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "Файл больше 50 MB" in response.json()["errors"]["file"][0]
