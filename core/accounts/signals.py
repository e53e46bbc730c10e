"""Password changes made through django-allauth's views go to the audit log."""

from allauth.account.signals import password_changed, password_reset
from django.dispatch import receiver

from core import audit


@receiver(password_changed)
def audit_password_changed(sender, request, user, **kwargs):
    if user.is_applicant or user.is_company_staff:
        audit.record(user, "account.password_changed", obj=user, ip=audit.client_ip(request))


@receiver(password_reset)
def audit_password_reset(sender, request, user, **kwargs):
    if user.is_applicant or user.is_company_staff:
        audit.record(user, "account.password_reset", obj=user, ip=audit.client_ip(request))
