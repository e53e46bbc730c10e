"""URLs of the public host: the landing page and the platform operators' console."""

from django.urls import include, path

from tenants import views

urlpatterns = [
    path("", views.landing, name="platform_landing"),
    path("platform/", include("tenants.urls")),
    path("api/", include("api.urls_platform")),
]
