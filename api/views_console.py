"""Endpoints of the company's console under /api/v1/: the inbox, catalogues, texts,
settings, staff and webhooks. Same services and forms as the console's pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from adminpanel.forms import CompanySettingsForm, InboxFilterForm, StaffInviteForm
from core.accounts import services as account_services
from core.accounts.models import User
from core.audit import client_ip
from core.errors import DomainError
from core.models import Case
from core.selectors import get_portal_settings
from core.selectors.inbox import SORTS, InboxFilters, inbox
from core.services import company as company_services

from . import webhooks
from .docs import errors
from .exceptions import validation_response
from .permissions import IsCompanyAdmin, IsCompanyStaff
from .serializers import (
    CatalogueChangeSerializer,
    CatalogueEntrySerializer,
    CatalogueMoveSerializer,
    CompanySettingsSerializer,
    SettingsResultSerializer,
    StaffCaseSerializer,
    StaffInviteSerializer,
    StaffSerializer,
    TextsSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointChangeSerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointInSerializer,
    WebhookEndpointSerializer,
)
from .views import KIND_PARAM, ApiView, catalogue_kind

PAGE_PARAMS = [
    OpenApiParameter("cursor", str, description="Курсор страницы (из next/previous)"),
    OpenApiParameter("page_size", int, description="Размер страницы, до 100"),
]


def form_errors(form) -> Response:
    return validation_response({k: list(v) for k, v in form.errors.items()})


# --- The inbox ----------


class InboxView(ApiView):
    permission_classes = [IsCompanyStaff]

    @extend_schema(
        tags=["Консоль: обращения"],
        summary="Документооборот: отправленные обращения компании",
        description="Фильтры и поиск — как в консоли; сортировка определяет порядок курсора.",
        parameters=[
            OpenApiParameter("q", str, description="Поиск: номер, название, ФИО, email, ИНН…"),
            OpenApiParameter("status", str, description="Текущий статус (точно)"),
            OpenApiParameter("kind", str, enum=Case.Kind.values),
            OpenApiParameter("without_number", bool, description="Без регистрационного номера"),
            OpenApiParameter("unsigned", bool, description="Есть неподписанные документы"),
            OpenApiParameter("date_from", str, description="Отправлено с (ГГГГ-ММ-ДД)"),
            OpenApiParameter("date_to", str, description="Отправлено по (ГГГГ-ММ-ДД)"),
            OpenApiParameter("sort", str, enum=list(SORTS)),
            *PAGE_PARAMS,
        ],
        responses={200: StaffCaseSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request):
        params = {k: v for k, v in request.query_params.items() if k not in ("cursor", "page_size")}
        for flag in ("without_number", "unsigned"):
            if params.get(flag, "").lower() in ("false", "0", "off", "no"):
                params.pop(flag)
        form = InboxFilterForm(params)
        if not form.is_valid():
            return form_errors(form)
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        filters = InboxFilters(**data)
        cases = inbox(request.user, filters)
        return self.paginated(
            cases, StaffCaseSerializer, ordering=SORTS.get(filters.sort, SORTS["activity"])
        )


# --- Catalogues ----------


ENTRY_PARAM = OpenApiParameter("entry_id", int, OpenApiParameter.PATH)


class CatalogueEntryView(ApiView):
    permission_classes = [IsCompanyAdmin]

    @extend_schema(
        tags=["Справочники"],
        summary="Переименовать запись или вывести из употребления",
        parameters=[KIND_PARAM, ENTRY_PARAM],
        request=CatalogueChangeSerializer,
        responses={200: CatalogueEntrySerializer, **errors(400, 401, 403, 404, 429)},
    )
    def patch(self, request, kind, entry_id):
        kind = catalogue_kind(kind)
        data = self.valid(CatalogueChangeSerializer)
        actor, ip = request.user, client_ip(request)
        entry = None
        if "title" in data:
            entry = company_services.rename_catalogue_entry(
                actor, kind, entry_id, data["title"], ip=ip
            )
        if "is_retired" in data:
            entry = company_services.set_catalogue_entry_retired(
                actor, kind, entry_id, data["is_retired"], ip=ip
            )
        if entry is None:
            raise DomainError("Укажите новое название (title) или is_retired.")
        return Response(CatalogueEntrySerializer(entry).data)


class CatalogueMoveView(ApiView):
    permission_classes = [IsCompanyAdmin]

    @extend_schema(
        tags=["Справочники"],
        summary="Переместить запись выше или ниже",
        parameters=[KIND_PARAM, ENTRY_PARAM],
        request=CatalogueMoveSerializer,
        responses={200: CatalogueEntrySerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, kind, entry_id):
        kind = catalogue_kind(kind)
        direction = self.valid(CatalogueMoveSerializer)["direction"]
        entry = company_services.move_catalogue_entry(
            request.user, kind, entry_id, direction, ip=client_ip(request)
        )
        entry.refresh_from_db()
        return Response(CatalogueEntrySerializer(entry).data)


# --- Texts and settings ----------


class TextsView(ApiView):
    permission_classes = [IsCompanyAdmin]

    @extend_schema(
        tags=["Консоль: портал"],
        summary="Тексты портала",
        responses={200: TextsSerializer, **errors(401, 403, 429)},
    )
    def get(self, request):
        portal = get_portal_settings()
        return Response({name: getattr(portal, name) for name in company_services.TEXT_FIELDS})

    @extend_schema(
        tags=["Консоль: портал"],
        summary="Изменить тексты (HTML очищается)",
        request=TextsSerializer,
        responses={200: TextsSerializer, **errors(400, 401, 403, 429)},
    )
    def patch(self, request):
        data = self.valid(TextsSerializer, partial=True)
        portal = company_services.update_texts(request.user, ip=client_ip(request), **data)
        return Response({name: getattr(portal, name) for name in company_services.TEXT_FIELDS})


def settings_data(portal) -> dict:
    return {name: getattr(portal, name) for name in company_services.SETTINGS_FIELDS}


class SettingsView(ApiView):
    permission_classes = [IsCompanyAdmin]

    @extend_schema(
        tags=["Консоль: портал"],
        summary="Данные и настройки",
        responses={200: CompanySettingsSerializer, **errors(401, 403, 429)},
    )
    def get(self, request):
        return Response(CompanySettingsSerializer(settings_data(get_portal_settings())).data)

    @extend_schema(
        tags=["Консоль: портал"],
        summary="Изменить данные и настройки",
        description="Проверяются так же, как в консоли. Логотип меняется в консоли.",
        request=CompanySettingsSerializer,
        responses={200: SettingsResultSerializer, **errors(400, 401, 403, 429)},
    )
    def patch(self, request):
        values = self.valid(CompanySettingsSerializer, partial=True)
        current = settings_data(get_portal_settings())
        form = CompanySettingsForm({**current, **values})
        if not form.is_valid():
            return form_errors(form)
        # Only what the client sent: an untouched text must not count as a new version.
        cleaned = {name: form.cleaned_data[name] for name in values}
        changed = company_services.update_company_settings(
            request.user, cleaned, ip=client_ip(request)
        )
        return Response({"changed": changed, "settings": settings_data(get_portal_settings())})


# --- Staff ----------


STAFF_ID = OpenApiParameter("user_id", int, OpenApiParameter.PATH)


class StaffListView(ApiView):
    permission_classes = [IsCompanyAdmin]

    @extend_schema(
        tags=["Консоль: сотрудники"],
        summary="Сотрудники",
        parameters=PAGE_PARAMS,
        responses={200: StaffSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request):
        staff = User.objects.filter(role=User.Role.STAFF)
        return self.paginated(staff, StaffSerializer, ordering=("id",))

    @extend_schema(
        tags=["Консоль: сотрудники"],
        summary="Пригласить сотрудника",
        description="Создаёт учётную запись без пароля и отправляет ссылку для установки пароля.",
        request=StaffInviteSerializer,
        responses={201: StaffSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request):
        data = self.valid(StaffInviteSerializer)
        form = StaffInviteForm(data)
        if not form.is_valid():
            return form_errors(form)
        user = account_services.invite_staff_member(
            request.user, **form.cleaned_data, ip=client_ip(request)
        )
        return Response(StaffSerializer(user).data, status=status.HTTP_201_CREATED)


class StaffActivationView(ApiView):
    permission_classes = [IsCompanyAdmin]
    active = False

    def change(self, request, user_id):
        user = account_services.set_staff_active(
            request.user, user_id, self.active, ip=client_ip(request)
        )
        return Response(StaffSerializer(user).data)


class StaffDeactivateView(StaffActivationView):
    active = False

    @extend_schema(
        tags=["Консоль: сотрудники"],
        summary="Отключить сотрудника",
        description="Себя и последнего администратора отключить нельзя.",
        parameters=[STAFF_ID],
        request=None,
        responses={200: StaffSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, user_id):
        return self.change(request, user_id)


class StaffActivateView(StaffActivationView):
    active = True

    @extend_schema(
        tags=["Консоль: сотрудники"],
        summary="Включить сотрудника",
        parameters=[STAFF_ID],
        request=None,
        responses={200: StaffSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, user_id):
        return self.change(request, user_id)


# --- Webhooks ----------


WEBHOOK_ID = OpenApiParameter("endpoint_id", int, OpenApiParameter.PATH)


class WebhookListView(ApiView):
    permission_classes = [IsCompanyAdmin]

    @extend_schema(
        tags=["Вебхуки"],
        summary="Адреса вебхуков",
        parameters=PAGE_PARAMS,
        responses={200: WebhookEndpointSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request):
        return self.paginated(
            webhooks.endpoints_visible_to(request.user), WebhookEndpointSerializer, ordering=("id",)
        )

    @extend_schema(
        tags=["Вебхуки"],
        summary="Зарегистрировать адрес",
        description=(
            "События: case.sent, entry.added (заявитель добавил документ или сообщение в "
            "отправленное обращение), document.signed. Каждая доставка — POST JSON с заголовками "
            "X-LK-Event, X-LK-Delivery, X-LK-Timestamp и X-LK-Signature: sha256=<HMAC-SHA256 "
            "тела запроса с секретом>. Секрет показывается один раз."
        ),
        request=WebhookEndpointInSerializer,
        responses={201: WebhookEndpointCreatedSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request):
        data = self.valid(WebhookEndpointInSerializer)
        endpoint = webhooks.create_endpoint(request.user, **data, ip=client_ip(request))
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )


class WebhookDetailView(ApiView):
    permission_classes = [IsCompanyAdmin]

    @extend_schema(
        tags=["Вебхуки"],
        summary="Адрес вебхука",
        parameters=[WEBHOOK_ID],
        responses={200: WebhookEndpointSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request, endpoint_id):
        endpoint = webhooks.get_endpoint(request.user, endpoint_id)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        tags=["Вебхуки"],
        summary="Изменить адрес вебхука",
        description="С rotate_secret=true в ответе — новый секрет (показывается один раз).",
        parameters=[WEBHOOK_ID],
        request=WebhookEndpointChangeSerializer,
        responses={200: WebhookEndpointCreatedSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def patch(self, request, endpoint_id):
        endpoint = webhooks.get_endpoint(request.user, endpoint_id)
        data = self.valid(WebhookEndpointChangeSerializer, partial=True)
        endpoint = webhooks.update_endpoint(request.user, endpoint, ip=client_ip(request), **data)
        out = WebhookEndpointSerializer(endpoint).data
        if data.get("rotate_secret"):
            out = WebhookEndpointCreatedSerializer(endpoint).data
        return Response(out)

    @extend_schema(
        tags=["Вебхуки"],
        summary="Удалить адрес вебхука (с журналом доставок)",
        parameters=[WEBHOOK_ID],
        request=None,
        responses={204: None, **errors(401, 403, 404, 429)},
    )
    def delete(self, request, endpoint_id):
        endpoint = webhooks.get_endpoint(request.user, endpoint_id)
        webhooks.delete_endpoint(request.user, endpoint, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveriesView(ApiView):
    permission_classes = [IsCompanyAdmin]

    @extend_schema(
        tags=["Вебхуки"],
        summary="Журнал доставок",
        parameters=[WEBHOOK_ID, *PAGE_PARAMS],
        responses={200: WebhookDeliverySerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request, endpoint_id):
        endpoint = webhooks.get_endpoint(request.user, endpoint_id)
        return self.paginated(
            webhooks.deliveries_of(request.user, endpoint), WebhookDeliverySerializer
        )
