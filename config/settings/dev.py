"""A developer machine: debug on, plain HTTP on *.localhost, mail to the console."""

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", ".localhost", "127.0.0.1"])
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# whitenoise looks for STATIC_ROOT at start-up; in development files come from the finders.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# `make run` without a Redis server: tasks run in the web process, the cache in memory.
if env.bool("LK_WITHOUT_REDIS", default=False):
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }

SITE_SCHEME = env("SITE_SCHEME", default="http")
SITE_PORT_SUFFIX = env("SITE_PORT_SUFFIX", default=":8000")

SMS_BACKEND = env("SMS_BACKEND", default="core.sms.ConsoleBackend")
