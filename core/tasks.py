"""Celery tasks of the core app."""

from django.db import connection

from config.celery import app


@app.task
def current_schema_name() -> str:
    """Reports the schema a task runs in: the infrastructure check for tenant-aware tasks."""
    return connection.schema_name


@app.task(bind=True, max_retries=5, default_retry_delay=30)
def deliver_notification(self, notification_id: int) -> bool:
    from .notifications import deliver

    return deliver(notification_id)


@app.task
def deliver_pending_notifications_everywhere() -> int:
    """The periodic sweep: pending notifications of every grid company."""
    from django_tenants.utils import get_tenant_model, schema_context

    from .notifications import deliver_pending

    sent = 0
    schemas = (
        get_tenant_model()
        .objects.exclude(schema_name="public")
        .values_list("schema_name", flat=True)
    )
    for schema in schemas:
        with schema_context(schema):
            sent += deliver_pending()
    return sent
