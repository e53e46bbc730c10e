"""Signing endpoints under /api/v1/: ПЭП by SMS code (an individual applicant), a
detached CAdES signature (company staff, ИП, ЮЛ) and the download of a signature.
All rules live in core.services.signing, as for the portal and the console."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.audit import client_ip
from core.errors import DomainError
from core.files import file_download_response
from core.selectors.signing import get_signable_document, get_signature
from core.services import signing

from .docs import BINARY, errors
from .permissions import IsApplicant, IsPortalUser
from .serializers import (
    CadesSerializer,
    SignatureSerializer,
    SmsCodeSentSerializer,
    SmsConfirmSerializer,
)
from .views import ENTRY_ID, ApiView, BinaryRenderer

SIGNATURE_ID = OpenApiParameter("signature_id", int, OpenApiParameter.PATH)


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:500]


class SmsCodeView(ApiView):
    permission_classes = [IsApplicant]

    @extend_schema(
        tags=["Подписание"],
        summary="Подписать (ПЭП): отправить код по СМС",
        description=(
            "Для заявителя — физического лица, после подписи сетевой организации. Код приходит "
            "на телефон из «Данных», действует 5 минут; новый — не раньше чем через минуту."
        ),
        parameters=[ENTRY_ID],
        request=None,
        responses={200: SmsCodeSentSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, entry_id):
        from core.sms import mask_phone

        entry = get_signable_document(request.user, entry_id)
        code = signing.request_sms_code(
            request.user, entry, ip=client_ip(request), user_agent=user_agent(request)
        )
        return Response({"phone": mask_phone(code.phone), "expires_at": code.expires_at})


class SmsConfirmView(ApiView):
    permission_classes = [IsApplicant]

    @extend_schema(
        tags=["Подписание"],
        summary="Подтвердить (ПЭП): код из СМС",
        parameters=[ENTRY_ID],
        request=SmsConfirmSerializer,
        responses={201: SignatureSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, entry_id):
        entry = get_signable_document(request.user, entry_id)
        code = self.valid(SmsConfirmSerializer)["code"]
        signature = signing.confirm_sms_code(
            request.user, entry, code, ip=client_ip(request), user_agent=user_agent(request)
        )
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class CadesView(ApiView):
    permission_classes = [IsPortalUser]

    @extend_schema(
        tags=["Подписание"],
        summary="Подписать УКЭП: откреплённая подпись CAdES-BES",
        description=(
            "Сотрудник — за сетевую организацию (первым), ИП и ЮЛ — за себя. Подпись проверяется "
            "по хранимому файлу (ГОСТ Р 34.10-2012) и по владельцу сертификата."
        ),
        parameters=[ENTRY_ID],
        request={"multipart/form-data": CadesSerializer},
        responses={201: SignatureSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, entry_id):
        entry = get_signable_document(request.user, entry_id)
        uploaded = self.valid(CadesSerializer).get("signature")
        if uploaded is None:
            raise DomainError("Прикрепите файл подписи (.sig).", field="signature")
        if uploaded.size > signing.MAX_SIGNATURE_BYTES * 2:
            raise DomainError("Файл подписи слишком большой: это не подпись.", field="signature")
        uploaded.seek(0)
        data = uploaded.read(signing.MAX_SIGNATURE_BYTES * 2 + 1)
        signature = signing.submit_cades_signature(
            request.user, entry, data, ip=client_ip(request), user_agent=user_agent(request)
        )
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class SignatureFileView(ApiView):
    permission_classes = [IsPortalUser]
    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(
        tags=["Подписание"],
        summary="Скачать подпись",
        description="УКЭП — файл .sig (DER), ПЭП — квитанция XML, подписанная платформой.",
        parameters=[SIGNATURE_ID],
        responses={(200, "application/octet-stream"): BINARY, **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request, signature_id):
        signature = get_signature(request.user, signature_id)
        signing.signature_for_download(request.user, signature, ip=client_ip(request))
        return file_download_response(signature.file.name, signature.download_name)
