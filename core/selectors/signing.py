"""Reads for signing: which signatures and signable documents an actor may see.

Visibility is the cases' visibility (core.selectors.cases): the case's applicant and
the company's staff, nobody else; anything else is «not found».
"""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.errors import NotFound
from core.models import CaseEntry, Signature, SmsCode
from core.selectors.cases import cases_visible_to, get_document


def signatures_prefetch() -> Prefetch:
    """The entries' signatures in signing order (the company's first)."""
    return Prefetch("signatures", queryset=Signature.objects.order_by("signed_at", "id"))


def signatures_visible_to(actor) -> QuerySet[Signature]:
    return Signature.objects.filter(
        entry__case__in=cases_visible_to(actor), entry__removed_at__isnull=True
    )


def get_signature(actor, signature_id) -> Signature:
    try:
        return (
            signatures_visible_to(actor)
            .select_related("entry", "entry__case")
            .get(pk=int(signature_id))
        )
    except (Signature.DoesNotExist, ValueError, TypeError):
        raise NotFound("Подпись не найдена.") from None


def get_signable_document(actor, entry_id) -> CaseEntry:
    """A document of a case the actor may see that asks for a two-sided signature."""
    entry = get_document(actor, entry_id)
    if not entry.requires_two_sided_signature:
        raise NotFound("Документ не найден.")
    return entry


def pending_sms_code(user, entry) -> SmsCode | None:
    """The user's latest code for this document while it can still be entered."""
    code = SmsCode.objects.filter(user=user, entry=entry).order_by("-created_at", "-id").first()
    if code is None or code.used_at is not None or code.expires_at <= timezone.now():
        return None
    return code
