"""Files through the API: a 50 MB document uploaded as multipart (streamed to disk
and hashed on the way in) and downloaded back intact; refusals in the API's shape."""

import hashlib
import os

from core.models import CaseEntry
from tests.api_fixtures import api_client
from tests.conftest import in_tenant
from tests.factories import EXE_BYTES, PDF_BYTES, make_applicant, make_case, make_staff, upload

MB = 1024 * 1024


def big_pdf(path, size):
    """A PDF-looking file of exactly `size` bytes, written in chunks."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        head = PDF_BYTES
        out.write(head)
        digest.update(head)
        left = size - len(head)
        block = os.urandom(MB)
        while left > 0:
            chunk = block[: min(MB, left)]
            out.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def test_50_mb_document_round_trip(alpha, tmp_path):
    applicant = make_applicant(alpha)
    client = api_client(alpha, applicant)
    draft = client.post("/api/v1/cases/", {"kind": "application"}, format="json").json()
    path = tmp_path / "Проект.pdf"
    sha = big_pdf(path, 50 * MB)
    with open(path, "rb") as handle:
        response = client.post(
            f"/api/v1/cases/{draft['id']}/documents/",
            {"title": "Проектная документация", "file": handle, "comment": "Том 1"},
            format="multipart",
        )
    assert response.status_code == 201, response.content[:500]
    entry = response.json()
    assert entry["file_size"] == 50 * MB and entry["sha256"] == sha
    assert entry["file_name"] == "Проект.pdf" and entry["comment"] == "Том 1"

    download = client.get(entry["download_url"])
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    received, size = hashlib.sha256(), 0
    for chunk in download.streaming_content:
        received.update(chunk)
        size += len(chunk)
    assert size == 50 * MB and received.hexdigest() == sha

    # The company downloads the same bytes once the case is sent.
    assert client.post(f"/api/v1/cases/{draft['id']}/send/").status_code == 200
    staff_download = api_client(alpha, make_staff(alpha)).get(entry["download_url"])
    assert staff_download.status_code == 200
    assert hashlib.sha256(b"".join(staff_download.streaming_content)).hexdigest() == sha


def test_file_over_50_mb_is_refused_and_nothing_is_stored(alpha, tmp_path):
    applicant = make_applicant(alpha)
    client = api_client(alpha, applicant)
    draft = client.post("/api/v1/cases/", {"kind": "application"}, format="json").json()
    path = tmp_path / "big.pdf"
    big_pdf(path, 50 * MB + 1)
    with open(path, "rb") as handle:
        response = client.post(
            f"/api/v1/cases/{draft['id']}/documents/",
            {"title": "Слишком большой", "file": handle},
            format="multipart",
        )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "file": ["Файл больше 50 MB. Максимальный размер файла 50 MB."]
    }
    with in_tenant(alpha):
        assert not CaseEntry.objects.filter(case_id=draft["id"]).exists()


def test_wrong_content_and_missing_file_name_the_field(alpha):
    applicant = make_applicant(alpha)
    client = api_client(alpha, applicant)
    draft = client.post("/api/v1/cases/", {"kind": "application"}, format="json").json()
    url = f"/api/v1/cases/{draft['id']}/documents/"
    fake = client.post(
        url, {"title": "Скан", "file": upload("scan.pdf", EXE_BYTES)}, format="multipart"
    )
    assert fake.status_code == 400
    assert "не соответствует расширению .pdf" in fake.json()["fields"]["file"][0]
    missing = client.post(url, {"title": "Скан"}, format="multipart")
    assert missing.json()["fields"] == {"file": ["Прикрепите файл."]}
    untitled = client.post(url, {"title": " ", "file": upload()}, format="multipart")
    assert untitled.json() == {
        "code": "invalid",
        "detail": "Укажите название документа.",
        "fields": {"title": ["Укажите название документа."]},
    }


def test_applicant_cannot_ask_for_a_two_sided_signature(alpha):
    applicant = make_applicant(alpha)
    case = make_case(alpha, applicant)
    response = api_client(alpha, applicant).post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"title": "Договор", "file": upload(), "requires_two_sided_signature": "true"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Двухстороннюю подпись назначает сетевая организация."
