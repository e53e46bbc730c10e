"""A Celery task runs in the schema it was queued from: a real worker and real Redis."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from core.tasks import current_schema_name
from tests.conftest import in_tenant


@pytest.fixture
def real_worker(django_db_blocker):
    app.conf.task_always_eager = False
    try:
        with django_db_blocker.unblock():
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                yield
    finally:
        app.conf.task_always_eager = True


def test_task_queued_in_a_tenant_runs_in_its_schema(alpha, beta, real_worker):
    with in_tenant(alpha):
        from_alpha = current_schema_name.delay()
    with in_tenant(beta):
        from_beta = current_schema_name.delay()
    assert from_alpha.get(timeout=30) == "gc_alpha"
    assert from_beta.get(timeout=30) == "gc_beta"
