"""Invitations: a staff member sets a password through a link that works on this
grid company's host only (the token is tenant-bound, see tokens.py)."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int, int_to_base36

from core.notifications import company_base_url, queue_email

from .models import User
from .tokens import TenantPasswordResetTokenGenerator

token_generator: PasswordResetTokenGenerator = TenantPasswordResetTokenGenerator()


def invitation_path(user: User) -> str:
    return f"/accounts/invite/{int_to_base36(user.pk)}/{token_generator.make_token(user)}/"


def invite_staff(user: User):
    """Queue the invitation e-mail with a set-password link (current schema's host)."""
    link = company_base_url() + invitation_path(user)
    return queue_email(
        kind="staff_invitation",
        recipients=[user.email],
        subject="Приглашение в личный кабинет",
        template="staff_invitation",
        context={
            "user": user,
            "link": link,
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


def user_for_invitation(uidb36: str, token: str) -> User | None:
    """The invited user if the link is valid here and still unused, else None."""
    try:
        user = User.objects.get(pk=base36_to_int(uidb36), is_active=True)
    except (ValueError, User.DoesNotExist):
        return None
    return user if token_generator.check_token(user, token) else None
