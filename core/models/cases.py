"""Cases (обращения) and their timelines."""

from django.db import models
from django.db.models import Q

DRAFT_STATUS = "Черновик"
SENT_STATUS = "Ожидание ответа электросетевой"


class Case(models.Model):
    """An application for grid connection or a message to the company.

    A draft has no `sent_at`; each applicant has at most one draft of each kind,
    enforced by a partial unique index (so two simultaneous requests cannot both
    create one).
    """

    class Kind(models.TextChoices):
        APPLICATION = "application", "Заявка на технологическое присоединение"
        MESSAGE = "message", "Сообщение сетевой организации"

    applicant = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="cases", verbose_name="Заявитель"
    )
    kind = models.CharField("Тип заявки", max_length=16, choices=Kind.choices)
    title = models.CharField("Название", max_length=255)
    status = models.CharField("Текущий статус", max_length=255, default=DRAFT_STATUS)
    registration_number = models.CharField("Регистрационный номер", max_length=64, blank=True)
    created_at = models.DateTimeField("Создано", auto_now_add=True)
    sent_at = models.DateTimeField("Отправлено", null=True, blank=True)
    last_activity_at = models.DateTimeField("Последнее действие", auto_now_add=True)
    # Set when the applicant adds something; cleared when staff open the case.
    unseen_by_company = models.BooleanField(default=False)
    # Since when the case waits for the company's answer (None: the ball is with the
    # applicant). Drives the console's «waiting longer than N working days».
    awaiting_company_since = models.DateTimeField(null=True, blank=True)
    # Lowercased registration number, title and the applicant's names and
    # identifiers, for the console's search; migration 0008 gives it a trigram index
    # where the server has pg_trgm.
    search_text = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "обращение"
        verbose_name_plural = "обращения"
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "kind"],
                condition=Q(sent_at__isnull=True),
                name="case_one_draft_per_applicant_and_kind",
            ),
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="case_registration_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-last_activity_at"], name="case_applicant_activity"),
            models.Index(
                fields=["-last_activity_at"],
                condition=Q(sent_at__isnull=False),
                name="case_sent_activity",
            ),
            models.Index(fields=["status"], name="case_status"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.sent_at is None


class CaseEntry(models.Model):
    """One item of a case's timeline: a document, a message or a status note.

    Entries are never deleted: removing one sets `removed_at` (it disappears from
    both sides and the audit log keeps who and when).
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Документ"
        MESSAGE = "message", "Сообщение"
        STATUS = "status", "Статус"

    class Side(models.TextChoices):
        APPLICANT = "applicant", "Пользователь"
        COMPANY = "company", "Сетевая организация"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    side = models.CharField(max_length=16, choices=Side.choices)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="Автор"
    )
    created_at = models.DateTimeField("Создано", auto_now_add=True)
    # Document
    title = models.CharField("Название документа", max_length=255, blank=True)
    file = models.FileField("Файл", max_length=700, blank=True)
    file_name = models.CharField("Имя файла", max_length=255, blank=True)
    file_size = models.BigIntegerField("Размер", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    comment = models.TextField("Комментарий", blank=True)
    requires_two_sided_signature = models.BooleanField(
        "Необходима двухсторонняя электронная подпись", default=False
    )
    # Message (sanitised HTML) or status text
    body = models.TextField(blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "запись обращения"
        verbose_name_plural = "записи обращений"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="entry_case_created")]
        constraints = [
            models.CheckConstraint(
                name="entry_document_has_file",
                condition=~Q(kind="document") | (~Q(file="") & Q(sha256__regex=r"^[0-9a-f]{64}$")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.title or self.body[:40]}"
