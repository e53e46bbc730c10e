"""Forms of the operator console: they parse input; the rules are in tenants.services."""

from django import forms
from django.core.exceptions import ValidationError

from .provisioning import CompanyAdmin
from .services import NewCompany, Requisites, clean_new_company, clean_requisites

REQUIRED = {"required": "Заполните это поле."}


def _text(label, *, required=False, max_length=255, **attrs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={**REQUIRED, "max_length": "Не более %(limit_value)d символов."},
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


class ServiceErrorsMixin:
    """Puts a service's ValidationError next to the fields it names."""

    def add_service_error(self, exc):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)
                elif field not in self.fields:
                    self.add_error(None, errors)
        else:
            self.add_error(None, exc.messages)


class OperatorLoginForm(forms.Form):
    # Named `login` like the tenant login form: django-axes reads that field.
    login = forms.EmailField(
        label="Email",
        error_messages={**REQUIRED, "invalid": "Введите правильный адрес электронной почты."},
    )
    password = forms.CharField(label="Пароль", widget=forms.PasswordInput, error_messages=REQUIRED)


class OtpCodeForm(forms.Form):
    code = forms.RegexField(
        label="Код из приложения",
        regex=r"^\s*\d{6}\s*$",
        error_messages={**REQUIRED, "invalid": "Код состоит из 6 цифр."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class RequisitesForm(ServiceErrorsMixin, forms.Form):
    name = _text("Наименование", required=True)
    inn = _text("ИНН", max_length=12, inputmode="numeric")
    ogrn = _text("ОГРН", max_length=13, inputmode="numeric")
    kpp = _text("КПП", max_length=9)
    address = _text("Адрес", max_length=500)
    phone = _text("Телефон", max_length=50)
    email = _text("Email для связи", max_length=254)
    notification_emails = forms.CharField(
        label="Адреса для уведомлений",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="По одному адресу в строке.",
    )

    def clean(self):
        """All the service's complaints at once, next to their fields."""
        data = super().clean()
        if type(self) is RequisitesForm:
            try:
                clean_requisites(self.requisites())
            except ValidationError as exc:
                self.add_service_error(exc)
        return data

    def requisites(self) -> Requisites:
        data = self.cleaned_data
        return Requisites(**{k: data.get(k, "") or "" for k in Requisites.__dataclass_fields__})


class AdminForm(ServiceErrorsMixin, forms.Form):
    admin_email = _text("Email администратора", required=True, max_length=254)
    admin_last_name = _text("Фамилия", required=True, max_length=100)
    admin_first_name = _text("Имя", required=True, max_length=100)
    admin_middle_name = _text("Отчество", max_length=100)

    def admin(self) -> CompanyAdmin:
        data = self.cleaned_data
        return CompanyAdmin(
            email=data.get("admin_email", ""),
            last_name=data.get("admin_last_name", ""),
            first_name=data.get("admin_first_name", ""),
            middle_name=data.get("admin_middle_name", ""),
        )


class BrandingForm(ServiceErrorsMixin, forms.Form):
    primary_color = forms.CharField(
        label="Основной цвет",
        initial="#1f5fa8",
        max_length=7,
        error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo = forms.FileField(
        label="Логотип",
        required=False,
        help_text="PNG, JPEG, SVG, GIF или WebP, не более 1 МБ.",
        error_messages={"empty": "Файл пуст.", "invalid": "Выберите файл."},
    )
    remove_logo = forms.BooleanField(label="Удалить логотип", required=False)


class CompanyCreateForm(RequisitesForm, AdminForm, BrandingForm):
    subdomain = _text("Поддомен", required=True, max_length=40, autocapitalize="none")
    extra_domain = _text("Дополнительный домен", max_length=253, placeholder="lk.company.ru")

    field_order = [
        "name", "inn", "ogrn", "kpp", "address", "phone", "email", "notification_emails",
        "subdomain", "extra_domain",
        "admin_email", "admin_last_name", "admin_first_name", "admin_middle_name",
        "primary_color", "logo",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["remove_logo"]

    def clean(self):
        data = super().clean()
        try:
            clean_new_company(self.new_company(), data.get("logo"))
        except ValidationError as exc:
            self.add_service_error(exc)
        return data

    def new_company(self) -> NewCompany:
        data = self.cleaned_data
        return NewCompany(
            requisites=self.requisites(),
            subdomain=data.get("subdomain", ""),
            admin=self.admin(),
            extra_domain=data.get("extra_domain", "") or "",
            primary_color=data.get("primary_color", "") or "",
        )


class DomainForm(ServiceErrorsMixin, forms.Form):
    domain = _text("Домен", required=True, max_length=253, placeholder="lk.company.ru")


class DeleteForm(ServiceErrorsMixin, forms.Form):
    confirmation = _text(
        "Поддомен для подтверждения", required=True, max_length=40, autocomplete="off"
    )
