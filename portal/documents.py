"""«Документооборот» for applicants: drafts, documents, messages, sending, downloads.

Views parse input, call one service or selector and render; a refused action
re-renders the page with the message next to its field (or answers JSON to the
progress-bar upload script).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.audit import client_ip
from core.errors import DomainError, NotFound
from core.files import file_download_response
from core.http import wants_json
from core.models import Case, CatalogueEntry
from core.selectors import active_catalogue
from core.selectors.cases import applicant_drafts, applicant_sent_cases, get_case, get_document
from core.services import cases as case_services

from .access import applicant_required

PAGE_SIZE = 10


def documents_page(request, *, failed=None, status=200):
    page = Paginator(applicant_sent_cases(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "menu": "documents",
        "drafts": list(applicant_drafts(request.user)),
        "page": page,
        "document_titles": active_catalogue(CatalogueEntry.Kind.DOCUMENT_TITLE),
        "failed": failed or {},
        "Kind": Case.Kind,
    }
    return render(request, "portal/documents.html", context, status=status)


def refused(request, case, form: str, error: DomainError, data=None):
    """Answer a refused action: JSON for the upload script, else the page again with
    the form open, the input kept and the message next to its field."""
    field = error.field or "__all__"
    if wants_json(request):
        return JsonResponse({"ok": False, "errors": {field: [error.message]}}, status=400)
    failed = {"case_id": case.pk, "form": form, "field": field, "message": error.message}
    failed["data"] = data or {}
    return documents_page(request, failed=failed, status=400)


def done(request, case, message: str | None = None):
    if message:
        messages.success(request, message)
    url = f"/documents/#case-{case.pk}"
    if wants_json(request):
        return JsonResponse({"ok": True, "redirect": url})
    return redirect(url)


def case_or_404(request, case_id):
    try:
        return get_case(request.user, case_id)
    except NotFound:
        raise Http404 from None


@applicant_required
def documents(request):
    return documents_page(request)


@applicant_required
@require_POST
def new_draft(request, kind):
    try:
        case = case_services.open_draft(request.user, kind)
    except DomainError:
        raise Http404 from None
    return redirect(f"/documents/#case-{case.pk}")


@applicant_required
@require_POST
def rename(request, case_id):
    case = case_or_404(request, case_id)
    try:
        case_services.rename_draft(request.user, case, request.POST.get("title", ""))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return refused(request, case, "title", error, {"title": request.POST.get("title", "")})
    return done(request, case, "Название сохранено.")


@applicant_required
@require_POST
def add_document(request, case_id):
    case = case_or_404(request, case_id)
    data = {"title": request.POST.get("title", ""), "comment": request.POST.get("comment", "")}
    try:
        case_services.add_document(
            request.user,
            case,
            title=data["title"],
            uploaded=request.FILES.get("file"),
            comment=data["comment"],
            ip=client_ip(request),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return refused(request, case, "document", error, data)
    return done(request, case, "Документ добавлен.")


@applicant_required
@require_POST
def add_message(request, case_id):
    case = case_or_404(request, case_id)
    body = request.POST.get("body", "")
    try:
        case_services.add_message(request.user, case, body, ip=client_ip(request))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return refused(request, case, "message", error, {"body": body})
    return done(request, case, "Сообщение добавлено.")


@applicant_required
@require_POST
def send(request, case_id):
    case = case_or_404(request, case_id)
    try:
        case = case_services.send_case(request.user, case, ip=client_ip(request))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return refused(request, case, "send", error)
    return done(
        request,
        case,
        "Заявка отправлена" if case.kind == Case.Kind.APPLICATION else "Сообщение отправлено",
    )


@applicant_required
def delete_draft(request, case_id):
    case = case_or_404(request, case_id)
    if not case.is_draft:
        raise Http404
    if request.method == "POST":
        case_services.delete_draft(request.user, case, ip=client_ip(request))
        messages.success(request, "Черновик удалён.")
        return redirect("portal_documents")
    return render(request, "portal/confirm_delete.html", {"case": case, "menu": "documents"})


@applicant_required
@require_POST
def remove_entry(request, entry_id):
    try:
        from core.selectors.cases import get_entry

        entry = get_entry(request.user, entry_id)
        case_services.remove_entry(request.user, entry, ip=client_ip(request))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"/documents/#case-{entry.case_id}")
    return done(request, entry.case, "Запись удалена.")


def download(request, entry_id):
    """A file of a case, to its applicant and the company's staff only (404 to others)."""
    if not request.user.is_authenticated:
        raise Http404
    try:
        entry = get_document(request.user, entry_id)
    except NotFound:
        raise Http404 from None
    return file_download_response(entry.file.name, entry.file_name)
