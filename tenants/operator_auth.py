"""Two-factor login of platform operators (public host).

Step one checks the password through `django.contrib.auth.authenticate` with the
request, so django-axes counts failures and locks out. It does not log in: it
only remembers, for a few minutes, which operator passed it. Step two checks a
TOTP code (enrolling a device on first login) and only then logs in and marks
the session OTP-verified. So no session on the public host is authenticated
without the second factor.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import authenticate, login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts.models import User

from .services import is_operator, record

PENDING_KEY = "platform_pending_operator"
PENDING_SECONDS = 300
DEVICE_NAME = "Приложение-аутентификатор"
LOGIN_URL = "/platform/login/"


def is_verified_operator(user) -> bool:
    return is_operator(user) and user.is_verified()


def operator_required(view):
    """Console pages: an OTP-verified operator, else the login page (or 403 for a
    signed-in non-operator)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_verified_operator(request.user):
            return view(request, *args, **kwargs)
        if request.user.is_authenticated and not is_operator(request.user):
            return render(request, "tenants/platform/forbidden.html", status=403)
        return redirect(f"{LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")

    return wrapper


def check_password(request, email: str, password: str):
    """The operator whose password this is, or None. Goes through django-axes."""
    user = authenticate(request, username=email, password=password, login=email)
    return user if is_operator(user) else None


def take_lockout(request) -> bool:
    """Whether django-axes refused this attempt as locked out; the login page then says
    so itself (the shared lockout template links to a company's password reset, which
    the public host does not have), so AxesMiddleware is told not to replace it."""
    locked = bool(getattr(request, "axes_locked_out", False))
    request.axes_locked_out = False
    return locked


def remember_pending(request, user) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"id": user.pk, "at": int(time.time())}


def pending_operator(request):
    """The operator who passed the password step a moment ago, or None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["id"]).first()
    return user if is_operator(user) else None


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def enrolment_device(user):
    """An unconfirmed device to enrol: the same one across reloads of the page, so the
    QR code the operator scanned stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def verify_code(device, code: str) -> bool:
    """Throttled by django-otp: each failure doubles the wait before the next try."""
    return device.verify_token(code.strip())


def complete_login(request, user, device, *, enrolled: bool) -> None:
    if enrolled:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    ip = client_ip(request)
    if enrolled:
        record(user, "totp_enrolled", "Подключено приложение-аутентификатор", ip=ip)
    record(user, "operator_login", "Вход в консоль оператора", ip=ip)


def safe_next(request, default="/platform/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
