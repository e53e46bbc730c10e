from django.urls import path

from api import views_tokens

from . import documents, signing, views

urlpatterns = [
    path("", views.home, name="portal_home"),
    path("help/", views.help_page, name="portal_help"),
    path("profile/", views.profile, name="portal_profile"),
    path("profile/email/<str:token>/", views.confirm_email, name="portal_confirm_email"),
    # Personal API tokens, linked from «Данные».
    path("profile/tokens/", views_tokens.applicant_tokens, name="portal_api_tokens"),
    path(
        "profile/tokens/<int:token_id>/revoke/",
        views_tokens.applicant_token_revoke,
        name="portal_api_token_revoke",
    ),
    path("documents/", documents.documents, name="portal_documents"),
    path("documents/new/<str:kind>/", documents.new_draft, name="portal_new_draft"),
    path("documents/<int:case_id>/title/", documents.rename, name="portal_rename"),
    path("documents/<int:case_id>/document/", documents.add_document, name="portal_add_document"),
    path("documents/<int:case_id>/message/", documents.add_message, name="portal_add_message"),
    path("documents/<int:case_id>/send/", documents.send, name="portal_send"),
    path("documents/<int:case_id>/delete/", documents.delete_draft, name="portal_delete_draft"),
    path("documents/entries/<int:entry_id>/remove/", documents.remove_entry, name="portal_remove"),
    # Signing: ПЭП by SMS code, УКЭП through the plug-in or a .sig file.
    path(
        "documents/entries/<int:entry_id>/sign/sms/", signing.request_code, name="portal_sign_sms"
    ),
    path(
        "documents/entries/<int:entry_id>/sign/confirm/",
        signing.confirm_code,
        name="portal_sign_confirm",
    ),
    path(
        "documents/entries/<int:entry_id>/sign/hash/",
        signing.document_hash,
        name="portal_sign_hash",
    ),
    path(
        "documents/entries/<int:entry_id>/sign/cades/",
        signing.submit_cades,
        name="portal_sign_cades",
    ),
    path("signing/check/", signing.plugin_check, name="signing_check"),
    path("files/<int:entry_id>/", documents.download, name="download_file"),
    path("signatures/<int:signature_id>/", signing.download_signature, name="signature_download"),
    path("pages/files/<int:file_id>/", views.page_file, name="page_file"),
]
