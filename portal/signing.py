"""Signing pages and endpoints of the applicant's portal (and the signature download,
which company staff use too).

Views only parse input and call core.services.signing; the signing script
(static/js/cryptopro.js) talks JSON to the same URLs that plain forms POST to, so
everything also works without JavaScript (the page comes back with a message).
Anyone who is not the case's applicant gets 404 — anonymous visitors included —
so the existence of a document is never revealed.
"""

from functools import wraps

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.audit import client_ip
from core.errors import DomainError, NotFound
from core.files import file_download_response
from core.http import wants_json
from core.selectors.signing import get_signable_document, get_signature
from core.services import signing

SESSION_CODE_ENTRIES = "pep_code_entries"
MAX_SIG_UPLOAD = signing.MAX_SIGNATURE_BYTES


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:500]


def signing_applicant(view):
    """The case's applicant only; 404 to everyone else, anonymous visitors included."""

    @wraps(view)
    def wrapper(request, entry_id, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_applicant):
            raise Http404
        try:
            entry = get_signable_document(user, entry_id)
        except NotFound:
            raise Http404 from None
        return view(request, entry, *args, **kwargs)

    return wrapper


def back_to(request, entry) -> str:
    return f"/documents/#entry-{entry.pk}"


def answer_ok(request, url: str, message: str, **extra):
    if wants_json(request):
        return JsonResponse({"ok": True, "redirect": url, "message": message, **extra})
    messages.success(request, message)
    return redirect(url)


def answer_refused(request, url: str, error: DomainError, status: int = 400):
    field = error.field or "__all__"
    if wants_json(request):
        return JsonResponse(
            {"ok": False, "code": error.code, "errors": {field: [error.message]}}, status=status
        )
    messages.error(request, error.message)
    return redirect(url)


def remember_code(request, entry, sent: bool) -> None:
    """Keep the code field open for this document after a reload (no-JS fallback)."""
    entries = set(request.session.get(SESSION_CODE_ENTRIES, []))
    if sent:
        entries.add(entry.pk)
    else:
        entries.discard(entry.pk)
    request.session[SESSION_CODE_ENTRIES] = sorted(entries)


@require_POST
@signing_applicant
def request_code(request, entry):
    """«Подписать» for an individual: an SMS with a one-time code."""
    try:
        signing.request_sms_code(
            request.user, entry, ip=client_ip(request), user_agent=user_agent(request)
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        if error.code == "too_soon":
            remember_code(request, entry, True)
        return answer_refused(request, back_to(request, entry), error)
    remember_code(request, entry, True)
    return answer_ok(
        request,
        back_to(request, entry),
        "На указанный в данных телефон, отправлено смс сообщение с кодом.",
    )


@require_POST
@signing_applicant
def confirm_code(request, entry):
    """«Подтвердить»: the code signs the document with a ПЭП."""
    try:
        signing.confirm_sms_code(
            request.user,
            entry,
            request.POST.get("code", ""),
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return answer_refused(request, back_to(request, entry), error)
    remember_code(request, entry, False)
    return answer_ok(request, back_to(request, entry), "Документ подписан.")


def hashes_response(request, actor, entry):
    """The document's Streebog digests for the CryptoPro plug-in (`SetHashValue`)."""
    try:
        hashes = signing.signing_hashes(actor, entry, ip=client_ip(request))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return JsonResponse({"ok": False, "errors": {"__all__": [error.message]}}, status=400)
    return JsonResponse({"ok": True, "hash": hashes, "file_name": entry.file_name})


def read_signature_input(request) -> bytes:
    """The plug-in's base64 (field `signature`) or an uploaded `.sig` (field `file`)."""
    text = request.POST.get("signature", "")
    if text:
        return text.encode("ascii", "ignore")
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return b""
    if uploaded.size > MAX_SIG_UPLOAD:
        raise DomainError("Файл подписи слишком большой: это не подпись.", field="file")
    uploaded.seek(0)
    return uploaded.read(MAX_SIG_UPLOAD + 1)


def cades_response(request, actor, entry, url: str):
    try:
        data = read_signature_input(request)
        signing.submit_cades_signature(
            actor, entry, data, ip=client_ip(request), user_agent=user_agent(request)
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return answer_refused(request, url, error)
    return answer_ok(request, url, "Документ подписан.")


@require_GET
@signing_applicant
def document_hash(request, entry):
    return hashes_response(request, request.user, entry)


@require_POST
@signing_applicant
def submit_cades(request, entry):
    """A УКЭП of an ИП or ЮЛ: from the plug-in (base64) or an uploaded `.sig`."""
    return cades_response(request, request.user, entry, back_to(request, entry))


def safe_referer(request, default: str) -> str:
    referer = request.POST.get("next") or request.GET.get("next") or ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return default


@require_GET
def download_signature(request, signature_id):
    """«Скачать подпись»: the `.sig` (УКЭП) or the signed XML receipt (ПЭП), to the case's
    applicant and the company's staff; the document is re-hashed first."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    try:
        signature = get_signature(user, signature_id)
        signing.signature_for_download(user, signature, ip=client_ip(request))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        entry = signature.entry
        default = (
            f"/console/cases/{entry.case_id}/#entry-{entry.pk}"
            if user.is_company_staff
            else f"/documents/#entry-{entry.pk}"
        )
        messages.error(request, error.message)
        return redirect(safe_referer(request, default))
    return file_download_response(signature.file.name, signature.download_name)


def plugin_check(request):
    """«Проверка КриптоПро ЭЦП Browser plug-in»: is the plug-in there, which certificates."""
    if not request.user.is_authenticated:
        raise Http404
    frames = ["adminpanel/base.html"] if request.user.is_company_staff else []
    base = select_template([*frames, "portal/frame.html"]).template.name
    return render(request, "portal/signing_check.html", {"menu": "signing", "base_template": base})
