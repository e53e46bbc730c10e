"""Writes on the grid company's portal: settings and catalogues."""

from django.db import IntegrityError, transaction
from django.db.models import Max

from core import audit, defaults
from core.errors import DomainError, NotFound
from core.models import CatalogueEntry, PortalSettings
from core.permissions import is_company_admin
from core.richtext import sanitize_page


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


# --- The console: texts, settings, catalogues ----------------------------------------------


TEXT_FIELDS = ("login_text", "info_text", "help_text")


def ensure_company_admin(actor) -> None:
    if not is_company_admin(actor):
        raise NotFound()


@transaction.atomic
def update_texts(actor, *, ip=None, **texts) -> PortalSettings:
    """The login/registration page text, «Информация» and «Помощь», sanitised."""
    ensure_company_admin(actor)
    portal = PortalSettings.objects.select_for_update().get()
    changed = []
    for name in TEXT_FIELDS:
        if name in texts:
            clean = sanitize_page(texts[name])
            if clean != getattr(portal, name):
                setattr(portal, name, clean)
                changed.append(name)
    if changed:
        portal.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor, "settings.texts_changed", ", ".join(changed), data={"fields": changed}, ip=ip
        )
    return portal


SETTINGS_FIELDS = (
    "company_name",
    "inn",
    "ogrn",
    "kpp",
    "address",
    "phone",
    "email",
    "notification_emails",
    "application_forms_url",
    "primary_color",
    "pep_agreement_text",
    "personal_data_text",
    "answer_due_working_days",
    "accept_staff_personal_certificates",
)


@transaction.atomic
def update_company_settings(actor, values: dict, *, logo=None, ip=None) -> list[str]:
    """«Данные и настройки». Values arrive validated (adminpanel.forms); a changed
    ПЭП agreement or personal-data text gets a new version number, so each applicant's
    consent stays tied to the text they accepted."""
    from django.core.files.storage import default_storage
    from django.db import connection

    from core.tenancy import tenant_file_key
    from core.uploads import safe_file_name
    from tenants.models import GridCompany

    ensure_company_admin(actor)
    portal = PortalSettings.objects.select_for_update().get()
    changed = []
    for name in SETTINGS_FIELDS:
        if name in values and values[name] != getattr(portal, name):
            if name == "pep_agreement_text":
                values[name] = sanitize_page(values[name])
                portal.pep_agreement_version += 1
                changed.append("pep_agreement_version")
            if name == "personal_data_text":
                values[name] = sanitize_page(values[name])
                portal.personal_data_version += 1
                changed.append("personal_data_version")
            setattr(portal, name, values[name])
            changed.append(name)
    if logo is not None:
        name = default_storage.save(tenant_file_key("branding", safe_file_name(logo.name)), logo)
        portal.logo = name
        changed.append("logo")
    if changed:
        portal.save()
        if "company_name" in changed:
            GridCompany.objects.filter(schema_name=connection.schema_name).update(
                name=portal.company_name
            )
        audit.record(actor, "settings.changed", ", ".join(changed), data={"fields": changed}, ip=ip)
    return changed


def _catalogue_entry(kind, entry_id) -> CatalogueEntry:
    try:
        return CatalogueEntry.objects.get(pk=int(entry_id), kind=kind)
    except (CatalogueEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound("Запись справочника не найдена.") from None


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("Укажите название.", field="title")
    if len(title) > 255:
        raise DomainError("Название не длиннее 255 символов.", field="title")
    return title


@transaction.atomic
def add_catalogue_entry(actor, kind: str, title: str, *, ip=None) -> CatalogueEntry:
    ensure_company_admin(actor)
    if kind not in CatalogueEntry.Kind.values:
        raise NotFound()
    title = _clean_title(title)
    last = CatalogueEntry.objects.filter(kind=kind).aggregate(m=Max("position"))["m"] or 0
    try:
        with transaction.atomic():
            entry = CatalogueEntry.objects.create(kind=kind, title=title, position=last + 1)
    except IntegrityError:
        raise DomainError("Такая запись уже есть в справочнике.", field="title") from None
    audit.record(actor, "catalogue.added", title, obj=entry, data={"kind": kind}, ip=ip)
    return entry


@transaction.atomic
def rename_catalogue_entry(actor, kind: str, entry_id, title: str, *, ip=None):
    ensure_company_admin(actor)
    entry = _catalogue_entry(kind, entry_id)
    title = _clean_title(title)
    old = entry.title
    entry.title = title
    try:
        with transaction.atomic():
            entry.save(update_fields=["title"])
    except IntegrityError:
        raise DomainError("Такая запись уже есть в справочнике.", field="title") from None
    audit.record(actor, "catalogue.renamed", f"{old} → {title}", obj=entry, ip=ip)
    return entry


@transaction.atomic
def move_catalogue_entry(actor, kind: str, entry_id, direction: str, *, ip=None):
    """Swap with the neighbour above ("up") or below ("down")."""
    ensure_company_admin(actor)
    entry = _catalogue_entry(kind, entry_id)
    entries = list(CatalogueEntry.objects.filter(kind=kind).select_for_update())
    index = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(entries):
        return entry
    entries[index], entries[other] = entries[other], entries[index]
    for position, item in enumerate(entries, start=1):
        if item.position != position:
            CatalogueEntry.objects.filter(pk=item.pk).update(position=position)
    audit.record(actor, "catalogue.moved", f"{entry.title}: {direction}", obj=entry, ip=ip)
    return entry


@transaction.atomic
def set_catalogue_entry_retired(actor, kind: str, entry_id, retired: bool, *, ip=None):
    """Retired entries are no longer offered; cases keep the text they were given."""
    ensure_company_admin(actor)
    entry = _catalogue_entry(kind, entry_id)
    entry.is_retired = retired
    entry.save(update_fields=["is_retired"])
    audit.record(
        actor,
        "catalogue.retired" if retired else "catalogue.restored",
        entry.title,
        obj=entry,
        ip=ip,
    )
    return entry


@transaction.atomic
def add_page_file(actor, uploaded, title: str, *, ip=None):
    """A file to link from the company's pages (e.g. a user guide in «Помощь»)."""
    from django.core.files.storage import default_storage

    from core.models import PageFile
    from core.tenancy import tenant_file_key
    from core.uploads import check_upload, safe_file_name

    ensure_company_admin(actor)
    check_upload(uploaded)
    name = safe_file_name(uploaded.name)
    title = " ".join((title or "").split()) or name
    stored = default_storage.save(tenant_file_key("pages", name), uploaded)
    page_file = PageFile.objects.create(
        title=title[:255], file=stored, file_name=name, file_size=uploaded.size
    )
    audit.record(actor, "pages.file_added", name, obj=page_file, ip=ip)
    return page_file
