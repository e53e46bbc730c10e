"""Property-based tests from the OpenAPI schema (schemathesis): every documented
operation, fed generated data as an applicant and as the company's administrator,
never answers with a server error, and every error has the API's one JSON shape.

In-process through the WSGI application with the company's Host; a bounded,
derandomized number of examples per operation so the run stays short. Webhook
deliveries cannot leave the machine: nothing commits (so nothing is queued) and the
HTTP client of the webhooks is replaced by one that refuses.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from tests.api_fixtures import api_client, token_for
from tests.conftest import host_of
from tests.factories import make_applicant, make_case, make_staff

WSGI = get_wsgi_application()


@pytest.fixture
def api_schema(alpha, monkeypatch):
    """The schema as served; while it is exercised, the WSGI handler must not close the
    test's database connection at the end of each request (Django's test client does
    the same)."""
    import api.webhooks

    def refuse(*args, **kwargs):
        raise AssertionError("schemathesis must not post webhooks")

    monkeypatch.setattr(api.webhooks.requests, "post", refuse)
    document = api_client(alpha).get("/api/schema/?format=json").json()
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_dict(document)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def callers(alpha):
    """Tokens of an applicant with a sent case and a draft, and of an administrator."""
    applicant = make_applicant(alpha)
    make_case(alpha, applicant)
    make_case(alpha, applicant, kind="message", sent=False)
    admin = make_staff(alpha)
    return {"applicant": token_for(alpha, applicant), "admin": token_for(alpha, admin)}


def error_has_the_api_shape(response):
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert "json" in content_type or "octet-stream" in content_type, content_type
    body = json.loads(response.content)
    assert set(body) == {"code", "detail", "fields"}, body
    assert isinstance(body["detail"], str) and body["detail"]


EXAMPLES = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    phases=[Phase.explicit, Phase.generate],
)


def exercise(schema, alpha, token) -> dict:
    """Every operation, positive and negative data; failures gathered per operation
    (the schemathesis pytest plugin is not used: it does not run on pytest 9)."""
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @EXAMPLES
            def run(case):
                response = case.call(
                    base_url=f"http://{host_of(alpha)}",
                    app=WSGI,
                    headers={"Authorization": f"Bearer {token}"},
                )
                case.validate_response(response, checks=[not_a_server_error])
                error_has_the_api_shape(response)

            try:
                run()
            except Exception as exc:  # noqa: BLE001 - reported below, all at once
                failures[f"{operation.label} ({mode.value})"] = f"{type(exc).__name__}: {exc}"[
                    :2000
                ]
    return failures


def test_no_operation_fails_for_an_applicant(api_schema, callers, alpha):
    assert exercise(api_schema, alpha, callers["applicant"]) == {}


def test_no_operation_fails_for_the_administrator(api_schema, callers, alpha):
    assert exercise(api_schema, alpha, callers["admin"]) == {}
