"""Tests for core.identifiers: Russian identifiers, ФИО parts and mobile numbers.

Runs without Django settings (``-p no:django``): the module must not need them.
Valid numbers are real published ones where available (Сбербанк's ИНН/ОГРН/КПП) and
are cross-checked against python-stdnum where it covers them, so the examples are not
guesses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from core.identifiers import (
    format_phone_display,
    format_snils,
    normalise_mobile_phone,
    validate_inn_individual,
    validate_inn_legal,
    validate_kpp,
    validate_ogrn,
    validate_ogrnip,
    validate_person_name_part,
    validate_snils,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _error(func, value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        func(value, **kwargs)
    return excinfo.value


def _assert_fails(func, value, message: str, code: str, **kwargs) -> None:
    error = _error(func, value, **kwargs)
    assert error.code == code
    assert error.messages == [message]


def _snils_weighted_sum(number9: str) -> int:
    return sum(int(d) * w for d, w in zip(number9, range(9, 0, -1)))


# ---------------------------------------------------------------------------------
# Module-level behaviour
# ---------------------------------------------------------------------------------


def _run_without_django_settings(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with no Django settings module.

    A subprocess keeps ``settings.configure()`` out of the pytest process, where it
    would clash with other tests (or pytest-django) configuring settings.
    """
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONIOENCODING"] = "utf-8"  # Russian output even under a C locale
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        encoding="utf-8",
        check=False,
    )


def test_module_imports_and_validates_without_django_settings():
    result = _run_without_django_settings(
        "from django.conf import settings\n"
        "import core.identifiers as m\n"
        "assert not settings.configured\n"
        "try:\n"
        "    m.validate_inn_legal('7707083894')\n"
        "except m.ValidationError as e:\n"
        "    print(e.code)\n"
        "print(m.validate_inn_legal('7707083893'))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["invalid_checksum", "7707083893"]


def test_errors_work_as_django_form_field_validators():
    result = _run_without_django_settings(
        "from django.conf import settings\n"
        "settings.configure(USE_I18N=False)\n"
        "import django\n"
        "django.setup()\n"
        "from django import forms\n"
        "from core.identifiers import validate_inn_legal\n"
        "class F(forms.Form):\n"
        "    inn = forms.CharField(validators=[validate_inn_legal])\n"
        "f = F(data={'inn': '7707083894'})\n"
        "assert not f.is_valid()\n"
        "print(f.errors.as_data()['inn'][0].code)\n"
        "print(f.errors['inn'][0])\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["invalid_checksum", "Неверное контрольное число ИНН."]


# ---------------------------------------------------------------------------------
# СНИЛС
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("049-114-804-49", "049-114-804-49"),
        ("04911480449", "049-114-804-49"),
        ("049 114 804 49", "049-114-804-49"),
        ("  049-114-804 49 ", "049-114-804-49"),
        ("112-233-445 95", "112-233-445-95"),
        ("112\u00a0233\u00a0445\u00a095", "112-233-445-95"),
    ],
)
def test_snils_valid_is_returned_in_display_form(value, expected):
    assert validate_snils(value) == expected


@pytest.mark.parametrize(
    ("number9", "weighted_sum"),
    [
        ("112233445", 95),  # sum < 100: check number is the sum
        ("100356355", 100),  # sum 100 -> 00
        ("100079190", 101),  # sum 101 -> 00
        ("106897449", 201),  # 201 mod 101 = 100 -> 00
        ("049114804", 150),  # 150 mod 101 = 49
    ],
)
def test_snils_check_number_follows_pension_fund_rules(number9, weighted_sum):
    assert _snils_weighted_sum(number9) == weighted_sum
    if weighted_sum < 100:
        check = weighted_sum
    elif weighted_sum in (100, 101):
        check = 0
    else:
        check = weighted_sum % 101 % 100
    value = f"{number9}{check:02d}"
    assert validate_snils(value) == format_snils(value)
    wrong = f"{number9}{(check + 1) % 100:02d}"
    _assert_fails(validate_snils, wrong, "Неверное контрольное число СНИЛС.", "invalid_checksum")


@pytest.mark.parametrize("value", ["001-001-998 00", "001-001-998 77", "000-000-001 99"])
def test_snils_up_to_001_001_998_is_not_checksum_validated(value):
    assert validate_snils(value) == value.replace(" ", "-")


def test_snils_above_001_001_998_is_checksum_validated():
    # 001-001-999: weighted sum 65.
    assert validate_snils("00100199965") == "001-001-999-65"
    _assert_fails(
        validate_snils, "00100199900", "Неверное контрольное число СНИЛС.", "invalid_checksum"
    )


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        ("", "Заполните поле СНИЛС.", "required"),
        ("   ", "Заполните поле СНИЛС.", "required"),
        (None, "Заполните поле СНИЛС.", "required"),
        ("049-114-804-4A", "СНИЛС должен состоять только из цифр.", "invalid_characters"),
        ("049/114/804/49", "СНИЛС должен состоять только из цифр.", "invalid_characters"),
        ("０49-114-804-49", "СНИЛС должен состоять только из цифр.", "invalid_characters"),
        ("049-114-804-4", "СНИЛС должен содержать 11 цифр.", "invalid_length"),
        ("049-114-804-490", "СНИЛС должен содержать 11 цифр.", "invalid_length"),
        ("049-114-804-48", "Неверное контрольное число СНИЛС.", "invalid_checksum"),
        ("112-233-445 96", "Неверное контрольное число СНИЛС.", "invalid_checksum"),
    ],
)
def test_snils_invalid_fails_with_specific_message_and_code(value, message, code):
    _assert_fails(validate_snils, value, message, code)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04911480449", "049-114-804-49"),
        ("049 114 804 49", "049-114-804-49"),
        ("12345", "12345"),
        (" не указан ", "не указан"),
        (None, ""),
    ],
)
def test_format_snils_formats_11_digits_and_leaves_anything_else(value, expected):
    assert format_snils(value) == expected


# ---------------------------------------------------------------------------------
# ИНН
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["7707083893", "7736050003"])
def test_inn_legal_valid_passes(value):
    assert stdnum_inn.is_valid(value)
    assert validate_inn_legal(value) == value


def test_inn_legal_strips_separators():
    assert validate_inn_legal(" 7707 083 893 ") == "7707083893"


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        ("", "Заполните поле ИНН.", "required"),
        (None, "Заполните поле ИНН.", "required"),
        ("77070838ЗЗ", "ИНН должен состоять только из цифр.", "invalid_characters"),
        ("7707O83893", "ИНН должен состоять только из цифр.", "invalid_characters"),
        ("770708389", "ИНН юридического лица должен содержать 10 цифр.", "invalid_length"),
        ("500100732259", "ИНН юридического лица должен содержать 10 цифр.", "invalid_length"),
        ("7707083894", "Неверное контрольное число ИНН.", "invalid_checksum"),
    ],
)
def test_inn_legal_invalid_fails_with_specific_message_and_code(value, message, code):
    _assert_fails(validate_inn_legal, value, message, code)


@pytest.mark.parametrize("value", ["500100732259", "123456789047"])
def test_inn_individual_valid_passes(value):
    assert stdnum_inn.is_valid(value)
    assert validate_inn_individual(value) == value


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        ("", "Заполните поле ИНН.", "required"),
        ("50010073225x", "ИНН должен состоять только из цифр.", "invalid_characters"),
        (
            "7707083893",
            "ИНН индивидуального предпринимателя должен содержать 12 цифр.",
            "invalid_length",
        ),
        # The first check digit wrong, then only the second one wrong.
        ("500100732269", "Неверное контрольное число ИНН.", "invalid_checksum"),
        ("500100732258", "Неверное контрольное число ИНН.", "invalid_checksum"),
    ],
)
def test_inn_individual_invalid_fails_with_specific_message_and_code(value, message, code):
    _assert_fails(validate_inn_individual, value, message, code)


def test_inn_individual_length_message_uses_field_label():
    _assert_fails(
        validate_inn_individual,
        "50010073225",
        "ИНН физического лица должен содержать 12 цифр.",
        "invalid_length",
        field_label="ИНН физического лица",
    )


# ---------------------------------------------------------------------------------
# ОГРН / ОГРНИП
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1027700132195", "1022200525819", "1027700132020"])
def test_ogrn_valid_passes(value):
    assert stdnum_ogrn.is_valid(value)
    assert validate_ogrn(value) == value


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        ("", "Заполните поле ОГРН.", "required"),
        ("102770013219Б", "ОГРН должен состоять только из цифр.", "invalid_characters"),
        ("102770013219", "ОГРН должен содержать 13 цифр.", "invalid_length"),
        ("304500116000157", "ОГРН должен содержать 13 цифр.", "invalid_length"),
        ("1027700132196", "Неверное контрольное число ОГРН.", "invalid_checksum"),
        # Valid mod-11 check digit, but 2 marks a ГРН (register entry), not an ОГРН.
        ("2027700132194", "ОГРН юридического лица начинается с цифры 1 или 5.", "invalid_format"),
    ],
)
def test_ogrn_invalid_fails_with_specific_message_and_code(value, message, code):
    _assert_fails(validate_ogrn, value, message, code)


@pytest.mark.parametrize("value", ["304500116000157", "385768585948949"])
def test_ogrnip_valid_passes(value):
    assert stdnum_ogrn.is_valid(value)
    assert validate_ogrnip(value) == value


@pytest.mark.parametrize(
    ("value", "remainder"),
    [("316774600000010", 10), ("312502700000002", 12)],
)
def test_ogrnip_check_digit_is_last_digit_of_remainder_above_9(value, remainder):
    # stdnum 2.2 compares the whole remainder (e.g. "10") and rejects these.
    assert int(value[:14]) % 13 == remainder
    assert validate_ogrnip(value) == value


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        ("", "Заполните поле ОГРНИП.", "required"),
        ("30450011600015Z", "ОГРНИП должен состоять только из цифр.", "invalid_characters"),
        ("1027700132195", "ОГРНИП должен содержать 15 цифр.", "invalid_length"),
        ("3045001160001570", "ОГРНИП должен содержать 15 цифр.", "invalid_length"),
        ("304500116000158", "Неверное контрольное число ОГРНИП.", "invalid_checksum"),
        ("404500116000154", "ОГРНИП начинается с цифры 3.", "invalid_format"),
    ],
)
def test_ogrnip_invalid_fails_with_specific_message_and_code(value, message, code):
    _assert_fails(validate_ogrnip, value, message, code)


def test_ogrnip_with_grnip_prefix_fails_on_prefix_even_with_valid_check_digit():
    # 4... is a ГРНИП (register entry); its check digit is right, so only the prefix fails.
    assert int("40450011600015") % 13 % 10 == 4
    _assert_fails(
        validate_ogrnip, "404500116000154", "ОГРНИП начинается с цифры 3.", "invalid_format"
    )


# ---------------------------------------------------------------------------------
# КПП
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("773601001", "773601001"),
        ("7736 01 001", "773601001"),
        ("7750AB001", "7750AB001"),
        ("7750ab001", "7750AB001"),
        ("77500Z001", "77500Z001"),
    ],
)
def test_kpp_valid_passes_and_is_upper_cased(value, expected):
    assert validate_kpp(value) == expected


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        ("", "Заполните поле КПП.", "required"),
        (None, "Заполните поле КПП.", "required"),
        (
            "7750АВ001",  # Cyrillic А and В
            "КПП может содержать только цифры и заглавные латинские буквы.",
            "invalid_characters",
        ),
        (
            "7707ß001",  # "ß".upper() == "SS" must not sneak in
            "КПП может содержать только цифры и заглавные латинские буквы.",
            "invalid_characters",
        ),
        ("77360100", "КПП должен содержать 9 символов.", "invalid_length"),
        ("7736010011", "КПП должен содержать 9 символов.", "invalid_length"),
        (
            "77A601001",
            "КПП должен состоять из 4 цифр, 2 цифр или латинских букв и 3 цифр.",
            "invalid_format",
        ),
        (
            "773601A01",
            "КПП должен состоять из 4 цифр, 2 цифр или латинских букв и 3 цифр.",
            "invalid_format",
        ),
    ],
)
def test_kpp_invalid_fails_with_specific_message_and_code(value, message, code):
    _assert_fails(validate_kpp, value, message, code)


# ---------------------------------------------------------------------------------
# ФИО
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Иванов", "Иванов"),
        ("  Иванов  ", "Иванов"),
        ("Салтыков-Щедрин", "Салтыков-Щедрин"),
        ("Салтыков – Щедрин", "Салтыков-Щедрин"),
        ("Анна   Мария", "Анна Мария"),
        ("Ёлкин", "Ёлкин"),
        ("Фёдор", "Фёдор"),
        ("Фе\u0308дор", "Фёдор"),  # decomposed ё
        ("Мамед оглы", "Мамед оглы"),
        ("Я" * 100, "Я" * 100),
    ],
)
def test_name_part_valid_is_trimmed_and_normalised(value, expected):
    assert validate_person_name_part(value, field_label="Фамилия") == expected


@pytest.mark.parametrize(
    ("value", "label", "message", "code"),
    [
        ("", "Фамилия", "Заполните поле «Фамилия».", "required"),
        ("   ", "Имя", "Заполните поле «Имя».", "required"),
        (None, "Имя", "Заполните поле «Имя».", "required"),
        (
            "Ivanov",
            "Фамилия",
            "Фамилия может содержать только русские буквы, дефис и пробел.",
            "invalid_characters",
        ),
        (
            "Иванoв",  # Latin "o"
            "Фамилия",
            "Фамилия может содержать только русские буквы, дефис и пробел.",
            "invalid_characters",
        ),
        (
            "Анна1",
            "Имя",
            "Имя может содержать только русские буквы, дефис и пробел.",
            "invalid_characters",
        ),
        (
            "Д'Артаньян",
            "Фамилия",
            "Фамилия может содержать только русские буквы, дефис и пробел.",
            "invalid_characters",
        ),
        (
            "Я" * 101,
            "Фамилия",
            "Поле «Фамилия» может содержать не более 100 символов.",
            "invalid_length",
        ),
        (
            "-Иванов",
            "Фамилия",
            "В поле «Фамилия» дефис может стоять только между буквами.",
            "invalid_format",
        ),
        (
            "Иванов--Петров",
            "Фамилия",
            "В поле «Фамилия» дефис может стоять только между буквами.",
            "invalid_format",
        ),
        (
            "-",
            "Отчество",
            "В поле «Отчество» дефис может стоять только между буквами.",
            "invalid_format",
        ),
    ],
)
def test_name_part_invalid_fails_with_specific_message_and_code(value, label, message, code):
    _assert_fails(validate_person_name_part, value, message, code, field_label=label)


@pytest.mark.parametrize("value", ["", "   ", None])
def test_optional_patronymic_returns_empty_string_when_empty(value):
    assert validate_person_name_part(value, field_label="Отчество", required=False) == ""


def test_optional_patronymic_is_still_validated_when_given():
    assert (
        validate_person_name_part(" Петрович ", field_label="Отчество", required=False)
        == "Петрович"
    )
    _assert_fails(
        validate_person_name_part,
        "Petrovich",
        "Отчество может содержать только русские буквы, дефис и пробел.",
        "invalid_characters",
        field_label="Отчество",
        required=False,
    )


# ---------------------------------------------------------------------------------
# Mobile phone
# ---------------------------------------------------------------------------------

PHONE_MESSAGE = "Укажите номер сотового телефона в формате +7XXXXXXXXXX."


@pytest.mark.parametrize(
    "value",
    [
        "+7-999-999-99-99",
        "8 (999) 999-99-99",
        "9999999999",
        "+7 999 999 99 99",
        "+79999999999",
        "89999999999",
        "7 999 999-99-99",
        "+7 (999) 999-99-99",
        " +7\u00a0999\u00a0999\u201199\u201199 ",
    ],
)
def test_mobile_phone_accepted_forms_normalise_to_e164(value):
    assert normalise_mobile_phone(value) == "+79999999999"


def test_mobile_phone_keeps_the_subscriber_digits():
    assert normalise_mobile_phone("8 (912) 345-67-89") == "+79123456789"


@pytest.mark.parametrize(
    ("value", "message", "code"),
    [
        ("", "Укажите номер сотового телефона.", "required"),
        (None, "Укажите номер сотового телефона.", "required"),
        ("+7 999 ABC 99 99", PHONE_MESSAGE, "invalid_characters"),
        ("8-800-СБЕРБАНК", PHONE_MESSAGE, "invalid_characters"),
        ("7+9999999999", PHONE_MESSAGE, "invalid_characters"),
        ("+7 999 999 99 99 доб. 12", PHONE_MESSAGE, "invalid_characters"),
        ("+7 999 999 99 9", PHONE_MESSAGE, "invalid_length"),
        ("+7 999 999 99 999", PHONE_MESSAGE, "invalid_length"),
        ("999 999 99", PHONE_MESSAGE, "invalid_length"),
        ("8 999 999 99 999", PHONE_MESSAGE, "invalid_length"),
        ("+7 (495) 123-45-67", PHONE_MESSAGE, "invalid_format"),  # Moscow landline
        ("8 (800) 555-35-35", PHONE_MESSAGE, "invalid_format"),  # toll-free
        ("+7 701 123 45 67", PHONE_MESSAGE, "invalid_format"),  # Kazakhstan mobile
        ("+375 29 123-45-67", PHONE_MESSAGE, "invalid_format"),  # Belarus
        ("39999999999", PHONE_MESSAGE, "invalid_format"),
    ],
)
def test_mobile_phone_invalid_fails_with_specific_code(value, message, code):
    _assert_fails(normalise_mobile_phone, value, message, code)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+79999999999", "+7-999-999-99-99"),
        ("8 (912) 345-67-89", "+7-912-345-67-89"),
        ("+7 (495) 123-45-67", "+7 (495) 123-45-67"),
        (None, ""),
    ],
)
def test_format_phone_display_formats_mobiles_and_leaves_anything_else(value, expected):
    assert format_phone_display(value) == expected
