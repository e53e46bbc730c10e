"""One draft per applicant and kind holds under concurrent requests (committed data,
real connections: no test transaction around it)."""

import threading

from django.db import connection
from django_tenants.utils import schema_context

from core.models import AuditEntry, Case, Notification
from core.services import cases as case_services
from tenants.models import GridCompany
from tests.conftest import in_tenant
from tests.factories import make_applicant


def test_two_concurrent_requests_create_one_draft(committed_db):
    """Two threads, two database connections, one draft."""
    alpha = GridCompany.objects.get(subdomain="alpha")
    user = make_applicant(alpha)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def open_it():
        try:
            with schema_context(alpha.schema_name):
                barrier.wait()
                results.append(case_services.open_draft(user, "application").pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert len(set(results)) == 1
        with in_tenant(alpha):
            assert Case.objects.filter(applicant=user, sent_at__isnull=True).count() == 1
    finally:
        with in_tenant(alpha):
            Case.objects.filter(applicant=user).delete()
            AuditEntry.objects.filter(actor=user).delete()
            Notification.objects.all().delete()
            user.applicant_profile.delete()
            user.delete()
