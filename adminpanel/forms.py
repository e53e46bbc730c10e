"""Console forms: validation of what staff type; services apply the rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core import identifiers
from core.models import Case

HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


class InboxFilterForm(forms.Form):
    q = forms.CharField(label="Поиск", required=False, max_length=200)
    status = forms.CharField(label="Статус", required=False, max_length=255)
    kind = forms.ChoiceField(
        label="Тип заявки", required=False, choices=[("", "Все")] + list(Case.Kind.choices)
    )
    without_number = forms.BooleanField(label="Без регистрационного номера", required=False)
    unsigned = forms.BooleanField(label="Есть неподписанные документы", required=False)
    date_from = forms.DateField(label="Создано с", required=False)
    date_to = forms.DateField(label="по", required=False)
    sort = forms.ChoiceField(
        label="Сортировка",
        required=False,
        choices=[
            ("activity", "По последнему действию"),
            ("created", "Сначала новые"),
            ("created_asc", "Сначала старые"),
            ("number", "По регистрационному номеру"),
            ("status", "По статусу"),
        ],
    )


class CompanySettingsForm(forms.Form):
    company_name = forms.CharField(label="Наименование", max_length=255)
    inn = forms.CharField(label="ИНН", max_length=20, required=False)
    ogrn = forms.CharField(label="ОГРН", max_length=20, required=False)
    kpp = forms.CharField(label="КПП", max_length=20, required=False)
    address = forms.CharField(label="Адрес", max_length=500, required=False)
    phone = forms.CharField(label="Телефон", max_length=50, required=False)
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={"invalid": "Введите правильный адрес электронной почты."},
    )
    notification_emails = forms.CharField(
        label="Адреса для уведомлений (по одному в строке)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Сюда приходят уведомления о новых пользователях, обращениях и действиях заявителей."
        ),
    )
    application_forms_url = forms.URLField(
        label="Ссылка на страницу, содержащую формы заявок на технологическое присоединение",
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Введите правильную ссылку (например, https://example.ru/forms)."
        },
    )
    primary_color = forms.RegexField(
        label="Основной цвет",
        regex=HEX_COLOUR,
        error_messages={"invalid": "Цвет в формате #RRGGBB, например #1f5fa8."},
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo = forms.ImageField(
        label="Логотип",
        required=False,
        error_messages={"invalid_image": "Загрузите изображение (PNG или JPG)."},
    )
    answer_due_working_days = forms.IntegerField(
        label="Срок ответа заявителю, рабочих дней", min_value=1, max_value=60
    )
    accept_staff_personal_certificates = forms.BooleanField(
        label="Принимать личные сертификаты сотрудников при подписании документов",
        required=False,
        help_text="Если выключено, сетевая организация подписывает только сертификатом с её ИНН.",
    )
    pep_agreement_text = forms.CharField(
        label="Соглашение об использовании простой электронной подписи",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    personal_data_text = forms.CharField(
        label="Условия обработки персональных данных",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_inn(self):
        value = self.cleaned_data["inn"].strip()
        return identifiers.validate_inn_legal(value) if value else ""

    def clean_ogrn(self):
        value = self.cleaned_data["ogrn"].strip()
        return identifiers.validate_ogrn(value) if value else ""

    def clean_kpp(self):
        value = self.cleaned_data["kpp"].strip()
        return identifiers.validate_kpp(value) if value else ""

    def clean_notification_emails(self):
        lines = [line.strip() for line in self.cleaned_data["notification_emails"].splitlines()]
        addresses = [line for line in lines if line]
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(f"Неверный адрес: {address}") from None
        return "\n".join(addresses)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > 2 * 1024 * 1024:
            raise ValidationError("Логотип не больше 2 MB.")
        return logo


class StaffInviteForm(forms.Form):
    email = forms.EmailField(
        label="Email", error_messages={"invalid": "Введите правильный адрес электронной почты."}
    )
    last_name = forms.CharField(label="Фамилия", max_length=100, required=False)
    first_name = forms.CharField(label="Имя", max_length=100, required=False)
    middle_name = forms.CharField(label="Отчество", max_length=100, required=False)
    is_admin = forms.BooleanField(label="Администратор ЛК", required=False)
