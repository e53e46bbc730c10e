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
    from core.tenancy import sum_over_companies

    from .webhooks import deliver_due

    return sum_over_companies(deliver_due)
