"""Celery tasks of the core app."""

from django.db import connection

from config.celery import app


@app.task
def current_schema_name() -> str:
    """Reports the schema a task runs in: the infrastructure check for tenant-aware tasks."""
    return connection.schema_name
