"""/api/ on a grid company's host: v1 endpoints, the OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views, views_console, views_signing

app_name = "api"

v1 = [
    path("me/", views.MeView.as_view(), name="me"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/<int:case_id>/", views.CaseDetailView.as_view(), name="case"),
    path("cases/<int:case_id>/send/", views.CaseSendView.as_view(), name="case_send"),
    path("cases/<int:case_id>/entries/", views.CaseEntriesView.as_view(), name="case_entries"),
    path(
        "cases/<int:case_id>/documents/", views.CaseDocumentsView.as_view(), name="case_documents"
    ),
    path("cases/<int:case_id>/messages/", views.CaseMessagesView.as_view(), name="case_messages"),
    path("cases/<int:case_id>/progress/", views.CaseProgressView.as_view(), name="case_progress"),
    path("cases/<int:case_id>/status/", views.CaseStatusView.as_view(), name="case_status"),
    path("entries/<int:entry_id>/", views.EntryView.as_view(), name="entry"),
    path("entries/<int:entry_id>/file/", views.EntryFileView.as_view(), name="entry_file"),
    path(
        "entries/<int:entry_id>/signature/sms/",
        views_signing.SmsCodeView.as_view(),
        name="sign_sms",
    ),
    path(
        "entries/<int:entry_id>/signature/sms/confirm/",
        views_signing.SmsConfirmView.as_view(),
        name="sign_confirm",
    ),
    path(
        "entries/<int:entry_id>/signature/cades/",
        views_signing.CadesView.as_view(),
        name="sign_cades",
    ),
    path(
        "signatures/<int:signature_id>/file/",
        views_signing.SignatureFileView.as_view(),
        name="signature_file",
    ),
    path("inbox/", views_console.InboxView.as_view(), name="inbox"),
    path("catalogues/<str:kind>/", views.CatalogueView.as_view(), name="catalogue"),
    path(
        "catalogues/<str:kind>/<int:entry_id>/",
        views_console.CatalogueEntryView.as_view(),
        name="catalogue_entry",
    ),
    path(
        "catalogues/<str:kind>/<int:entry_id>/move/",
        views_console.CatalogueMoveView.as_view(),
        name="catalogue_move",
    ),
    path("texts/", views_console.TextsView.as_view(), name="texts"),
    path("settings/", views_console.SettingsView.as_view(), name="settings"),
    path("staff/", views_console.StaffListView.as_view(), name="staff"),
    path(
        "staff/<int:user_id>/deactivate/",
        views_console.StaffDeactivateView.as_view(),
        name="staff_deactivate",
    ),
    path(
        "staff/<int:user_id>/activate/",
        views_console.StaffActivateView.as_view(),
        name="staff_activate",
    ),
    path("webhooks/", views_console.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:endpoint_id>/", views_console.WebhookDetailView.as_view(), name="webhook"),
    path(
        "webhooks/<int:endpoint_id>/deliveries/",
        views_console.WebhookDeliveriesView.as_view(),
        name="webhook_deliveries",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path(
        "schema/",
        SpectacularAPIView.as_view(urlconf="config.urls_tenant", authentication_classes=[]),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", authentication_classes=[]),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", authentication_classes=[]),
        name="redoc",
    ),
    re_path(r"", views.UnknownEndpointView.as_view(), name="unknown"),
]
