"""Writes on the grid company's portal: settings and catalogues."""

from django.db import transaction

from core import defaults
from core.models import CatalogueEntry, PortalSettings


@transaction.atomic
def seed_company_defaults(*, company_name: str, **overrides) -> PortalSettings:
    """Fill a new schema with the manual's texts and catalogues. Idempotent."""
    portal, _ = PortalSettings.objects.update_or_create(
        singleton=True,
        defaults={
            "company_name": company_name,
            "login_text": defaults.login_text(company_name),
            "info_text": defaults.info_text(company_name),
            "help_text": defaults.help_text(company_name),
            "pep_agreement_text": defaults.pep_agreement_text(company_name),
            "personal_data_text": defaults.personal_data_text(company_name),
            **overrides,
        },
    )
    catalogues = [
        (CatalogueEntry.Kind.STATUS, defaults.STATUSES),
        (CatalogueEntry.Kind.PROGRESS, defaults.PROGRESS_STATUSES),
        (CatalogueEntry.Kind.DOCUMENT_TITLE, defaults.DOCUMENT_TITLES),
    ]
    CatalogueEntry.objects.bulk_create(
        [
            CatalogueEntry(kind=kind, title=title, position=position)
            for kind, titles in catalogues
            for position, title in enumerate(titles, start=1)
        ],
        ignore_conflicts=True,
    )
    return portal
