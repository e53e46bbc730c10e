"""What the API does for its callers: the same rules and messages as the pages (the
services and forms are shared), cursor pagination, and one error shape."""

from core.models import ApplicantProfile, Case, PortalSettings
from tests.api_fixtures import api_client
from tests.conftest import in_tenant
from tests.factories import make_applicant, make_case, make_staff

# --- «Данные» ------------------------------------------------------------------------------


def test_profile_is_validated_like_the_data_page(alpha):
    applicant = make_applicant(alpha)
    client = api_client(alpha, applicant)
    bad = client.patch("/api/v1/profile/", {"snils": "049-114-804-48"}, format="json")
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["snils"]
    assert "СНИЛС" in body["fields"]["snils"][0]
    switched = client.patch("/api/v1/profile/", {"legal_form": "ul"}, format="json")
    assert set(switched.json()["fields"]) >= {"ul_inn", "ul_ogrn", "ul_kpp", "ul_organization_name"}
    with in_tenant(alpha):
        profile = ApplicantProfile.objects.get(user=applicant)
    assert profile.legal_form == "fl" and profile.snils == "049-114-804-49"


def test_profile_update_and_email_change_wait_for_confirmation(alpha):
    applicant = make_applicant(alpha)
    client = api_client(alpha, applicant)
    response = client.patch(
        "/api/v1/profile/",
        {"legal_form": "ip", "ip_inn": "420538910787", "ip_ogrnip": "318420500015205",
         "email": "new@example.com", "first_name": "Пётр"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body["changed"]) >= {"legal_form", "inn", "ogrn", "email", "first_name"}
    assert body["profile"]["email"] == applicant.email
    assert body["profile"]["pending_email"] == "new@example.com"
    assert body["profile"]["identifiers_line"].startswith("Индивидуальный предприниматель")


def test_wrong_types_are_a_400_not_a_crash(alpha):
    client = api_client(alpha, make_applicant(alpha))
    response = client.patch("/api/v1/profile/", {"snils": ["1", "2"]}, format="json")
    assert response.status_code == 400 and "snils" in response.json()["fields"]
    garbage = client.generic(
        "PATCH", "/api/v1/profile/", "{not json", content_type="application/json"
    )
    assert garbage.status_code == 400 and garbage.json()["code"] == "parse_error"
    listed = client.post("/api/v1/cases/", ["application"], format="json")
    assert listed.status_code == 400 and "__all__" in listed.json()["fields"]


# --- Cases -------------------------------------------------------------------------------------


def test_draft_opens_once_per_kind_then_is_renamed_and_sent(alpha):
    applicant = make_applicant(alpha)
    client = api_client(alpha, applicant)
    first = client.post("/api/v1/cases/", {"kind": "application"}, format="json")
    again = client.post("/api/v1/cases/", {"kind": "application"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    case_id = first.json()["id"]
    assert again.json()["id"] == case_id and first.json()["status"] == "Черновик"

    blank = client.patch(f"/api/v1/cases/{case_id}/", {"title": "  "}, format="json")
    assert blank.json()["fields"] == {"title": ["Укажите название."]}
    renamed = client.patch(f"/api/v1/cases/{case_id}/", {"title": "Дом в СНТ"}, format="json")
    assert renamed.json()["title"] == "Дом в СНТ"

    empty = client.post(f"/api/v1/cases/{case_id}/send/")
    assert empty.status_code == 400
    assert empty.json()["detail"].startswith("Нельзя отправить пустую заявку")
    client.post(f"/api/v1/cases/{case_id}/messages/", {"body": "<p>Прошу подключить</p>"})
    sent = client.post(f"/api/v1/cases/{case_id}/send/")
    assert sent.json()["status"] == "Ожидание ответа электросетевой"
    assert sent.json()["is_draft"] is False
    again = client.post(f"/api/v1/cases/{case_id}/send/")
    assert again.status_code == 400 and again.json()["detail"] == "Обращение уже отправлено."
    assert client.delete(f"/api/v1/cases/{case_id}/").status_code == 400


def test_lists_are_paginated_by_cursor(alpha):
    applicant = make_applicant(alpha)
    made = [make_case(alpha, applicant).pk for _ in range(3)]
    client = api_client(alpha, applicant)
    page = client.get("/api/v1/cases/?page_size=2").json()
    seen = [c["id"] for c in page["results"]]
    assert page["next"] and page["previous"] is None and len(seen) == 2
    page = client.get(page["next"]).json()
    seen += [c["id"] for c in page["results"]]
    assert seen == sorted(made, reverse=True) and page["next"] is None
    bad = client.get("/api/v1/cases/?cursor=garbage")
    assert bad.status_code == 404 and bad.json()["detail"] == "Неверный курсор страницы."


def test_timeline_hides_removed_entries(alpha):
    applicant = make_applicant(alpha)
    draft = make_case(alpha, applicant, sent=False, entries=2)
    client = api_client(alpha, applicant)
    entries = client.get(f"/api/v1/cases/{draft.pk}/entries/").json()["results"]
    assert [e["title"] for e in entries] == ["Документ 2", "Документ 1"]
    assert client.delete(f"/api/v1/entries/{entries[0]['id']}/").status_code == 204
    left = client.get(f"/api/v1/cases/{draft.pk}/entries/").json()["results"]
    assert [e["title"] for e in left] == ["Документ 1"]
    assert client.get(f"/api/v1/entries/{entries[0]['id']}/file/").status_code == 404


# --- The company's side -------------------------------------------------------------------------


def test_status_and_number_follow_the_console_rules(alpha):
    applicant = make_applicant(alpha)
    first, second = make_case(alpha, applicant), make_case(alpha, applicant)
    staff = api_client(alpha, make_staff(alpha, admin=False))
    response = staff.put(
        f"/api/v1/cases/{first.pk}/status/",
        {"status": "Подготовка оферты договора", "registration_number": "ТП-1"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["case"]["registration_number"] == "ТП-1"
    assert response.json()["changes"] == [
        "Текущий статус: Подготовка оферты договора",
        "Регистрационный номер: ТП-1",
    ]
    taken = staff.put(
        f"/api/v1/cases/{second.pk}/status/",
        {"status": "Заявка на рассмотрении", "registration_number": "ТП-1"},
        format="json",
    )
    assert taken.status_code == 400
    assert taken.json()["fields"] == {
        "registration_number": ["Регистрационный номер ТП-1 уже присвоен другому обращению."]
    }
    with in_tenant(alpha):
        assert Case.objects.get(pk=second.pk).status == "Ожидание ответа электросетевой"


def test_inbox_filters_search_and_validates(alpha):
    applicant = make_applicant(alpha, last_name="Редкофамильный")
    numbered, plain = make_case(alpha, applicant), make_case(alpha, applicant)
    staff = api_client(alpha, make_staff(alpha))
    staff.put(
        f"/api/v1/cases/{numbered.pk}/status/",
        {"status": "Исполнение договора ТП", "registration_number": "77-5"},
        format="json",
    )

    def ids(query):
        response = staff.get(f"/api/v1/inbox/{query}")
        assert response.status_code == 200, response.content
        return {c["id"] for c in response.json()["results"]}

    assert ids("?q=редкофамильный") == {numbered.pk, plain.pk}
    assert ids("?q=редкофамильный&without_number=true") == {plain.pk}
    assert ids("?q=редкофамильный&without_number=false") == {numbered.pk, plain.pk}
    assert ids("?status=Исполнение договора ТП") == {numbered.pk}
    assert ids("?q=77-5&sort=number") == {numbered.pk}
    bad = staff.get("/api/v1/inbox/?date_from=вчера&sort=random")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"date_from", "sort"}


def test_catalogues_settings_and_texts(alpha):
    admin = api_client(alpha, make_staff(alpha))
    added = admin.post("/api/v1/catalogues/progress/", {"title": "Ведется монтаж"}, format="json")
    assert added.status_code == 201
    twice = admin.post("/api/v1/catalogues/progress/", {"title": "Ведется монтаж"}, format="json")
    assert twice.json()["fields"] == {"title": ["Такая запись уже есть в справочнике."]}
    retired = admin.patch(
        f"/api/v1/catalogues/progress/{added.json()['id']}/", {"is_retired": True}, format="json"
    )
    assert retired.json()["is_retired"] is True
    applicant = api_client(alpha, make_applicant(alpha))
    offered = applicant.get("/api/v1/catalogues/progress/?page_size=100").json()["results"]
    assert "Ведется монтаж" not in [e["title"] for e in offered]
    unknown = admin.get("/api/v1/catalogues/colours/")
    assert unknown.status_code == 404 and unknown.json()["detail"] == "Справочник не найден."

    colour = admin.patch("/api/v1/settings/", {"primary_color": "red"}, format="json")
    assert colour.status_code == 400 and list(colour.json()["fields"]) == ["primary_color"]
    with in_tenant(alpha):
        before = PortalSettings.objects.get()
    phone = admin.patch("/api/v1/settings/", {"phone": "+7 (3452) 11-22-33"}, format="json")
    assert phone.json()["changed"] == ["phone"]
    with in_tenant(alpha):
        after = PortalSettings.objects.get()
    assert after.pep_agreement_version == before.pep_agreement_version

    texts = admin.patch(
        "/api/v1/texts/", {"help_text": "<p>Звоните</p><script>alert(1)</script>"}, format="json"
    )
    assert "<script>" not in texts.json()["help_text"] and "Звоните" in texts.json()["help_text"]


def test_staff_invitation_and_deactivation_rules(alpha):
    admin_user = make_staff(alpha)
    admin = api_client(alpha, admin_user)
    invited = admin.post(
        "/api/v1/staff/", {"email": "clerk@alpha.test", "last_name": "Новикова"}, format="json"
    )
    assert invited.status_code == 201 and invited.json()["invited"] is True
    again = admin.post("/api/v1/staff/", {"email": "clerk@alpha.test"}, format="json")
    assert list(again.json()["fields"]) == ["email"]
    not_email = admin.post("/api/v1/staff/", {"email": "clerk"}, format="json")
    assert not_email.json()["fields"] == {"email": ["Введите правильный адрес электронной почты."]}
    myself = admin.post(f"/api/v1/staff/{admin_user.pk}/deactivate/")
    assert myself.status_code == 400
    assert myself.json()["detail"] == "Нельзя отключить собственную учётную запись."


# --- Errors ---------------------------------------------------------------------------------


def test_every_error_has_one_shape(alpha):
    client = api_client(alpha, make_applicant(alpha))
    not_allowed = client.put("/api/v1/cases/", {}, format="json")
    assert not_allowed.status_code == 405
    assert not_allowed.json() == {
        "code": "method_not_allowed",
        "detail": "Метод не поддерживается.",
        "fields": {},
    }
    unknown = client.get("/api/v1/nothing-here/")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    malformed = client.get("/api/v1/cases/abc/")
    assert malformed.status_code == 404 and malformed.json()["code"] == "not_found"
    anonymous = api_client(alpha).get("/api/v1/cases/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert anonymous.json()["detail"].startswith("Требуется вход")
