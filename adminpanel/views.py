"""The grid company's console. Views parse input, call one service or selector and
render; refused actions come back with the message next to their field."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.accounts import services as account_services
from core.accounts.models import User
from core.audit import client_ip
from core.errors import DomainError, NotFound
from core.http import wants_json
from core.models import AuditEntry, CatalogueEntry, Notification, PageFile
from core.selectors import active_catalogue, get_portal_settings
from core.selectors.cases import get_case, get_entry, with_timeline
from core.selectors.inbox import InboxFilters, dashboard, inbox
from core.services import cases as case_services
from core.services import company as company_services

from .access import admin_required, staff_required
from .forms import CompanySettingsForm, InboxFilterForm, StaffInviteForm

INBOX_PAGE_SIZE = 25


# --- «Документооборот» ---


@staff_required
def inbox_view(request):
    form = InboxFilterForm(request.GET or None)
    filters = InboxFilters()
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        filters = InboxFilters(**data)
    page = Paginator(inbox(request.user, filters), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    portal = get_portal_settings()
    return render(
        request,
        "adminpanel/inbox.html",
        {
            "menu": "inbox",
            "form": form,
            "page": page,
            "pager_query": ("&" + query.urlencode()) if query else "",
            "dashboard": dashboard(request.user, portal.answer_due_working_days),
            "statuses": active_catalogue(CatalogueEntry.Kind.STATUS),
        },
    )


def perform(request, action, *, success: str, then: str):
    """Run one service call for a button: its refusal becomes a message on the page it
    returns to, an object outside the actor's reach a 404."""
    try:
        action()
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(then)


def staff_case(request, case_id):
    try:
        return get_case(request.user, case_id)
    except NotFound:
        raise Http404 from None


def case_page(request, case, *, failed=None, status=200):
    case = (
        with_timeline(type(case).objects.filter(pk=case.pk))
        .select_related("applicant__applicant_profile")
        .get()
    )
    statuses = list(active_catalogue(CatalogueEntry.Kind.STATUS))
    return render(
        request,
        "adminpanel/case.html",
        {
            "menu": "inbox",
            "case": case,
            "statuses": statuses,
            "status_titles": [s.title for s in statuses],
            "progress_statuses": active_catalogue(CatalogueEntry.Kind.PROGRESS),
            "document_titles": active_catalogue(CatalogueEntry.Kind.DOCUMENT_TITLE),
            "failed": failed or {},
        },
        status=status,
    )


def refused(request, case, form, error: DomainError, data=None):
    field = error.field or "__all__"
    if wants_json(request):
        return JsonResponse({"ok": False, "errors": {field: [error.message]}}, status=400)
    failed = {"form": form, "field": field, "message": error.message, "data": data or {}}
    return case_page(request, case, failed=failed, status=400)


def done(request, case, message):
    messages.success(request, message)
    url = f"/console/cases/{case.pk}/"
    if wants_json(request):
        return JsonResponse({"ok": True, "redirect": url})
    return redirect(url)


@staff_required
def case_view(request, case_id):
    case = staff_case(request, case_id)
    case_services.mark_seen_by_company(request.user, case)
    return case_page(request, case)


@staff_required
@require_POST
def case_header(request, case_id):
    case = staff_case(request, case_id)
    status = request.POST.get("custom_status") or request.POST.get("status", "")
    number = request.POST.get("registration_number", "")
    try:
        changes = case_services.update_status_and_number(
            request.user, case, status=status, registration_number=number, ip=client_ip(request)
        )
    except DomainError as error:
        return refused(request, case, "header", error, {"status": status, "number": number})
    return done(request, case, "Сохранено." if changes else "Изменений нет.")


@staff_required
@require_POST
def case_document(request, case_id):
    case = staff_case(request, case_id)
    data = {"title": request.POST.get("title", ""), "comment": request.POST.get("comment", "")}
    try:
        case_services.add_document(
            request.user,
            case,
            title=data["title"],
            uploaded=request.FILES.get("file"),
            comment=data["comment"],
            requires_two_sided_signature=bool(request.POST.get("requires_two_sided_signature")),
            ip=client_ip(request),
        )
    except DomainError as error:
        return refused(request, case, "document", error, data)
    return done(request, case, "Документ добавлен.")


@staff_required
@require_POST
def case_message(request, case_id):
    case = staff_case(request, case_id)
    body = request.POST.get("body", "")
    try:
        case_services.add_message(request.user, case, body, ip=client_ip(request))
    except DomainError as error:
        return refused(request, case, "message", error, {"body": body})
    return done(request, case, "Сообщение добавлено.")


@staff_required
@require_POST
def case_progress(request, case_id):
    case = staff_case(request, case_id)
    text = request.POST.get("custom_text") or request.POST.get("text", "")
    try:
        case_services.add_status_entry(request.user, case, text, ip=client_ip(request))
    except DomainError as error:
        return refused(request, case, "progress", error, {"text": text})
    return done(request, case, "Статус добавлен.")


@staff_required
@require_POST
def remove_entry(request, entry_id):
    try:
        entry = get_entry(request.user, entry_id)
    except NotFound:
        raise Http404 from None
    try:
        case_services.remove_entry(request.user, entry, ip=client_ip(request))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"/console/cases/{entry.case_id}/")
    return done(request, entry.case, "Запись удалена.")


# --- «Информация»: the portal's texts ---


@admin_required
def texts_view(request):
    portal = get_portal_settings()
    if request.method == "POST":
        company_services.update_texts(
            request.user,
            login_text=request.POST.get("login_text", ""),
            info_text=request.POST.get("info_text", ""),
            help_text=request.POST.get("help_text", ""),
            ip=client_ip(request),
        )
        messages.success(request, "Тексты сохранены.")
        return redirect("console_texts")
    text_fields = [
        ("login_text", "Информация на странице авторизации и регистрации", portal.login_text),
        (
            "info_text",
            "Информация на первой странице личного кабинета «Информация»",
            portal.info_text,
        ),
        ("help_text", "Информация на странице «Помощь»", portal.help_text),
    ]
    return render(
        request,
        "adminpanel/texts.html",
        {"menu": "texts", "text_fields": text_fields, "files": PageFile.objects.all()},
    )


@admin_required
@require_POST
def page_file_upload(request):
    return perform(
        request,
        lambda: company_services.add_page_file(
            request.user,
            request.FILES.get("file"),
            request.POST.get("title", ""),
            ip=client_ip(request),
        ),
        success="Файл загружен. Скопируйте ссылку и вставьте её в текст.",
        then="/console/texts/",
    )


# --- «Данные и настройки» ---


@admin_required
def settings_view(request):
    portal = get_portal_settings()
    if request.method == "POST":
        form = CompanySettingsForm(request.POST, request.FILES)
        if form.is_valid():
            values = dict(form.cleaned_data)
            logo = values.pop("logo", None)
            changed = company_services.update_company_settings(
                request.user, values, logo=logo, ip=client_ip(request)
            )
            messages.success(request, "Данные сохранены." if changed else "Изменений нет.")
            return redirect("console_settings")
    else:
        initial = {name: getattr(portal, name) for name in company_services.SETTINGS_FIELDS}
        form = CompanySettingsForm(initial=initial)
    return render(request, "adminpanel/settings.html", {"menu": "settings", "form": form})


# --- Catalogues ---


@admin_required
def catalogues_view(request):
    kinds = [
        (kind, label, CatalogueEntry.objects.filter(kind=kind))
        for kind, label in CatalogueEntry.Kind.choices
    ]
    return render(request, "adminpanel/catalogues.html", {"menu": "catalogues", "kinds": kinds})


@admin_required
@require_POST
def catalogue_action(request, kind):
    action = request.POST.get("action")
    entry_id, title = request.POST.get("entry"), request.POST.get("title", "")
    actor, ip = request.user, client_ip(request)
    actions = {
        "add": lambda: company_services.add_catalogue_entry(actor, kind, title, ip=ip),
        "rename": lambda: company_services.rename_catalogue_entry(
            actor, kind, entry_id, title, ip=ip
        ),
        "up": lambda: company_services.move_catalogue_entry(actor, kind, entry_id, "up", ip=ip),
        "down": lambda: company_services.move_catalogue_entry(actor, kind, entry_id, "down", ip=ip),
        "retire": lambda: company_services.set_catalogue_entry_retired(
            actor, kind, entry_id, True, ip=ip
        ),
        "restore": lambda: company_services.set_catalogue_entry_retired(
            actor, kind, entry_id, False, ip=ip
        ),
    }
    if action not in actions:
        raise Http404
    return perform(
        request,
        actions[action],
        success="Справочник сохранён.",
        then=f"/console/catalogues/#{kind}",
    )


# --- Staff ---


@admin_required
def staff_view(request):
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.invite_staff_member(
                request.user, **form.cleaned_data, ip=client_ip(request)
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Приглашение отправлено.")
            return redirect("console_staff")
    staff = User.objects.filter(role=User.Role.STAFF).order_by("-is_active", "last_name", "email")
    return render(request, "adminpanel/staff.html", {"menu": "staff", "form": form, "staff": staff})


@admin_required
@require_POST
def staff_action(request, user_id):
    actor, ip = request.user, client_ip(request)
    actions = {
        "deactivate": lambda: account_services.set_staff_active(actor, user_id, False, ip=ip),
        "activate": lambda: account_services.set_staff_active(actor, user_id, True, ip=ip),
        "resend": lambda: account_services.resend_staff_invitation(actor, user_id, ip=ip),
    }
    action = request.POST.get("action")
    if action not in actions:
        raise Http404
    return perform(request, actions[action], success="Готово.", then="/console/staff/")


# --- Audit log and outbox ---


@staff_required
def audit_view(request):
    entries = AuditEntry.objects.select_related("actor")
    case_id = request.GET.get("case", "").strip()
    person = request.GET.get("person", "").strip()
    if case_id.isdigit():
        entries = entries.filter(case_id=int(case_id))
    if person:
        entries = entries.filter(actor_label__icontains=person)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "adminpanel/audit.html",
        {
            "menu": "audit",
            "page": page,
            "case_id": case_id,
            "person": person,
            "pager_query": ("&" + query.urlencode()) if query else "",
        },
    )


@admin_required
def outbox_view(request):
    page = Paginator(Notification.objects.all(), 30).get_page(request.GET.get("page"))
    selected = None
    if request.GET.get("id", "").isdigit():
        selected = Notification.objects.filter(pk=int(request.GET["id"])).first()
    return render(
        request,
        "adminpanel/outbox.html",
        {"menu": "outbox", "page": page, "selected": selected},
    )
