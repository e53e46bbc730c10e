from django.urls import path

from api import views_tokens

from . import views

urlpatterns = [
    path("", views.inbox_view, name="console_inbox"),
    path("cases/<int:case_id>/", views.case_view, name="console_case"),
    path("cases/<int:case_id>/header/", views.case_header, name="console_case_header"),
    path("cases/<int:case_id>/document/", views.case_document, name="console_case_document"),
    path("cases/<int:case_id>/message/", views.case_message, name="console_case_message"),
    path("cases/<int:case_id>/progress/", views.case_progress, name="console_case_progress"),
    path("entries/<int:entry_id>/remove/", views.remove_entry, name="console_remove_entry"),
    path("texts/", views.texts_view, name="console_texts"),
    path("texts/files/", views.page_file_upload, name="console_page_file"),
    path("settings/", views.settings_view, name="console_settings"),
    path("catalogues/", views.catalogues_view, name="console_catalogues"),
    path("catalogues/<str:kind>/", views.catalogue_action, name="console_catalogue_action"),
    path("staff/", views.staff_view, name="console_staff"),
    path("staff/<int:user_id>/", views.staff_action, name="console_staff_action"),
    path("audit/", views.audit_view, name="console_audit"),
    path("outbox/", views.outbox_view, name="console_outbox"),
    # Personal API tokens of staff.
    path("tokens/", views_tokens.staff_tokens, name="console_api_tokens"),
    path(
        "tokens/<int:token_id>/revoke/",
        views_tokens.staff_token_revoke,
        name="console_api_token_revoke",
    ),
]
