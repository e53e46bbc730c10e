"""Applicant accounts: registration, login, throttling, password reset, «Данные», outbox."""

import re

import pytest
from django.core import mail

from core.accounts.models import User
from core.models import ApplicantProfile, AuditEntry, Notification, PortalSettings
from core.notifications import deliver, deliver_pending
from tests.conftest import TEST_PASSWORD, force_login, in_tenant
from tests.factories import make_applicant, registration_post


@pytest.fixture
def alpha_notifies(alpha):
    with in_tenant(alpha):
        PortalSettings.objects.update(notification_emails="tp@alpha.test\nboss@alpha.test")


def page(response):
    return response.content.decode()


# --- Registration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("legal_form", "identifiers_line"),
    [
        ("fl", "Физическое лицо - СНИЛС: 049-114-804-49"),
        ("ip", "Индивидуальный предприниматель - ИНН: 420538910787 ОГРНИП: 318420500015205"),
        ("ul", 'Юридическое лицо - ООО "Ромашка" - ИНН: 7707083893 ОГРН: 1027700132195'),
    ],
)
def test_registration_of_each_legal_form_logs_in_and_lands_on_information(
    alpha, alpha_client, alpha_notifies, legal_form, identifiers_line
):
    data = registration_post(legal_form)
    response = alpha_client.post("/accounts/signup/", data)
    assert response.status_code == 302, page(response)
    assert response["Location"] == "/"
    info = alpha_client.get("/")
    assert info.status_code == 200
    body = page(info)
    assert "Добро пожаловать в личный кабинет ООО &quot;Альфа Сети&quot;" in body
    assert identifiers_line.replace('"', "&quot;") in body
    with in_tenant(alpha):
        user = User.objects.get(email=data["email"])
        profile = user.applicant_profile
        assert user.phone == "+79999999999"
        assert profile.legal_form == legal_form
        assert profile.personal_data_consent_at is not None
        assert profile.personal_data_consent_version == 1
        assert profile.pep_agreement_version == 1
        note = Notification.objects.get(kind="new_registration")
        assert note.recipients == ["boss@alpha.test", "tp@alpha.test"]
        assert data["email"] in note.body_text
        assert AuditEntry.objects.filter(action="applicant.registered", actor=user).exists()


@pytest.mark.parametrize(
    ("legal_form", "field", "value", "message"),
    [
        ("fl", "snils", "049-114-804-48", "контрольное число"),
        ("fl", "snils", "", "СНИЛС"),
        ("fl", "snils", "04911480", "11 цифр"),
        ("ip", "ip_inn", "420538910788", "контрольное число"),
        ("ip", "ip_ogrnip", "3184205000152", "15 цифр"),
        ("ul", "ul_inn", "770708389", "10 цифр"),
        ("ul", "ul_ogrn", "1027700132194", "контрольное число"),
        ("ul", "ul_kpp", "77360100", "КПП"),
        ("ul", "ul_organization_name", "", "наименование организации"),
        ("fl", "last_name", "Smith", "Фамилия"),
        ("fl", "first_name", "", "Имя"),
        ("fl", "phone", "+7 495 123-45-67", "+7XXXXXXXXXX"),
        ("fl", "email", "not-an-email", "адрес электронной почты"),
        ("fl", "password2", "Different-password-1", "Пароли не совпадают"),
        ("fl", "password1", "12345", "пароль"),
        ("fl", "personal_data_consent", "", "согласие на обработку"),
    ],
)
def test_bad_registration_input_gets_a_message_next_to_its_field_and_saves_nothing(
    alpha, alpha_client, legal_form, field, value, message
):
    data = registration_post(legal_form, **{field: value})
    if field == "password1":
        data["password2"] = value
    if field == "personal_data_consent":
        data.pop(field)
    response = alpha_client.post("/accounts/signup/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert message.lower() in page(response).lower()
    with in_tenant(alpha):
        assert not User.objects.filter(email=data["email"]).exists()
        assert not Notification.objects.exists()


def test_registration_page_shows_the_fields_of_every_legal_form(alpha_client):
    body = page(alpha_client.get("/accounts/signup/"))
    for label in (
        "Правовая форма",
        "СНИЛС",
        "ОГРНИП",
        "ОГРН",
        "КПП",
        "Наименование организации",
        "Фамилия",
        "Имя",
        "Отчество",
        "Email",
        "Сотовый телефон",
        "Подтвердите пароль",
        "Я согласен с условиями по обработке персональных данных",
        "Зарегистрироваться",
        "Уже зарегистрированы?",
        "Перейти к форме для входа",
    ):
        assert label in body, label


def test_duplicate_email_in_the_same_company_is_refused(alpha, alpha_client):
    make_applicant(alpha, email="taken@example.com")
    response = alpha_client.post("/accounts/signup/", registration_post(email="Taken@Example.com"))
    assert response.status_code == 200
    assert "уже зарегистрирован" in " ".join(response.context["form"].errors["email"])
    with in_tenant(alpha):
        assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_same_email_registers_at_another_company_as_a_separate_account(alpha, beta, beta_client):
    make_applicant(alpha, email="both@example.com")
    response = beta_client.post("/accounts/signup/", registration_post(email="both@example.com"))
    assert response.status_code == 302
    with in_tenant(beta):
        assert User.objects.get(email="both@example.com").applicant_profile


def test_database_refuses_a_second_account_with_the_same_email(alpha):
    from django.db import IntegrityError, transaction

    make_applicant(alpha, email="unique@example.com")
    with in_tenant(alpha), pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("UNIQUE@example.com", "x")


# --- Login, throttling, logout, password reset ---------------------------------------------


def login(client, email, password=TEST_PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


def test_login_with_remember_me_keeps_the_session_and_without_it_ends_with_browser(
    alpha, alpha_client
):
    user = make_applicant(alpha)
    response = login(alpha_client, user.email)
    assert response.status_code == 302
    assert alpha_client.session.get_expire_at_browser_close()
    alpha_client.post("/accounts/logout/")
    response = login(alpha_client, user.email, remember="on")
    assert not alpha_client.session.get_expire_at_browser_close()


def test_wrong_password_is_refused_with_a_russian_message(alpha, alpha_client):
    user = make_applicant(alpha)
    response = login(alpha_client, user.email, "wrong-password")
    assert response.status_code == 200
    assert "неправильн" in page(response).lower() or "неверн" in page(response).lower()


def test_logout_ends_the_session(alpha, alpha_client):
    user = make_applicant(alpha)
    login(alpha_client, user.email)
    response = alpha_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert alpha_client.get("/").status_code == 302


def test_repeated_failed_logins_are_throttled_per_company_email_and_ip(
    alpha, beta, alpha_client, beta_client
):
    user = make_applicant(alpha, email="victim@example.com")
    make_applicant(beta, email="victim@example.com")
    for _ in range(5):
        login(alpha_client, user.email, "wrong-password")
    response = login(alpha_client, user.email)  # even the right password now
    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа" in page(response)
    # The same e-mail at another grid company is not affected.
    assert login(beta_client, "victim@example.com").status_code == 302


def test_password_reset_link_works_on_its_company_only(alpha, beta, alpha_client, beta_client):
    make_applicant(alpha, email="forgot@example.com")
    make_applicant(beta, email="forgot@example.com")
    alpha_client.post("/accounts/password/reset/", {"email": "forgot@example.com"})
    with in_tenant(alpha):
        note = Notification.objects.get(recipients=["forgot@example.com"])
    path = re.search(
        r"https?://alpha\.localhost[^/\s]*(/accounts/password/reset/key/\S+/)", note.body_text
    ).group(1)

    foreign = beta_client.get(path, follow=True)
    assert "недействительна" in page(foreign)

    own = alpha_client.get(path, follow=True)
    assert "Новый пароль" in page(own)
    action = own.redirect_chain[-1][0] if own.redirect_chain else path
    done = alpha_client.post(
        action, {"password1": "Brand-new-pass-77", "password2": "Brand-new-pass-77"}
    )
    assert done.status_code == 302
    with in_tenant(alpha):
        assert User.objects.get(email="forgot@example.com").check_password("Brand-new-pass-77")
    with in_tenant(beta):
        assert User.objects.get(email="forgot@example.com").check_password(TEST_PASSWORD)


# --- The portal frame and «Данные» -----------------------------------------------------------


def test_frame_shows_user_line_identifiers_menu_and_footer(alpha, alpha_client):
    user = make_applicant(alpha)
    force_login(alpha_client, alpha, user)
    body = page(alpha_client.get("/"))
    assert (
        f"Туксин Артем Александрович</strong> - Email: {user.email} - Телефон: +7-961-700-56-73"
        in body
    )
    assert "Физическое лицо - СНИЛС: 049-114-804-49" in body
    for item in ("Информация", "Документооборот", "Данные", "Помощь", "Выход"):
        assert item in body
    assert "© ООО &quot;Альфа Сети&quot;" in body


def test_information_and_help_show_the_company_texts(alpha, alpha_client):
    user = make_applicant(alpha)
    with in_tenant(alpha):
        PortalSettings.objects.update(
            help_text="<p>Звоните 8-800</p>", info_text="<p>Наш текст</p>"
        )
    force_login(alpha_client, alpha, user)
    assert "Наш текст" in page(alpha_client.get("/"))
    assert "Звоните 8-800" in page(alpha_client.get("/help/"))


def test_login_page_shows_the_company_login_text(alpha, alpha_client):
    with in_tenant(alpha):
        PortalSettings.objects.update(login_text="<p>Текст входа Альфы</p>")
    assert "Текст входа Альфы" in page(alpha_client.get("/accounts/login/"))
    assert "Текст входа Альфы" in page(alpha_client.get("/accounts/signup/"))


def profile_post(user, **overrides):
    data = {
        "legal_form": "fl",
        "snils": "049-114-804-49",
        "last_name": user.last_name,
        "first_name": user.first_name,
        "middle_name": user.middle_name,
        "email": user.email,
        "phone": user.phone,
    }
    data.update(overrides)
    return data


def test_applicant_edits_data_and_the_change_is_audited(alpha, alpha_client):
    user = make_applicant(alpha)
    force_login(alpha_client, alpha, user)
    response = alpha_client.post("/profile/", profile_post(user, phone="8 (912) 345-67-89"))
    assert response.status_code == 302
    with in_tenant(alpha):
        user.refresh_from_db()
        assert user.phone == "+79123456789"
        entry = AuditEntry.objects.get(action="applicant.data_changed")
        assert entry.data == {"fields": ["phone"]}


def test_bad_data_on_profile_page_is_refused_and_changes_nothing(alpha, alpha_client):
    user = make_applicant(alpha)
    force_login(alpha_client, alpha, user)
    response = alpha_client.post("/profile/", profile_post(user, snils="111-111-111-11", phone="x"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "snils" in errors and "phone" in errors
    with in_tenant(alpha):
        assert ApplicantProfile.objects.get(user=user).snils == "049-114-804-49"
        assert not AuditEntry.objects.filter(action="applicant.data_changed").exists()


def test_new_email_takes_effect_only_after_confirmation(alpha, alpha_client):
    user = make_applicant(alpha, email="old@example.com")
    force_login(alpha_client, alpha, user)
    alpha_client.post("/profile/", profile_post(user, email="new@example.com"))
    with in_tenant(alpha):
        user.refresh_from_db()
        assert user.email == "old@example.com"
        note = Notification.objects.get(kind="email_change")
        assert note.recipients == ["new@example.com"]
    path = re.search(r"(/profile/email/\S+/)", note.body_text).group(1)
    assert alpha_client.get(path).status_code == 302
    with in_tenant(alpha):
        user.refresh_from_db()
        assert user.email == "new@example.com"
        assert AuditEntry.objects.filter(action="applicant.email_changed").exists()


def test_forged_email_confirmation_link_changes_nothing(alpha, alpha_client):
    user = make_applicant(alpha, email="keep@example.com")
    force_login(alpha_client, alpha, user)
    response = alpha_client.get("/profile/email/forged:token/", follow=True)
    assert "Ссылка недействительна или устарела" in page(response)
    with in_tenant(alpha):
        user.refresh_from_db()
        assert user.email == "keep@example.com"


def test_password_change_requires_the_current_password(alpha, alpha_client):
    user = make_applicant(alpha)
    force_login(alpha_client, alpha, user)
    response = alpha_client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "New-pass-word-5", "password2": "New-pass-word-5"},
    )
    assert response.status_code == 200
    with in_tenant(alpha):
        user.refresh_from_db()
        assert user.check_password(TEST_PASSWORD)
    response = alpha_client.post(
        "/accounts/password/change/",
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "New-pass-word-5",
            "password2": "New-pass-word-5",
        },
    )
    assert response.status_code == 302
    with in_tenant(alpha):
        user.refresh_from_db()
        assert user.check_password("New-pass-word-5")
        assert AuditEntry.objects.filter(action="account.password_changed", actor=user).exists()


# --- Outbox ----------------------------------------------------------------------------------


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")


def test_notification_survives_a_broken_mail_backend_and_is_sent_by_the_next_run(
    alpha, alpha_notifies, settings
):
    settings.EMAIL_BACKEND = "tests.test_accounts.BrokenMailBackend"
    make_applicant(alpha)
    with in_tenant(alpha):
        note = Notification.objects.get(kind="new_registration")
        assert deliver(note.pk) is False
        note.refresh_from_db()
        assert note.status == "pending" and note.attempts == 1
        assert "SMTP is down" in note.last_error

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        Notification.objects.filter(pk=note.pk).update(next_attempt_at=note.created_at)
        assert deliver_pending() == 1
        note.refresh_from_db()
        assert note.status == "sent" and note.sent_at is not None
    assert mail.outbox[-1].to == ["boss@alpha.test", "tp@alpha.test"]
    assert "Альфа Сети" in mail.outbox[-1].subject


def test_notification_is_delivered_after_commit(
    alpha, alpha_notifies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_applicant(alpha)
    assert mail.outbox and "Зарегистрирован новый пользователь" in mail.outbox[-1].subject
    with in_tenant(alpha):
        assert Notification.objects.get(kind="new_registration").status == "sent"


def test_staff_invitation_sets_a_password_on_its_company_host_only(
    alpha, beta, alpha_client, beta_client
):
    from core.accounts.invitations import invitation_path
    from core.accounts.models import User as U

    with in_tenant(alpha):
        staff = U.objects.get(email="admin@alpha.test")
        path = invitation_path(staff)
    assert beta_client.get(path).status_code == 404
    assert "Установите пароль" in page(alpha_client.get(path))
    response = alpha_client.post(
        path, {"new_password1": "Admin-pass-word-1", "new_password2": "Admin-pass-word-1"}
    )
    assert response.status_code == 302
    with in_tenant(alpha):
        assert U.objects.get(email="admin@alpha.test").check_password("Admin-pass-word-1")
    assert alpha_client.get(path).status_code == 404  # used once


def test_sent_sms_text_is_not_kept_in_the_outbox(alpha):
    from core import sms

    sms.clear()
    with in_tenant(alpha):
        note = Notification.objects.create(
            channel="sms", kind="pep_code", recipients=["+79990001122"], body_text="Код: 123456"
        )
        assert deliver(note.pk)
        note.refresh_from_db()
        assert note.status == "sent" and note.body_text == ""
    assert sms.outbox[-1].text == "Код: 123456"


def test_periodic_sweep_sends_what_is_pending_in_every_company(alpha, beta):
    from django.utils import timezone

    from core.tasks import deliver_pending_notifications_everywhere

    for company in (alpha, beta):
        with in_tenant(company):
            Notification.objects.create(
                kind="case_changed",
                recipients=[f"x@{company.subdomain}.test"],
                subject="s",
                body_text="t",
                next_attempt_at=timezone.now(),
            )
    assert deliver_pending_notifications_everywhere.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["x@alpha.test", "x@beta.test"]
