"""The Celery app. Tasks carry the schema they were queued from (tenant-schemas-celery)
and run in it, so a task queued on one grid company's host never touches another's data."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("lk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
