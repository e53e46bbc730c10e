"""Log records name the schema (the grid company) they were written in."""

import logging


class TenantFilter(logging.Filter):
    def filter(self, record):
        try:
            from django.db import connection

            record.tenant = getattr(connection, "schema_name", "-") or "-"
        except Exception:  # settings not configured yet (early start-up)
            record.tenant = "-"
        return True
