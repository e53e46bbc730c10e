"""The outbox and the audit log."""

from django.db import models
from django.db.models import Q


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

    # Messages that carry a secret for their recipient (a sign-in, reset or
    # confirmation link, a signing code): staff see that they were sent, never the text.
    # allauth's own mails are named after its templates (password_reset_key, …).
    OPEN_KINDS = frozenset(
        {"new_registration", "case_sent", "applicant_activity", "case_changed", "document_signed"}
    )

    @property
    def text_is_private(self) -> bool:
        return self.channel == self.Channel.SMS or self.kind not in self.OPEN_KINDS


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
