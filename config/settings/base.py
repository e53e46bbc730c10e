"""Settings shared by every environment, read from the environment.

Defaults here are safe for production (DEBUG off, secure cookies); `dev.py`
loosens them for a developer machine and `test.py` for the test suite.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# --- Tenancy -----------------------------------------------------------------
# Apps whose tables live in the public schema: the tenant registry and the
# platform operators (the user model lives on both sides).
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "core.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
# Apps whose tables live in every grid company's schema.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "core.accounts",
    "allauth",
    "allauth.account",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "portal",
    "adminpanel",
    "api",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.GridCompany"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New grid companies are cloned from this schema (see tenants.provisioning).
TENANT_TEMPLATE_SCHEMA = "tenant_template"
TENANT_MIGRATION_EXECUTOR = env("TENANT_MIGRATION_EXECUTOR", default="multiprocessing")
TENANT_MULTIPROCESSING_MAX_PROCESSES = env.int("TENANT_MIGRATION_PROCESSES", default=2)
# migrate_schemas skips schemas that already have every migration (one query for all).
GET_EXECUTOR_FUNCTION = "tenants.migration_executor.get_executor"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Set the search path once per connection and schema, not before every query.
TENANT_LIMIT_SET_CALLS = True

# --- Database, cache, broker --------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/lk_tp"),
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key starts with the schema of the current connection.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="lk"),
    }
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="lk")
CELERY_TIMEZONE = "Europe/Moscow"

# --- Request handling -----------------------------------------------------------
MIDDLEWARE = [
    "tenants.middleware.GridCompanyMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.company",
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Accounts ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Cookies are host-only (no SESSION_COOKIE_DOMAIN): nothing authenticated on one
# grid company's host is sent to another.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# django-allauth: e-mail is the login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "core.accounts.tokens.TenantPasswordResetTokenGenerator"
ACCOUNT_ADAPTER = "core.accounts.adapter.AccountAdapter"
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Failed logins are throttled by django-axes (per tenant schema, e-mail and IP).
ACCOUNT_RATE_LIMITS = {"login_failed": None}

# django-axes: repeated failed logins are throttled per tenant, e-mail and IP.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
OTP_TOTP_ISSUER = "Личный кабинет ТП"

# --- Files --------------------------------------------------------------------------
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads stream to a temporary file while hashed; 50 MB at most (core.uploads).
FILE_UPLOAD_HANDLERS = ["core.uploads.HashingUploadHandler"]
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="lk@example.ru")

# --- Locale -----------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Platform -------------------------------------------------------------------------
# The public host (platform operators); grid companies live on <subdomain>.<PLATFORM_DOMAIN>.
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", default="localhost")
RESERVED_SUBDOMAINS = {
    "www",
    "api",
    "admin",
    "platform",
    "static",
    "media",
    "mail",
    "smtp",
    "ftp",
    "public",
    "test",
    "demo-template",
    "tenant-template",
    "lk",
    "console",
    "help",
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "tenants.logging.TenantFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(tenant)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Sentry: enabled only when a DSN is given. -----------------------------------------------
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
    )

# The e-mail is unique case-insensitively by a database constraint (accounts.User.Meta).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

# Links in e-mails: scheme and port of the company hosts.
SITE_SCHEME = env("SITE_SCHEME", default="https")
SITE_PORT_SUFFIX = env("SITE_PORT_SUFFIX", default="")

CELERY_BEAT_SCHEDULE = {
    "deliver-pending-notifications": {
        "task": "core.tasks.deliver_pending_notifications_everywhere",
        "schedule": 60.0,
    },
    "deliver-due-webhooks": {
        "task": "api.tasks.deliver_due_webhooks_everywhere",
        "schedule": 60.0,
    },
}

# --- SMS (core.sms) and ПЭП receipts (core.pep_receipt) ------------------------------------
# Production sends through SMS.ru; the console backend would print one-time codes to logs.
SMS_BACKEND = env("SMS_BACKEND", default="core.sms.SmsRuBackend")
SMS_RU_API_ID = env("SMS_RU_API_ID", default="")
SMS_RU_FROM = env("SMS_RU_FROM", default="")
SMS_RU_TEST = env.bool("SMS_RU_TEST", default=False)
SMS_RU_URL = env("SMS_RU_URL", default="https://sms.ru/sms/send")
SMS_RU_TIMEOUT = env.float("SMS_RU_TIMEOUT", default=10.0)
PEP_SIGNING_KEY_FILE = env("PEP_SIGNING_KEY_FILE", default="")
PEP_SIGNING_CERT_FILE = env("PEP_SIGNING_CERT_FILE", default="")
PEP_SIGNING_KEY_PASSWORD = env("PEP_SIGNING_KEY_PASSWORD", default="")
PEP_SIGNING_AUTOGENERATE = env.bool("PEP_SIGNING_AUTOGENERATE", default=False)
PEP_SIGNING_KEYS_DIR = env("PEP_SIGNING_KEYS_DIR", default="")

# The REST API's settings (config/settings/api.py).
from .api import *  # noqa: E402,F401,F403
