"""Writes of the platform operator console: who may do what to a grid company.

Every function takes the acting operator first, checks that they are one, changes
data in one transaction and writes a `PlatformAuditEntry` in that same transaction,
so an action is recorded if and only if it happened. Messages of `ValidationError`
and `ProvisioningError` are for the operator (Russian); a `ValidationError` with a
dict names the form field it belongs to.
"""

import logging
import posixpath
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from core import identifiers
from core.accounts.invitations import invite_staff
from core.accounts.models import User
from core.accounts.services import create_company_admin
from core.models import PortalSettings
from core.tenancy import tenant_file_key

from .models import Domain, GridCompany, PlatformAuditEntry
from .provisioning import (
    CompanyAdmin,
    ProvisioningError,
    delete_grid_company,
    ensure_template_current,
    provision_grid_company,
    schema_name_for,
    validate_subdomain,
)

logger = logging.getLogger(__name__)

HOSTNAME_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_EXTENSIONS = {".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp"}
LOGO_MAX_BYTES = 1024 * 1024


# --- Who may act ---------------------------------------------------------------------


def is_operator(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None) == User.Role.OPERATOR
    )


def require_operator(user) -> None:
    """Every write starts here: views check too, but the rule lives with the data."""
    if not is_operator(user):
        raise PermissionDenied("Действие доступно только оператору платформы.")


def record(operator, action: str, summary: str, *, company=None, ip=None, **data):
    """One line of the platform audit log."""
    return PlatformAuditEntry.objects.create(
        actor=operator if getattr(operator, "pk", None) else None,
        actor_label=getattr(operator, "email", "") or "",
        action=action,
        summary=summary,
        company_name=getattr(company, "name", "") or data.pop("company_name", ""),
        subdomain=getattr(company, "subdomain", "") or data.pop("subdomain", ""),
        data=data,
        ip_address=ip,
    )


# --- Operators ---------------------------------------------------------------------------


def create_operator(*, email: str, password: str, last_name: str = "", first_name: str = ""):
    """A platform operator in the public schema (used by `manage.py create_operator`)."""
    email = (email or "").strip().lower()
    validate_email(email)
    with schema_context("public"):
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": "Пользователь с таким email уже существует."})
        user = User.objects.create_user(
            email, password, last_name=last_name, first_name=first_name, role=User.Role.OPERATOR
        )
        record(None, "operator_created", f"Создан оператор {email}", email=email)
    return user


# --- Validation shared by create and edit ----------------------------------------------------


@dataclass(frozen=True)
class Requisites:
    name: str
    inn: str = ""
    ogrn: str = ""
    kpp: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    notification_emails: str = ""


def clean_requisites(req: Requisites) -> Requisites:
    """Normalised requisites or ValidationError naming every bad field.

    ИНН/ОГРН/КПП are optional (a company may be set up before its papers are at hand),
    but what is given must pass its check digits.
    """
    errors, values = {}, {}
    if not req.name.strip():
        errors["name"] = "Укажите наименование сетевой организации."
    values["name"] = req.name.strip()
    for field, check in (
        ("inn", identifiers.validate_inn_legal),
        ("ogrn", identifiers.validate_ogrn),
        ("kpp", identifiers.validate_kpp),
    ):
        raw = (getattr(req, field) or "").strip()
        values[field] = ""
        if raw:
            try:
                values[field] = check(raw)
            except ValidationError as exc:
                errors[field] = exc.messages[0]
    values["address"] = req.address.strip()
    values["phone"] = req.phone.strip()
    values["email"] = req.email.strip().lower()
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = "Введите правильный адрес электронной почты."
    addresses = [a.strip().lower() for a in re.split(r"[\s,;]+", req.notification_emails) if a]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            errors["notification_emails"] = f"Неверный адрес электронной почты: {address}"
            break
    values["notification_emails"] = "\n".join(addresses)
    if errors:
        raise ValidationError(errors)
    return Requisites(**values)


def clean_hostname(value: str, *, field: str = "domain") -> str:
    host = (value or "").strip().lower().rstrip(".")
    if not HOSTNAME_RE.match(host):
        raise ValidationError(
            {field: "Укажите доменное имя, например lk.company.ru (латиница, цифры, дефис)."}
        )
    if Domain.objects.filter(domain=host).exists():
        raise ValidationError({field: f"Домен «{host}» уже используется."})
    return host


def clean_color(value: str) -> str:
    color = (value or "").strip()
    if not COLOR_RE.match(color):
        raise ValidationError({"primary_color": "Укажите цвет в виде #RRGGBB, например #1f5fa8."})
    return color.lower()


def clean_logo(upload):
    """The uploaded logo if it is a small image file, else ValidationError."""
    if upload is None:
        return None
    extension = posixpath.splitext(upload.name.lower())[1]
    if extension not in LOGO_EXTENSIONS:
        raise ValidationError(
            {"logo": "Логотип должен быть изображением PNG, JPEG, SVG, GIF или WebP."}
        )
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError({"logo": "Размер логотипа не должен превышать 1 МБ."})
    return upload


def clean_admin(admin: CompanyAdmin) -> CompanyAdmin:
    errors = {}
    email = (admin.email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["admin_email"] = "Введите правильный email администратора."
    names = {}
    for field, label, required in (
        ("last_name", "Фамилия", True),
        ("first_name", "Имя", True),
        ("middle_name", "Отчество", False),
    ):
        try:
            names[field] = identifiers.validate_person_name_part(
                getattr(admin, field), field_label=label, required=required
            )
        except ValidationError as exc:
            errors[f"admin_{field}"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return CompanyAdmin(email=email, **names)


def _invite(schema: str, user) -> None:
    """Queue the invitation in the company's schema and have it delivered after commit
    from that schema: the outbox's own after-commit hook runs in whatever schema the
    connection is on at commit time, which here is already the public one."""
    from core.tasks import deliver_notification

    with schema_context(schema):
        notification = invite_staff(user)

    def enqueue():
        try:
            with schema_context(schema):
                deliver_notification.delay(notification.pk)
        except Exception:  # broker down: the periodic sweep delivers it
            logger.warning("Could not queue invitation %s in %s", notification.pk, schema)

    transaction.on_commit(enqueue)


def store_logo(schema: str, upload) -> str:
    """Save the logo under the company's prefix; returns the storage name."""
    with schema_context(schema):
        return default_storage.save(tenant_file_key("branding", upload.name), upload)


# --- Creating a grid company --------------------------------------------------------------


@dataclass(frozen=True)
class NewCompany:
    requisites: Requisites
    subdomain: str
    admin: CompanyAdmin
    extra_domain: str = ""
    primary_color: str = "#1f5fa8"


def create_grid_company(operator, spec: NewCompany, *, logo=None, ip=None):
    """Provision a grid company and invite its administrator; returns (company, admin).

    Everything — schema, registry rows, settings, administrator, the invitation in the
    outbox and the audit line — commits together or not at all, so a failure at any
    step leaves nothing behind and the operator can simply submit again. The failure
    itself is audited, outside the rolled-back transaction.
    """
    require_operator(operator)
    requisites, admin, subdomain, extra, color = clean_new_company(spec, logo)
    schema = schema_name_for(subdomain)
    ensure_template_current()  # may take a while; done before the transaction
    logo_name, step = "", "проверка данных"
    try:
        if logo is not None:
            step = "сохранение логотипа"
            logo_name = store_logo(schema, logo)
        with transaction.atomic():
            step = "создание схемы, домена, настроек и администратора"
            company, admin_user = provision_grid_company(
                name=requisites.name,
                subdomain=subdomain,
                extra_domains=(extra,) if extra else (),
                admin=admin,
                settings_overrides=_settings_from(requisites, color, logo_name),
            )
            step = "отправка приглашения администратору"
            _invite(schema, admin_user)
            record(
                operator,
                "company_created",
                f"Создана сетевая организация «{company.name}» ({subdomain}), "
                f"приглашение отправлено на {admin.email}",
                company=company,
                ip=ip,
                admin_email=admin.email,
                domains=[d for d in company.domains.values_list("domain", flat=True)],
            )
    except Exception as exc:
        _forget_logo(logo_name)
        message = _failure_message(exc, step)
        record(
            operator,
            "company_create_failed",
            f"Не удалось создать сетевую организацию «{requisites.name}» ({subdomain}): {message}",
            ip=ip,
            company_name=requisites.name,
            subdomain=subdomain,
        )
        if not isinstance(exc, ProvisioningError | ValidationError):
            logger.exception("Provisioning %s failed at step %s", subdomain, step)
        raise ProvisioningError(message) from exc
    finally:
        connection.set_schema_to_public()
    return company, admin_user


def clean_new_company(spec: NewCompany, logo):
    errors = {}
    cleaned = {}
    for key, clean in (
        ("requisites", lambda: clean_requisites(spec.requisites)),
        ("admin", lambda: clean_admin(spec.admin)),
        ("subdomain", lambda: _clean_subdomain(spec.subdomain)),
        (
            "extra",
            lambda: (
                clean_hostname(spec.extra_domain, field="extra_domain")
                if spec.extra_domain.strip()
                else ""
            ),
        ),
        ("color", lambda: clean_color(spec.primary_color)),
        ("logo", lambda: clean_logo(logo)),
    ):
        try:
            cleaned[key] = clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return (
        cleaned["requisites"],
        cleaned["admin"],
        cleaned["subdomain"],
        cleaned["extra"],
        cleaned["color"],
    )


def _clean_subdomain(value: str) -> str:
    try:
        return validate_subdomain((value or "").strip().lower())
    except ProvisioningError as exc:
        raise ValidationError({"subdomain": str(exc)}) from exc


def _settings_from(req: Requisites, color: str, logo_name: str) -> dict:
    values = {
        "inn": req.inn,
        "ogrn": req.ogrn,
        "kpp": req.kpp,
        "address": req.address,
        "phone": req.phone,
        "email": req.email,
        "notification_emails": req.notification_emails,
        "primary_color": color,
    }
    if logo_name:
        values["logo"] = logo_name
    return values


def _failure_message(exc: Exception, step: str) -> str:
    if isinstance(exc, ProvisioningError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"ошибка на шаге «{step}». Ничего не создано, повторите попытку."


def _forget_logo(name: str) -> None:
    if name:
        try:
            default_storage.delete(name)
        except Exception:  # the storage is down: an orphan file is harmless, the row is not
            logger.warning("Could not delete logo %s after a failed provisioning", name)


# --- Editing a grid company ------------------------------------------------------------------


def update_requisites(operator, company: GridCompany, req: Requisites, *, ip=None):
    require_operator(operator)
    req = clean_requisites(req)
    with transaction.atomic():
        company.name = req.name
        company.save(update_fields=["name"])
        with schema_context(company.schema_name):
            PortalSettings.objects.filter(singleton=True).update(
                company_name=req.name,
                inn=req.inn,
                ogrn=req.ogrn,
                kpp=req.kpp,
                address=req.address,
                phone=req.phone,
                email=req.email,
                notification_emails=req.notification_emails,
            )
        record(
            operator,
            "requisites_updated",
            "Изменены реквизиты",
            company=company,
            ip=ip,
            inn=req.inn,
            ogrn=req.ogrn,
            kpp=req.kpp,
        )
    return company


def update_branding(
    operator,
    company: GridCompany,
    *,
    primary_color: str,
    logo=None,
    remove_logo: bool = False,
    ip=None,
):
    """New colour and/or logo; the replaced logo file is deleted after commit."""
    require_operator(operator)
    errors = {}
    try:
        color = clean_color(primary_color)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        logo = clean_logo(logo)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    new_name = store_logo(company.schema_name, logo) if logo is not None else None
    try:
        with transaction.atomic(), schema_context(company.schema_name):
            portal = PortalSettings.objects.select_for_update().get(singleton=True)
            old_name = portal.logo.name
            portal.primary_color = color
            if new_name:
                portal.logo = new_name
            elif remove_logo:
                portal.logo = ""
            portal.save(update_fields=["primary_color", "logo", "updated_at"])
            record(
                operator,
                "branding_updated",
                "Изменено оформление",
                company=company,
                ip=ip,
                primary_color=color,
                logo=portal.logo.name,
            )
            if old_name and old_name != portal.logo.name:
                transaction.on_commit(lambda: _forget_logo(old_name))
    except Exception:
        _forget_logo(new_name or "")
        raise
    finally:
        connection.set_schema_to_public()
    return portal


def add_domain(operator, company: GridCompany, domain: str, *, ip=None) -> Domain:
    require_operator(operator)
    host = clean_hostname(domain)
    try:
        with transaction.atomic():
            created = Domain.objects.create(tenant=company, domain=host, is_primary=False)
            record(operator, "domain_added", f"Добавлен домен {host}", company=company, ip=ip)
    except IntegrityError as exc:
        raise ValidationError({"domain": f"Домен «{host}» уже используется."}) from exc
    return created


def remove_domain(operator, company: GridCompany, domain_id: int, *, ip=None) -> None:
    """A company keeps at least one host, and its primary one until another is primary."""
    require_operator(operator)
    with transaction.atomic():
        domain = _company_domain(company, domain_id)
        if domain.is_primary:
            raise ValidationError(
                "Основной домен нельзя удалить: сначала сделайте основным другой."
            )
        domain.delete()
        record(operator, "domain_removed", f"Удален домен {domain.domain}", company=company, ip=ip)


def set_primary_domain(operator, company: GridCompany, domain_id: int, *, ip=None) -> None:
    """Exactly one primary host: links in e-mails point to it."""
    require_operator(operator)
    with transaction.atomic():
        domain = _company_domain(company, domain_id)
        company.domains.exclude(pk=domain.pk).update(is_primary=False)
        Domain.objects.filter(pk=domain.pk).update(is_primary=True)
        record(
            operator, "domain_primary", f"Основной домен: {domain.domain}", company=company, ip=ip
        )


def _company_domain(company, domain_id) -> Domain:
    domain = Domain.objects.select_for_update().filter(tenant=company, pk=domain_id).first()
    if domain is None:
        raise ValidationError("Домен не найден.")
    return domain


# --- Administrators ------------------------------------------------------------------------------


def resend_admin_invitation(operator, company: GridCompany, user_id: int, *, ip=None):
    """A new set-password link for an administrator who has not set a password yet."""
    require_operator(operator)
    try:
        with transaction.atomic(), schema_context(company.schema_name):
            admin = User.objects.filter(pk=user_id, is_company_admin=True, is_active=True).first()
            if admin is None:
                raise ValidationError("Администратор не найден.")
            if admin.has_usable_password():
                raise ValidationError(
                    "Администратор уже установил пароль; для входа он может воспользоваться "
                    "ссылкой «Забыли пароль?»."
                )
            _invite(company.schema_name, admin)
            record(
                operator,
                "invitation_resent",
                f"Повторно отправлено приглашение {admin.email}",
                company=company,
                ip=ip,
                email=admin.email,
            )
    finally:
        connection.set_schema_to_public()
    return admin


def add_company_admin(operator, company: GridCompany, admin: CompanyAdmin, *, ip=None):
    """Another administrator of the company, invited by e-mail like the first one."""
    require_operator(operator)
    admin = clean_admin(admin)
    try:
        with transaction.atomic(), schema_context(company.schema_name):
            if User.objects.filter(email__iexact=admin.email).exists():
                raise ValidationError(
                    {"admin_email": "Пользователь с таким email уже есть в этом личном кабинете."}
                )
            user = create_company_admin(admin)
            _invite(company.schema_name, user)
            record(
                operator,
                "admin_added",
                f"Добавлен администратор {admin.email}",
                company=company,
                ip=ip,
                email=admin.email,
            )
    finally:
        connection.set_schema_to_public()
    return user


# --- Suspend, resume, delete ----------------------------------------------------------


def suspend_company(operator, company: GridCompany, *, ip=None) -> GridCompany:
    """Its hosts show «временно недоступен» and refuse logins; data is kept."""
    return _set_active(operator, company, False, ip=ip)


def resume_company(operator, company: GridCompany, *, ip=None) -> GridCompany:
    return _set_active(operator, company, True, ip=ip)


def _set_active(operator, company, active: bool, *, ip=None):
    require_operator(operator)
    with transaction.atomic():
        GridCompany.objects.filter(pk=company.pk).update(is_active=active)
        company.is_active = active
        if active:
            record(
                operator,
                "company_resumed",
                "Работа личного кабинета возобновлена",
                company=company,
                ip=ip,
            )
        else:
            record(
                operator,
                "company_suspended",
                "Работа личного кабинета приостановлена",
                company=company,
                ip=ip,
            )
    return company


def delete_company(operator, company: GridCompany, *, confirmation: str, ip=None) -> int:
    """Drop the schema and the registry rows, then the files; returns files removed.

    The operator types the subdomain to confirm. The schema goes first: it is the
    authority, and files without a schema are unreachable garbage, while a schema
    without its files would be a broken company.
    """
    require_operator(operator)
    if (confirmation or "").strip() != company.subdomain:
        raise ValidationError(
            {
                "confirmation": "Введите поддомен сетевой организации точно, "
                "чтобы подтвердить удаление."
            }
        )
    schema, name, subdomain = company.schema_name, company.name, company.subdomain
    with transaction.atomic():
        delete_grid_company(company)
        record(
            operator,
            "company_deleted",
            f"Удалена сетевая организация «{name}» ({subdomain}): схема {schema} и ее файлы",
            ip=ip,
            company_name=name,
            subdomain=subdomain,
            schema=schema,
        )
    removed = remove_files_under(schema)
    logger.info("Deleted grid company %s: %s files removed", schema, removed)
    return removed


def remove_files_under(prefix: str, storage=None) -> int:
    """Delete every file whose name starts with `<prefix>/`, through the storage API
    (`listdir` and `delete`), so it works on local disk and S3 alike."""
    storage = storage or default_storage
    prefix = prefix.strip("/")
    if not prefix or "/" in prefix or prefix in ("public", "."):
        raise ValueError(f"Refusing to remove files under {prefix!r}")
    return _remove_tree(storage, prefix)


def _remove_tree(storage, path: str) -> int:
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        storage.delete(posixpath.join(path, name))
        removed += 1
    for name in directories:
        removed += _remove_tree(storage, posixpath.join(path, name))
    try:
        storage.delete(path)  # an empty directory on local disk; a no-op on S3
    except OSError:
        pass
    return removed
