"""Rate limits: per token, per session user, per address for anonymous calls.

Cache keys already start with the schema (django_tenants.cache.make_key), so token
ids of different grid companies never share a counter.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class ApiRateThrottle(SimpleRateThrottle):
    """One bucket per token (each integration its own limit), else per user, else per IP."""

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiToken):
            self.scope, ident = "api_token", f"t{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            self.scope, ident = "api_session", f"u{request.user.pk}"
        else:
            self.scope, ident = "api_anon", self.get_ident(request)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self._ident = ident
        return super().allow_request(request, view)

    def __init__(self):
        """The rate is chosen per request (allow_request), not at construction."""

    def get_rate(self):
        # Read the settings now, not at import, so they can change at run time (tests).
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self._ident}


class OperatorLoginThrottle(SimpleRateThrottle):
    """Token requests of operators, per address (django-axes and django-otp throttle
    wrong passwords and codes on top)."""

    scope = "operator_login"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
