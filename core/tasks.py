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
    from .notifications import deliver_pending
    from .tenancy import sum_over_companies

    return sum_over_companies(deliver_pending)


@app.task(bind=True, max_retries=3, default_retry_delay=60)
def compute_document_digest(self, entry_id: int) -> bool:
    """Streebog-256/512 of a document that is to be signed, computed once after the upload
    so that checking a УКЭП later does not hash the file with GOST again."""
    from .services.signing import compute_document_digest as compute

    return compute(entry_id) is not None


def queue_document_digest(entry) -> None:
    """After the upload commits, hash a document that awaits signatures (others never need
    GOST digests). The schema is fixed now: the callback may run after the caller left it."""
    if not entry.requires_two_sided_signature:
        return
    from django.db import transaction

    schema = connection.schema_name
    entry_id = entry.pk

    def enqueue():
        try:
            compute_document_digest.apply_async(args=[entry_id], headers={"_schema_name": schema})
        except Exception:  # broker down: the digest is computed at verification instead
            import logging

            logging.getLogger(__name__).warning("Could not queue the digest of entry %s", entry_id)

    transaction.on_commit(enqueue)
