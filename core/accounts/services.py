"""Writes on accounts: registration, «Данные», e-mail confirmation, staff creation."""

from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError, NotFound
from core.models import ApplicantProfile
from core.notifications import company_base_url, queue_email
from core.selectors import get_portal_settings, notification_addresses
from core.services.cases import refresh_search_text
from core.tenancy import sign_for_tenant, unsign_for_tenant

from .models import User

EMAIL_CHANGE_SALT = "email-change"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600


@transaction.atomic
def create_company_admin(admin, password: str | None = None) -> User:
    """Create the grid company's administrator (staff with admin rights) in the current schema."""
    return User.objects.create_user(
        email=admin.email,
        password=password,
        last_name=admin.last_name,
        first_name=admin.first_name,
        middle_name=admin.middle_name,
        role=User.Role.STAFF,
        is_company_admin=True,
    )


def register_applicant(
    *, user_values: dict, profile_values: dict, password: str, pep_accepted: bool, ip=None
) -> User:
    """Create the applicant's account and profile, record the consents and tell the
    company. The e-mail must be free in this grid company (checked again under the
    database constraint, so two simultaneous registrations cannot both win)."""
    portal = get_portal_settings()
    now = timezone.now()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                password=password, role=User.Role.APPLICANT, **user_values
            )
            profile = ApplicantProfile.objects.create(
                user=user,
                personal_data_consent_at=now,
                personal_data_consent_version=portal.personal_data_version,
                pep_agreement_at=now if pep_accepted else None,
                pep_agreement_version=portal.pep_agreement_version if pep_accepted else None,
                **profile_values,
            )
            audit.record(user, "applicant.registered", profile.identifiers_line, obj=user, ip=ip)
            queue_email(
                kind="new_registration",
                recipients=notification_addresses(portal),
                subject="Зарегистрирован новый пользователь",
                template="new_registration",
                context={"user": user, "profile": profile},
            )
    except IntegrityError as exc:
        raise ValidationError({"email": "Пользователь с таким email уже зарегистрирован."}) from exc
    return user


def update_applicant_data(user: User, *, user_values: dict, profile_values: dict, ip=None):
    """«Данные»: save the changes; a new e-mail takes effect only once confirmed.

    Returns the list of changed field names (the new e-mail counts as changed).
    """
    profile = user.applicant_profile
    new_email = user_values.pop("email")
    changed = []
    with transaction.atomic():
        for name, value in user_values.items():
            if getattr(user, name) != value:
                setattr(user, name, value)
                changed.append(name)
        for name, value in profile_values.items():
            if getattr(profile, name) != value:
                setattr(profile, name, value)
                changed.append(name)
        if new_email != user.email and new_email != profile.pending_email:
            profile.pending_email = new_email
            changed.append("email")
            send_email_change_confirmation(user, new_email)
        user.save()
        profile.save()
        if changed:
            refresh_search_text(user.cases.select_related("applicant__applicant_profile"))
            audit.record(
                user,
                "applicant.data_changed",
                ", ".join(changed),
                obj=user,
                data={"fields": changed},
                ip=ip,
            )
    return changed


def send_email_change_confirmation(user: User, new_email: str):
    token = sign_for_tenant(f"{user.pk}:{new_email}", salt=EMAIL_CHANGE_SALT)
    return queue_email(
        kind="email_change",
        recipients=[new_email],
        subject="Подтверждение нового адреса электронной почты",
        template="email_change",
        context={"user": user, "link": f"{company_base_url()}/profile/email/{token}/"},
    )


def confirm_email_change(token: str, ip=None) -> User:
    """Apply a confirmed new e-mail. Raises ValidationError with a Russian message."""
    try:
        value = unsign_for_tenant(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
        user_id, new_email = value.split(":", 1)
        user = User.objects.select_related("applicant_profile").get(pk=int(user_id))
    except (BadSignature, ValueError, User.DoesNotExist):
        raise ValidationError("Ссылка недействительна или устарела.") from None
    profile = user.applicant_profile
    if profile.pending_email != new_email:
        raise ValidationError("Ссылка недействительна или устарела.")
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise ValidationError("Этот email уже занят другим пользователем.")
    with transaction.atomic():
        old = user.email
        user.email = new_email
        user.save(update_fields=["email"])
        profile.pending_email = ""
        profile.save(update_fields=["pending_email"])
        refresh_search_text(user.cases.select_related("applicant__applicant_profile"))
        audit.record(user, "applicant.email_changed", f"{old} → {new_email}", obj=user, ip=ip)
    return user


# --- Staff (the console's «Сотрудники») ---------------------------------------------------


def _ensure_admin(actor) -> None:
    from core.permissions import is_company_admin

    if not is_company_admin(actor):
        raise NotFound()


@transaction.atomic
def invite_staff_member(
    actor,
    *,
    email: str,
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
    is_admin: bool = False,
    ip=None,
) -> User:
    """Create a staff account without a password and e-mail a set-password link."""
    from .invitations import invite_staff

    _ensure_admin(actor)
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError("Пользователь с таким email уже есть в личном кабинете.", field="email")
    user = User.objects.create_user(
        email=email,
        password=None,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        role=User.Role.STAFF,
        is_company_admin=is_admin,
    )
    invite_staff(user)
    audit.record(actor, "staff.invited", email, obj=user, ip=ip)
    return user


def _staff_member(user_id) -> User:
    try:
        return User.objects.get(pk=int(user_id), role=User.Role.STAFF)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound("Сотрудник не найден.") from None


@transaction.atomic
def resend_staff_invitation(actor, user_id, *, ip=None) -> User:
    from .invitations import invite_staff

    _ensure_admin(actor)
    user = _staff_member(user_id)
    if user.has_usable_password():
        raise DomainError("Сотрудник уже установил пароль.")
    invite_staff(user)
    audit.record(actor, "staff.invitation_resent", user.email, obj=user, ip=ip)
    return user


@transaction.atomic
def set_staff_active(actor, user_id, active: bool, *, ip=None) -> User:
    """Deactivate (or bring back) a staff member; nobody deactivates themselves, and
    the last active administrator stays."""
    _ensure_admin(actor)
    user = _staff_member(user_id)
    if not active:
        if user.pk == actor.pk:
            raise DomainError("Нельзя отключить собственную учётную запись.")
        other_admins = User.objects.filter(
            role=User.Role.STAFF, is_company_admin=True, is_active=True
        ).exclude(pk=user.pk)
        if user.is_company_admin and not other_admins.exists():
            raise DomainError("Нельзя отключить последнего администратора.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor, "staff.activated" if active else "staff.deactivated", user.email, obj=user, ip=ip
    )
    return user
