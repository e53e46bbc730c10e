"""The console's side of signing: staff sign a document with the company's УКЭП (the
CryptoPro plug-in or an uploaded `.sig`) and check ПЭП receipts.

The rules are core.services.signing's; the signing block itself is the shared
templates/cases/signatures.html, rendered by the console's case page with
viewer="company". Only the company's staff reach these URLs; everyone else gets 404.
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.template.loader import select_template
from django.views.decorators.http import require_GET, require_POST

from core.audit import client_ip
from core.errors import DomainError, NotFound
from core.permissions import is_company_staff
from core.selectors.signing import get_signable_document
from core.services import signing
from portal.signing import cades_response, hashes_response, safe_referer

MAX_RECEIPT_UPLOAD = 1_000_000


def staff_only(view):
    """Staff of this company; 404 to everyone else (anonymous visitors included: these
    are endpoints of forms on console pages, not pages to log in to)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_company_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def staff_document(view):
    @wraps(view)
    def wrapper(request, entry_id, *args, **kwargs):
        try:
            entry = get_signable_document(request.user, entry_id)
        except NotFound:
            raise Http404 from None
        return view(request, entry, *args, **kwargs)

    return staff_only(wrapper)


def case_url(entry) -> str:
    return f"/console/cases/{entry.case_id}/#entry-{entry.pk}"


@require_GET
@staff_document
def document_hash(request, entry):
    return hashes_response(request, request.user, entry)


@require_POST
@staff_document
def submit_cades(request, entry):
    """The company's УКЭП: base64 from the plug-in or an uploaded `.sig`."""
    return cades_response(request, request.user, entry, safe_referer(request, case_url(entry)))


def console_base_template() -> str:
    """The console's frame when it exists, else the site's base layout."""
    return select_template(["adminpanel/base.html", "base.html"]).template.name


@staff_only
def verify_receipt(request):
    """«Проверка квитанции ПЭП»: upload the XML, see whether the platform signed it,
    what it states and whether it belongs to a signature of this portal."""
    context = {"menu": "audit", "base_template": console_base_template()}
    status = 200
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        try:
            if uploaded is None:
                raise DomainError("Прикрепите файл квитанции (XML).", field="file")
            if uploaded.size > MAX_RECEIPT_UPLOAD:
                raise DomainError("Файл слишком большой: это не квитанция ПЭП.", field="file")
            uploaded.seek(0)
            content = uploaded.read(MAX_RECEIPT_UPLOAD + 1)
            context["check"] = signing.check_pep_receipt(
                request.user, content, ip=client_ip(request)
            )
            context["file_name"] = uploaded.name
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            context["error"] = error.message
            status = 400
    return render(request, "adminpanel/verify_receipt.html", context, status=status)
