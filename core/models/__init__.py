"""The grid company's domain (tenant schema)."""

from .applicants import ApplicantProfile, LegalForm
from .cases import Case, CaseEntry
from .company import CatalogueEntry, PageFile, PortalSettings
from .records import AuditEntry, Notification
from .signatures import DocumentDigest, Signature, SmsCode

__all__ = [
    "ApplicantProfile",
    "AuditEntry",
    "Case",
    "CaseEntry",
    "CatalogueEntry",
    "DocumentDigest",
    "LegalForm",
    "Notification",
    "PageFile",
    "PortalSettings",
    "Signature",
    "SmsCode",
]
