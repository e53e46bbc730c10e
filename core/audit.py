"""The audit log: one function writes every entry (services call it in their transaction)."""

from .models import AuditEntry


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(actor, action: str, summary: str = "", *, obj=None, case_id=None, data=None, ip=None):
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(f"{actor.full_name} <{actor.email}>".strip() if actor else "система"),
        action=action,
        summary=summary,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        case_id=case_id,
        data=data or {},
        ip_address=ip,
    )
