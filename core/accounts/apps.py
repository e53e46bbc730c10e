from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The user model. Installed in the public schema (platform operators) and in
    every grid company's schema (its staff and applicants): accounts are per tenant."""

    name = "core.accounts"
    label = "accounts"
    verbose_name = "Учётные записи"

    def ready(self):
        from . import signals  # noqa: F401
