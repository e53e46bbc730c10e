"""Who sees which cases, entries and files. Every page, console screen and API
endpoint reads cases through these functions."""

from django.db.models import Prefetch, QuerySet

from core.errors import NotFound
from core.models import Case, CaseEntry, Signature


def visible_entries() -> QuerySet[CaseEntry]:
    """Timeline entries that have not been removed, newest first."""
    return CaseEntry.objects.filter(removed_at__isnull=True).order_by("-created_at", "-id")


def with_timeline(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with their visible entries and the entries' signatures in two extra
    queries, however many cases."""
    signatures = Prefetch("signatures", queryset=Signature.objects.order_by("signed_at", "id"))
    return cases.prefetch_related(
        Prefetch(
            "entries",
            queryset=visible_entries().prefetch_related(signatures),
            to_attr="timeline",
        )
    )


def cases_visible_to(actor) -> QuerySet[Case]:
    """Applicants see their own cases (drafts included); company staff see every
    sent case of their company; nobody else sees any."""
    if actor.is_authenticated and actor.is_applicant:
        return Case.objects.filter(applicant=actor)
    if actor.is_authenticated and actor.is_company_staff:
        return Case.objects.filter(sent_at__isnull=False)
    return Case.objects.none()


def get_case(actor, case_id) -> Case:
    try:
        return cases_visible_to(actor).select_related("applicant").get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound("Обращение не найдено.") from None


def applicant_drafts(actor) -> QuerySet[Case]:
    return with_timeline(cases_visible_to(actor).filter(sent_at__isnull=True)).order_by("kind")


def applicant_sent_cases(actor) -> QuerySet[Case]:
    """«Созданные заявки и сообщения»: latest activity first."""
    return with_timeline(cases_visible_to(actor).filter(sent_at__isnull=False)).order_by(
        "-last_activity_at", "-id"
    )


def get_entry(actor, entry_id) -> CaseEntry:
    """A visible entry of a case the actor may see (404 otherwise)."""
    try:
        return (
            visible_entries()
            .select_related("case")
            .get(pk=int(entry_id), case__in=cases_visible_to(actor))
        )
    except (CaseEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound("Документ не найден.") from None


def get_document(actor, entry_id) -> CaseEntry:
    entry = get_entry(actor, entry_id)
    if entry.kind != CaseEntry.Kind.DOCUMENT:
        raise NotFound("Документ не найден.")
    return entry
