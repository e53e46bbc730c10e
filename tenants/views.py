"""Pages of the public host: the landing page and the platform operator console.

Views parse input, call one service or selector and render; the rules live in
tenants.services (writes) and tenants.selectors (reads).
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import operator_auth as auth
from . import selectors, services
from .forms import (
    AdminForm,
    BrandingForm,
    CompanyCreateForm,
    DeleteForm,
    DomainForm,
    OperatorLoginForm,
    OtpCodeForm,
    RequisitesForm,
)
from .operator_auth import client_ip, operator_required
from .provisioning import ProvisioningError

LOCKED_MESSAGE = (
    "Слишком много неудачных попыток входа. Вход временно заблокирован, "
    "повторите попытку через 15 минут."
)


def landing(request):
    """The public host's page: what the service is, for grid companies."""
    return render(
        request, "tenants/landing.html", {"operator": auth.is_verified_operator(request.user)}
    )


# --- Login -----------------------------------------------------------------------------


def login_view(request):
    if auth.is_verified_operator(request.user):
        return redirect(auth.safe_next(request))
    form = OperatorLoginForm(request.POST or None)
    locked = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = auth.check_password(request, data["login"], data["password"])
        locked = auth.take_lockout(request)
        if user is not None:
            auth.remember_pending(request, user)
            target = reverse("platform:login_code")
            return redirect(f"{target}?{urlencode({'next': auth.safe_next(request)})}")
        form.add_error(
            None,
            LOCKED_MESSAGE if locked else "Неверный email или пароль оператора платформы.",
        )
    return render(
        request,
        "tenants/platform/login.html",
        {"form": form, "next": auth.safe_next(request, default="")},
        status=429 if locked else 200,
    )


def login_code_view(request):
    """The second factor; on first login, enrolment of an authenticator app."""
    user = auth.pending_operator(request)
    if user is None:
        messages.error(request, "Сначала введите email и пароль.")
        return redirect("platform:login")
    device = auth.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = auth.enrolment_device(user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if auth.verify_code(device, form.cleaned_data["code"]):
            auth.complete_login(request, user, device, enrolled=enrolling)
            return redirect(auth.safe_next(request))
        form.add_error("code", "Неверный или устаревший код. Введите код, который показан сейчас.")
    context = {"form": form, "enrolling": enrolling, "next": auth.safe_next(request, default="")}
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#1d2733"
        )
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "tenants/platform/login_code.html", context)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("platform_landing")


# --- Companies ------------------------------------------------------------------------------


@operator_required
def company_list(request):
    search = request.GET.get("q", "")
    sort = request.GET.get("sort", "name")
    rows = selectors.company_rows(search=search, sort=sort)
    return render(
        request,
        "tenants/platform/company_list.html",
        {"rows": rows, "q": search, "sort": sort, "section": "companies"},
    )


@operator_required
def company_create(request):
    form = CompanyCreateForm(request.POST or None, request.FILES or None)
    failure = ""
    if request.method == "POST" and form.is_valid():
        try:
            company, admin = services.create_grid_company(
                request.user,
                form.new_company(),
                logo=form.cleaned_data.get("logo"),
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        except ProvisioningError as exc:
            failure = str(exc)
        else:
            return redirect("platform:company_created", subdomain=company.subdomain)
    return render(
        request,
        "tenants/platform/company_create.html",
        {
            "form": form,
            "failure": failure,
            "section": "create",
            "platform_domain": settings.PLATFORM_DOMAIN,
        },
        status=400 if request.method == "POST" else 200,
    )


def _company_or_404(subdomain):
    company = selectors.get_company(subdomain)
    if company is None:
        raise Http404("Сетевая организация не найдена")
    return company


@operator_required
def company_created(request, subdomain):
    """The result page after provisioning: where the company lives, who was invited."""
    company = _company_or_404(subdomain)
    return render(
        request,
        "tenants/platform/company_created.html",
        _company_context(request, company, section="create"),
    )


def _company_context(request, company, **extra):
    portal = selectors.company_settings(company)
    return {
        "gc": company,
        "portal": portal,
        "domains": list(company.domains.order_by("-is_primary", "id")),
        "admins": selectors.company_admins(company),
        "stats": selectors.company_stats([company.schema_name]).get(company.schema_name),
        "scheme_port": _scheme_port(request),
        **extra,
    }


def _scheme_port(request):
    """Scheme and port for links to a company's hosts: those the operator's browser uses
    for the public host, since all hosts are served by the same front end."""
    port = request.get_port()
    default = {"http": "80", "https": "443"}.get(request.scheme)
    return request.scheme, "" if port in (default, None, "") else f":{port}"


@operator_required
def company_detail(request, subdomain):
    company = _company_or_404(subdomain)
    forms = _initial_forms(company)
    status = 200
    if request.method == "POST":
        status = _company_action(request, company, forms)
        if status is None:
            return redirect("platform:company_detail", subdomain=company.subdomain)
    context = _company_context(request, company, section="companies", **forms)
    context["history"] = selectors.audit_log(subdomain=company.subdomain)[:20]
    return render(request, "tenants/platform/company_detail.html", context, status=status)


def _initial_forms(company):
    portal = selectors.company_settings(company)
    requisites = {f: getattr(portal, f, "") for f in RequisitesForm.base_fields if f != "name"}
    return {
        "requisites_form": RequisitesForm(initial={**requisites, "name": company.name}),
        "branding_form": BrandingForm(
            initial={"primary_color": getattr(portal, "primary_color", "#1f5fa8")}
        ),
        "domain_form": DomainForm(),
        "admin_form": AdminForm(),
        "delete_form": DeleteForm(),
    }


def _company_action(request, company, forms):
    """Runs the posted action; returns None on success (redirect) or the status code
    to re-render the page with the bound form's errors."""
    action = request.POST.get("action", "")
    ip = client_ip(request)
    op = request.user
    handlers = {
        "requisites": (
            "requisites_form",
            RequisitesForm,
            lambda f: services.update_requisites(op, company, f.requisites(), ip=ip),
            "Реквизиты сохранены.",
        ),
        "branding": (
            "branding_form",
            BrandingForm,
            lambda f: services.update_branding(
                op,
                company,
                primary_color=f.cleaned_data["primary_color"],
                logo=f.cleaned_data.get("logo"),
                remove_logo=f.cleaned_data.get("remove_logo", False),
                ip=ip,
            ),
            "Оформление сохранено.",
        ),
        "add_domain": (
            "domain_form",
            DomainForm,
            lambda f: services.add_domain(op, company, f.cleaned_data["domain"], ip=ip),
            "Домен добавлен.",
        ),
        "add_admin": (
            "admin_form",
            AdminForm,
            lambda f: services.add_company_admin(op, company, f.admin(), ip=ip),
            "Администратор добавлен, приглашение отправлено.",
        ),
    }
    if action in handlers:
        key, form_class, call, done = handlers[action]
        form = form_class(request.POST, request.FILES)
        forms[key] = form
        if form.is_valid():
            try:
                call(form)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, done)
                return None
        return 400
    simple = {
        "remove_domain": (
            lambda: services.remove_domain(op, company, _int(request, "domain_id"), ip=ip),
            "Домен удален.",
        ),
        "primary_domain": (
            lambda: services.set_primary_domain(op, company, _int(request, "domain_id"), ip=ip),
            "Основной домен изменен.",
        ),
        "resend_invitation": (
            lambda: services.resend_admin_invitation(op, company, _int(request, "user_id"), ip=ip),
            "Приглашение отправлено повторно.",
        ),
        "suspend": (
            lambda: services.suspend_company(op, company, ip=ip),
            "Работа личного кабинета приостановлена.",
        ),
        "resume": (
            lambda: services.resume_company(op, company, ip=ip),
            "Работа личного кабинета возобновлена.",
        ),
    }
    if action not in simple:
        messages.error(request, "Неизвестное действие.")
        return None
    call, done = simple[action]
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return None


def _int(request, name) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return 0


@operator_required
@require_POST
def company_delete(request, subdomain):
    company = _company_or_404(subdomain)
    form = DeleteForm(request.POST)
    if form.is_valid():
        try:
            services.delete_company(
                request.user,
                company,
                confirmation=form.cleaned_data["confirmation"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Сетевая организация «{company.name}» удалена.")
            return redirect("platform:companies")
    forms = {**_initial_forms(company), "delete_form": form}
    context = _company_context(
        request,
        company,
        section="companies",
        history=selectors.audit_log(subdomain=company.subdomain)[:20],
        **forms,
    )
    return render(request, "tenants/platform/company_detail.html", context, status=400)


@operator_required
def audit_log(request):
    search = request.GET.get("q", "")
    page = Paginator(selectors.audit_log(search=search), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tenants/platform/audit_log.html",
        {"page": page, "q": search, "section": "audit"},
    )
