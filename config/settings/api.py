"""Settings of the REST API (api/): DRF, the OpenAPI schema and rate limits.

Star-imported at the end of `base.py`, so every environment gets them; plain
assignments only, read from the environment where an operator may want to tune them.
"""

import environ

_env = environ.Env()

REST_FRAMEWORK = {
    # A per-user API token first: its `WWW-Authenticate` header makes an anonymous
    # request a 401. Sessions serve the site's own scripts, with CSRF enforced.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": _env("API_RATE_PER_TOKEN", default="600/min"),
        "api_session": _env("API_RATE_PER_SESSION", default="600/min"),
        "api_anon": _env("API_RATE_ANONYMOUS", default="60/min"),
        "operator_login": _env("API_RATE_OPERATOR_LOGIN", default="10/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPage",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Личный кабинет ТП — REST API",
    "DESCRIPTION": (
        "API личного кабинета по технологическому присоединению: заявители, сотрудники "
        "сетевой организации и интеграции (1С, ERP, CRM). Каждая сетевая организация "
        "работает на своём адресе; токен действует только на адресе, где он выпущен. "
        'Ошибки всегда имеют вид {"code": …, "detail": …, "fields": {…}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from our own static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "core.models.cases.Case.Kind",
        "CatalogueKindEnum": "core.models.company.CatalogueEntry.Kind",
    },
    "DISABLE_ERRORS_AND_WARNINGS": False,
}

# Webhooks: attempts before a delivery is given up, and whether receivers may sit on
# loopback or private networks (off in production: a company admin must not be able
# to make the server call its own internal services).
API_WEBHOOK_MAX_ATTEMPTS = _env.int("API_WEBHOOK_MAX_ATTEMPTS", default=8)
API_WEBHOOK_TIMEOUT_SECONDS = _env.float("API_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
API_WEBHOOK_ALLOW_PRIVATE_NETWORKS = _env.bool("API_WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=False)
# Lifetime of an operator's API token (issued after password + TOTP), in seconds.
API_OPERATOR_TOKEN_SECONDS = _env.int("API_OPERATOR_TOKEN_SECONDS", default=8 * 3600)
