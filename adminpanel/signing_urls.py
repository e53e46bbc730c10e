"""Console URLs for signing; included under /console/ by config.urls_tenant."""

from django.urls import path

from . import signing

urlpatterns = [
    path(
        "signing/entries/<int:entry_id>/hash/",
        signing.document_hash,
        name="console_sign_hash",
    ),
    path(
        "signing/entries/<int:entry_id>/cades/",
        signing.submit_cades,
        name="console_sign_cades",
    ),
    path("signing/verify-receipt/", signing.verify_receipt, name="console_verify_receipt"),
]
