"""The grid company's domain (tenant schema): portal settings and catalogues."""

from django.db import models
from django.db.models import Q


class PortalSettings(models.Model):
    """One row per schema: the company's requisites, branding and editable texts."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    company_name = models.CharField("Наименование", max_length=255)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    ogrn = models.CharField("ОГРН", max_length=15, blank=True)
    kpp = models.CharField("КПП", max_length=9, blank=True)
    address = models.CharField("Адрес", max_length=500, blank=True)
    phone = models.CharField("Телефон", max_length=50, blank=True)
    email = models.EmailField("Email", blank=True)
    notification_emails = models.TextField(
        "Адреса для уведомлений", blank=True, help_text="По одному адресу в строке."
    )
    application_forms_url = models.URLField(
        "Ссылка на страницу, содержащую формы заявок на технологическое присоединение",
        blank=True,
    )
    primary_color = models.CharField("Основной цвет", max_length=7, default="#1f5fa8")
    logo = models.FileField("Логотип", blank=True, max_length=500)
    login_text = models.TextField("Информация на странице авторизации и регистрации", blank=True)
    info_text = models.TextField(
        "Информация на первой странице личного кабинета «Информация»", blank=True
    )
    help_text = models.TextField("Информация на странице «Помощь»", blank=True)
    pep_agreement_text = models.TextField(
        "Соглашение об использовании простой электронной подписи", blank=True
    )
    pep_agreement_version = models.PositiveIntegerField(default=1)
    personal_data_text = models.TextField("Условия обработки персональных данных", blank=True)
    personal_data_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "настройки портала"
        verbose_name_plural = "настройки портала"
        constraints = [
            models.CheckConstraint(
                condition=Q(primary_color__regex=r"^#[0-9a-fA-F]{6}$"), name="portal_color_hex"
            )
        ]

    def __str__(self):
        return self.company_name


class CatalogueEntry(models.Model):
    """An entry of one of the company's catalogues. Retired entries stay on old cases
    (cases store the text, not a reference) but are no longer offered."""

    class Kind(models.TextChoices):
        STATUS = "status", "Статус обращения"
        PROGRESS = "progress", "Статус исполнения"
        DOCUMENT_TITLE = "document_title", "Название документа"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField("Название", max_length=255)
    position = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField("Не используется", default=False)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "title"], name="catalogue_kind_title_unique"),
        ]

    def __str__(self):
        return self.title


class Notification(models.Model):
    """The outbox. A notification is written in the same transaction as the change
    that caused it and delivered by Celery afterwards; a periodic task re-sends what
    is still pending, so a Redis or mail outage loses nothing."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "Ожидает отправки"
        SENT = "sent", "Отправлено"
        FAILED = "failed", "Не отправлено"

    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField("Вид", max_length=50)
    recipients = models.JSONField("Получатели", default=list)
    subject = models.CharField("Тема", max_length=255, blank=True)
    body_text = models.TextField("Текст")
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField("Создано", auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("Отправлено", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notification_pending_idx",
            )
        ]

    def __str__(self):
        return f"{self.kind} → {', '.join(self.recipients)}"


class AuditEntry(models.Model):
    """Who did what, when and from where. Written by services, never updated."""

    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField("Кто", max_length=255, blank=True)
    action = models.CharField("Действие", max_length=64)
    summary = models.TextField("Описание", blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField("Когда", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.actor_label}: {self.action}"


class LegalForm(models.TextChoices):
    INDIVIDUAL = "fl", "Физическое лицо"
    ENTREPRENEUR = "ip", "Индивидуальный предприниматель"
    LEGAL_ENTITY = "ul", "Юридическое лицо"


class ApplicantProfile(models.Model):
    """What an applicant registered with: legal form and its identifiers, consents."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="applicant_profile"
    )
    legal_form = models.CharField("Правовая форма", max_length=2, choices=LegalForm.choices)
    snils = models.CharField("СНИЛС", max_length=14, blank=True)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    ogrn = models.CharField("ОГРН / ОГРНИП", max_length=15, blank=True)
    kpp = models.CharField("КПП", max_length=9, blank=True)
    organization_name = models.CharField("Наименование организации", max_length=500, blank=True)
    personal_data_consent_at = models.DateTimeField("Согласие на обработку персональных данных")
    personal_data_consent_version = models.PositiveIntegerField()
    pep_agreement_at = models.DateTimeField("Соглашение о ПЭП принято", null=True, blank=True)
    pep_agreement_version = models.PositiveIntegerField(null=True, blank=True)
    pending_email = models.EmailField("Новый email (ожидает подтверждения)", blank=True)

    class Meta:
        verbose_name = "профиль заявителя"
        verbose_name_plural = "профили заявителей"
        constraints = [
            models.CheckConstraint(
                name="profile_identifiers_match_legal_form",
                condition=(
                    Q(legal_form="fl") & ~Q(snils="")
                    | Q(legal_form="ip") & Q(inn__regex=r"^\d{12}$") & Q(ogrn__regex=r"^\d{15}$")
                    | Q(legal_form="ul")
                    & Q(inn__regex=r"^\d{10}$")
                    & Q(ogrn__regex=r"^\d{13}$")
                    & ~Q(kpp="")
                    & ~Q(organization_name="")
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_legal_form_display()} {self.user.full_name}"

    @property
    def identifiers_line(self) -> str:
        """As the manual shows it: «Физическое лицо - СНИЛС: 049-114-804-49»."""
        label = self.get_legal_form_display()
        if self.legal_form == LegalForm.INDIVIDUAL:
            return f"{label} - СНИЛС: {self.snils}"
        if self.legal_form == LegalForm.ENTREPRENEUR:
            return f"{label} - ИНН: {self.inn} ОГРНИП: {self.ogrn}"
        return (
            f"{label} - {self.organization_name} - "
            f"ИНН: {self.inn} ОГРН: {self.ogrn} КПП: {self.kpp}"
        )
