"""Documentation helpers: the error responses every endpoint may give."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from .serializers import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "Неверные данные или действие запрещено правилами (code: invalid и др.; fields — поля).",
    401: "Нет или неверный токен/сессия (code: not_authenticated, authentication_failed).",
    403: "Недостаточно прав для роли или не пройдена проверка CSRF (code: permission_denied).",
    404: "Объект не найден или недоступен этому пользователю (code: not_found).",
    429: "Превышен лимит запросов (code: throttled), см. Retry-After.",
}

EXAMPLE = OpenApiExample(
    "Ошибка",
    value={
        "code": "invalid",
        "detail": "Укажите название.",
        "fields": {"title": ["Укажите название."]},
    },
    response_only=True,
    status_codes=["400"],
)


def errors(*codes) -> dict:
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in codes
    }


BINARY = OpenApiResponse(OpenApiTypes.BINARY, description="Содержимое файла (attachment).")
