"""WSGI entry point for bench/case_list.py: the real application plus ``/bench/trivial/``.

Why: the case list's requests/s only mean something next to the cheapest page the
same server can serve in the same run. That baseline must pay everything every
page pays (tenant routing by Host, sessions, CSRF, authentication, OTP, messages,
allauth, axes), so it is an ordinary Django view reached through the full
middleware stack; only the URL conf differs, by one pattern in front of the grid
company's own (``config.urls_tenant``). Nothing outside bench/ knows about it.

Run it as ``gunicorn bench.wsgi_bench:application`` from the repository root.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import include, path

# Settings are read lazily, so this still takes effect after the imports above.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def trivial(request):
    """The cheapest signed-in page: asks who the user is (one session and one user
    lookup, as any portal page does) and answers a few bytes, no template."""
    return HttpResponse(
        "ok" if request.user.is_authenticated else "anonymous", content_type="text/plain"
    )


application = get_wsgi_application()
# After setup: the grid company's URL conf imports models.
urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("config.urls_tenant")),
]
# Grid company hosts route through ROOT_URLCONF (django-tenants sets the public
# schema's own URL conf only for the platform host).
settings.ROOT_URLCONF = __name__
