"""The test suite: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

from .dev import *  # noqa: F401,F403
from .dev import BASE_DIR, env

DEBUG = False
DATABASES = {
    "default": {
        **env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/lk_tp"),
        "ENGINE": "django_tenants.postgresql_backend",
        "TEST": {"NAME": env("TEST_DATABASE_NAME", default="test_lk_tp")},
    }
}
REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "KEY_PREFIX": "lktest",
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = "lk-test"
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Parallel runs (one per TEST_DATABASE_NAME) must not wipe each other's files.
MEDIA_ROOT = env(
    "TEST_MEDIA_ROOT",
    default=str(BASE_DIR / "var" / f"media-{DATABASES['default']['TEST']['NAME']}"),
)
TENANT_MIGRATION_EXECUTOR = "standard"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SMS_BACKEND = "core.sms.InMemoryBackend"
PEP_SIGNING_AUTOGENERATE = True
PEP_SIGNING_KEYS_DIR = str(BASE_DIR / "var" / "test-keys")
