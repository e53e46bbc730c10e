"""Refuse request bodies larger than any upload may be, before anything reads them.

Without this, the CSRF middleware would parse (and spool to disk) a 300 MB body
before the upload handler's 50 MB check could refuse it."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from core.http import wants_json

TOO_LARGE = "Файл больше 50 MB. Максимальный размер файла 50 MB."
# Multipart framing and the form's other fields on top of the largest file.
ENVELOPE_BYTES = 1024 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_UPLOAD_BYTES + ENVELOPE_BYTES:
            if request.path.startswith("/api/"):  # the API's one error shape
                return JsonResponse(
                    {"code": "too_large", "detail": TOO_LARGE, "fields": {"file": [TOO_LARGE]}},
                    status=413,
                )
            if wants_json(request):
                return JsonResponse({"ok": False, "errors": {"file": [TOO_LARGE]}}, status=413)
            return HttpResponse(TOO_LARGE, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
