"""/api/ on the public host: the platform API for operators, its schema and docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views_platform as views
from .views import UnknownEndpointView

app_name = "platform_api"

v1 = [
    path("token/", views.OperatorTokenView.as_view(), name="token"),
    path("companies/", views.CompanyListView.as_view(), name="companies"),
    path("companies/<slug:subdomain>/", views.CompanyDetailView.as_view(), name="company"),
    path(
        "companies/<slug:subdomain>/suspend/",
        views.CompanySuspendView.as_view(),
        name="company_suspend",
    ),
    path(
        "companies/<slug:subdomain>/resume/",
        views.CompanyResumeView.as_view(),
        name="company_resume",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            urlconf="config.urls_public",
            authentication_classes=[],
            custom_settings={
                "TITLE": "Личный кабинет ТП — API платформы",
                "DESCRIPTION": (
                    "Для операторов платформы: подключение, приостановка и возобновление "
                    "сетевых организаций. Токен — POST /api/v1/token/ с паролем и кодом TOTP."
                ),
            },
        ),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="platform_api:schema", authentication_classes=[]),
        name="docs",
    ),
    re_path(r"", UnknownEndpointView.as_view(), name="unknown"),
]
