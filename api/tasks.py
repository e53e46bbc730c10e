"""Celery tasks of the API: webhook deliveries. Tasks carry the schema they were
queued from (tenant-schemas-celery), so a delivery is read in its company's schema."""

from config.celery import app


@app.task(ignore_result=True)
def deliver_webhook(delivery_id: int):
    from .webhooks import deliver

    return deliver(delivery_id)


@app.task
def deliver_due_webhooks_everywhere() -> int:
    """The periodic sweep (beat): due deliveries of every grid company, for attempts
    whose queued retry was lost (broker restart, outage)."""
    from django_tenants.utils import get_tenant_model, schema_context

    from .webhooks import deliver_due

    delivered = 0
    schemas = (
        get_tenant_model()
        .objects.exclude(schema_name="public")
        .values_list("schema_name", flat=True)
    )
    for schema in schemas:
        with schema_context(schema):
            delivered += deliver_due()
    return delivered
