"""Who may open the applicant's pages: signed-in applicants. Staff are sent to their
console; anonymous visitors to the login window."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect


def applicant_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_applicant:
            return redirect("/console/")
        return view(request, *args, **kwargs)

    return wrapper
