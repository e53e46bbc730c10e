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


class PlatformAuditEntry(models.Model):
    """An operator's action on the platform (public schema). Written once by
    `tenants.services`, never updated; it outlives the companies it names, so the
    company is kept as text, not as a foreign key."""

    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField("Кто", max_length=255, blank=True)
    action = models.CharField("Действие", max_length=64)
    summary = models.TextField("Описание", blank=True)
    company_name = models.CharField("Сетевая организация", max_length=255, blank=True)
    subdomain = models.CharField("Поддомен", max_length=40, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField("Когда", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "запись журнала платформы"
        verbose_name_plural = "журнал платформы"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.actor_label}: {self.action}"
