"""Reads on the grid company's portal."""

from core.models import CatalogueEntry, PortalSettings


def get_portal_settings() -> PortalSettings | None:
    """The current schema's settings, or None on the public host."""
    return PortalSettings.objects.filter(singleton=True).first()


def active_catalogue(kind: str):
    return CatalogueEntry.objects.filter(kind=kind, is_retired=False)


def notification_addresses(portal: PortalSettings | None = None) -> list[str]:
    """Where the company wants to hear about registrations, cases and activity."""
    portal = portal or get_portal_settings()
    if portal is None:
        return []
    lines = [line.strip() for line in portal.notification_emails.splitlines()]
    addresses = [line for line in lines if line] or ([portal.email] if portal.email else [])
    return addresses
