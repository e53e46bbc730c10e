"""Validation of an applicant's data, shared by registration, «Данные» and the API.

Each legal form has exactly its own fields; identifiers are checked with their
check digits (core.identifiers). Messages are Russian and land next to their field.
"""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from core import identifiers
from core.models import LegalForm

from .models import User

IDENTIFIER_FIELDS = {
    LegalForm.INDIVIDUAL: ("snils",),
    LegalForm.ENTREPRENEUR: ("ip_inn", "ip_ogrnip"),
    LegalForm.LEGAL_ENTITY: ("ul_inn", "ul_ogrn", "ul_kpp", "ul_organization_name"),
}
REQUIRED = "Обязательное поле."


class ApplicantDataForm(forms.Form):
    """The registration data without passwords and consents (also «Данные»)."""

    legal_form = forms.ChoiceField(
        label="Правовая форма", choices=LegalForm.choices, initial=LegalForm.INDIVIDUAL
    )
    snils = forms.CharField(label="СНИЛС", required=False, max_length=20)
    ip_inn = forms.CharField(label="ИНН", required=False, max_length=20)
    ip_ogrnip = forms.CharField(label="ОГРНИП", required=False, max_length=20)
    ul_inn = forms.CharField(label="ИНН", required=False, max_length=20)
    ul_ogrn = forms.CharField(label="ОГРН", required=False, max_length=20)
    ul_kpp = forms.CharField(label="КПП", required=False, max_length=20)
    ul_organization_name = forms.CharField(
        label="Наименование организации", required=False, max_length=500
    )
    last_name = forms.CharField(label="Фамилия", max_length=100, required=False)
    first_name = forms.CharField(label="Имя", max_length=100, required=False)
    middle_name = forms.CharField(label="Отчество", max_length=100, required=False)
    email = forms.CharField(label="Email", max_length=254, required=False)
    phone = forms.CharField(label="Сотовый телефон", max_length=30, required=False)

    def __init__(self, *args, user: User | None = None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    # Field cleaners: each returns the normalised value or raises a Russian message.
    def clean_last_name(self):
        return identifiers.validate_person_name_part(
            self.cleaned_data["last_name"], field_label="Фамилия"
        )

    def clean_first_name(self):
        return identifiers.validate_person_name_part(
            self.cleaned_data["first_name"], field_label="Имя"
        )

    def clean_middle_name(self):
        return identifiers.validate_person_name_part(
            self.cleaned_data["middle_name"], field_label="Отчество", required=False
        )

    def clean_email(self):
        value = (self.cleaned_data["email"] or "").strip().lower()
        if not value:
            raise ValidationError("Укажите email.", code="required")
        try:
            forms.EmailField().clean(value)
        except ValidationError:
            raise ValidationError("Введите правильный адрес электронной почты.") from None
        others = User.objects.filter(email__iexact=value)
        if self.user is not None:
            others = others.exclude(pk=self.user.pk)
        if others.exists():
            raise ValidationError(
                "Пользователь с таким email уже зарегистрирован. Войдите или восстановите пароль.",
                code="duplicate",
            )
        return value

    def clean_phone(self):
        return identifiers.normalise_mobile_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        legal_form = data.get("legal_form")
        validators = {
            "snils": identifiers.validate_snils,
            "ip_inn": identifiers.validate_inn_individual,
            "ip_ogrnip": identifiers.validate_ogrnip,
            "ul_inn": identifiers.validate_inn_legal,
            "ul_ogrn": identifiers.validate_ogrn,
            "ul_kpp": identifiers.validate_kpp,
        }
        for name in IDENTIFIER_FIELDS.get(legal_form, ()):
            value = (self.data.get(self.add_prefix(name)) or "").strip()
            if name == "ul_organization_name":
                if not value:
                    self.add_error(name, "Укажите наименование организации.")
                else:
                    data[name] = " ".join(value.split())
                continue
            try:
                data[name] = validators[name](value)
            except ValidationError as exc:
                self.add_error(name, exc)
        return data

    def profile_values(self) -> dict:
        """The cleaned data as the model stores it (one set of identifiers)."""
        d = self.cleaned_data
        legal_form = d["legal_form"]
        values = {
            "legal_form": legal_form,
            "snils": "",
            "inn": "",
            "ogrn": "",
            "kpp": "",
            "organization_name": "",
        }
        if legal_form == LegalForm.INDIVIDUAL:
            values["snils"] = d["snils"]
        elif legal_form == LegalForm.ENTREPRENEUR:
            values.update(inn=d["ip_inn"], ogrn=d["ip_ogrnip"])
        else:
            values.update(
                inn=d["ul_inn"],
                ogrn=d["ul_ogrn"],
                kpp=d["ul_kpp"],
                organization_name=d["ul_organization_name"],
            )
        return values

    def user_values(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("last_name", "first_name", "middle_name", "email", "phone")}

    @classmethod
    def initial_for(cls, user: User) -> dict:
        profile = user.applicant_profile
        initial = {
            "legal_form": profile.legal_form,
            "last_name": user.last_name,
            "first_name": user.first_name,
            "middle_name": user.middle_name,
            "email": user.email,
            "phone": identifiers.format_phone_display(user.phone),
        }
        if profile.legal_form == LegalForm.INDIVIDUAL:
            initial["snils"] = profile.snils
        elif profile.legal_form == LegalForm.ENTREPRENEUR:
            initial.update(ip_inn=profile.inn, ip_ogrnip=profile.ogrn)
        else:
            initial.update(
                ul_inn=profile.inn,
                ul_ogrn=profile.ogrn,
                ul_kpp=profile.kpp,
                ul_organization_name=profile.organization_name,
            )
        return initial


class RegistrationForm(ApplicantDataForm):
    password1 = forms.CharField(label="Пароль", widget=forms.PasswordInput, required=False)
    password2 = forms.CharField(
        label="Подтвердите пароль", widget=forms.PasswordInput, required=False
    )
    personal_data_consent = forms.BooleanField(
        label="Я согласен с условиями по обработке персональных данных",
        required=True,
        error_messages={"required": "Необходимо согласие на обработку персональных данных."},
    )
    pep_agreement = forms.BooleanField(
        label="Я принимаю соглашение об использовании простой электронной подписи",
        required=False,
    )

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if not password1:
            self.add_error("password1", "Введите пароль.")
        elif password1 != password2:
            self.add_error("password2", "Пароли не совпадают.")
        else:
            probe = User(
                email=data.get("email") or "",
                last_name=data.get("last_name") or "",
                first_name=data.get("first_name") or "",
            )
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data
