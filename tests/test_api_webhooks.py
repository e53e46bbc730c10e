"""Webhooks: signed JSON events posted to a receiver on 127.0.0.1 (a tiny HTTP server
started by the test), retries with back-off after a failing receiver, and the
delivery log. Nothing is ever posted to any other address."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from api.models import WebhookDelivery
from api.tasks import deliver_due_webhooks_everywhere
from api.webhooks import verify_signature
from tests.api_fixtures import api_client
from tests.conftest import in_tenant
from tests.factories import make_applicant, make_case, make_staff, upload


class Receiver:
    """An HTTP server on 127.0.0.1 answering with the given statuses in turn (the last
    one repeats) and keeping what it received."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((dict(self.headers), body))
                index = min(len(receiver.received), len(receiver.statuses)) - 1
                code = receiver.statuses[index]
                answer = f"answer {len(receiver.received)}: {code}".encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/lk/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    servers = []

    def start(*statuses):
        server = Receiver(statuses or (200,))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True


@pytest.fixture
def admin(alpha):
    return make_staff(alpha)


def register(alpha, admin, url, events=("case.sent", "entry.added", "document.signed")):
    response = api_client(alpha, admin).post(
        "/api/v1/webhooks/", {"url": url, "events": list(events)}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def send_draft(alpha, applicant, capture):
    draft = make_case(alpha, applicant, sent=False)
    client = api_client(alpha, applicant)
    with capture(execute=True):
        response = client.post(f"/api/v1/cases/{draft.pk}/send/")
    assert response.status_code == 200, response.content
    return draft


def test_case_sent_is_delivered_signed_and_logged(
    alpha, admin, receiver, django_capture_on_commit_callbacks
):
    server = receiver(200)
    endpoint = register(alpha, admin, server.url)
    applicant = make_applicant(alpha)
    case = send_draft(alpha, applicant, django_capture_on_commit_callbacks)

    assert len(server.received) == 1
    headers, body = server.received[0]
    assert headers["X-LK-Event"] == "case.sent"
    assert headers["Content-Type"].startswith("application/json")
    assert verify_signature(endpoint["secret"], body, headers["X-LK-Signature"])
    assert not verify_signature("другой секрет", body, headers["X-LK-Signature"])
    event = json.loads(body)
    assert event["event"] == "case.sent" and event["id"] == headers["X-LK-Delivery"]
    assert event["timestamp"] == int(headers["X-LK-Timestamp"])
    assert event["data"]["case"]["id"] == case.pk
    assert event["data"]["case"]["status"] == "Ожидание ответа электросетевой"
    assert event["data"]["case"]["applicant"]["email"] == applicant.email

    log = api_client(alpha, admin).get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/").json()
    (delivery,) = log["results"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 1
    assert delivery["last_status_code"] == 200
    assert delivery["response_excerpt"] == "answer 1: 200"
    assert delivery["event_id"] == event["id"]
    # The secret is shown once, at registration, never again.
    shown = api_client(alpha, admin).get(f"/api/v1/webhooks/{endpoint['id']}/").json()
    assert "secret" not in shown


def test_failing_receiver_is_retried_with_back_off_then_delivered(
    alpha, admin, receiver, django_capture_on_commit_callbacks
):
    server = receiver(500, 200)
    endpoint = register(alpha, admin, server.url, events=["case.sent"])
    send_draft(alpha, make_applicant(alpha), django_capture_on_commit_callbacks)

    with in_tenant(alpha):
        delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert delivery.response_excerpt == "answer 1: 500"
    wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert timedelta(seconds=29) < wait <= timedelta(seconds=31)
    assert len(server.received) == 1

    # Not yet due: the sweep leaves it alone.
    deliver_due_webhooks_everywhere.delay()
    assert len(server.received) == 1
    with in_tenant(alpha):
        WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert deliver_due_webhooks_everywhere.delay().get() == 1

    assert len(server.received) == 2
    (first_headers, first_body), (headers, body) = server.received
    assert headers["X-LK-Delivery"] == first_headers["X-LK-Delivery"]  # receivers de-duplicate
    assert verify_signature(endpoint["secret"], body, headers["X-LK-Signature"])
    with in_tenant(alpha):
        delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert delivery.last_status_code == 200 and delivery.next_attempt_at is None


def test_delivery_gives_up_after_the_last_attempt(
    alpha, admin, receiver, settings, django_capture_on_commit_callbacks
):
    settings.API_WEBHOOK_MAX_ATTEMPTS = 2
    server = receiver(503)
    register(alpha, admin, server.url, events=["case.sent"])
    send_draft(alpha, make_applicant(alpha), django_capture_on_commit_callbacks)
    with in_tenant(alpha):
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_due_webhooks_everywhere.delay()
    with in_tenant(alpha):
        delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 2
    assert delivery.next_attempt_at is None and delivery.last_error == "Ответ 503"
    deliver_due_webhooks_everywhere.delay()
    assert len(server.received) == 2


def test_unreachable_receiver_is_logged(alpha, admin, receiver, django_capture_on_commit_callbacks):
    server = receiver(200)
    url = server.url
    server.close()  # nobody listens there any more
    register(alpha, admin, url, events=["case.sent"])
    send_draft(alpha, make_applicant(alpha), django_capture_on_commit_callbacks)
    with in_tenant(alpha):
        delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert "ConnectionError" in delivery.last_error


def test_entry_added_only_for_the_applicants_entries_on_sent_cases(
    alpha, admin, receiver, django_capture_on_commit_callbacks
):
    server = receiver(200)
    register(alpha, admin, server.url, events=["entry.added"])
    applicant = make_applicant(alpha)
    sent = make_case(alpha, applicant)
    draft = make_case(alpha, applicant, kind="message", sent=False)
    owner, staff = api_client(alpha, applicant), api_client(alpha, admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            owner.post(f"/api/v1/cases/{draft.pk}/messages/", {"body": "черновик"}).status_code
            == 201
        )
        assert (
            staff.post(f"/api/v1/cases/{sent.pk}/messages/", {"body": "ответ"}).status_code == 201
        )
        assert (
            owner.post(f"/api/v1/cases/{sent.pk}/messages/", {"body": "<b>Вопрос</b>"}).status_code
            == 201
        )
        document = owner.post(
            f"/api/v1/cases/{sent.pk}/documents/",
            {"title": "План участка", "file": upload("План.pdf")},
            format="multipart",
        )
        assert document.status_code == 201
    events = [json.loads(body) for _, body in server.received]
    assert [e["event"] for e in events] == ["entry.added", "entry.added"]
    assert events[0]["data"]["entry"]["kind"] == "message"
    assert events[0]["data"]["entry"]["body"] == "<b>Вопрос</b>"
    assert events[1]["data"]["entry"]["sha256"] == document.json()["sha256"]
    assert all(e["data"]["case"]["id"] == sent.pk for e in events)


def test_no_event_when_the_change_is_refused(
    alpha, admin, receiver, django_capture_on_commit_callbacks
):
    server = receiver(200)
    register(alpha, admin, server.url, events=["case.sent"])
    applicant = make_applicant(alpha)
    empty = make_case(alpha, applicant, entries=0, sent=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(alpha, applicant).post(f"/api/v1/cases/{empty.pk}/send/")
    assert response.status_code == 400
    with in_tenant(alpha):
        assert not WebhookDelivery.objects.exists()
    assert server.received == []


def test_inactive_endpoint_gets_nothing(alpha, admin, receiver, django_capture_on_commit_callbacks):
    server = receiver(200)
    endpoint = register(alpha, admin, server.url, events=["case.sent"])
    api_client(alpha, admin).patch(
        f"/api/v1/webhooks/{endpoint['id']}/", {"is_active": False}, format="json"
    )
    send_draft(alpha, make_applicant(alpha), django_capture_on_commit_callbacks)
    assert server.received == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "example.org/hook",
        "javascript:alert(1)",
        "https://",
        "http://u:p@example.org/",
    ],
)
def test_endpoint_url_must_be_http_or_https(alpha, admin, url):
    response = api_client(alpha, admin).post(
        "/api/v1/webhooks/", {"url": url, "events": ["case.sent"]}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["url"]
    assert "http" in body["fields"]["url"][0] or "логин" in body["fields"]["url"][0]


def test_unknown_event_is_refused(alpha, admin):
    response = api_client(alpha, admin).post(
        "/api/v1/webhooks/",
        {"url": "https://example.org/h", "events": ["case.deleted"]},
        format="json",
    )
    assert response.status_code == 400 and "events" in response.json()["fields"]


def test_receivers_inside_private_networks_are_refused_by_default(
    alpha, admin, receiver, settings, django_capture_on_commit_callbacks
):
    settings.API_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    server = receiver(200)
    register(alpha, admin, server.url, events=["case.sent"])
    send_draft(alpha, make_applicant(alpha), django_capture_on_commit_callbacks)
    assert server.received == []
    with in_tenant(alpha):
        delivery = WebhookDelivery.objects.get()
    assert "внутренней сети" in delivery.last_error


def test_rotating_the_secret_shows_the_new_one_once(alpha, admin):
    endpoint = register(alpha, admin, "https://example.org/hook")
    rotated = api_client(alpha, admin).patch(
        f"/api/v1/webhooks/{endpoint['id']}/", {"rotate_secret": True}, format="json"
    )
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != endpoint["secret"] and len(rotated.json()["secret"]) == 64


def test_publish_in_a_company_without_endpoints_records_nothing(alpha):
    applicant = make_applicant(alpha)
    make_case(alpha, applicant)
    with in_tenant(alpha):
        assert not WebhookDelivery.objects.exists()
