"""Serving stored files: streamed from local disk, or a short-lived S3 URL."""

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

S3_URL_SECONDS = 300


def file_download_response(name: str, filename: str):
    """The original file name survives in Content-Disposition (RFC 6266/5987), so
    «Договор ТП.docx» arrives intact."""
    if hasattr(default_storage, "bucket_name"):  # S3: the client fetches it directly
        url = default_storage.url(
            name,
            parameters={"ResponseContentDisposition": content_disposition_header(True, filename)},
            expire=S3_URL_SECONDS,
        )
        return HttpResponseRedirect(url)
    return FileResponse(default_storage.open(name, "rb"), as_attachment=True, filename=filename)
