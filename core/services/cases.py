"""Cases: drafts, documents, messages, sending. The rules of who may do what in
which state live here and nowhere else."""

import logging

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError, NotFound
from core.events import publish
from core.models import Case, CaseEntry
from core.models.cases import SENT_STATUS
from core.notifications import queue_email
from core.richtext import has_text, sanitize_message
from core.selectors import get_portal_settings, notification_addresses
from core.tasks import queue_document_digest
from core.tenancy import tenant_file_key
from core.uploads import check_upload, safe_file_name, sha256_of, storage_name

logger = logging.getLogger(__name__)

KIND_DEFAULT_TITLES = {
    Case.Kind.APPLICATION: "Заявка на технологическое присоединение",
    Case.Kind.MESSAGE: "Сообщение сетевой организации",
}


def _side_of(actor) -> str:
    if actor.is_applicant:
        return CaseEntry.Side.APPLICANT
    if actor.is_company_staff:
        return CaseEntry.Side.COMPANY
    raise NotFound()


def ensure_can_add_entries(actor, case: Case) -> None:
    """The applicant adds to their own draft or sent case; staff to sent cases."""
    if actor.is_applicant and case.applicant_id == actor.pk:
        return
    if actor.is_company_staff and not case.is_draft:
        return
    raise NotFound("Обращение не найдено.")


def ensure_applicant_draft(actor, case: Case) -> None:
    if not (actor.is_applicant and case.applicant_id == actor.pk):
        raise NotFound("Обращение не найдено.")
    if not case.is_draft:
        raise DomainError("Обращение уже отправлено.")


def open_draft(applicant, kind: str) -> Case:
    """The applicant's draft of this kind: the existing one or a new one (one at most,
    also when two requests arrive at once)."""
    if not applicant.is_applicant:
        raise NotFound()
    if kind not in Case.Kind.values:
        raise DomainError("Неизвестный тип обращения.")
    existing = Case.objects.filter(applicant=applicant, kind=kind, sent_at__isnull=True).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Case.objects.create(
                applicant=applicant, kind=kind, title=KIND_DEFAULT_TITLES[kind]
            )
    except IntegrityError:
        return Case.objects.get(applicant=applicant, kind=kind, sent_at__isnull=True)


def rename_draft(actor, case: Case, title: str) -> Case:
    ensure_applicant_draft(actor, case)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("Укажите название.", field="title")
    if len(title) > 255:
        raise DomainError("Название не длиннее 255 символов.", field="title")
    case.title = title
    case.save(update_fields=["title"])
    return case


def _touch(case: Case, actor) -> None:
    """Record activity on the case. Applicant activity on a sent case is marked unseen
    and makes the case wait for the company; the company's activity answers it."""
    now = timezone.now()
    case.last_activity_at = now
    fields = ["last_activity_at"]
    if actor.is_applicant and not case.is_draft:
        case.unseen_by_company = True
        fields.append("unseen_by_company")
        if case.awaiting_company_since is None:
            case.awaiting_company_since = now
            fields.append("awaiting_company_since")
    elif actor.is_company_staff and case.awaiting_company_since is not None:
        case.awaiting_company_since = None
        fields.append("awaiting_company_since")
    case.save(update_fields=fields)


def search_text_for(case: Case) -> str:
    """What the console's search matches: number, title, the applicant's names and
    identifiers (with and without separators)."""
    applicant = case.applicant
    profile = getattr(applicant, "applicant_profile", None)
    parts = [case.registration_number, case.title, applicant.full_name, applicant.email]
    if profile is not None:
        snils_digits = "".join(ch for ch in profile.snils if ch.isdigit())
        parts += [profile.inn, profile.ogrn, profile.kpp, profile.snils, snils_digits]
        parts.append(profile.organization_name)
    return " ".join(p for p in parts if p).lower()


def refresh_search_text(cases) -> None:
    for case in cases:
        text = search_text_for(case)
        if text != case.search_text:
            Case.objects.filter(pk=case.pk).update(search_text=text)
            case.search_text = text


def _notify_other_side(case: Case, actor, entry: CaseEntry) -> None:
    if case.is_draft:
        return
    if actor.is_applicant:
        queue_email(
            kind="applicant_activity",
            recipients=notification_addresses(),
            subject=f"Новое в обращении «{case.title}»",
            template="applicant_activity",
            context={"case": case, "entry": entry, "applicant": case.applicant},
        )
    else:
        notify_applicant(case, f"{entry.get_kind_display()}: {entry.title or ''}".strip(": "))


def notify_applicant(case: Case, change: str) -> None:
    """Every change the applicant can see reaches them by e-mail."""
    queue_email(
        kind="case_changed",
        recipients=[case.applicant.email],
        subject=f"Изменения по обращению «{case.title}»",
        template="case_changed",
        context={"case": case, "change": change},
    )


def add_document(
    actor,
    case: Case,
    *,
    title: str,
    uploaded,
    comment: str = "",
    requires_two_sided_signature: bool = False,
    ip=None,
) -> CaseEntry:
    ensure_can_add_entries(actor, case)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("Укажите название документа.", field="title")
    if requires_two_sided_signature and not actor.is_company_staff:
        raise DomainError("Двухстороннюю подпись назначает сетевая организация.")
    check_upload(uploaded)
    name = safe_file_name(uploaded.name)
    digest = sha256_of(uploaded)
    size = uploaded.size
    stored = default_storage.save(tenant_file_key(f"cases/{case.pk}", storage_name(name)), uploaded)
    try:
        with transaction.atomic():
            entry = CaseEntry.objects.create(
                case=case,
                kind=CaseEntry.Kind.DOCUMENT,
                side=_side_of(actor),
                author=actor,
                title=title[:255],
                file=stored,
                file_name=name,
                file_size=size,
                sha256=digest,
                content_type=getattr(uploaded, "content_type", "") or "",
                comment=(comment or "").strip(),
                requires_two_sided_signature=requires_two_sided_signature,
            )
            queue_document_digest(entry)  # GOST digests for signing, after commit
            _touch(case, actor)
            audit.record(
                actor,
                "entry.document_added",
                f"{title}: {name}",
                obj=entry,
                case_id=case.pk,
                ip=ip,
            )
            _notify_other_side(case, actor, entry)
            _publish_applicant_entry(case, actor, entry)
    except Exception:
        default_storage.delete(stored)  # no row refers to it
        raise
    return entry


@transaction.atomic
def add_message(actor, case: Case, html: str, *, ip=None) -> CaseEntry:
    ensure_can_add_entries(actor, case)
    body = sanitize_message(html)
    if not has_text(body):
        raise DomainError("Напишите сообщение.", field="body")
    entry = CaseEntry.objects.create(
        case=case, kind=CaseEntry.Kind.MESSAGE, side=_side_of(actor), author=actor, body=body
    )
    _touch(case, actor)
    audit.record(actor, "entry.message_added", obj=entry, case_id=case.pk, ip=ip)
    _notify_other_side(case, actor, entry)
    _publish_applicant_entry(case, actor, entry)
    return entry


def _publish_applicant_entry(case: Case, actor, entry: CaseEntry) -> None:
    """Integrations hear of what the applicant adds to a sent case (drafts are private)."""
    if actor.is_applicant and not case.is_draft:
        publish("entry.added", case=case, entry=entry)


@transaction.atomic
def remove_entry(actor, entry: CaseEntry, *, ip=None) -> None:
    """Applicants remove entries from their drafts; staff remove entries of sent cases,
    except signed documents. The entry disappears from both sides; the audit log keeps it."""
    case = entry.case
    if actor.is_applicant:
        ensure_applicant_draft(actor, case)
    elif not (actor.is_company_staff and not case.is_draft):
        raise NotFound()
    if entry.removed_at is not None:
        raise NotFound("Запись не найдена.")
    if entry_has_signatures(entry):
        raise DomainError("Подписанный документ нельзя удалить.")
    entry.removed_at = timezone.now()
    entry.removed_by = actor
    entry.save(update_fields=["removed_at", "removed_by"])
    audit.record(
        actor,
        "entry.removed",
        f"{entry.get_kind_display()}: {entry.title or entry.file_name or entry.body[:80]}",
        obj=entry,
        case_id=case.pk,
        data={
            "kind": entry.kind,
            "side": entry.side,
            "file": entry.file.name,
            "sha256": entry.sha256,
        },
        ip=ip,
    )
    if not case.is_draft:
        notify_applicant(case, "Удалена запись: " + (entry.title or entry.get_kind_display()))


def entry_has_signatures(entry: CaseEntry) -> bool:
    signatures = getattr(entry, "signatures", None)
    return bool(signatures is not None and signatures.exists())


@transaction.atomic
def delete_draft(actor, case: Case, *, ip=None) -> None:
    ensure_applicant_draft(actor, case)
    files = [e.file.name for e in case.entries.all() if e.file]
    audit.record(
        actor,
        "case.draft_deleted",
        case.title,
        obj=case,
        case_id=case.pk,
        data={"files": files},
        ip=ip,
    )
    case.entries.all().delete()
    case.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])


@transaction.atomic
def send_case(actor, case: Case, *, ip=None) -> Case:
    ensure_applicant_draft(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_draft:
        raise DomainError("Обращение уже отправлено.")
    if not case.entries.filter(removed_at__isnull=True).exists():
        raise DomainError(
            "Нельзя отправить пустую заявку: добавьте документ или сообщение."
            if case.kind == Case.Kind.APPLICATION
            else "Нельзя отправить пустое сообщение: добавьте документ или сообщение."
        )
    now = timezone.now()
    case.sent_at = now
    case.last_activity_at = now
    case.status = SENT_STATUS
    case.unseen_by_company = True
    case.awaiting_company_since = now
    case.search_text = search_text_for(case)
    case.save(
        update_fields=[
            "sent_at",
            "last_activity_at",
            "status",
            "unseen_by_company",
            "awaiting_company_since",
            "search_text",
        ]
    )
    audit.record(actor, "case.sent", case.title, obj=case, case_id=case.pk, ip=ip)
    publish("case.sent", case=case)
    portal = get_portal_settings()
    queue_email(
        kind="case_sent",
        recipients=notification_addresses(portal),
        subject=(
            "Новая заявка на технологическое присоединение"
            if case.kind == Case.Kind.APPLICATION
            else "Новое сообщение от пользователя"
        ),
        template="case_sent",
        context={"case": case, "applicant": case.applicant},
    )
    return case


# --- The company's side -------------------------------------------------------------------


def ensure_staff_case(actor, case: Case) -> None:
    if not (actor.is_company_staff and not case.is_draft):
        raise NotFound("Обращение не найдено.")


@transaction.atomic
def update_status_and_number(actor, case: Case, *, status: str, registration_number: str, ip=None):
    """«Текущий статус» (from the catalogue or typed) and «Регистрационный номер»
    (unique in the company). Returns the list of what changed."""
    ensure_staff_case(actor, case)
    status = " ".join((status or "").split())
    number = (registration_number or "").strip()
    if not status:
        raise DomainError("Укажите текущий статус.", field="status")
    if len(status) > 255:
        raise DomainError("Статус не длиннее 255 символов.", field="status")
    if len(number) > 64:
        raise DomainError("Номер не длиннее 64 символов.", field="registration_number")
    if number and Case.objects.filter(registration_number=number).exclude(pk=case.pk).exists():
        raise DomainError(
            f"Регистрационный номер {number} уже присвоен другому обращению.",
            field="registration_number",
        )
    changes = []
    if status != case.status:
        changes.append(f"Текущий статус: {status}")
    if number != case.registration_number:
        changes.append(f"Регистрационный номер: {number or '—'}")
    if not changes:
        return []
    old = {"status": case.status, "registration_number": case.registration_number}
    case.status = status
    case.registration_number = number
    try:
        with transaction.atomic():
            case.save(update_fields=["status", "registration_number"])
    except IntegrityError:
        raise DomainError(
            f"Регистрационный номер {number} уже присвоен другому обращению.",
            field="registration_number",
        ) from None
    _touch(case, actor)
    refresh_search_text([case])
    audit.record(
        actor,
        "case.updated",
        "; ".join(changes),
        obj=case,
        case_id=case.pk,
        data={"old": old, "new": {"status": status, "registration_number": number}},
        ip=ip,
    )
    notify_applicant(case, "; ".join(changes))
    return changes


@transaction.atomic
def add_status_entry(actor, case: Case, text: str, *, ip=None) -> CaseEntry:
    """A progress note («Ведется проектирование», …) on the case's timeline."""
    ensure_staff_case(actor, case)
    text = " ".join((text or "").split())
    if not text:
        raise DomainError("Укажите статус.", field="text")
    if len(text) > 255:
        raise DomainError("Статус не длиннее 255 символов.", field="text")
    entry = CaseEntry.objects.create(
        case=case, kind=CaseEntry.Kind.STATUS, side=CaseEntry.Side.COMPANY, author=actor, body=text
    )
    _touch(case, actor)
    audit.record(actor, "entry.status_added", text, obj=entry, case_id=case.pk, ip=ip)
    notify_applicant(case, f"Статус: {text}")
    return entry


def mark_seen_by_company(actor, case: Case) -> None:
    ensure_staff_case(actor, case)
    if case.unseen_by_company:
        Case.objects.filter(pk=case.pk).update(unseen_by_company=False)
        case.unseen_by_company = False
