"""Events for integrations (webhooks): one function the services call.

`publish` runs inside the service's transaction: it records one delivery per active
endpoint that subscribed to the event, so an event exists if and only if the change
that caused it committed, and queues the deliveries after commit with the schema
fixed at queue time (the callback may run after the caller left the schema). Posting,
signing and retries live in api.webhooks.
"""

import logging

from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

EVENTS = {
    "case.sent": "Заявитель отправил обращение",
    "entry.added": "Заявитель добавил документ или сообщение в отправленное обращение",
    "document.signed": "Документ подписан",
}


def case_data(case) -> dict:
    applicant = case.applicant
    return {
        "id": case.pk,
        "kind": case.kind,
        "title": case.title,
        "status": case.status,
        "registration_number": case.registration_number,
        "sent_at": case.sent_at.isoformat() if case.sent_at else None,
        "applicant": {"id": applicant.pk, "email": applicant.email, "name": applicant.full_name},
    }


def entry_data(entry) -> dict:
    data = {
        "id": entry.pk,
        "kind": entry.kind,
        "side": entry.side,
        "created_at": entry.created_at.isoformat() if entry.created_at else None,
    }
    if entry.kind == "document":
        data.update(
            title=entry.title,
            file_name=entry.file_name,
            file_size=entry.file_size,
            sha256=entry.sha256,
            comment=entry.comment,
        )
    else:
        data["body"] = entry.body
    return data


def signature_data(signature) -> dict:
    return {
        "id": signature.pk,
        "side": signature.side,
        "method": signature.method,
        "signed_at": signature.signed_at.isoformat() if signature.signed_at else None,
        "signer_name": getattr(signature, "signer_name", ""),
        "document_sha256": getattr(signature, "document_sha256", ""),
    }


def _describe(value):
    """Model instances become the plain data receivers get; the rest stays as is."""
    from core.models import Case, CaseEntry, Signature

    if isinstance(value, Case):
        return case_data(value)
    if isinstance(value, CaseEntry):
        return entry_data(value)
    if isinstance(value, Signature):
        return signature_data(value)
    return value


def publish(event: str, **payload) -> list:
    """Record deliveries of `event` for the endpoints that want it; queue them on commit.

    Returns the deliveries (an empty list when nobody subscribed)."""
    if event not in EVENTS:
        raise ValueError(f"Unknown event {event}")
    from api.models import WebhookDelivery, WebhookEndpoint

    endpoints = list(WebhookEndpoint.objects.filter(is_active=True, events__contains=[event]))
    if not endpoints:
        return []
    data = {name: _describe(value) for name, value in payload.items()}
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, event=event, payload=data, next_attempt_at=now)
            for endpoint in endpoints
        ]
    )
    schema = connection.schema_name
    ids = [d.pk for d in deliveries]

    def enqueue():
        from api.tasks import deliver_webhook

        for delivery_id in ids:
            try:
                deliver_webhook.apply_async(args=[delivery_id], headers={"_schema_name": schema})
            except Exception:  # broker down: the periodic sweep delivers it
                logger.warning(
                    "Could not queue webhook delivery %s; left for the sweep", delivery_id
                )

    transaction.on_commit(enqueue)
    return deliveries
