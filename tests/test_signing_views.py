"""Signing through the pages: the manual's texts at each stage, ПЭП and `.sig` through the
portal, the company's УКЭП through the console endpoints, «Скачать подпись», the receipt
check page, who gets 404, and the case list's constant number of queries."""

import base64
import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from core import sms
from core.models import AuditEntry, Case, CaseEntry, LegalForm, Signature
from core.selectors.cases import with_timeline
from core.services import signing
from tests.conftest import client_for, force_login, in_tenant
from tests.signing_support import *  # noqa: F403 (fixtures)
from tests.signing_support import (
    applicant_of,
    make_signable_document,
    make_staff,
    sign_entry,
)

# The console includes adminpanel.signing_urls under /console/; this test module routes
# it itself so that it does not depend on that line.
urlpatterns = [
    path("console/", include("adminpanel.signing_urls")),
    path("", include("config.urls_tenant")),
]
pytestmark = pytest.mark.urls(__name__)

JSON = {"HTTP_ACCEPT": "application/json"}
RECEIPT_URL = "/console/signing/verify-receipt/"


@pytest.fixture
def signed_by_company(alpha, staff):
    def make(applicant):
        case, entry = make_signable_document(alpha, applicant, staff)
        with in_tenant(alpha):
            signing.submit_cades_signature(staff, entry, sign_entry(alpha, entry))
        return case, entry

    return make


def client_of(company, user):
    client = client_for(company)
    force_login(client, company, user)
    return client


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def documents_text(alpha, user) -> str:
    response = client_of(alpha, user).get("/documents/")
    assert response.status_code == 200
    return text_of(response)


# --- What each side sees ----------------------------------------------------------------------


def test_unsigned_document_shows_the_company_is_expected(alpha, staff, person):
    make_signable_document(alpha, person, staff)
    text = documents_text(alpha, person)
    assert 'Не подписано со стороны ООО "Альфа Сети"' in text
    assert 'Ожидается подписание документа со стороны ООО "Альфа Сети"' in text
    assert "Подписать" not in text


def test_after_the_company_the_individual_sees_sign(alpha, person, signed_by_company):
    signed_by_company(person)
    response = client_of(alpha, person).get("/documents/")
    text = text_of(response)
    assert 'Подписано со стороны ООО "Альфа Сети": Админов Админ Админович Скачать подпись' in text
    assert "Ожидается подписание документа со стороны пользователя Подписать" in text
    html = response.content.decode()
    assert "data-pep-code hidden" in html  # the code field appears after «Подписать»
    assert "КриптоПро" not in text


def test_after_the_company_the_entrepreneur_gets_the_plugin_and_sig_upload(
    alpha, entrepreneur, signed_by_company
):
    signed_by_company(entrepreneur)
    response = client_of(alpha, entrepreneur).get("/documents/")
    html = response.content.decode()
    assert "data-qes" in html and "js/cryptopro.js" in html
    assert "Загрузить файл подписи (.sig)" in html
    assert "data-pep" not in html


def test_company_view_offers_the_plugin_and_sig_upload(alpha, staff, person):
    case, entry = make_signable_document(alpha, person, staff)
    with in_tenant(alpha):
        case = with_timeline(Case.objects.filter(pk=case.pk)).get()
        html = render_to_string(
            "cases/timeline.html",
            {"case": case, "viewer": "company", "company": _portal(), "user": staff},
        )
    assert f'data-submit-url="/console/signing/entries/{entry.pk}/cades/"' in html
    assert f'data-hash-url="/console/signing/entries/{entry.pk}/hash/"' in html
    assert "Ожидается подписание документа со стороны" in html


def _portal():
    from core.selectors import get_portal_settings

    return get_portal_settings()


# --- ПЭП through the portal -------------------------------------------------------------------


def test_individual_signs_through_the_page_with_the_sms_code(
    alpha, person, signed_by_company, django_capture_on_commit_callbacks
):
    _, entry = signed_by_company(person)
    client = client_of(alpha, person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/entries/{entry.pk}/sign/sms/", **JSON)
    assert response.json()["ok"] is True
    code = re.search(r"(\d{6})$", sms.outbox[-1].text).group(1)
    html = client.get("/documents/").content.decode()
    assert "На указанный в данных телефон, отправлено смс сообщение с кодом." in html
    assert "data-pep-code hidden" not in html  # kept open after a reload

    wrong = client.post(f"/documents/entries/{entry.pk}/sign/confirm/", {"code": "000000"}, **JSON)
    if code == "000000":
        wrong = client.post(
            f"/documents/entries/{entry.pk}/sign/confirm/", {"code": "111111"}, **JSON
        )
    assert wrong.status_code == 400
    assert "Неверный код. Осталось попыток: 4." in wrong.json()["errors"]["code"]

    response = client.post(
        f"/documents/entries/{entry.pk}/sign/confirm/",
        {"code": code},
        HTTP_USER_AGENT="Mozilla/5.0 Test",
    )
    assert response.status_code == 302
    text = text_of(client.get("/documents/"))
    assert "Документ подписан." in text
    assert "Дата подписания:" in text
    assert (
        "Подписано со стороны пользователя: ПЭП: Туксин Артем Александрович Скачать подпись" in text
    )
    with in_tenant(alpha):
        signature = Signature.objects.get(entry=entry, side="applicant")
    receipt = client.get(f"/signatures/{signature.pk}/")
    assert receipt.status_code == 200
    assert (
        "filename*=utf-8''%D0%94%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80"
        in receipt["Content-Disposition"]
    )
    content = b"".join(receipt.streaming_content)
    assert b"<PepReceipt" in content and b"Mozilla/5.0 Test" in content


def test_refused_code_without_javascript_comes_back_with_the_message(
    alpha, person, signed_by_company
):
    _, entry = signed_by_company(person)
    client = client_of(alpha, person)
    response = client.post(
        f"/documents/entries/{entry.pk}/sign/confirm/", {"code": "12"}, follow=True
    )
    assert "Введите код из СМС: 6 цифр." in text_of(response)


# --- УКЭП through the portal and the console ----------------------------------------------------


def test_entrepreneur_uploads_a_sig(alpha, entrepreneur, signed_by_company):
    _, entry = signed_by_company(entrepreneur)
    client = client_of(alpha, entrepreneur)
    sig = SimpleUploadedFile("Договор ТП.pdf.sig", sign_entry(alpha, entry, "ip"))
    response = client.post(f"/documents/entries/{entry.pk}/sign/cades/", {"file": sig}, **JSON)
    assert response.json() == {
        "ok": True,
        "redirect": f"/documents/#entry-{entry.pk}",
        "message": "Документ подписан.",
    }
    text = text_of(client.get("/documents/"))
    assert "Подписано со стороны пользователя: ИП Туксин Артем Александрович" not in text
    assert "Подписано со стороны пользователя: Туксин Артем Александрович Скачать подпись" in text


def test_wrong_sig_upload_gets_its_message_next_to_the_field(
    alpha, entrepreneur, signed_by_company
):
    _, entry = signed_by_company(entrepreneur)
    client = client_of(alpha, entrepreneur)
    sig = SimpleUploadedFile("x.sig", sign_entry(alpha, entry, "ul"))
    response = client.post(f"/documents/entries/{entry.pk}/sign/cades/", {"file": sig}, **JSON)
    assert response.status_code == 400
    assert "выдан не на заявителя" in response.json()["errors"]["file"][0]
    with in_tenant(alpha):
        assert not Signature.objects.filter(side="applicant").exists()


def test_hash_endpoint_gives_the_streebog_digests(alpha, entrepreneur, signed_by_company):
    from core.gost import streebog_digest
    from tests.signing_support import stored_bytes

    _, entry = signed_by_company(entrepreneur)
    data = client_of(alpha, entrepreneur).get(f"/documents/entries/{entry.pk}/sign/hash/").json()
    content = stored_bytes(alpha, entry)
    assert data["hash"]["256"] == streebog_digest(content, 256).hex()
    assert data["hash"]["512"] == streebog_digest(content, 512).hex()


def test_staff_signs_with_the_plugins_base64_through_the_console(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    client = client_of(alpha, staff)
    hashes = client.get(f"/console/signing/entries/{entry.pk}/hash/").json()
    assert hashes["ok"] and len(hashes["hash"]["256"]) == 64
    b64 = base64.b64encode(sign_entry(alpha, entry)).decode()
    response = client.post(
        f"/console/signing/entries/{entry.pk}/cades/", {"signature": b64}, **JSON
    )
    assert response.json()["ok"] is True
    assert response.json()["redirect"] == f"/console/cases/{entry.case_id}/#entry-{entry.pk}"
    with in_tenant(alpha):
        assert Signature.objects.get(entry=entry).side == "company"


def test_staff_sig_upload_returns_to_the_page_it_came_from(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    client = client_of(alpha, staff)
    sig = SimpleUploadedFile("d.sig", sign_entry(alpha, entry))
    response = client.post(
        f"/console/signing/entries/{entry.pk}/cades/",
        {"file": sig, "next": f"/console/cases/{entry.case_id}/#entry-{entry.pk}"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{entry.case_id}/#entry-{entry.pk}"
    evil = client.post(
        f"/console/signing/entries/{entry.pk}/cades/",
        {"file": SimpleUploadedFile("d.sig", b"junk"), "next": "https://evil.example/"},
    )
    assert evil["Location"].startswith("/console/")


# --- Downloads ------------------------------------------------------------------------------------


def test_staff_and_applicant_download_the_sig(alpha, staff, person, signed_by_company):
    _, entry = signed_by_company(person)
    with in_tenant(alpha):
        signature = Signature.objects.get(entry=entry)
    for user in (person, staff):
        response = client_of(alpha, user).get(f"/signatures/{signature.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:1] == b"\x30"
        assert ".sig" in response["Content-Disposition"]


def test_download_after_the_file_changed_is_refused_and_audited(alpha, person, signed_by_company):
    _, entry = signed_by_company(person)
    with in_tenant(alpha):
        signature = Signature.objects.get(entry=entry)
        default_storage.delete(entry.file.name)
        default_storage.save(entry.file.name, ContentFile(b"%PDF-1.4 swapped"))
    response = client_of(alpha, person).get(f"/signatures/{signature.pk}/", follow=True)
    assert "Файл документа изменился после загрузки" in text_of(response)
    with in_tenant(alpha):
        assert AuditEntry.objects.filter(action="signature.document_changed").exists()


def test_download_of_a_changed_signature_file_is_refused(alpha, person, signed_by_company):
    _, entry = signed_by_company(person)
    with in_tenant(alpha):
        signature = Signature.objects.get(entry=entry)
        with default_storage.open(signature.file.name, "wb") as stored:
            stored.write(b"0\x82tampered")
    response = client_of(alpha, person).get(f"/signatures/{signature.pk}/", follow=True)
    assert "Файл подписи повреждён или изменён" in text_of(response)


# --- Who gets 404 ------------------------------------------------------------------------------


def _signing_urls(entry, signature):
    return [
        ("post", f"/documents/entries/{entry.pk}/sign/sms/"),
        ("post", f"/documents/entries/{entry.pk}/sign/confirm/"),
        ("get", f"/documents/entries/{entry.pk}/sign/hash/"),
        ("post", f"/documents/entries/{entry.pk}/sign/cades/"),
        ("get", f"/signatures/{signature.pk}/"),
        ("get", f"/console/signing/entries/{entry.pk}/hash/"),
        ("post", f"/console/signing/entries/{entry.pk}/cades/"),
    ]


def test_other_applicant_other_company_and_anonymous_get_404(
    alpha, beta, staff, person, signed_by_company
):
    _, entry = signed_by_company(person)
    with in_tenant(alpha):
        signature = Signature.objects.get(entry=entry)
    other_applicant = client_of(alpha, applicant_of(alpha))
    anonymous = client_for(alpha)
    beta_staff = client_of(beta, make_staff(beta))
    beta_applicant = client_of(beta, applicant_of(beta))
    for method, url in _signing_urls(entry, signature):
        for name, client in (
            ("other applicant", other_applicant),
            ("anonymous", anonymous),
            ("other company's staff", beta_staff),
            ("other company's applicant", beta_applicant),
        ):
            response = getattr(client, method)(url, {"code": "123456", "signature": "MII="})
            assert response.status_code == 404, (name, url, response.status_code)
    # The applicant does not reach the console's endpoints; staff not the applicant's.
    own = client_of(alpha, person)
    for method, url in [*_signing_urls(entry, signature)[5:], ("post", RECEIPT_URL)]:
        assert getattr(own, method)(url).status_code == 404, url
    assert anonymous.post(RECEIPT_URL).status_code == 404
    staff_client = client_of(alpha, staff)
    for method, url in _signing_urls(entry, signature)[:4]:
        assert getattr(staff_client, method)(url).status_code == 404, url
    with in_tenant(alpha):
        assert Signature.objects.filter(entry=entry).count() == 1


def test_document_without_two_sided_signature_has_no_signing_urls(alpha, staff, person):
    case, _ = make_signable_document(alpha, person, staff)
    with in_tenant(alpha):
        plain = case.entries.filter(requires_two_sided_signature=False).get()
    client = client_of(alpha, staff)
    assert client.get(f"/console/signing/entries/{plain.pk}/hash/").status_code == 404


# --- The receipt check page -------------------------------------------------------------------


def test_console_checks_a_pep_receipt(
    alpha, staff, person, signed_by_company, django_capture_on_commit_callbacks
):
    _, entry = signed_by_company(person)
    with in_tenant(alpha), django_capture_on_commit_callbacks(execute=True):
        signing.request_sms_code(person, entry)
    code = re.search(r"(\d{6})$", sms.outbox[-1].text).group(1)
    with in_tenant(alpha):
        signature = signing.confirm_sms_code(person, entry, code)
        with default_storage.open(signature.file.name) as stored:
            receipt = stored.read()
    client = client_of(alpha, staff)
    page = client.get("/console/signing/verify-receipt/")
    assert page.status_code == 200 and "Проверка квитанции ПЭП" in text_of(page)
    ok = client.post(
        "/console/signing/verify-receipt/", {"file": SimpleUploadedFile("r.xml", receipt)}
    )
    text = text_of(ok)
    assert "Квитанция подлинная" in text
    assert "документ не изменялся после подписания" in text
    assert "Туксин Артем Александрович" in text and str(signature.receipt_id) in text
    tampered = receipt.replace("Туксин".encode(), "Подлог".encode())
    bad = client.post(
        "/console/signing/verify-receipt/", {"file": SimpleUploadedFile("r.xml", tampered)}
    )
    assert bad.status_code == 400
    assert "Квитанция недействительна: содержимое квитанции изменено после подписания." in (
        text_of(bad)
    )
    empty = client.post("/console/signing/verify-receipt/", {})
    assert "Прикрепите файл квитанции (XML)." in text_of(empty)


# --- Queries ----------------------------------------------------------------------------------


def test_case_list_with_signatures_costs_the_same_queries_for_1_and_for_30_cases(alpha, staff):
    few = applicant_of(alpha, LegalForm.ENTREPRENEUR)
    many = applicant_of(alpha, LegalForm.ENTREPRENEUR)
    _, entry = make_signable_document(alpha, few, staff)
    with in_tenant(alpha):
        signing.submit_cades_signature(staff, entry, sign_entry(alpha, entry))
        template = Signature.objects.get(entry=entry)
        fields = {
            f.name: getattr(template, f.name)
            for f in Signature._meta.concrete_fields
            if f.name not in ("id", "entry", "receipt_id")
        }
        for n in range(30):
            case = Case.objects.create(
                applicant=many,
                kind="message",
                title=f"Обращение {n}",
                status="Ожидание",
                sent_at="2026-01-01T00:00:00Z",
            )
            for i in range(3):
                doc = CaseEntry.objects.create(
                    case=case,
                    kind="document",
                    side="company",
                    author=staff,
                    title=f"Договор {i}",
                    file=entry.file.name,
                    file_name="Договор ТП.pdf",
                    file_size=10,
                    sha256=entry.sha256,
                    requires_two_sided_signature=True,
                )
                Signature.objects.create(entry=doc, **fields)

    def count_queries(user):
        client = client_of(alpha, user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/documents/")
            assert response.status_code == 200
        assert "Скачать подпись" in response.content.decode()
        return len(queries)

    assert count_queries(few) == count_queries(many)


def test_plugin_check_page_for_applicants_and_staff(alpha, staff, person):
    applicant_page = client_of(alpha, person).get("/signing/check/")
    assert applicant_page.status_code == 200
    assert "Проверка КриптоПро ЭЦП Browser plug-in" in text_of(applicant_page)
    assert "js/cryptopro.js" in applicant_page.content.decode()
    staff_page = client_of(alpha, staff).get("/signing/check/")
    assert staff_page.status_code == 200
    assert "Меню консоли" in staff_page.content.decode()
    assert client_for(alpha).get("/signing/check/").status_code == 404
