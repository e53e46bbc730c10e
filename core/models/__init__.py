"""The grid company's domain (tenant schema)."""

from .applicants import ApplicantProfile, LegalForm
from .cases import Case, CaseEntry
from .company import CatalogueEntry, PageFile, PortalSettings
from .records import AuditEntry, Notification

__all__ = [
    "ApplicantProfile",
    "AuditEntry",
    "Case",
    "CaseEntry",
    "CatalogueEntry",
    "LegalForm",
    "Notification",
    "PageFile",
    "PortalSettings",
]
