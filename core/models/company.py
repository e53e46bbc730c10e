"""The grid company's settings and catalogues (one schema each)."""

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
    accept_staff_personal_certificates = models.BooleanField(
        "Принимать личные сертификаты сотрудников при подписании документов",
        default=False,
        help_text="Если выключено, сетевая организация подписывает только сертификатом с её ИНН.",
    )
    answer_due_working_days = models.PositiveSmallIntegerField(
        "Срок ответа заявителю, рабочих дней", default=3
    )
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


class PageFile(models.Model):
    """A file the company links from its pages (e.g. a user guide PDF in «Помощь»)."""

    title = models.CharField("Название", max_length=255)
    file = models.FileField(max_length=700)
    file_name = models.CharField("Имя файла", max_length=255)
    file_size = models.BigIntegerField("Размер")
    uploaded_at = models.DateTimeField("Загружен", auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.title
