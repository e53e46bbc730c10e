"""Tests for core.sms: backends, masking, logging without the text, and SMS.ru's API.

SMS.ru is exercised against a small HTTP server on 127.0.0.1 started by the test
(``SMS_RU_URL`` points at it); nothing here reaches the internet or needs a database.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core import sms
from core.sms import SmsError, mask_phone, send_sms

PHONE = "+79991234567"
CODE_TEXT = "Код для подписания документа: 482913"


# --- mask_phone -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+79991234567", "+7******4567"),
        ("89991234567", "+7******4567"),
        ("+7 (999) 123-45-67", "+7******4567"),
        ("+375291234567", "+********4567"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_phone_keeps_only_country_code_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


# --- Console and in-memory backends -------------------------------------------------------


def test_console_backend_prints_phone_and_text_marked_as_not_sent(settings, capsys):
    settings.SMS_BACKEND = "core.sms.ConsoleBackend"

    message_id = send_sms(PHONE, CODE_TEXT)

    out = capsys.readouterr().out
    assert "SMS (console backend, NOT SENT)" in out
    assert PHONE in out
    assert CODE_TEXT in out
    assert message_id.startswith("console-")
    assert message_id in out


def test_console_backend_is_the_default(settings, capsys):
    del settings.SMS_BACKEND  # absent setting → console
    send_sms(PHONE, CODE_TEXT)
    assert CODE_TEXT in capsys.readouterr().out


def test_in_memory_backend_keeps_messages_until_cleared(settings):
    settings.SMS_BACKEND = "core.sms.InMemoryBackend"
    sms.clear()

    first = send_sms(PHONE, CODE_TEXT)
    second = send_sms("+79990000001", "Второе сообщение")

    assert first != second
    assert [(m.phone, m.text) for m in sms.outbox] == [
        (PHONE, CODE_TEXT),
        ("+79990000001", "Второе сообщение"),
    ]
    assert sms.outbox[0].sent_at.tzinfo is not None
    sms.clear()
    assert sms.outbox == []


def test_send_is_logged_with_masked_phone_and_without_text(settings, caplog):
    settings.SMS_BACKEND = "core.sms.InMemoryBackend"
    sms.clear()
    with caplog.at_level(logging.INFO, logger="core.sms"):
        message_id = send_sms(PHONE, CODE_TEXT)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "+7******4567" in logged
    assert "in-memory" in logged
    assert message_id in logged
    assert "482913" not in logged
    assert PHONE not in logged
    sms.clear()


class _ExplodingBackend(sms.BaseSmsBackend):
    name = "exploding"

    def send(self, phone, text):
        raise RuntimeError(f"boom while sending {text}")


def test_unexpected_backend_exception_becomes_sms_error_without_text(settings, caplog):
    settings.SMS_BACKEND = f"{__name__}._ExplodingBackend"
    with caplog.at_level(logging.INFO, logger="core.sms"):
        with pytest.raises(SmsError) as excinfo:
            send_sms(PHONE, CODE_TEXT)

    assert "482913" not in str(excinfo.value)
    assert "RuntimeError" in str(excinfo.value)
    assert "482913" not in caplog.text


def test_empty_phone_or_text_is_refused(settings):
    settings.SMS_BACKEND = "core.sms.InMemoryBackend"
    with pytest.raises(SmsError):
        send_sms("", CODE_TEXT)
    with pytest.raises(SmsError):
        send_sms(PHONE, "")


# --- SMS.ru against a local server ----------------------------------------------------------


class _FakeSmsRu:
    """What the fake server answers, and what it received."""

    def __init__(self):
        self.status = 200
        self.body: bytes = b"{}"
        self.delay = 0.0
        self.requests: list[dict] = []

    def answer_json(self, payload: dict, status: int = 200):
        self.status = status
        self.body = json.dumps(payload, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def fake_sms_ru(settings):
    state = _FakeSmsRu()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
            state.requests.append({"path": self.path, "form": {k: v[0] for k, v in form.items()}})
            if state.delay:
                time.sleep(state.delay)
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(state.body)))
                self.end_headers()
                self.wfile.write(state.body)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, format, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "core.sms.SmsRuBackend"
    settings.SMS_RU_API_ID = "test-api-id"
    settings.SMS_RU_URL = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    settings.SMS_RU_TIMEOUT = 5
    settings.SMS_RU_FROM = ""
    settings.SMS_RU_TEST = False
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_sms_ru_success_returns_provider_message_id(fake_sms_ru, settings):
    settings.SMS_RU_FROM = "LK-TP"
    fake_sms_ru.answer_json(
        {
            "status": "OK",
            "status_code": 100,
            "sms": {"79991234567": {"status": "OK", "status_code": 100, "sms_id": "202611-1"}},
            "balance": 100.5,
        }
    )

    assert send_sms(PHONE, CODE_TEXT) == "202611-1"

    [request] = fake_sms_ru.requests
    assert request["path"] == "/sms/send"
    assert request["form"] == {
        "api_id": "test-api-id",
        "to": "79991234567",
        "msg": CODE_TEXT,
        "json": "1",
        "from": "LK-TP",
    }


def test_sms_ru_test_mode_is_passed_on(fake_sms_ru, settings):
    settings.SMS_RU_TEST = True
    fake_sms_ru.answer_json(
        {"status": "OK", "sms": {"79991234567": {"status": "OK", "sms_id": "t-1"}}}
    )
    send_sms(PHONE, CODE_TEXT)
    assert fake_sms_ru.requests[0]["form"]["test"] == "1"


def test_sms_ru_top_level_error_raises_with_provider_text(fake_sms_ru):
    fake_sms_ru.answer_json(
        {"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}
    )
    with pytest.raises(SmsError, match="Неправильный api_id"):
        send_sms(PHONE, CODE_TEXT)


def test_sms_ru_per_number_error_raises_with_provider_text(fake_sms_ru):
    fake_sms_ru.answer_json(
        {
            "status": "OK",
            "status_code": 100,
            "sms": {
                "79991234567": {
                    "status": "ERROR",
                    "status_code": 207,
                    "status_text": "На этот номер нельзя отправлять сообщения",
                }
            },
        }
    )
    with pytest.raises(SmsError, match="нельзя отправлять"):
        send_sms(PHONE, CODE_TEXT)


def test_sms_ru_answer_without_message_id_is_an_error(fake_sms_ru):
    fake_sms_ru.answer_json({"status": "OK", "sms": {"79991234567": {"status": "OK"}}})
    with pytest.raises(SmsError, match="идентификатора"):
        send_sms(PHONE, CODE_TEXT)


def test_sms_ru_non_json_answer_is_an_error(fake_sms_ru):
    fake_sms_ru.body = b"<html>maintenance</html>"
    with pytest.raises(SmsError, match="JSON"):
        send_sms(PHONE, CODE_TEXT)


def test_sms_ru_http_500_raises_without_leaking_key_or_text(fake_sms_ru):
    fake_sms_ru.answer_json({"error": "internal"}, status=500)
    with pytest.raises(SmsError, match="HTTP 500") as excinfo:
        send_sms(PHONE, CODE_TEXT)
    assert "test-api-id" not in str(excinfo.value)
    assert "482913" not in str(excinfo.value)


def test_sms_ru_timeout_raises(fake_sms_ru, settings):
    settings.SMS_RU_TIMEOUT = 0.3
    fake_sms_ru.delay = 1.0
    fake_sms_ru.answer_json({"status": "OK", "sms": {"79991234567": {"status": "OK"}}})
    with pytest.raises(SmsError, match="нет ответа"):
        send_sms(PHONE, CODE_TEXT)


def test_sms_ru_unreachable_raises(settings):
    # A port that was free a moment ago: the connection is refused.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_BACKEND = "core.sms.SmsRuBackend"
    settings.SMS_RU_API_ID = "test-api-id"
    settings.SMS_RU_URL = f"http://127.0.0.1:{port}/sms/send"
    settings.SMS_RU_TIMEOUT = 2
    with pytest.raises(SmsError, match="недоступен"):
        send_sms(PHONE, CODE_TEXT)


def test_sms_ru_without_api_id_is_an_error(settings):
    settings.SMS_BACKEND = "core.sms.SmsRuBackend"
    settings.SMS_RU_API_ID = ""
    with pytest.raises(SmsError, match="SMS_RU_API_ID"):
        send_sms(PHONE, CODE_TEXT)
