"""Puts the grid company's settings (name, branding, texts) into every template."""

from django.db import connection


def company(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or connection.schema_name == "public":
        return {"company": None}
    if not hasattr(request, "_portal_settings"):
        from .selectors import get_portal_settings

        request._portal_settings = get_portal_settings()
    return {"company": request._portal_settings}
