"""SMS gateway: one function, `send_sms`, and interchangeable backends.

The backend is chosen by ``settings.SMS_BACKEND`` (a dotted path), the way Django
chooses an e-mail backend: development prints messages, tests keep them in memory
(a browser journey reads the one-time code from `outbox`), production talks to a
provider. Callers never pick a backend themselves.

Messages carry one-time signing codes, so the text is never logged and never put into
an exception message; phones are logged masked. `send_sms` raises `SmsError` on any
failure; the notification outbox (core.notifications) retries on it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "core.sms.ConsoleBackend"
SMS_RU_DEFAULT_URL = "https://sms.ru/sms/send"
SMS_RU_DEFAULT_TIMEOUT = 10.0

_NON_DIGITS_RE = re.compile(r"\D")


class SmsError(Exception):
    """The message was not accepted for delivery; the message says why (never the text)."""


def mask_phone(phone: str) -> str:
    """«+79991234567» → «+7******4567»: enough to recognise one's own number, not to dial it.

    Used in logs and in ПЭП receipts. A Russian number (+7 or a domestic 8…) keeps its
    country code and last four digits; any other keeps only the last four digits, and a
    string too short to hide anything is masked completely.
    """
    digits = _NON_DIGITS_RE.sub("", phone or "")
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + "*" * 6 + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "+" + "*" * (len(digits) - 4) + digits[-4:]


def _digits_only(phone: str) -> str:
    """«+7 (999) 123-45-67» → «79991234567»; a domestic leading 8 becomes 7."""
    digits = _NON_DIGITS_RE.sub("", phone or "")
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    return digits


class BaseSmsBackend:
    """A backend sends one message and returns an id: the provider's or a local one."""

    name = "base"

    def send(self, phone: str, text: str) -> str:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Development: print the message instead of sending it, so a developer can read the code."""

    name = "console"

    def send(self, phone: str, text: str) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        # sys.stdout is looked up on every call so that redirected/captured output works.
        sys.stdout.write(
            "\n===== SMS (console backend, NOT SENT) =====\n"
            f"To:   {phone}\n"
            f"Text: {text}\n"
            f"Id:   {message_id}\n"
            "===========================================\n"
        )
        sys.stdout.flush()
        return message_id


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    sent_at: datetime


# Module-level so that code running in other threads of the same process (the live
# server of a browser journey, eager Celery tasks) writes where the test reads.
outbox: list[SentSms] = []
_outbox_lock = threading.Lock()


def clear() -> None:
    """Empty the in-memory outbox (call it at the start of a test)."""
    with _outbox_lock:
        outbox.clear()


class InMemoryBackend(BaseSmsBackend):
    """Tests: keep every message in `outbox` instead of sending it."""

    name = "in-memory"

    def send(self, phone: str, text: str) -> str:
        with _outbox_lock:
            outbox.append(SentSms(phone=phone, text=text, sent_at=timezone.now()))
            return f"memory-{len(outbox)}"


class SmsRuBackend(BaseSmsBackend):
    """SMS.ru's HTTP API (https://sms.ru/api/send), with nothing beyond the standard library.

    Settings: ``SMS_RU_API_ID`` (required), ``SMS_RU_FROM`` (an approved sender name,
    optional), ``SMS_RU_TEST`` (the provider validates but does not send or charge),
    ``SMS_RU_URL`` (tests point it at a local server), ``SMS_RU_TIMEOUT`` (seconds).

    The parameters are POSTed, not put in the query string, so that neither the API key
    nor the one-time code ends up in proxy or access logs; SMS.ru accepts both.
    """

    name = "sms.ru"

    def send(self, phone: str, text: str) -> str:
        api_id = getattr(settings, "SMS_RU_API_ID", "")
        if not api_id:
            raise SmsError("SMS.ru: не задан SMS_RU_API_ID")
        url = getattr(settings, "SMS_RU_URL", "") or SMS_RU_DEFAULT_URL
        timeout = float(getattr(settings, "SMS_RU_TIMEOUT", SMS_RU_DEFAULT_TIMEOUT))
        to = _digits_only(phone)
        params = {"api_id": api_id, "to": to, "msg": text, "json": "1"}
        sender = getattr(settings, "SMS_RU_FROM", "")
        if sender:
            params["from"] = sender
        if getattr(settings, "SMS_RU_TEST", False):
            params["test"] = "1"
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(params).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            method="POST",
        )
        # Error messages below deliberately leave out the URL, the parameters and the
        # exception text of urllib, which could echo them.
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read(1_000_000)
        except urllib.error.HTTPError as exc:
            raise SmsError(f"SMS.ru: ошибка HTTP {exc.code}") from None
        except TimeoutError:
            raise SmsError(f"SMS.ru: нет ответа за {timeout:g} с") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise SmsError(f"SMS.ru: нет ответа за {timeout:g} с") from None
            raise SmsError(f"SMS.ru: сервис недоступен ({type(exc.reason).__name__})") from None
        except OSError as exc:
            raise SmsError(f"SMS.ru: сетевая ошибка ({type(exc).__name__})") from None
        return self._message_id(body, to)

    @staticmethod
    def _message_id(body: bytes, to: str) -> str:
        """The `sms_id` from SMS.ru's JSON answer; anything but OK twice is an error."""
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise SmsError("SMS.ru: ответ не в формате JSON") from None
        if not isinstance(payload, dict):
            raise SmsError("SMS.ru: неожиданный ответ")
        if payload.get("status") != "OK":
            raise SmsError(f"SMS.ru: {_status_text(payload)}")
        per_number = payload.get("sms")
        if not isinstance(per_number, dict) or not per_number:
            raise SmsError("SMS.ru: в ответе нет сведений о сообщении")
        entry = per_number.get(to)
        if entry is None and len(per_number) == 1:
            # The provider may spell the number its own way; we sent exactly one.
            entry = next(iter(per_number.values()))
        if not isinstance(entry, dict):
            raise SmsError("SMS.ru: в ответе нет сведений о сообщении")
        if entry.get("status") != "OK":
            raise SmsError(f"SMS.ru: {_status_text(entry)}")
        sms_id = entry.get("sms_id")
        if not sms_id:
            raise SmsError("SMS.ru: в ответе нет идентификатора сообщения")
        return str(sms_id)


def _status_text(part: dict) -> str:
    text = part.get("status_text") or "ошибка без описания"
    code = part.get("status_code")
    return f"{text} (код {code})" if code is not None else str(text)


def get_sms_backend() -> BaseSmsBackend:
    """The configured backend; read on every call so tests can override the setting."""
    path = getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND
    return import_string(path)()


def send_sms(phone: str, text: str) -> str:
    """Send `text` to `phone` through the configured backend; return the message id.

    Raises `SmsError` on any failure. Logs the masked phone, the backend and the id,
    never the text (it carries one-time codes).
    """
    backend = get_sms_backend()
    masked = mask_phone(phone)
    if not _digits_only(phone):
        raise SmsError("Не указан номер телефона")
    if not text:
        raise SmsError("Пустой текст сообщения")
    try:
        message_id = backend.send(phone, text)
    except SmsError as exc:
        logger.warning("SMS to %s via %s failed: %s", masked, backend.name, exc)
        raise
    except Exception as exc:
        # Only the type: an unexpected exception's text might quote the message.
        logger.warning("SMS to %s via %s failed: %s", masked, backend.name, type(exc).__name__)
        raise SmsError(f"{backend.name}: непредвиденная ошибка ({type(exc).__name__})") from exc
    logger.info("SMS to %s sent via %s, id %s", masked, backend.name, message_id)
    return message_id
