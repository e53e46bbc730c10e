"""The platform API on the public host (operators): a token after password + TOTP,
then grid companies: list, create, suspend, resume. Same services and form as the
operator console (tenants.services, tenants.forms.CompanyCreateForm)."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from tenants import operator_auth, selectors
from tenants import services as platform_services
from tenants.forms import CompanyCreateForm
from tenants.provisioning import ProvisioningError

from .authentication import OperatorTokenAuthentication
from .docs import errors
from .exceptions import error_body, validation_response
from .throttling import ApiRateThrottle, OperatorLoginThrottle
from .tokens import issue_operator_token
from .views import ApiView


class IsOperator(BasePermission):
    message = "Доступно только оператору платформы."

    def has_permission(self, request, view):
        return platform_services.is_operator(request.user)


class OperatorView(ApiView):
    authentication_classes = [OperatorTokenAuthentication]
    permission_classes = [IsOperator]
    throttle_classes = [ApiRateThrottle]


# --- Serializers (only the platform uses them) ----------


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    code = serializers.CharField(max_length=16, help_text="Код из приложения-аутентификатора")


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Показывается один раз; передавайте в Authorization: Bearer."
    )
    expires_at = serializers.DateTimeField()


class CompanySerializer(serializers.Serializer):
    subdomain = serializers.CharField()
    name = serializers.CharField()
    schema_name = serializers.CharField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    domains = serializers.SerializerMethodField()

    def get_domains(self, company) -> list[str]:
        return [d.domain for d in company.domains.all()]


class CompanyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=1000)
    subdomain = serializers.CharField(allow_blank=True, max_length=1000)
    admin_email = serializers.CharField(allow_blank=True, max_length=1000)
    admin_last_name = serializers.CharField(allow_blank=True, max_length=1000)
    admin_first_name = serializers.CharField(allow_blank=True, max_length=1000)
    admin_middle_name = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    inn = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    ogrn = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    kpp = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    address = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    phone = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    email = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    notification_emails = serializers.CharField(allow_blank=True, required=False)
    extra_domain = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    primary_color = serializers.CharField(allow_blank=True, required=False, max_length=100)


class CompanyCreatedSerializer(serializers.Serializer):
    company = CompanySerializer()
    admin_email = serializers.EmailField(help_text="Администратору отправлено приглашение.")


# --- Token ----------


class OperatorTokenView(ApiView):
    """No token without the second factor: the password goes through django-axes
    (lockout), the TOTP code through django-otp (growing delays after failures)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [OperatorLoginThrottle]

    @extend_schema(
        tags=["Платформа"],
        summary="Получить токен оператора (пароль + код TOTP)",
        description=(
            "Токен действует несколько часов (API_OPERATOR_TOKEN_SECONDS) и отзывается сменой "
            "пароля или переподключением приложения-аутентификатора. Приложение подключается "
            "при первом входе в консоль оператора."
        ),
        request=TokenRequestSerializer,
        responses={201: TokenIssuedSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request):
        data = self.valid(TokenRequestSerializer)
        django_request = request._request
        user = operator_auth.check_password(django_request, data["email"], data["password"])
        if operator_auth.take_lockout(django_request):
            return Response(
                error_body(
                    "locked",
                    "Слишком много неудачных попыток входа. Повторите попытку через 15 минут.",
                ),
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        refused = Response(
            error_body("invalid_credentials", "Неверный email, пароль или код."), status=400
        )
        if user is None:
            return refused
        device = operator_auth.confirmed_device(user)
        if device is None:
            return Response(
                error_body(
                    "totp_not_enrolled",
                    "Сначала войдите в консоль оператора и подключите приложение-аутентификатор.",
                ),
                status=400,
            )
        if not operator_auth.verify_code(device, data["code"]):
            return refused
        issued = issue_operator_token(user, device)
        platform_services.record(
            user, "api_token_issued", "Выдан токен API", ip=operator_auth.client_ip(django_request)
        )
        return Response(
            {"token": issued.secret, "expires_at": issued.expires_at},
            status=status.HTTP_201_CREATED,
        )


# --- Companies ----------


SUBDOMAIN = OpenApiParameter("subdomain", str, OpenApiParameter.PATH)


def company_or_404(subdomain):
    company = selectors.get_company(subdomain)
    if company is None:
        raise NotFound("Сетевая организация не найдена.")
    return company


class CompanyListView(OperatorView):
    @extend_schema(
        tags=["Платформа"],
        summary="Сетевые организации",
        parameters=[
            OpenApiParameter("cursor", str, description="Курсор страницы"),
            OpenApiParameter("page_size", int, description="Размер страницы, до 100"),
        ],
        responses={200: CompanySerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request):
        companies = selectors.grid_companies().prefetch_related("domains")
        return self.paginated(companies, CompanySerializer, ordering=("id",))

    @extend_schema(
        tags=["Платформа"],
        summary="Подключить сетевую организацию",
        description=(
            "Создаёт схему (клон шаблона), домен <поддомен>.<PLATFORM_DOMAIN>, настройки и "
            "администратора, которому уходит приглашение. При любой ошибке не создаётся ничего."
        ),
        request=CompanyCreateSerializer,
        responses={201: CompanyCreatedSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request):
        data = self.valid(CompanyCreateSerializer)
        data.setdefault("primary_color", "#1f5fa8")
        form = CompanyCreateForm(data)
        if not form.is_valid():
            return validation_response({k: list(v) for k, v in form.errors.items()})
        try:
            company, admin = platform_services.create_grid_company(
                request.user,
                form.new_company(),
                ip=operator_auth.client_ip(request._request),
            )
        except ValidationError as exc:
            return validation_response(
                exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            )
        except ProvisioningError as exc:
            return Response(error_body("provisioning_failed", str(exc)), status=400)
        return Response(
            {"company": CompanySerializer(company).data, "admin_email": admin.email},
            status=status.HTTP_201_CREATED,
        )


class CompanyDetailView(OperatorView):
    @extend_schema(
        tags=["Платформа"],
        summary="Сетевая организация",
        parameters=[SUBDOMAIN],
        responses={200: CompanySerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request, subdomain):
        return Response(CompanySerializer(company_or_404(subdomain)).data)


class CompanySuspendView(OperatorView):
    @extend_schema(
        tags=["Платформа"],
        summary="Приостановить работу личного кабинета",
        description="Адреса компании показывают «временно недоступен»; данные сохраняются.",
        parameters=[SUBDOMAIN],
        request=None,
        responses={200: CompanySerializer, **errors(401, 403, 404, 429)},
    )
    def post(self, request, subdomain):
        company = platform_services.suspend_company(
            request.user, company_or_404(subdomain), ip=operator_auth.client_ip(request._request)
        )
        return Response(CompanySerializer(company).data)


class CompanyResumeView(OperatorView):
    @extend_schema(
        tags=["Платформа"],
        summary="Возобновить работу личного кабинета",
        parameters=[SUBDOMAIN],
        request=None,
        responses={200: CompanySerializer, **errors(401, 403, 404, 429)},
    )
    def post(self, request, subdomain):
        company = platform_services.resume_company(
            request.user, company_or_404(subdomain), ip=operator_auth.client_ip(request._request)
        )
        return Response(CompanySerializer(company).data)
