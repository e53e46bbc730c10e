"""Signing through the API: the company's УКЭП as an uploaded detached CAdES, then the
applicant's ПЭП by SMS code; signatures downloadable; integrations told by the
`document.signed` webhook (posted to a receiver on 127.0.0.1)."""

import json
import re

from core import sms
from core.models import LegalForm
from tests.api_fixtures import api_client
from tests.factories import upload
from tests.signing_support import (
    applicant_of,
    make_signable_document,
    make_staff,
    set_company_inn,
    sign_entry,
)
from tests.test_api_webhooks import Receiver, register


def test_company_then_individual_sign_through_the_api(
    alpha, settings, django_capture_on_commit_callbacks
):
    settings.API_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    set_company_inn(alpha)
    sms.clear()
    staff = make_staff(alpha, is_company_admin=True)
    person = applicant_of(alpha, LegalForm.INDIVIDUAL)
    case, entry = make_signable_document(alpha, person, staff)
    receiver = Receiver((200,))
    try:
        endpoint = register(alpha, staff, receiver.url, events=["document.signed"])
        company, applicant = api_client(alpha, staff), api_client(alpha, person)

        # The applicant may not go first.
        early = applicant.post(f"/api/v1/entries/{entry.pk}/signature/sms/")
        assert early.status_code == 400 and early.json()["code"] == "wrong_order"

        signature_file = upload(
            "Договор.pdf.sig", sign_entry(alpha, entry), "application/pkcs7-signature"
        )
        with django_capture_on_commit_callbacks(execute=True):
            signed = company.post(
                f"/api/v1/entries/{entry.pk}/signature/cades/",
                {"signature": signature_file},
                format="multipart",
            )
        assert signed.status_code == 201, signed.content
        assert signed.json()["side"] == "company" and signed.json()["method"] == "qes"

        with django_capture_on_commit_callbacks(execute=True):
            sent = applicant.post(f"/api/v1/entries/{entry.pk}/signature/sms/")
        assert sent.status_code == 200, sent.content
        assert sent.json()["phone"] == "+7******5673"
        code = re.search(r"(\d{6})$", sms.outbox[-1].text).group(1)

        wrong = applicant.post(
            f"/api/v1/entries/{entry.pk}/signature/sms/confirm/", {"code": "000000"}
        )
        assert wrong.status_code == 400 and "code" in wrong.json()["fields"]
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = applicant.post(
                f"/api/v1/entries/{entry.pk}/signature/sms/confirm/", {"code": code}
            )
        assert confirmed.status_code == 201, confirmed.content
        pep = confirmed.json()
        assert pep["side"] == "applicant" and pep["method"] == "pep"

        receipt = applicant.get(pep["download_url"])
        assert receipt.status_code == 200
        assert b"".join(receipt.streaming_content).startswith(b"<?xml")
        assert company.get(pep["download_url"]).status_code == 200
        stranger = api_client(alpha, applicant_of(alpha))
        assert stranger.get(pep["download_url"]).status_code == 404

        timeline = applicant.get(f"/api/v1/cases/{case.pk}/entries/").json()["results"]
        (document,) = [e for e in timeline if e["id"] == entry.pk]
        assert [s["side"] for s in document["signatures"]] == ["company", "applicant"]

        events = [json.loads(body) for _, body in receiver.received]
        assert [e["event"] for e in events] == ["document.signed", "document.signed"]
        assert [e["data"]["completed"] for e in events] == [False, True]
        assert events[1]["data"]["signature"]["method"] == "pep"
        assert events[1]["data"]["entry"]["sha256"] == document["sha256"]
        assert endpoint["events"] == ["document.signed"]
    finally:
        receiver.close()


def test_garbage_instead_of_a_signature_names_the_field(alpha):
    set_company_inn(alpha)
    staff = make_staff(alpha)
    _, entry = make_signable_document(alpha, applicant_of(alpha), staff)
    response = api_client(alpha, staff).post(
        f"/api/v1/entries/{entry.pk}/signature/cades/", {}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"signature": ["Прикрепите файл подписи (.sig)."]}
