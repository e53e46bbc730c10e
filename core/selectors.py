"""Reads on the grid company's portal."""

from .models import CatalogueEntry, PortalSettings


def get_portal_settings() -> PortalSettings | None:
    """The current schema's settings, or None on the public host."""
    return PortalSettings.objects.filter(singleton=True).first()


def active_catalogue(kind: str):
    return CatalogueEntry.objects.filter(kind=kind, is_retired=False)
