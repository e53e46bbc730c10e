"""Notifications through the outbox (core.models.Notification).

`queue_email` renders a message now (so it carries the company's name, branding
and links to its host) and stores it with the caller's transaction; delivery runs
after commit in a Celery task, with retries and a periodic sweep of what is
still pending. Nothing is sent from inside a transaction that might roll back.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification
from .selectors import get_portal_settings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


def company_base_url() -> str:
    """The current grid company's address, for links in e-mails."""
    from tenants.models import Domain

    domain = (
        Domain.objects.filter(tenant__schema_name=connection.schema_name)
        .order_by("-is_primary", "id")
        .values_list("domain", flat=True)
        .first()
    )
    return f"{settings.SITE_SCHEME}://{domain}{settings.SITE_PORT_SUFFIX}"


def queue_email(*, kind: str, recipients, subject: str, template: str, context=None):
    """Store an e-mail in the outbox and deliver it after the transaction commits.

    `template` names a pair `notifications/<template>.txt` / `.html`; both get the
    company's settings and base URL.
    """
    recipients = sorted({r.strip().lower() for r in recipients if r and r.strip()})
    if not recipients:
        return None
    company = get_portal_settings()
    full_context = {
        "company": company,
        "base_url": company_base_url(),
        "subject": subject,
        **(context or {}),
    }
    return queue_rendered_email(
        kind=kind,
        recipients=recipients,
        subject=subject,
        body_text=render_to_string(f"notifications/{template}.txt", full_context),
        body_html=render_to_string(f"notifications/{template}.html", full_context),
    )


def queue_rendered_email(*, kind, recipients, subject, body_text, body_html=""):
    """Store an already rendered e-mail (e.g. one of django-allauth's) in the outbox."""
    company = get_portal_settings()
    prefix = f"[{company.company_name}] " if company else ""
    notification = Notification.objects.create(
        channel=Notification.Channel.EMAIL,
        kind=kind,
        recipients=list(recipients),
        subject=f"{prefix}{subject}",
        body_text=body_text,
        body_html=body_html,
        next_attempt_at=timezone.now(),
    )
    schedule_delivery(notification)
    return notification


def schedule_delivery(notification: Notification) -> None:
    from .tasks import deliver_notification

    # The schema is fixed now: the callback may run after the caller left the schema.
    schema = connection.schema_name

    def enqueue():
        try:
            deliver_notification.apply_async(
                args=[notification.pk], headers={"_schema_name": schema}
            )
        except Exception:  # broker down: the periodic sweep will deliver it
            logger.warning("Could not queue notification %s; left for the sweep", notification.pk)

    transaction.on_commit(enqueue)


def deliver(notification_id: int) -> bool:
    """Send one pending notification. Returns True when it was sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return False
        try:
            send_now(notification)
        except Exception as exc:
            notification.attempts += 1
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            else:
                backoff = min(2**notification.attempts, 60)
                notification.next_attempt_at = timezone.now() + timedelta(minutes=backoff)
            notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("Notification %s not sent: %s", notification.pk, notification.last_error)
            return False
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.attempts += 1
        notification.last_error = ""
        fields = ["status", "sent_at", "attempts", "last_error"]
        if notification.channel == Notification.Channel.SMS:
            # An SMS may carry a one-time signing code: once sent, it is not kept.
            notification.body_text = ""
            fields.append("body_text")
        notification.save(update_fields=fields)
        return True


def send_now(notification: Notification) -> None:
    if notification.channel == Notification.Channel.EMAIL:
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=notification.recipients,
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send()
    elif notification.channel == Notification.Channel.SMS:
        from .sms import send_sms

        send_sms(notification.recipients[0], notification.body_text)
    else:
        raise ValueError(f"Unknown channel {notification.channel}")


def deliver_pending(limit: int = 200) -> int:
    """Send what is due in the current schema (the sweep). Returns how many were sent."""
    due = Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    return sum(1 for pk in list(due) if deliver(pk))
