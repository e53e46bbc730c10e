"""The tenant registry (public schema): grid companies and the hosts they answer on."""

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class GridCompany(TenantMixin):
    """A grid company: one PostgreSQL schema with its users, cases and settings.

    Schemas are never created by saving the model: `tenants.provisioning`
    clones them from the template schema inside one transaction.
    """

    name = models.CharField("Наименование", max_length=255)
    subdomain = models.SlugField("Поддомен", max_length=40, unique=True)
    is_active = models.BooleanField("Работает", default=True)
    created_at = models.DateTimeField("Создана", auto_now_add=True)

    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        verbose_name = "сетевая организация"
        verbose_name_plural = "сетевые организации"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Domain(DomainMixin):
    """A host name of a grid company (or of the public site)."""

    class Meta:
        verbose_name = "домен"
        verbose_name_plural = "домены"
