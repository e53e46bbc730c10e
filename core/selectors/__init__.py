"""Reads on the grid company's domain: querysets already limited to what the actor
may see."""

from .company import active_catalogue, get_portal_settings, notification_addresses

__all__ = ["active_catalogue", "get_portal_settings", "notification_addresses"]
