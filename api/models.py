"""The API's own data (each grid company's schema): users' API tokens and webhooks.

Tokens are stored as a SHA-256 of the secret only: the secret is shown once, when
it is created. Webhook endpoints keep their signing secret (the server needs it to
sign every delivery); deliveries are a log with attempts and the receiver's answers.
"""

import uuid

from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    """A personal API token of an applicant or a staff member.

    The token reads `lk.<schema>.<secret>`: the schema names the grid company that
    issued it, so a token sent to another company's host is refused before any
    lookup. Revoking deletes the row (the audit log keeps who and when).
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("Название", max_length=100)
    # The first characters of the secret, to tell tokens apart in lists.
    hint = models.CharField("Начало токена", max_length=32)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("Создан", auto_now_add=True)
    last_used_at = models.DateTimeField("Последнее использование", null=True, blank=True)

    class Meta:
        verbose_name = "токен API"
        verbose_name_plural = "токены API"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"


class WebhookEndpoint(models.Model):
    """A URL of the company's integration that receives signed JSON events."""

    url = models.URLField("Адрес", max_length=500)
    description = models.CharField("Описание", max_length=255, blank=True)
    secret = models.CharField(max_length=64)
    events = models.JSONField("События", default=list)
    is_active = models.BooleanField("Включён", default=True)
    created_at = models.DateTimeField("Создан", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "адрес вебхука"
        verbose_name_plural = "адреса вебхуков"
        ordering = ["id"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: written with the change that caused it, then
    posted by Celery with retries; the log keeps every attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", "Ожидает отправки"
        DELIVERED = "delivered", "Доставлено"
        FAILED = "failed", "Не доставлено"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField("Событие", max_length=64)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "доставка вебхука"
        verbose_name_plural = "доставки вебхуков"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id}"
