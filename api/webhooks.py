"""Webhooks: the company's endpoints (admin only) and the delivery of events.

Each delivery is POSTed as JSON:

    {"id": "<event uuid>", "event": "case.sent", "created_at": "…",
     "timestamp": <unix seconds of this attempt>, "data": {…}}

with headers `X-LK-Event`, `X-LK-Delivery` (the event id: receivers de-duplicate by
it, since a retry repeats it), `X-LK-Timestamp` and
`X-LK-Signature: sha256=<hex HMAC-SHA256 of the raw body with the endpoint's secret>`.
The timestamp is inside the signed body too, so a receiver can refuse replays of
old deliveries. A 2xx answer delivers; anything else is retried with exponential
back-off (30 s, 1 min, 2 min, … at most one hour apart) up to
API_WEBHOOK_MAX_ATTEMPTS, every attempt written to the delivery log.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError, NotFound
from core.events import EVENTS
from core.permissions import is_company_admin

from .models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

MAX_ENDPOINTS = 20
EXCERPT_CHARS = 1000
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
URL_MESSAGE = "Укажите адрес вида https://example.ru/webhooks (протокол http или https)."
SIGNATURE_HEADER = "X-LK-Signature"
TIMESTAMP_HEADER = "X-LK-Timestamp"


# --- Endpoints (the company's administrators) ----------


def _ensure_admin(actor) -> None:
    if not is_company_admin(actor):
        raise NotFound()


def clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise DomainError("Укажите адрес для уведомлений.", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError(URL_MESSAGE, field="url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(URL_MESSAGE, field="url")
    if parts.username or parts.password:
        raise DomainError("Адрес не должен содержать логин и пароль.", field="url")
    if port == 0 or len(url) > 500 or any(ch.isspace() for ch in url):
        raise DomainError(URL_MESSAGE, field="url")
    return url


def clean_events(events) -> list[str]:
    events = list(dict.fromkeys(events or []))
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise DomainError(f"Неизвестное событие: {unknown[0]}.", field="events")
    if not events:
        raise DomainError("Выберите хотя бы одно событие.", field="events")
    return events


def endpoints_visible_to(actor):
    _ensure_admin(actor)
    return WebhookEndpoint.objects.all()


def get_endpoint(actor, endpoint_id) -> WebhookEndpoint:
    try:
        return endpoints_visible_to(actor).get(pk=int(endpoint_id))
    except (WebhookEndpoint.DoesNotExist, ValueError, TypeError):
        raise NotFound("Адрес вебхука не найден.") from None


@transaction.atomic
def create_endpoint(
    actor, *, url: str, events, description: str = "", is_active: bool = True, ip=None
) -> WebhookEndpoint:
    _ensure_admin(actor)
    url = clean_url(url)
    events = clean_events(events)
    if WebhookEndpoint.objects.count() >= MAX_ENDPOINTS:
        raise DomainError(f"Можно зарегистрировать не больше {MAX_ENDPOINTS} адресов.")
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        events=events,
        description=" ".join((description or "").split())[:255],
        is_active=is_active,
        secret=secrets.token_hex(32),
        created_by=actor,
    )
    audit.record(actor, "webhook.created", url, obj=endpoint, data={"events": events}, ip=ip)
    return endpoint


@transaction.atomic
def update_endpoint(actor, endpoint: WebhookEndpoint, *, ip=None, **changes) -> WebhookEndpoint:
    _ensure_admin(actor)
    changed = []
    if "url" in changes:
        endpoint.url = clean_url(changes["url"])
        changed.append("url")
    if "events" in changes:
        endpoint.events = clean_events(changes["events"])
        changed.append("events")
    if "description" in changes:
        endpoint.description = " ".join((changes["description"] or "").split())[:255]
        changed.append("description")
    if "is_active" in changes:
        endpoint.is_active = bool(changes["is_active"])
        changed.append("is_active")
    if changes.get("rotate_secret"):
        endpoint.secret = secrets.token_hex(32)
        changed.append("secret")
    if changed:
        endpoint.save()
        audit.record(
            actor,
            "webhook.changed",
            ", ".join(changed),
            obj=endpoint,
            data={"fields": changed},
            ip=ip,
        )
    return endpoint


@transaction.atomic
def delete_endpoint(actor, endpoint: WebhookEndpoint, *, ip=None) -> None:
    _ensure_admin(actor)
    audit.record(actor, "webhook.deleted", endpoint.url, obj=endpoint, ip=ip)
    endpoint.delete()


# --- Delivery ----------


def sign(secret: str, body: bytes) -> str:
    """The value of X-LK-Signature for a raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (also used by our tests)."""
    return hmac.compare_digest(sign(secret, body), header or "")


def body_of(delivery: WebhookDelivery, timestamp: int) -> bytes:
    return json.dumps(
        {
            "id": str(delivery.event_id),
            "event": delivery.event,
            "created_at": delivery.created_at.isoformat(),
            "timestamp": timestamp,
            "data": delivery.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS))


class RefusedAddress(Exception):
    pass


def _check_destination(url: str) -> None:
    """Refuse loopback, private and link-local receivers unless allowed (tests, on-premise
    installations whose back office sits on the internal network)."""
    if settings.API_WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise RefusedAddress(f"Адрес {host} не найден: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise RefusedAddress(f"Адрес {host} во внутренней сети: отправка запрещена.")


def post(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """One attempt: (status code, response excerpt, error)."""
    endpoint = delivery.endpoint
    timestamp = int(time.time())
    body = body_of(delivery, timestamp)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "LK-TP-Webhooks/1.0",
        "X-LK-Event": delivery.event,
        "X-LK-Delivery": str(delivery.event_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(endpoint.secret, body),
    }
    try:
        _check_destination(endpoint.url)
        response = requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.API_WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,  # read only the start of the answer: a receiver may send anything
        )
        try:
            head = response.raw.read(EXCERPT_CHARS * 4, decode_content=True) or b""
        finally:
            response.close()
    except RefusedAddress as exc:
        return None, "", str(exc)
    except (requests.RequestException, OSError) as exc:
        return None, "", f"{type(exc).__name__}: {exc}"[:2000]
    excerpt = head.decode(response.encoding or "utf-8", errors="replace")[:EXCERPT_CHARS]
    return response.status_code, excerpt, ""


def deliver(delivery_id: int) -> str | None:
    """Attempt one due delivery in the current schema. Returns its new status, or None
    when there was nothing to do (delivered, given up, not yet due, or being sent)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint")
            .filter(
                pk=delivery_id,
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at__lte=timezone.now(),
            )
            .first()
        )
        if delivery is None:
            return None
        if not delivery.endpoint.is_active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = "Адрес вебхука отключён."
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
            return delivery.status
        code, excerpt, error = post(delivery)
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status_code = code
        delivery.response_excerpt = excerpt
        if code is not None and 200 <= code < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            delivery.last_error = ""
        else:
            delivery.last_error = error or f"Ответ {code}"
            if delivery.attempts >= settings.API_WEBHOOK_MAX_ATTEMPTS:
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save()
    if delivery.status == WebhookDelivery.Status.PENDING:
        logger.warning("Webhook delivery %s failed: %s", delivery.pk, delivery.last_error)
        schedule_retry(delivery)
    return delivery.status


def schedule_retry(delivery: WebhookDelivery) -> None:
    """Queue the next attempt for when it is due (the periodic sweep is the safety net)."""
    from .tasks import deliver_webhook

    delay = max((delivery.next_attempt_at - timezone.now()).total_seconds(), 0)
    try:
        deliver_webhook.apply_async(
            args=[delivery.pk],
            countdown=delay,
            headers={"_schema_name": connection.schema_name},
        )
    except Exception:
        logger.warning("Could not queue the retry of webhook delivery %s", delivery.pk)


def deliver_due(limit: int = 200) -> int:
    """The sweep in the current schema: attempt what is due. Returns how many were delivered."""
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    return sum(1 for pk in list(due) if deliver(pk) == WebhookDelivery.Status.DELIVERED)


def deliveries_of(actor, endpoint: WebhookEndpoint):
    _ensure_admin(actor)
    return endpoint.deliveries.all()
