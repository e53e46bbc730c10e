"""Validation and normalisation of Russian identifiers and personal data.

Used by the registration forms of the personal account (individuals, individual
entrepreneurs and legal entities applying for grid connection). Every ``validate_*``
function returns the normalised value or raises
``django.core.exceptions.ValidationError(message, code=...)``, so the functions can be
used directly as Django form / DRF serializer field validators and inside ``clean_*``
methods. The messages are shown to applicants as is, hence Russian; the codes let the
callers and the tests tell the failures apart without parsing text:

* ``required`` - the value is empty;
* ``invalid_characters`` - something other than the allowed characters was typed;
* ``invalid_length`` - the number of digits (characters) is wrong;
* ``invalid_checksum`` - the check digit(s) do not match;
* ``invalid_format`` - right characters and length, but an impossible structure
  (e.g. an OGRN that does not start with 1 or 5, a landline phone number).

Why python-stdnum and where not: the ИНН and 13-digit ОГРН check digits come from
``stdnum.ru.inn`` / ``stdnum.ru.ogrn`` (maintained, widely used). python-stdnum has no
СНИЛС and no КПП, so those are implemented here. Its 15-digit ОГРНИП check compares the
whole remainder modulo 13 with the last digit, which wrongly rejects every valid ОГРНИП
whose remainder is 10, 11 or 12 (the rule is "the last digit of the remainder"), so the
ОГРНИП check digit is computed here too. The stdnum ``validate`` functions are not used
because they accept both lengths at once and their exceptions do not say which of our
user-facing messages applies.

The module imports only ``django.core.exceptions`` from Django, which needs no
configured settings, so it can be imported anywhere (management commands, Celery tasks,
plain unit tests).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

__all__ = [
    "CODE_INVALID_CHARACTERS",
    "CODE_INVALID_CHECKSUM",
    "CODE_INVALID_FORMAT",
    "CODE_INVALID_LENGTH",
    "CODE_REQUIRED",
    "PERSON_NAME_PART_MAX_LENGTH",
    "format_phone_display",
    "format_snils",
    "normalise_mobile_phone",
    "validate_inn_individual",
    "validate_inn_legal",
    "validate_kpp",
    "validate_ogrn",
    "validate_ogrnip",
    "validate_person_name_part",
    "validate_snils",
]

CODE_REQUIRED = "required"
CODE_INVALID_CHARACTERS = "invalid_characters"
CODE_INVALID_LENGTH = "invalid_length"
CODE_INVALID_CHECKSUM = "invalid_checksum"
CODE_INVALID_FORMAT = "invalid_format"

PERSON_NAME_PART_MAX_LENGTH = 100

# Separators people type or paste inside numbers: any Unicode whitespace (including
# the no-break spaces that office software inserts) and hyphen/dash look-alikes.
_HYPHENS = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SEPARATORS_RE = re.compile(rf"[\s{_HYPHENS}]+")
# ASCII digits only: str.isdigit() also accepts "²", "٣", full-width digits, etc.
_DIGITS_RE = re.compile(r"[0-9]+")


def _as_text(value: Any) -> str:
    """Return ``value`` as a stripped string; ``None`` becomes "".

    Form fields hand us strings, but callers (imports, admin actions) may pass ints;
    accepting them keeps the functions usable as generic cleaners.
    """
    if value is None:
        return ""
    return str(value).strip()


def _fail(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


@dataclass(frozen=True)
class _DigitsSpec:
    """Messages for one all-digit identifier, so every identifier reports the same
    four failures the same way."""

    length: int
    required: str
    invalid_characters: str
    invalid_length: str
    invalid_checksum: str


def _clean_digits(value: Any, spec: _DigitsSpec) -> str:
    """Strip separators and check the value is exactly ``spec.length`` ASCII digits.

    The order of the checks (empty, characters, length) gives the most useful message
    first: a letter typed by mistake usually also makes the length wrong, and "only
    digits" tells the user what to fix.
    """
    text = _as_text(value)
    if not text:
        raise _fail(spec.required, CODE_REQUIRED)
    compact = _SEPARATORS_RE.sub("", text)
    if not _DIGITS_RE.fullmatch(compact):
        raise _fail(spec.invalid_characters, CODE_INVALID_CHARACTERS)
    if len(compact) != spec.length:
        raise _fail(spec.invalid_length, CODE_INVALID_LENGTH)
    return compact


# ---------------------------------------------------------------------------------
# СНИЛС
# ---------------------------------------------------------------------------------

_SNILS = _DigitsSpec(
    length=11,
    required="Заполните поле СНИЛС.",
    invalid_characters="СНИЛС должен состоять только из цифр.",
    invalid_length="СНИЛС должен содержать 11 цифр.",
    invalid_checksum="Неверное контрольное число СНИЛС.",
)

# The Pension Fund rule: check numbers are only defined for insurance numbers greater
# than 001-001-998; the earliest numbers were issued without a computable check number.
_SNILS_CHECKED_FROM = 1_001_998


def _snils_check_number(number9: str) -> int:
    """Check number of the 9-digit insurance number (Pension Fund rule).

    Digits are weighted 9..1 from left to right (i.e. by position from the right).
    A sum below 100 is the check number itself; 100 and 101 give 00; a larger sum is
    taken modulo 101, and a remainder of 100 also gives 00.
    """
    total = sum(int(digit) * weight for digit, weight in zip(number9, range(9, 0, -1)))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    remainder = total % 101
    return 0 if remainder == 100 else remainder


def _snils_display(compact: str) -> str:
    return f"{compact[0:3]}-{compact[3:6]}-{compact[6:9]}-{compact[9:11]}"


def validate_snils(value: Any) -> str:
    """Validate a СНИЛС and return it in the display form «049-114-804-49».

    Accepts «049-114-804-49», «04911480449», «049 114 804 49», «049-114-804 49».
    The display form with hyphens only is the one the reference product shows and
    the manual prints, so it is also what we store and show.
    """
    compact = _clean_digits(value, _SNILS)
    checked = int(compact[:9]) > _SNILS_CHECKED_FROM
    if checked and _snils_check_number(compact[:9]) != int(compact[9:]):
        raise _fail(_SNILS.invalid_checksum, CODE_INVALID_CHECKSUM)
    return _snils_display(compact)


def format_snils(value: Any) -> str:
    """Format a stored СНИЛС for display as «049-114-804-49», never raising.

    Meant for templates and exports, where a legacy or half-filled value must still be
    shown rather than break the page: anything that is not 11 digits is returned as
    given (stripped). It does not check the check number; use ``validate_snils`` for
    input.
    """
    text = _as_text(value)
    compact = _SEPARATORS_RE.sub("", text)
    if len(compact) == 11 and _DIGITS_RE.fullmatch(compact):
        return _snils_display(compact)
    return text


# ---------------------------------------------------------------------------------
# ИНН
# ---------------------------------------------------------------------------------

_INN_INDIVIDUAL_LABEL = "ИНН индивидуального предпринимателя"

_INN_LEGAL = _DigitsSpec(
    length=10,
    required="Заполните поле ИНН.",
    invalid_characters="ИНН должен состоять только из цифр.",
    invalid_length="ИНН юридического лица должен содержать 10 цифр.",
    invalid_checksum="Неверное контрольное число ИНН.",
)


def validate_inn_individual(value: Any, *, field_label: str = _INN_INDIVIDUAL_LABEL) -> str:
    """Validate a 12-digit ИНН (individual entrepreneur or natural person).

    Both check digits are verified (``stdnum.ru.inn``). ``field_label`` only changes
    the length message, so the same validator serves the form of a natural person
    («ИНН физического лица должен содержать 12 цифр.»).
    """
    spec = _DigitsSpec(
        length=12,
        required="Заполните поле ИНН.",
        invalid_characters="ИНН должен состоять только из цифр.",
        invalid_length=f"{field_label} должен содержать 12 цифр.",
        invalid_checksum="Неверное контрольное число ИНН.",
    )
    compact = _clean_digits(value, spec)
    if stdnum_inn.calc_personal_check_digits(compact) != compact[-2:]:
        raise _fail(spec.invalid_checksum, CODE_INVALID_CHECKSUM)
    return compact


def validate_inn_legal(value: Any) -> str:
    """Validate a 10-digit ИНН of a legal entity (check digit via ``stdnum.ru.inn``)."""
    compact = _clean_digits(value, _INN_LEGAL)
    if stdnum_inn.calc_company_check_digit(compact) != compact[-1]:
        raise _fail(_INN_LEGAL.invalid_checksum, CODE_INVALID_CHECKSUM)
    return compact


# ---------------------------------------------------------------------------------
# ОГРН / ОГРНИП
# ---------------------------------------------------------------------------------

_OGRN = _DigitsSpec(
    length=13,
    required="Заполните поле ОГРН.",
    invalid_characters="ОГРН должен состоять только из цифр.",
    invalid_length="ОГРН должен содержать 13 цифр.",
    invalid_checksum="Неверное контрольное число ОГРН.",
)
_OGRNIP = _DigitsSpec(
    length=15,
    required="Заполните поле ОГРНИП.",
    invalid_characters="ОГРНИП должен состоять только из цифр.",
    invalid_length="ОГРНИП должен содержать 15 цифр.",
    invalid_checksum="Неверное контрольное число ОГРНИП.",
)


def validate_ogrn(value: Any) -> str:
    """Validate a 13-digit ОГРН of a legal entity.

    The first digit (record type) must be 1 or 5: 2, 6-9 mark a ГРН of a later
    register entry, which people copy from an extract by mistake; stdnum only rejects
    0. The check digit (first 12 digits mod 11, last digit) comes from stdnum.
    """
    compact = _clean_digits(value, _OGRN)
    if compact[0] not in "15":
        raise _fail("ОГРН юридического лица начинается с цифры 1 или 5.", CODE_INVALID_FORMAT)
    if stdnum_ogrn.calc_check_digit(compact) != compact[-1]:
        raise _fail(_OGRN.invalid_checksum, CODE_INVALID_CHECKSUM)
    return compact


def _ogrnip_check_digit(number: str) -> str:
    """Last digit of (first 14 digits mod 13).

    Implemented here, not taken from stdnum: stdnum 2.2 returns the whole remainder,
    so valid numbers with a remainder of 10-12 fail there (see module docstring).
    """
    return str(int(number[:14]) % 13 % 10)


def validate_ogrnip(value: Any) -> str:
    """Validate a 15-digit ОГРНИП of an individual entrepreneur.

    The first digit must be 3 (4 marks a ГРНИП of a later register entry).
    """
    compact = _clean_digits(value, _OGRNIP)
    if compact[0] != "3":
        raise _fail("ОГРНИП начинается с цифры 3.", CODE_INVALID_FORMAT)
    if _ogrnip_check_digit(compact) != compact[-1]:
        raise _fail(_OGRNIP.invalid_checksum, CODE_INVALID_CHECKSUM)
    return compact


# ---------------------------------------------------------------------------------
# КПП
# ---------------------------------------------------------------------------------

# Checked before upper-casing: str.upper() maps some non-ASCII letters to ASCII
# ("ß" -> "SS", "ı" -> "I"), which would otherwise slip through.
_KPP_ALLOWED_RE = re.compile(r"[0-9A-Za-z]+")
_KPP_FORMAT_RE = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}")


def validate_kpp(value: Any) -> str:
    """Validate a КПП: 4 digits (tax office), 2 digits or capital Latin letters
    (reason code), 3 digits (sequence number). Returns it upper-cased.

    A КПП has no check digit, so only the structure can be verified. Lower-case Latin
    letters are accepted and upper-cased, because the reason code letters are Latin
    capitals by definition and case carries no meaning. Cyrillic look-alikes are not
    silently converted: they are rejected, as a hint that the value was typed by hand.
    """
    text = _as_text(value)
    if not text:
        raise _fail("Заполните поле КПП.", CODE_REQUIRED)
    compact = _SEPARATORS_RE.sub("", text)
    if not _KPP_ALLOWED_RE.fullmatch(compact):
        raise _fail(
            "КПП может содержать только цифры и заглавные латинские буквы.",
            CODE_INVALID_CHARACTERS,
        )
    compact = compact.upper()
    if len(compact) != 9:
        raise _fail("КПП должен содержать 9 символов.", CODE_INVALID_LENGTH)
    if not _KPP_FORMAT_RE.fullmatch(compact):
        raise _fail(
            "КПП должен состоять из 4 цифр, 2 цифр или латинских букв и 3 цифр.",
            CODE_INVALID_FORMAT,
        )
    return compact


# ---------------------------------------------------------------------------------
# ФИО
# ---------------------------------------------------------------------------------

_HYPHEN_LOOKALIKES_RE = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_SPACES_AROUND_HYPHEN_RE = re.compile(r" ?- ?")
_NAME_ALLOWED_RE = re.compile(r"[А-Яа-яЁё\- ]+")
_NAME_FORMAT_RE = re.compile(r"[А-Яа-яЁё]+(?:[- ][А-Яа-яЁё]+)*")


def validate_person_name_part(value: Any, *, field_label: str, required: bool = True) -> str:
    """Validate one part of a ФИО (surname, given name or patronymic).

    Allowed: Russian letters including Ё/ё, hyphen, space («Салтыков-Щедрин»,
    «Анна Мария»). Normalisation before the checks:

    * NFC, so «ё»/«й» pasted in decomposed form (е + U+0308) count as one letter;
    * dash look-alikes become "-", runs of whitespace become one space, spaces around
      a hyphen are dropped, the value is trimmed.

    Case is left as typed: forcing capitalisation would damage particles such as
    «оглы». Latin look-alikes («Иванoв» with a Latin "o") are rejected, since a name
    with mixed scripts would not match the applicant's documents.

    ``field_label`` is the field name used in messages («Фамилия», «Имя»,
    «Отчество»). With ``required=False`` (patronymic) an empty value returns "".
    """
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = _HYPHEN_LOOKALIKES_RE.sub("-", text)
    text = " ".join(text.split())
    text = _SPACES_AROUND_HYPHEN_RE.sub("-", text)
    if not text:
        if required:
            raise _fail(f"Заполните поле «{field_label}».", CODE_REQUIRED)
        return ""
    if not _NAME_ALLOWED_RE.fullmatch(text):
        raise _fail(
            f"{field_label} может содержать только русские буквы, дефис и пробел.",
            CODE_INVALID_CHARACTERS,
        )
    if len(text) > PERSON_NAME_PART_MAX_LENGTH:
        raise _fail(
            f"Поле «{field_label}» может содержать не более "
            f"{PERSON_NAME_PART_MAX_LENGTH} символов.",
            CODE_INVALID_LENGTH,
        )
    if not _NAME_FORMAT_RE.fullmatch(text):
        raise _fail(
            f"В поле «{field_label}» дефис может стоять только между буквами.",
            CODE_INVALID_FORMAT,
        )
    return text


# ---------------------------------------------------------------------------------
# Mobile phone
# ---------------------------------------------------------------------------------

_PHONE_MESSAGE = "Укажите номер сотового телефона в формате +7XXXXXXXXXX."
_PHONE_REQUIRED_MESSAGE = "Укажите номер сотового телефона."
_PHONE_ALLOWED_RE = re.compile(rf"\+?[0-9\s(). {_HYPHENS}]+")


def normalise_mobile_phone(value: Any) -> str:
    """Normalise a Russian mobile number to «+7XXXXXXXXXX» (E.164).

    Accepted: «+7-999-999-99-99», «+7 999 999 99 99», «+7 (999) 999-99-99»,
    «8 (999) 999-99-99», «7 999 999 99 99», «9999999999». Refused: letters, a "+" not
    at the start, a country code other than +7, a wrong number of digits, and any
    number whose code after +7 does not start with 9 (landlines, and Kazakhstan's
    +7 6xx/7xx ranges).

    Why not ``phonenumbers``: the rule the product needs is fixed and tiny (Russian
    mobile = +7 9XX XXX-XX-XX, the number is used for SMS codes), while phonenumbers
    would add a large metadata package whose verdicts change between releases, would
    still need our own "Russian mobile only" filter on top, and would parse inputs we
    do not want to accept (extensions, vanity letters, other countries). All failures
    share one message that shows the expected format; the codes tell them apart.
    """
    text = _as_text(value)
    if not text:
        raise _fail(_PHONE_REQUIRED_MESSAGE, CODE_REQUIRED)
    if not _PHONE_ALLOWED_RE.fullmatch(text):
        # Letters, a misplaced "+", or other symbols.
        raise _fail(_PHONE_MESSAGE, CODE_INVALID_CHARACTERS)
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+"):
        if not digits.startswith("7"):
            raise _fail(_PHONE_MESSAGE, CODE_INVALID_FORMAT)
        national = digits[1:]
    elif len(digits) == 11:
        # Domestic trunk prefix 8 or country code 7 typed without "+".
        if digits[0] not in "78":
            raise _fail(_PHONE_MESSAGE, CODE_INVALID_FORMAT)
        national = digits[1:]
    else:
        national = digits
    if len(national) != 10:
        raise _fail(_PHONE_MESSAGE, CODE_INVALID_LENGTH)
    if national[0] != "9":
        raise _fail(_PHONE_MESSAGE, CODE_INVALID_FORMAT)
    return f"+7{national}"


def format_phone_display(value: Any) -> str:
    """Format a mobile number for display as «+7-999-999-99-99», never raising.

    Like ``format_snils``, meant for templates: a value that cannot be normalised
    (legacy data, a landline entered by staff) is returned as given (stripped).
    """
    try:
        phone = normalise_mobile_phone(value)
    except ValidationError:
        return _as_text(value)
    return f"{phone[:2]}-{phone[2:5]}-{phone[5:8]}-{phone[8:10]}-{phone[10:12]}"
