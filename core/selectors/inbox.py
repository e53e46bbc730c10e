"""The console's «Документооборот»: every sent case of the company, filtered,
searched and sorted in the database, with a dashboard line."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from core.models import Case

from .cases import cases_visible_to

SORTS = {
    "activity": ("-last_activity_at", "-id"),
    "created": ("-sent_at", "-id"),
    "created_asc": ("sent_at", "id"),
    "number": ("registration_number", "-id"),
    "status": ("status", "-last_activity_at"),
}


@dataclass
class InboxFilters:
    status: str = ""
    kind: str = ""
    without_number: bool = False
    unsigned: bool = False
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = "activity"


def inbox(actor, filters: InboxFilters) -> QuerySet[Case]:
    cases = cases_visible_to(actor).select_related("applicant__applicant_profile")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.kind in Case.Kind.values:
        cases = cases.filter(kind=filters.kind)
    if filters.without_number:
        cases = cases.filter(registration_number="")
    if filters.unsigned:
        cases = cases.filter(pk__in=cases_with_unsigned_documents())
    tz = timezone.get_current_timezone()
    if filters.date_from:
        cases = cases.filter(sent_at__gte=datetime.combine(filters.date_from, time.min, tz))
    if filters.date_to:
        cases = cases.filter(
            sent_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tz)
        )
    query = " ".join(filters.q.split()).lower()
    if query:
        # search_text holds number, title, ФИО, e-mail, ИНН/ОГРН/КПП/СНИЛС, organisation;
        # a trigram index serves this ILIKE.
        for word in query.split()[:5]:
            cases = cases.filter(search_text__contains=word)
    return cases.order_by(*SORTS.get(filters.sort, SORTS["activity"]))


def cases_with_unsigned_documents():
    """Ids of cases with a live document that still needs a signature of either side."""
    from core.models import CaseEntry

    return (
        CaseEntry.objects.filter(requires_two_sided_signature=True, removed_at__isnull=True)
        .annotate(signed=Count("signatures"))
        .filter(signed__lt=2)
        .values("case_id")
    )


def working_days_before(moment: datetime, days: int) -> datetime:
    """The moment `days` working days (Monday to Friday) before `moment`."""
    current = moment
    remaining = days
    while remaining > 0:
        current -= timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def dashboard(actor, due_working_days: int) -> dict:
    cases = cases_visible_to(actor)
    by_status = list(
        cases.values("status").annotate(count=Count("id")).order_by("-count", "status")
    )
    cutoff = working_days_before(timezone.now(), due_working_days)
    overdue = cases.filter(awaiting_company_since__lt=cutoff).count()
    return {
        "total": sum(row["count"] for row in by_status),
        "by_status": by_status,
        "overdue": overdue,
        "due_working_days": due_working_days,
        "unseen": cases.filter(unseen_by_company=True).count(),
    }
