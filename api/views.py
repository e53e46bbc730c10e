"""Endpoints of a grid company's host under /api/v1/: the applicant's and shared ones.

Each endpoint parses input with a serializer (or the site's own form), calls one
service or selector and renders; rules and visibility live in core.services and
core.selectors, exactly as for the portal's pages and the console.
"""

from django.db import connection
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound as ApiNotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts import services as account_services
from core.accounts.forms import ApplicantDataForm
from core.audit import client_ip
from core.files import file_download_response
from core.models import Case, CatalogueEntry
from core.selectors import get_portal_settings
from core.selectors.cases import (
    cases_visible_to,
    get_case,
    get_document,
    get_entry,
    visible_entries,
)
from core.services import cases as case_services

from .docs import BINARY, errors
from .exceptions import validation_response
from .permissions import IsApplicant, IsCompanyStaff, IsPortalUser
from .serializers import (
    CaseSerializer,
    CatalogueEntrySerializer,
    DocumentUploadSerializer,
    EntrySerializer,
    MeSerializer,
    MessageSerializer,
    OpenDraftSerializer,
    ProfileOutSerializer,
    ProfileSerializer,
    ProfileUpdateResultSerializer,
    ProgressSerializer,
    RetitleSerializer,
    StaffCaseSerializer,
    StatusNumberResultSerializer,
    StatusNumberSerializer,
)


class BinaryRenderer(BaseRenderer):
    """Lets a client ask for a file with `Accept: application/octet-stream`; errors are
    still JSON bytes."""

    media_type = "application/octet-stream"
    format = "bin"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


def case_serializer_for(user):
    return StaffCaseSerializer if user.is_company_staff else CaseSerializer


class ApiView(GenericAPIView):
    """Shared plumbing: validated input, cursor-paginated lists."""

    def valid(self, serializer_class, *, partial=False):
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def paginated(self, queryset, serializer_class, ordering=None):
        self.cursor_ordering = ordering
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            serializer_class(page, many=True, context={"request": self.request}).data
        )


# --- Who am I ----------


class MeView(ApiView):
    permission_classes = [IsPortalUser]

    @extend_schema(
        tags=["Профиль"],
        summary="Кто я",
        responses={200: MeSerializer, **errors(401, 403, 429)},
    )
    def get(self, request):
        user = request.user
        portal = get_portal_settings()
        return Response(
            MeSerializer(
                {
                    "id": user.pk,
                    "email": user.email,
                    "full_name": user.full_name,
                    "role": user.role,
                    "is_company_admin": bool(user.is_company_staff and user.is_company_admin),
                    "company": portal.company_name if portal else connection.schema_name,
                }
            ).data
        )


# --- «Данные» ----------


def profile_data(user) -> dict:
    data = ApplicantDataForm.initial_for(user)
    profile = user.applicant_profile
    data["identifiers_line"] = profile.identifiers_line
    data["pending_email"] = profile.pending_email
    return data


class ProfileView(ApiView):
    """The applicant's registration data, validated exactly as on the «Данные» page."""

    permission_classes = [IsApplicant]

    @extend_schema(
        tags=["Профиль"],
        summary="Данные заявителя",
        responses={200: ProfileOutSerializer, **errors(401, 403, 429)},
    )
    def get(self, request):
        return Response(ProfileOutSerializer(profile_data(request.user)).data)

    @extend_schema(
        tags=["Профиль"],
        summary="Изменить данные (все поля)",
        description="Новый email вступает в силу после подтверждения по ссылке из письма.",
        request=ProfileSerializer,
        responses={200: ProfileUpdateResultSerializer, **errors(400, 401, 403, 429)},
    )
    def put(self, request):
        return self.save(request, partial=False)

    @extend_schema(
        tags=["Профиль"],
        summary="Изменить данные (часть полей)",
        request=ProfileSerializer,
        responses={200: ProfileUpdateResultSerializer, **errors(400, 401, 403, 429)},
    )
    def patch(self, request):
        return self.save(request, partial=True)

    def save(self, request, *, partial: bool):
        user = request.user
        values = self.valid(ProfileSerializer, partial=partial)
        data = {**ApplicantDataForm.initial_for(user), **values} if partial else dict(values)
        form = ApplicantDataForm(data, user=user)
        if not form.is_valid():
            return validation_response({k: list(v) for k, v in form.errors.items()})
        changed = account_services.update_applicant_data(
            user,
            user_values=form.user_values(),
            profile_values=form.profile_values(),
            ip=client_ip(request),
        )
        user.refresh_from_db()
        return Response({"changed": changed, "profile": profile_data(user)})


# --- Cases ----------


class CaseListView(ApiView):
    permission_classes = [IsApplicant]

    @extend_schema(
        tags=["Обращения"],
        summary="Мои обращения (черновики и отправленные)",
        parameters=[
            OpenApiParameter("kind", str, enum=Case.Kind.values, description="Тип обращения"),
            OpenApiParameter(
                "state", str, enum=["draft", "sent"], description="Черновики или отправленные"
            ),
            OpenApiParameter("cursor", str, description="Курсор страницы (из next/previous)"),
            OpenApiParameter("page_size", int, description="Размер страницы, до 100"),
        ],
        responses={200: CaseSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request):
        cases = cases_visible_to(request.user)
        kind = request.query_params.get("kind", "")
        if kind in Case.Kind.values:
            cases = cases.filter(kind=kind)
        state = request.query_params.get("state", "")
        if state == "draft":
            cases = cases.filter(sent_at__isnull=True)
        elif state == "sent":
            cases = cases.filter(sent_at__isnull=False)
        return self.paginated(cases, CaseSerializer)

    @extend_schema(
        tags=["Обращения"],
        summary="Открыть черновик",
        description="Черновик заявки или сообщения: существующий (200) или новый (201).",
        request=OpenDraftSerializer,
        responses={200: CaseSerializer, 201: CaseSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request):
        kind = self.valid(OpenDraftSerializer)["kind"]
        existed = cases_visible_to(request.user).filter(kind=kind, sent_at__isnull=True).exists()
        case = case_services.open_draft(request.user, kind)
        return Response(
            CaseSerializer(case).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


CASE_ID = OpenApiParameter("case_id", int, OpenApiParameter.PATH, description="Номер обращения")
ENTRY_ID = OpenApiParameter("entry_id", int, OpenApiParameter.PATH, description="Запись обращения")


class CaseDetailView(ApiView):
    def get_permissions(self):
        if self.request.method in ("PATCH", "DELETE"):
            return [IsApplicant()]
        return [IsPortalUser()]

    @extend_schema(
        tags=["Обращения"],
        summary="Обращение",
        description="Заявителю — его обращение, сотруднику — отправленное обращение компании.",
        parameters=[CASE_ID],
        responses={200: StaffCaseSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request, case_id):
        case = get_case(request.user, case_id)
        return Response(case_serializer_for(request.user)(case).data)

    @extend_schema(
        tags=["Обращения"],
        summary="Переименовать черновик",
        parameters=[CASE_ID],
        request=RetitleSerializer,
        responses={200: CaseSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def patch(self, request, case_id):
        case = get_case(request.user, case_id)
        title = self.valid(RetitleSerializer)["title"]
        case = case_services.rename_draft(request.user, case, title)
        return Response(CaseSerializer(case).data)

    @extend_schema(
        tags=["Обращения"],
        summary="Удалить черновик",
        parameters=[CASE_ID],
        request=None,
        responses={204: None, **errors(400, 401, 403, 404, 429)},
    )
    def delete(self, request, case_id):
        case = get_case(request.user, case_id)
        case_services.delete_draft(request.user, case, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CaseSendView(ApiView):
    permission_classes = [IsApplicant]

    @extend_schema(
        tags=["Обращения"],
        summary="Отправить обращение",
        description=(
            "Черновик с хотя бы одним документом или сообщением уходит в сетевую организацию."
        ),
        parameters=[CASE_ID],
        request=None,
        responses={200: CaseSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, case_id):
        case = get_case(request.user, case_id)
        case = case_services.send_case(request.user, case, ip=client_ip(request))
        return Response(CaseSerializer(case).data)


# --- Timeline ----------


class CaseEntriesView(ApiView):
    permission_classes = [IsPortalUser]

    @extend_schema(
        tags=["Записи обращения"],
        summary="Лента обращения (сначала новые)",
        parameters=[
            CASE_ID,
            OpenApiParameter("cursor", str, description="Курсор страницы"),
            OpenApiParameter("page_size", int, description="Размер страницы, до 100"),
        ],
        responses={200: EntrySerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request, case_id):
        case = get_case(request.user, case_id)
        entries = visible_entries().filter(case=case).prefetch_related("signatures")
        return self.paginated(entries, EntrySerializer, ordering=("-id",))


class CaseDocumentsView(ApiView):
    permission_classes = [IsPortalUser]

    @extend_schema(
        tags=["Записи обращения"],
        summary="Добавить документ (multipart/form-data)",
        description=(
            "Файл до 50 MB передаётся потоком (на диск, с подсчётом SHA-256). Заявитель — в свой "
            "черновик или отправленное обращение; сотрудник — в отправленное обращение."
        ),
        parameters=[CASE_ID],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: EntrySerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, case_id):
        case = get_case(request.user, case_id)
        data = self.valid(DocumentUploadSerializer)
        entry = case_services.add_document(
            request.user,
            case,
            title=data.get("title", ""),
            uploaded=data.get("file"),
            comment=data.get("comment", ""),
            requires_two_sided_signature=data.get("requires_two_sided_signature", False),
            ip=client_ip(request),
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CaseMessagesView(ApiView):
    permission_classes = [IsPortalUser]

    @extend_schema(
        tags=["Записи обращения"],
        summary="Добавить сообщение",
        parameters=[CASE_ID],
        request=MessageSerializer,
        responses={201: EntrySerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, case_id):
        case = get_case(request.user, case_id)
        body = self.valid(MessageSerializer)["body"]
        entry = case_services.add_message(request.user, case, body, ip=client_ip(request))
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CaseProgressView(ApiView):
    permission_classes = [IsCompanyStaff]

    @extend_schema(
        tags=["Консоль: обращения"],
        summary="Добавить статус исполнения",
        parameters=[CASE_ID],
        request=ProgressSerializer,
        responses={201: EntrySerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, case_id):
        case = get_case(request.user, case_id)
        text = self.valid(ProgressSerializer)["text"]
        entry = case_services.add_status_entry(request.user, case, text, ip=client_ip(request))
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CaseStatusView(ApiView):
    permission_classes = [IsCompanyStaff]

    @extend_schema(
        tags=["Консоль: обращения"],
        summary="Текущий статус и регистрационный номер",
        parameters=[CASE_ID],
        request=StatusNumberSerializer,
        responses={200: StatusNumberResultSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def put(self, request, case_id):
        case = get_case(request.user, case_id)
        data = self.valid(StatusNumberSerializer)
        changes = case_services.update_status_and_number(
            request.user,
            case,
            status=data["status"],
            registration_number=data.get("registration_number", case.registration_number),
            ip=client_ip(request),
        )
        case = get_case(request.user, case_id)
        return Response({"changes": changes, "case": StaffCaseSerializer(case).data})


class EntryView(ApiView):
    permission_classes = [IsPortalUser]

    @extend_schema(
        tags=["Записи обращения"],
        summary="Удалить запись",
        description=(
            "Заявитель — из своего черновика; сотрудник — из отправленного обращения. "
            "Подписанные документы не удаляются; журнал аудита хранит удалённое."
        ),
        parameters=[ENTRY_ID],
        request=None,
        responses={204: None, **errors(400, 401, 403, 404, 429)},
    )
    def delete(self, request, entry_id):
        entry = get_entry(request.user, entry_id)
        case_services.remove_entry(request.user, entry, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryFileView(ApiView):
    permission_classes = [IsPortalUser]
    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(
        tags=["Записи обращения"],
        summary="Скачать файл документа",
        parameters=[ENTRY_ID],
        responses={(200, "application/octet-stream"): BINARY, **errors(401, 403, 404, 429)},
    )
    def get(self, request, entry_id):
        entry = get_document(request.user, entry_id)
        return file_download_response(entry.file.name, entry.file_name)


# --- Catalogues (read) ----------


KIND_PARAM = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=CatalogueEntry.Kind.values, description="Справочник"
)


def catalogue_kind(kind: str) -> str:
    from core.errors import NotFound

    if kind not in CatalogueEntry.Kind.values:
        raise NotFound("Справочник не найден.")
    return kind


class CatalogueView(ApiView):
    """Reading for everyone of the company (applicants see entries in use); changes
    in api.views_console."""

    def get_permissions(self):
        if self.request.method == "POST":
            from .permissions import IsCompanyAdmin

            return [IsCompanyAdmin()]
        return [IsPortalUser()]

    @extend_schema(
        tags=["Справочники"],
        summary="Справочник",
        description="Статусы обращения, статусы исполнения, названия документов.",
        parameters=[
            KIND_PARAM,
            OpenApiParameter("cursor", str, description="Курсор страницы"),
            OpenApiParameter("page_size", int, description="Размер страницы, до 100"),
        ],
        responses={200: CatalogueEntrySerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request, kind):
        entries = CatalogueEntry.objects.filter(kind=catalogue_kind(kind))
        if not request.user.is_company_staff:
            entries = entries.filter(is_retired=False)
        return self.paginated(entries, CatalogueEntrySerializer, ordering=("position",))

    @extend_schema(
        tags=["Справочники"],
        summary="Добавить запись справочника",
        parameters=[KIND_PARAM],
        request=inline_serializer(
            "CatalogueAdd", {"title": serializers.CharField(allow_blank=True)}
        ),
        responses={201: CatalogueEntrySerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, kind):
        from core.services import company as company_services

        from .serializers import CatalogueAddSerializer

        title = self.valid(CatalogueAddSerializer)["title"]
        entry = company_services.add_catalogue_entry(
            request.user, catalogue_kind(kind), title, ip=client_ip(request)
        )
        return Response(CatalogueEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class UnknownEndpointView(APIView):
    """Anything under /api/ that matches no endpoint (or has a malformed id) gets the
    API's JSON 404, not the site's HTML page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise ApiNotFound("Такого адреса в API нет.")

    def get(self, request, *args, **kwargs):
        raise ApiNotFound("Такого адреса в API нет.")

    post = put = patch = delete = head = options = get
