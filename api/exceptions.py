"""One JSON shape for every error of the API: {"code", "detail", "fields"}.

`code` is stable for programs, `detail` is Russian for people, `fields` maps a
field name to its messages (empty when the error is about the request as a whole).
Services' DomainError keeps its field; NotFound (someone else's object) is a 404.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.errors import DomainError, NotFound

MESSAGES = {
    "not_authenticated": "Требуется вход: передайте токен в заголовке Authorization.",
    "permission_denied": "Недостаточно прав для этого действия.",
    "not_found": "Не найдено.",
    "method_not_allowed": "Метод не поддерживается.",
    "throttled": "Слишком много запросов. Повторите позже.",
    "parse_error": "Тело запроса не разобрано: проверьте формат JSON или multipart.",
    "unsupported_media_type": "Неподдерживаемый тип содержимого запроса.",
    "not_acceptable": "Запрошенный формат ответа не поддерживается.",
    "invalid": "Проверьте введённые данные.",
}


def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    return {"code": code, "detail": detail, "fields": fields or {}}


def _flatten(detail) -> dict:
    """DRF's nested error details as {field: [messages]}: nested fields dotted, errors
    of a list's items under the list's name."""
    fields: dict[str, list[str]] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, int) and prefix:  # an item of a list field: the field
                    walk(prefix, item)
                    continue
                name = "__all__" if key == "non_field_errors" else str(key)
                walk(f"{prefix}.{name}" if prefix else name, item)
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                fields.setdefault(prefix or "__all__", []).extend(str(v) for v in value)
            else:
                for index, item in enumerate(value):
                    walk(f"{prefix}.{index}" if prefix else str(index), item)
        else:
            fields.setdefault(prefix or "__all__", []).append(str(value))

    walk("", detail)
    return fields


def validation_response(fields: dict) -> Response:
    messages = [m for ms in fields.values() for m in ms]
    detail = messages[0] if len(messages) == 1 else MESSAGES["invalid"]
    return Response(error_body("invalid", detail, fields), status=status.HTTP_400_BAD_REQUEST)


def api_exception_handler(exc, context):
    if isinstance(exc, NotFound) or isinstance(exc, Http404):
        detail = exc.message if isinstance(exc, NotFound) else MESSAGES["not_found"]
        return Response(error_body("not_found", detail), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        return Response(error_body(exc.code, exc.message, fields), status=400)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {("__all__" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        else:
            fields = {"__all__": exc.messages}
        return validation_response(fields)
    if isinstance(exc, DjangoPermissionDenied):
        detail = str(exc) or MESSAGES["permission_denied"]
        return Response(error_body("permission_denied", detail), status=403)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handling and logging take over
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        response = validation_response(_flatten(exc.detail))
        return response
    if isinstance(exc, exceptions.NotAuthenticated):
        code, detail = "not_authenticated", MESSAGES["not_authenticated"]
    elif isinstance(exc, exceptions.AuthenticationFailed):
        code, detail = "authentication_failed", str(exc.detail)
    elif isinstance(exc, exceptions.PermissionDenied):
        code = "permission_denied"
        detail = str(exc.detail)
        if detail == str(exceptions.PermissionDenied.default_detail):
            detail = MESSAGES["permission_denied"]
        if "CSRF" in detail:
            code, detail = "csrf_failed", "Проверка CSRF не пройдена: обновите страницу."
    elif isinstance(exc, exceptions.NotFound):
        code, detail = "not_found", str(exc.detail) or MESSAGES["not_found"]
    elif isinstance(exc, exceptions.Throttled):
        code, detail = "throttled", MESSAGES["throttled"]
    elif isinstance(exc, exceptions.MethodNotAllowed):
        code, detail = "method_not_allowed", MESSAGES["method_not_allowed"]
    elif isinstance(exc, exceptions.ParseError):
        code, detail = "parse_error", MESSAGES["parse_error"]
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        code, detail = "unsupported_media_type", MESSAGES["unsupported_media_type"]
    elif isinstance(exc, exceptions.NotAcceptable):
        code, detail = "not_acceptable", MESSAGES["not_acceptable"]
    else:
        code, detail = getattr(exc, "default_code", "error"), str(exc.detail)
    # 401 needs a challenge; DRF turns a 401 without one into 403 before we are called.
    return Response(error_body(code, detail), status=exc.status_code, headers=headers)
