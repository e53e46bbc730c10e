"""Shapes of the API's requests and responses.

Serializers parse and describe; they hold no rules. Applicant data is validated by
core.accounts.forms.ApplicantDataForm (the same as registration and «Данные»), the
company's settings by adminpanel.forms.CompanySettingsForm; everything else by the
services, whose DomainError names the field.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.events import EVENTS
from core.models import Case, CaseEntry, CatalogueEntry, LegalForm

from .models import ApiToken, WebhookDelivery, WebhookEndpoint

# --- Errors ----------


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Код ошибки для программ: invalid, not_found, …")
    detail = serializers.CharField(help_text="Сообщение для человека (по-русски).")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Ошибки по полям: имя поля → сообщения. `__all__` — ошибка всего запроса.",
    )


# --- Who am I ----------


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    role = serializers.ChoiceField(choices=["applicant", "staff"])
    is_company_admin = serializers.BooleanField()
    company = serializers.CharField(help_text="Наименование сетевой организации.")


# --- Applicant profile ----------


class ProfileSerializer(serializers.Serializer):
    """The fields of «Данные», named as in the registration form: a ФЛ sends `snils`,
    an ИП `ip_inn` and `ip_ogrnip`, a ЮЛ `ul_inn`, `ul_ogrn`, `ul_kpp`,
    `ul_organization_name`."""

    legal_form = serializers.ChoiceField(choices=LegalForm.choices)
    last_name = serializers.CharField(allow_blank=True)
    first_name = serializers.CharField(allow_blank=True)
    middle_name = serializers.CharField(allow_blank=True, required=False)
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    snils = serializers.CharField(allow_blank=True, required=False)
    ip_inn = serializers.CharField(allow_blank=True, required=False)
    ip_ogrnip = serializers.CharField(allow_blank=True, required=False)
    ul_inn = serializers.CharField(allow_blank=True, required=False)
    ul_ogrn = serializers.CharField(allow_blank=True, required=False)
    ul_kpp = serializers.CharField(allow_blank=True, required=False)
    ul_organization_name = serializers.CharField(allow_blank=True, required=False)


class ProfileOutSerializer(ProfileSerializer):
    identifiers_line = serializers.CharField(read_only=True)
    pending_email = serializers.CharField(
        read_only=True, help_text="Новый email, ожидающий подтверждения по ссылке из письма."
    )


class ProfileUpdateResultSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.CharField())
    profile = ProfileOutSerializer()


# --- Cases and their timelines ----------


class ApplicantBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    identifiers_line = serializers.SerializerMethodField()

    def get_identifiers_line(self, user) -> str:
        profile = getattr(user, "applicant_profile", None)
        return profile.identifiers_line if profile else ""


class CaseSerializer(serializers.ModelSerializer):
    is_draft = serializers.BooleanField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "status",
            "registration_number",
            "is_draft",
            "created_at",
            "sent_at",
            "last_activity_at",
        ]
        read_only_fields = fields


class StaffCaseSerializer(CaseSerializer):
    applicant = ApplicantBriefSerializer(read_only=True)
    unseen_by_company = serializers.BooleanField(read_only=True)
    awaiting_company_since = serializers.DateTimeField(read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "applicant",
            "unseen_by_company",
            "awaiting_company_since",
        ]
        read_only_fields = fields


class OpenDraftSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Case.Kind.choices,
        help_text="Тип обращения. Черновик каждого типа один: повторный вызов вернёт его же.",
    )


class RetitleSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, max_length=1000)


class StatusNumberSerializer(serializers.Serializer):
    status = serializers.CharField(
        allow_blank=True, max_length=1000, help_text="Из справочника статусов или свой текст."
    )
    registration_number = serializers.CharField(allow_blank=True, required=False, max_length=1000)


class StatusNumberResultSerializer(serializers.Serializer):
    changes = serializers.ListField(child=serializers.CharField())
    case = StaffCaseSerializer()


class SignatureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    side = serializers.CharField()
    method = serializers.CharField()
    signer_name = serializers.CharField()
    signed_at = serializers.DateTimeField()
    document_sha256 = serializers.CharField()
    verification_result = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, signature) -> str:
        return f"/api/v1/signatures/{signature.pk}/file/"


class EntrySerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()

    class Meta:
        model = CaseEntry
        fields = [
            "id",
            "case",
            "kind",
            "side",
            "created_at",
            "title",
            "file_name",
            "file_size",
            "sha256",
            "content_type",
            "comment",
            "requires_two_sided_signature",
            "body",
            "download_url",
            "signatures",
        ]
        read_only_fields = fields

    def get_download_url(self, entry) -> str | None:
        if entry.kind != CaseEntry.Kind.DOCUMENT:
            return None
        return f"/api/v1/entries/{entry.pk}/file/"

    @extend_schema_field(SignatureSerializer(many=True))
    def get_signatures(self, entry):
        if not entry.requires_two_sided_signature:
            return []
        return SignatureSerializer(entry.signatures.all(), many=True).data


class DocumentUploadSerializer(serializers.Serializer):
    title = serializers.CharField(
        allow_blank=True, max_length=1000, help_text="Из справочника названий или свой текст."
    )
    file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        use_url=False,
        help_text="До 50 MB: PDF, DOC, DOCX, XLS, XLSX, ODT, RTF, JPG, PNG, TIFF, ZIP, 7Z, SIG.",
    )
    comment = serializers.CharField(allow_blank=True, required=False, max_length=10000)
    requires_two_sided_signature = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Только для сетевой организации: документ подписывают обе стороны.",
    )


class MessageSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True, max_length=100000, help_text="Текст или HTML (очищается)."
    )


class ProgressSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True, max_length=1000, help_text="Например «Ведется проектирование»."
    )


# --- Signing ----------


class SmsCodeSentSerializer(serializers.Serializer):
    phone = serializers.CharField(help_text="Телефон, на который отправлен код (маска).")
    expires_at = serializers.DateTimeField()


class SmsConfirmSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True, max_length=100)


class CadesSerializer(serializers.Serializer):
    signature = serializers.FileField(
        required=False,
        allow_empty_file=True,
        use_url=False,
        help_text="Откреплённая подпись CAdES-BES (.sig, DER или Base64).",
    )


# --- Catalogues, settings, texts, staff ----------


class CatalogueEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueEntry
        fields = ["id", "kind", "title", "position", "is_retired"]
        read_only_fields = fields


class CatalogueAddSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, max_length=1000)


class CatalogueChangeSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, max_length=1000, required=False)
    is_retired = serializers.BooleanField(required=False)


class CatalogueMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[("up", "Выше"), ("down", "Ниже")])


class TextsSerializer(serializers.Serializer):
    login_text = serializers.CharField(allow_blank=True, required=False)
    info_text = serializers.CharField(allow_blank=True, required=False)
    help_text = serializers.CharField(allow_blank=True, required=False)


class CompanySettingsSerializer(serializers.Serializer):
    """«Данные и настройки» (without the logo). Validated by the console's form."""

    company_name = serializers.CharField(allow_blank=True, required=False)
    inn = serializers.CharField(allow_blank=True, required=False)
    ogrn = serializers.CharField(allow_blank=True, required=False)
    kpp = serializers.CharField(allow_blank=True, required=False)
    address = serializers.CharField(allow_blank=True, required=False)
    phone = serializers.CharField(allow_blank=True, required=False)
    email = serializers.CharField(allow_blank=True, required=False)
    notification_emails = serializers.CharField(allow_blank=True, required=False)
    application_forms_url = serializers.CharField(allow_blank=True, required=False)
    primary_color = serializers.CharField(allow_blank=True, required=False)
    answer_due_working_days = serializers.IntegerField(required=False)
    pep_agreement_text = serializers.CharField(allow_blank=True, required=False)
    personal_data_text = serializers.CharField(allow_blank=True, required=False)


class SettingsResultSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.CharField())
    settings = CompanySettingsSerializer()


class StaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    middle_name = serializers.CharField()
    is_company_admin = serializers.BooleanField()
    is_active = serializers.BooleanField()
    invited = serializers.SerializerMethodField(help_text="Пароль ещё не установлен.")

    def get_invited(self, user) -> bool:
        return not user.has_usable_password()


class StaffInviteSerializer(serializers.Serializer):
    email = serializers.CharField(allow_blank=True, max_length=1000)
    last_name = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    first_name = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    middle_name = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    is_admin = serializers.BooleanField(required=False, default=False)


# --- Webhooks ----------


EVENT_CHOICES = list(EVENTS.items())


class WebhookEndpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "created_at"]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text="Секрет подписи HMAC-SHA256. Показывается один раз — сохраните его."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInSerializer(serializers.Serializer):
    url = serializers.CharField(allow_blank=True, max_length=2000)
    description = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), allow_empty=True
    )
    is_active = serializers.BooleanField(required=False, default=True)


class WebhookEndpointChangeSerializer(serializers.Serializer):
    url = serializers.CharField(allow_blank=True, max_length=2000, required=False)
    description = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), allow_empty=True, required=False
    )
    is_active = serializers.BooleanField(required=False)
    rotate_secret = serializers.BooleanField(
        required=False, default=False, help_text="Выдать новый секрет (старый перестанет работать)."
    )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event",
            "payload",
            "status",
            "attempts",
            "last_status_code",
            "response_excerpt",
            "last_error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "created_at", "last_used_at"]
        read_only_fields = fields
