"""Pages where applicants («Данные») and staff (console) create and revoke their
personal API tokens. A new token is shown once, on the page that answers its
creation; only its hash is stored."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from adminpanel.access import staff_required
from core.audit import client_ip
from core.errors import DomainError, NotFound
from portal.access import applicant_required

from . import tokens

PAGES = {
    "portal": {
        "base": "portal/frame.html",
        "menu": "profile",
        "url": "/profile/tokens/",
        "back": ("/profile/", "← Данные"),
    },
    "console": {
        "base": "adminpanel/base.html",
        "menu": "tokens",
        "url": "/console/tokens/",
        "back": None,
    },
}


def tokens_page(request, side: str):
    page = PAGES[side]
    issued, error, name = None, None, ""
    status = 200
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            issued = tokens.create_token(request.user, name, ip=client_ip(request))
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            error, status = refused.message, 400
        else:
            name = ""
    return render(
        request,
        "api/tokens.html",
        {
            "base_template": page["base"],
            "menu": page["menu"],
            "page_url": page["url"],
            "back": page["back"],
            "tokens": tokens.tokens_of(request.user),
            "issued": issued,
            "error": error,
            "name": name,
        },
        status=status,
    )


def revoke(request, side: str, token_id: int):
    try:
        tokens.revoke_token(request.user, token_id, ip=client_ip(request))
    except NotFound:
        raise Http404 from None
    messages.success(request, "Токен отозван: запросы с ним больше не принимаются.")
    return redirect(PAGES[side]["url"])


@applicant_required
def applicant_tokens(request):
    return tokens_page(request, "portal")


@applicant_required
@require_POST
def applicant_token_revoke(request, token_id):
    return revoke(request, "portal", token_id)


@staff_required
def staff_tokens(request):
    return tokens_page(request, "console")


@staff_required
@require_POST
def staff_token_revoke(request, token_id):
    return revoke(request, "console", token_id)
