"""Who reaches the console: the company's staff. Applicants and other visitors get
404 (the console's existence is not advertised); anonymous visitors the login window."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from core.permissions import is_company_admin, is_company_staff


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_company_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_company_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
