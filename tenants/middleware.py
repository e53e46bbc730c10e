"""Routing by Host: a grid company's host gets its schema, anything unknown a clear 404."""

from django.http import JsonResponse
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name


class GridCompanyMiddleware(TenantMainMiddleware):
    def no_tenant_found(self, request, hostname):
        return render(request, "tenants/unknown_host.html", {"hostname": hostname}, status=404)

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        if tenant.schema_name != get_public_schema_name() and not tenant.is_active:
            if request.path.startswith("/api/"):  # the API's one error shape
                return JsonResponse(
                    {
                        "code": "suspended",
                        "detail": "Личный кабинет временно недоступен.",
                        "fields": {},
                    },
                    status=503,
                )
            return render(request, "tenants/suspended.html", {"tenant": tenant}, status=503)
        return None
