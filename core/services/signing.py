"""Two-sided signing of case documents: the rules, in one place for the portal, the
console and the API.

The company signs first, always with a УКЭП (a detached CAdES-BES, GOST R 34.10-2012,
made by the CryptoPro plug-in or uploaded as a `.sig`); then the applicant: an
individual (ФЛ) with a ПЭП confirmed by a one-time SMS code, a sole proprietor or a
legal entity (ИП/ЮЛ) with a УКЭП of their own.

Every signature binds the document's SHA-256 at signing; the stored file is hashed
again before each signature and each download of a signature, so a file changed in
storage is never signed or presented as signed. Every refusal is a `DomainError`
with a Russian message, changes nothing (except the audit log and an SMS code's
attempt counter) and is audited.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core import audit
from core.errors import DomainError, NotFound
from core.events import publish
from core.gost import (
    SignatureVerificationError,
    VerificationResult,
    check_signer,
    new_streebog,
    signer_matches,
    verify_cades_signature,
)
from core.models import Case, CaseEntry, DocumentDigest, LegalForm, Notification, Signature, SmsCode
from core.notifications import company_base_url, queue_rendered_email, schedule_delivery
from core.pep_receipt import (
    MAX_RECEIPT_BYTES,
    PepReceiptData,
    ReceiptVerificationError,
    build_receipt,
    sign_receipt,
    verify_receipt,
)
from core.selectors import get_portal_settings, notification_addresses
from core.services.cases import notify_applicant
from core.sms import mask_phone
from core.tenancy import tenant_file_key

logger = logging.getLogger(__name__)

SMS_CODE_TTL = timedelta(minutes=5)
SMS_CODE_RESEND_AFTER = timedelta(seconds=60)
SMS_CODE_MAX_ATTEMPTS = 5
SMS_CODE_DIGITS = 6
# A detached CAdES-BES with the signer's certificate is a few kilobytes; with a full
# chain a few dozen. Anything near this is not a signature.
MAX_SIGNATURE_BYTES = 1_000_000
CHUNK = 1024 * 1024

Side = Signature.Side
Method = Signature.Method

DOCUMENT_CHANGED = (
    "Файл документа изменился после загрузки (SHA-256 не совпадает): подписание и выдача "
    "подписи невозможны. Сообщите об этом в сетевую организацию."
)
DOCUMENT_MISSING = "Файл документа не найден в хранилище: подписание невозможно."


@dataclass(frozen=True)
class SignatureState:
    """Who has signed a document and who is expected next, for pages and the API."""

    company: Signature | None
    applicant: Signature | None

    @property
    def awaiting(self) -> str | None:
        if self.company is None:
            return Side.COMPANY
        if self.applicant is None:
            return Side.APPLICANT
        return None

    @property
    def completed_at(self):
        return self.applicant.signed_at if self.company and self.applicant else None


def signature_state(entry: CaseEntry) -> SignatureState:
    """From the (usually prefetched) signatures of the entry."""
    by_side = {s.side: s for s in entry.signatures.all()}
    return SignatureState(company=by_side.get(Side.COMPANY), applicant=by_side.get(Side.APPLICANT))


# --- Who signs what ---------------------------------------------------------------------------


def _side_of(actor, entry: CaseEntry) -> str:
    """The side the actor signs for; anyone else does not see the document at all."""
    case = entry.case
    if entry.kind != CaseEntry.Kind.DOCUMENT or entry.removed_at is not None:
        raise NotFound("Документ не найден.")
    if actor.is_authenticated and actor.is_company_staff and not case.is_draft:
        return Side.COMPANY
    if actor.is_authenticated and actor.is_applicant and case.applicant_id == actor.pk:
        return Side.APPLICANT
    raise NotFound("Документ не найден.")


def _ensure_turn(side: str, entry: CaseEntry) -> None:
    """A two-sided document, the company first, each side once."""
    if not entry.requires_two_sided_signature:
        raise DomainError(
            "Этот документ не требует двусторонней электронной подписи.", code="not_signable"
        )
    signed = set(Signature.objects.filter(entry=entry).values_list("side", flat=True))
    if side in signed:
        raise DomainError(
            "Документ уже подписан со стороны сетевой организации."
            if side == Side.COMPANY
            else "Документ уже подписан вами.",
            code="already_signed",
        )
    if side == Side.APPLICANT and Side.COMPANY not in signed:
        raise DomainError(
            "Документ ещё не подписан сетевой организацией: сначала его подписывает "
            "сетевая организация, затем пользователь.",
            code="wrong_order",
        )


def _profile(actor):
    return getattr(actor, "applicant_profile", None)


@contextmanager
def _audited(actor, entry: CaseEntry, method: str, ip):
    """Record a refused signing attempt in the audit log (outside any transaction that
    the refusal rolls back), then let the refusal through. «Not found» is not recorded:
    it is what an outsider gets, and says nothing about the document."""
    try:
        yield
    except NotFound:
        raise
    except DomainError as error:
        audit.record(
            actor,
            "signature.refused",
            f"{entry.title}: {error.message}",
            obj=entry,
            case_id=entry.case_id,
            data={"method": method, "code": error.code, "message": error.message},
            ip=ip,
        )
        raise


# --- The document's hashes --------------------------------------------------------------------


def _hash_stored_file(entry: CaseEntry, *, streebog: bool) -> tuple[str, dict[int, bytes]]:
    """SHA-256 (hex) of the stored file and, if asked, its Streebog-256/512, in one pass."""
    sha = hashlib.sha256()
    gost = {bits: new_streebog(bits) for bits in (256, 512)} if streebog else {}
    try:
        with default_storage.open(entry.file.name, "rb") as stored:
            while chunk := stored.read(CHUNK):
                sha.update(chunk)
                for hasher in gost.values():
                    hasher.update(chunk)
    except (FileNotFoundError, OSError):
        raise DomainError(DOCUMENT_MISSING, code="document_missing") from None
    return sha.hexdigest(), {bits: bytes(h.digest()) for bits, h in gost.items()}


def _refuse_changed_document(actor, entry: CaseEntry, actual: str, *, ip, when: str):
    audit.record(
        actor,
        "signature.document_changed",
        f"{entry.title}: SHA-256 файла не совпадает с записанным при загрузке ({when})",
        obj=entry,
        case_id=entry.case_id,
        data={"expected_sha256": entry.sha256, "actual_sha256": actual, "when": when},
        ip=ip,
    )
    raise DomainError(DOCUMENT_CHANGED, code="document_changed")


def ensure_document_unchanged(actor, entry: CaseEntry, *, ip=None, when: str = "") -> str:
    """Hash the stored file again; refuse (and audit) if it is not what was uploaded."""
    actual, _ = _hash_stored_file(entry, streebog=False)
    if actual != entry.sha256:
        _refuse_changed_document(actor, entry, actual, ip=ip, when=when)
    return actual


def compute_document_digest(entry_id: int) -> DocumentDigest | None:
    """Streebog digests of a stored document, kept for verification (the Celery task).

    Nothing is stored when the file no longer has its recorded SHA-256: a digest of a
    changed file must never vouch for it.
    """
    entry = CaseEntry.objects.filter(pk=entry_id, kind=CaseEntry.Kind.DOCUMENT).first()
    if entry is None:
        return None
    started = time.perf_counter()
    try:
        sha, gost = _hash_stored_file(entry, streebog=True)
    except DomainError:
        logger.warning("Document %s is missing from storage; no digest", entry_id)
        return None
    if sha != entry.sha256:
        logger.warning("Document %s changed in storage; no digest stored", entry_id)
        return None
    return _store_digest(entry, sha, gost, time.perf_counter() - started)


def _store_digest(entry, sha: str, gost: dict[int, bytes], seconds: float) -> DocumentDigest:
    digest, _ = DocumentDigest.objects.update_or_create(
        entry=entry,
        defaults={
            "sha256": sha,
            "streebog256": gost[256].hex(),
            "streebog512": gost[512].hex(),
            "computed_at": timezone.now(),
            "seconds": round(seconds, 3),
        },
    )
    return digest


def document_digests(actor, entry: CaseEntry, *, ip=None) -> dict[int, bytes]:
    """The Streebog digests to check a signature against, after checking the file.

    With a digest computed earlier (the background task) only the SHA-256 is re-read;
    without one, SHA-256 and both Streebog sizes are computed in one pass and kept.
    """
    cached = DocumentDigest.objects.filter(entry=entry).first()
    if cached is not None and cached.sha256 == entry.sha256:
        ensure_document_unchanged(actor, entry, ip=ip, when="перед подписанием")
        return cached.as_mapping()
    started = time.perf_counter()
    sha, gost = _hash_stored_file(entry, streebog=True)
    if sha != entry.sha256:
        _refuse_changed_document(actor, entry, sha, ip=ip, when="перед подписанием")
    _store_digest(entry, sha, gost, time.perf_counter() - started)
    return gost


def signing_hashes(actor, entry: CaseEntry, *, ip=None) -> dict[str, str]:
    """What the CryptoPro plug-in signs (`CAdESCOM.HashedData.SetHashValue`): the file's
    Streebog-256 and -512 as hex, so a 50 MB file never travels through the browser."""
    side = _side_of(actor, entry)
    with _audited(actor, entry, Method.QES, ip):
        _ensure_turn(side, entry)
        _ensure_qes_allowed(actor, side)
        gost = document_digests(actor, entry, ip=ip)
    return {"sha256": entry.sha256, "256": gost[256].hex(), "512": gost[512].hex()}


# --- УКЭП -----------------------------------------------------------------------------------


def _ensure_qes_allowed(actor, side: str) -> None:
    if side == Side.APPLICANT:
        profile = _profile(actor)
        if profile is None or profile.legal_form == LegalForm.INDIVIDUAL:
            raise DomainError(
                "Физическое лицо подписывает документ простой электронной подписью: "
                "нажмите «Подписать» и введите код из СМС.",
                code="method_not_allowed",
            )


def _decode_signature(signature) -> bytes:
    """DER from what arrives: DER bytes, PEM, or the plug-in's base64."""
    if isinstance(signature, str):
        signature = signature.encode("ascii", "ignore")
    data = bytes(signature or b"")
    if not data.strip():
        raise DomainError("Прикрепите файл подписи (.sig) или подпишите документ.", field="file")
    if len(data) > MAX_SIGNATURE_BYTES * 2:
        raise DomainError("Файл подписи слишком большой: это не подпись.", field="file")
    if data[:1] == b"\x30":
        der = data  # DER as is: its last bytes may well look like whitespace
    else:
        data = data.strip()
        lines = [line for line in data.splitlines() if not line.startswith(b"-----")]
        try:
            der = base64.b64decode(b"".join(b"".join(lines).split()), validate=True)
        except (binascii.Error, ValueError):
            raise DomainError(
                "Файл не является подписью CAdES (CMS SignedData).", field="file", code="not_cms"
            ) from None
    if not der or len(der) > MAX_SIGNATURE_BYTES:
        raise DomainError("Файл подписи слишком большой: это не подпись.", field="file")
    return der


def _trust_anchors():
    """Chain checks are designed in and off by default: `SIGNING_TRUST_ANCHORS` (a list
    of PEM/DER certificate files of accredited CAs) turns them on."""
    paths = getattr(settings, "SIGNING_TRUST_ANCHORS", None) or []
    if not paths:
        return None
    return [Path(path).read_bytes() for path in paths]


def _verify(der: bytes, digests: dict[int, bytes]) -> VerificationResult:
    try:
        result = verify_cades_signature(der, digests, trust_anchors=_trust_anchors())
    except SignatureVerificationError as exc:
        raise DomainError(
            f"Подпись не принята: {exc.message}.", field="file", code=exc.code
        ) from None
    now = timezone.now()
    info = result.certificate
    # signingTime is the signer's own claim (CAdES-BES has no timestamp): the certificate
    # must also be valid now, when the signature is accepted.
    if info.valid_to < now:
        raise DomainError(
            "Подпись не принята: срок действия сертификата истёк.",
            field="file",
            code="certificate_expired",
        )
    if info.valid_from > now:
        raise DomainError(
            "Подпись не принята: сертификат ещё не начал действовать.",
            field="file",
            code="certificate_not_yet_valid",
        )
    if result.signing_time and result.signing_time > now + timedelta(minutes=10):
        raise DomainError(
            "Подпись не принята: время подписи в файле подписи позже текущего.",
            field="file",
            code="signing_time_in_future",
        )
    return result


def _normalised_name(value: str | None) -> str:
    return " ".join((value or "").replace("ё", "е").replace("Ё", "Е").casefold().split())


def _check_qes_signer(actor, side: str, result: VerificationResult) -> bool:
    """The certificate must be the signer's; returns True for a staff member's personal
    certificate (accepted only when the company's settings allow it)."""
    if side == Side.APPLICANT:
        profile = _profile(actor)
        if profile.legal_form == LegalForm.ENTREPRENEUR:
            expected = {"inn": profile.inn, "ogrnip": profile.ogrn}
        else:
            expected = {"inn": profile.inn, "ogrn": profile.ogrn}
        try:
            check_signer(result, expected)
        except SignatureVerificationError as exc:
            raise DomainError(
                f"Подпись не принята: {exc.message}.", field="file", code=exc.code
            ) from None
        return False
    portal = get_portal_settings()
    if not portal.inn:
        raise DomainError(
            "В настройках сетевой организации не указан ИНН: подпись со стороны сетевой "
            "организации невозможно проверить.",
            code="company_inn_missing",
        )
    if signer_matches(result, inn=portal.inn):
        return False
    if not portal.accept_staff_personal_certificates:
        raise DomainError(
            f"Подпись не принята: сертификат выдан не на {portal.company_name} "
            f"(ИНН {portal.inn} не совпадает). Подпишите документ сертификатом организации.",
            field="file",
            code="signer_mismatch",
        )
    if _normalised_name(result.certificate.full_name) != _normalised_name(actor.full_name):
        raise DomainError(
            "Подпись не принята: личный сертификат выдан не на вас "
            "(ФИО владельца сертификата не совпадает с вашим).",
            field="file",
            code="signer_mismatch",
        )
    return True


def submit_cades_signature(actor, entry: CaseEntry, signature_bytes, ip=None, user_agent=""):
    """Accept a detached CAdES-BES of the stored document (company staff, ИП, ЮЛ).

    Checked against the stored file's Streebog digest (precomputed or computed now)
    and the signer's identifiers; the signature is stored (DER) and the other side is
    told. Returns the Signature.
    """
    side = _side_of(actor, entry)
    with _audited(actor, entry, Method.QES, ip):
        _ensure_turn(side, entry)
        _ensure_qes_allowed(actor, side)
        der = _decode_signature(signature_bytes)
        digests = document_digests(actor, entry, ip=ip)
        result = _verify(der, digests)
        personal = _check_qes_signer(actor, side, result)
        info = result.certificate
        signature = Signature(
            entry=entry,
            side=side,
            method=Method.QES,
            signer=actor,
            signer_name=(info.full_name or info.subject_cn or "")[:255],
            document_sha256=entry.sha256,
            file_sha256=hashlib.sha256(der).hexdigest(),
            ip_address=ip,
            user_agent=(user_agent or "")[:500],
            verification_result=(
                f"Подпись действительна: ГОСТ Р 34.10-2012 ({result.digest_bits} бит), "
                "хэш документа совпадает, сертификат действителен"
                + ("; личный сертификат сотрудника" if personal else "")
            ),
            digest_bits=result.digest_bits,
            signing_time=result.signing_time,
            personal_certificate=personal,
            cert_subject=(info.subject_cn or "")[:500],
            cert_full_name=(info.full_name or "")[:255],
            cert_organization=(info.organization or "")[:500],
            cert_inn=(info.inn or "")[:12],
            cert_inn_le=(info.inn_le or "")[:12],
            cert_ogrn=(info.ogrn or "")[:13],
            cert_ogrnip=(info.ogrnip or "")[:15],
            cert_snils=(info.snils or "")[:14],
            cert_serial=info.serial_hex[:128],
            cert_issuer=(info.issuer_cn or "")[:500],
            cert_valid_from=info.valid_from,
            cert_valid_to=info.valid_to,
            cert_thumbprint=info.thumbprint_sha1,
        )
        _save_signature(actor, entry, signature, der, f"{entry.file_name}.sig", ip=ip)
    return signature


# --- ПЭП ------------------------------------------------------------------------------------


def _code_hash(code: str, salt: str) -> str:
    return salted_hmac("core.signing.sms_code", f"{salt}:{code}", algorithm="sha256").hexdigest()


def _ensure_pep_allowed(actor, side: str):
    if side == Side.COMPANY:
        raise DomainError(
            "Сетевая организация подписывает документ усиленной квалифицированной "
            "электронной подписью.",
            code="method_not_allowed",
        )
    profile = _profile(actor)
    if profile is None or profile.legal_form != LegalForm.INDIVIDUAL:
        raise DomainError(
            "Индивидуальный предприниматель и юридическое лицо подписывают документ "
            "усиленной квалифицированной электронной подписью (КриптоПро ЭЦП Browser "
            "plug-in или файл подписи .sig).",
            code="method_not_allowed",
        )
    if profile.pep_agreement_at is None:
        raise DomainError(
            "Чтобы подписывать документы простой электронной подписью, примите соглашение "
            "об использовании простой электронной подписи.",
            code="pep_agreement_missing",
        )
    if not actor.phone:
        raise DomainError(
            "В ваших данных не указан сотовый телефон: укажите его в разделе «Данные».",
            code="phone_missing",
        )
    return profile


def request_sms_code(applicant, entry: CaseEntry, ip=None, user_agent="") -> SmsCode:
    """Send a one-time code to the applicant's phone for signing this document.

    The SMS goes through the outbox (retried if the gateway fails); only an HMAC of the
    code is kept; the audit log records the masked phone, never the code.
    """
    side = _side_of(applicant, entry)
    with _audited(applicant, entry, Method.PEP, ip):
        _ensure_turn(side, entry)
        _ensure_pep_allowed(applicant, side)
        now = timezone.now()
        last = SmsCode.objects.filter(user=applicant).order_by("-created_at", "-id").first()
        if last is not None and now - last.created_at < SMS_CODE_RESEND_AFTER:
            wait = int((SMS_CODE_RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1
            raise DomainError(
                f"Новый код можно запросить через {wait} с.", field="code", code="too_soon"
            )
        sha = ensure_document_unchanged(applicant, entry, ip=ip, when="перед отправкой кода")
        code = f"{secrets.randbelow(10**SMS_CODE_DIGITS):0{SMS_CODE_DIGITS}d}"
        salt = secrets.token_hex(16)
        with transaction.atomic():
            sms_code = SmsCode.objects.create(
                user=applicant,
                entry=entry,
                document_sha256=sha,
                code_hash=_code_hash(code, salt),
                salt=salt,
                phone=applicant.phone,
                created_at=now,
                expires_at=now + SMS_CODE_TTL,
                ip_address=ip,
                user_agent=(user_agent or "")[:500],
            )
            title = entry.title if len(entry.title) <= 60 else entry.title[:57] + "…"
            notification = Notification.objects.create(
                channel=Notification.Channel.SMS,
                kind="pep_code",
                recipients=[applicant.phone],
                subject="",
                body_text=f"Код для подписания документа «{title}»: {code}",
                next_attempt_at=now,
            )
            schedule_delivery(notification)
            audit.record(
                applicant,
                "signature.sms_code_sent",
                f"{entry.title}: код отправлен на {mask_phone(applicant.phone)}",
                obj=entry,
                case_id=entry.case_id,
                data={"masked_phone": mask_phone(applicant.phone), "sha256": sha},
                ip=ip,
            )
    return sms_code


def _check_code(applicant, entry: CaseEntry, code: str) -> SmsCode:
    """The latest code for this user and document, if `code` is it; a wrong guess is
    counted (committed even though the refusal follows)."""
    code = re.sub(r"\s+", "", code or "")
    if not re.fullmatch(rf"\d{{{SMS_CODE_DIGITS}}}", code):
        raise DomainError("Введите код из СМС: 6 цифр.", field="code", code="code_format")
    with transaction.atomic():
        sms_code = (
            SmsCode.objects.select_for_update()
            .filter(user=applicant, entry=entry)
            .order_by("-created_at", "-id")
            .first()
        )
        if sms_code is None:
            raise DomainError(
                "Код для этого документа не запрашивался: нажмите «Подписать».",
                field="code",
                code="code_missing",
            )
        if sms_code.used_at is not None:
            raise DomainError(
                "Этот код уже использован. Для нового подписания запросите новый код.",
                field="code",
                code="code_used",
            )
        if sms_code.attempts >= SMS_CODE_MAX_ATTEMPTS:
            raise DomainError(
                "Превышено число попыток ввода кода. Запросите новый код.",
                field="code",
                code="code_locked",
            )
        if timezone.now() >= sms_code.expires_at:
            raise DomainError(
                "Срок действия кода истёк (5 минут). Запросите новый код.",
                field="code",
                code="code_expired",
            )
        good = constant_time_compare(_code_hash(code, sms_code.salt), sms_code.code_hash)
        if not good:
            sms_code.attempts += 1
            sms_code.save(update_fields=["attempts"])
            left = SMS_CODE_MAX_ATTEMPTS - sms_code.attempts
    if not good:
        raise DomainError(
            f"Неверный код. Осталось попыток: {left}."
            if left
            else "Неверный код. Попытки исчерпаны: запросите новый код.",
            field="code",
            code="code_wrong" if left else "code_locked",
        )
    if sms_code.document_sha256 != entry.sha256:
        raise DomainError(
            "Код был выдан для другой версии документа. Запросите новый код.",
            field="code",
            code="code_other_document",
        )
    return sms_code


def confirm_sms_code(applicant, entry: CaseEntry, code: str, ip=None, user_agent=""):
    """Sign the document with a ПЭП: the code is checked, the document re-hashed, and a
    receipt signed by the platform (XMLDSig) becomes the signature file."""
    side = _side_of(applicant, entry)
    with _audited(applicant, entry, Method.PEP, ip):
        sms_code = _check_code(applicant, entry, code)
        _ensure_turn(side, entry)
        profile = _ensure_pep_allowed(applicant, side)
        sha = ensure_document_unchanged(applicant, entry, ip=ip, when="перед подписанием")
        portal = get_portal_settings()
        now = timezone.now()
        data = PepReceiptData(
            document_id=str(entry.pk),
            case_id=str(entry.case_id),
            file_name=entry.file_name,
            sha256=sha,
            signer_full_name=applicant.full_name,
            signer_snils=profile.snils,
            masked_phone=mask_phone(sms_code.phone),
            code_sent_at=sms_code.created_at,
            code_confirmed_at=now,
            ip_address=ip or "",
            user_agent=(user_agent or "")[:500],
            pep_agreement_version=str(profile.pep_agreement_version or ""),
            company_name=portal.company_name,
            company_inn=portal.inn,
        )
        receipt = sign_receipt(build_receipt(data))
        signature = Signature(
            entry=entry,
            side=side,
            method=Method.PEP,
            signer=applicant,
            signer_name=applicant.full_name[:255],
            signed_at=now,
            document_sha256=sha,
            file_sha256=hashlib.sha256(receipt).hexdigest(),
            ip_address=ip,
            user_agent=(user_agent or "")[:500],
            verification_result=(
                f"ПЭП: код из СМС на {mask_phone(sms_code.phone)} подтверждён; "
                "квитанция подписана платформой (XMLDSig)"
            ),
            cert_snils=profile.snils[:14],
            receipt_id=data.receipt_id,
        )
        _save_signature(
            applicant,
            entry,
            signature,
            receipt,
            f"{entry.file_name}.ПЭП.xml",
            ip=ip,
            sms_code=sms_code,
        )
    return signature


# --- Storing and telling ----------------------------------------------------------------------


def _save_signature(
    actor, entry, signature: Signature, content: bytes, name: str, *, ip, sms_code=None
):
    """Store the signature file, then the row, in one transaction with the audit entry
    and the notifications; a concurrent second signature of the same side loses on the
    unique constraint and its file is removed."""
    from core.uploads import safe_file_name, storage_name

    stored = default_storage.save(
        tenant_file_key(f"signatures/{entry.case_id}", storage_name(safe_file_name(name))),
        ContentFile(content),
    )
    signature.file = stored
    try:
        with transaction.atomic():
            CaseEntry.objects.select_for_update().filter(pk=entry.pk).first()
            _ensure_turn(signature.side, entry)
            if sms_code is not None:
                used = SmsCode.objects.filter(pk=sms_code.pk, used_at__isnull=True).update(
                    used_at=timezone.now()
                )
                if not used:
                    raise DomainError("Этот код уже использован.", field="code", code="code_used")
            try:
                with transaction.atomic():
                    signature.save()
            except IntegrityError:
                raise DomainError(
                    "Документ уже подписан этой стороной.", code="already_signed"
                ) from None
            _record_signature(actor, entry, signature, ip=ip)
            _notify(entry, signature)
            publish(
                "document.signed",
                case=entry.case,
                entry=entry,
                signature=signature,
                completed=signature.side == Side.APPLICANT,
            )
    except Exception:
        default_storage.delete(stored)
        raise


def _record_signature(actor, entry, signature: Signature, *, ip) -> None:
    Case.objects.filter(pk=entry.case_id).update(
        last_activity_at=timezone.now(),
        **({"unseen_by_company": True} if signature.side == Side.APPLICANT else {}),
    )
    audit.record(
        actor,
        "signature.added",
        f"{entry.title}: {signature.get_method_display()} со стороны "
        f"{'сетевой организации' if signature.side == Side.COMPANY else 'пользователя'}, "
        f"{signature.signer_name}",
        obj=entry,
        case_id=entry.case_id,
        data={
            "signature_id": signature.pk,
            "side": signature.side,
            "method": signature.method,
            "document_sha256": signature.document_sha256,
            "file_sha256": signature.file_sha256,
            "verification_result": signature.verification_result,
            "certificate": {
                "subject": signature.cert_subject,
                "full_name": signature.cert_full_name,
                "organization": signature.cert_organization,
                "inn": signature.cert_inn,
                "inn_le": signature.cert_inn_le,
                "ogrn": signature.cert_ogrn,
                "ogrnip": signature.cert_ogrnip,
                "snils": signature.cert_snils,
                "serial": signature.cert_serial,
                "issuer": signature.cert_issuer,
                "valid_from": signature.cert_valid_from.isoformat()
                if signature.cert_valid_from
                else None,
                "valid_to": signature.cert_valid_to.isoformat()
                if signature.cert_valid_to
                else None,
                "thumbprint": signature.cert_thumbprint,
            },
            "receipt_id": str(signature.receipt_id) if signature.receipt_id else None,
        },
        ip=ip,
    )


def _notify(entry: CaseEntry, signature: Signature) -> None:
    """The company's signature asks the applicant for theirs; the applicant's tells both
    sides that the document is signed."""
    case = entry.case
    portal = get_portal_settings()
    if signature.side == Side.COMPANY:
        notify_applicant(
            case,
            f"Документ «{entry.title}» подписан со стороны {portal.company_name}. "
            "Ожидается подписание документа со стороны пользователя.",
        )
        return
    notify_applicant(
        case,
        f"Документ «{entry.title}» подписан обеими сторонами. "
        f"Дата подписания: {timezone.localtime(signature.signed_at):%d.%m.%Y}.",
    )
    applicant = case.applicant
    number = f" (рег. номер {case.registration_number})" if case.registration_number else ""
    queue_rendered_email(
        kind="document_signed",
        recipients=notification_addresses(portal),
        subject=f"Пользователь подписал документ «{entry.title}»",
        body_text=(
            f"{applicant.full_name} ({applicant.email}) подписал(а) документ «{entry.title}» "
            f"({entry.file_name}) в обращении «{case.title}»{number}: "
            f"{signature.get_method_display()}, {signature.signer_name}.\n\n"
            f"Открыть в консоли: {company_base_url()}/console/cases/{case.pk}/\n"
        ),
    )


# --- Downloads and receipts -------------------------------------------------------------------


def signature_for_download(actor, signature: Signature, *, ip=None) -> Signature:
    """Before a signature is handed out, the document and the signature file must still
    be what was signed; otherwise refuse (and audit) rather than serve a misleading pair.
    `signature` comes from core.selectors.signing.get_signature (visibility checked)."""
    entry = signature.entry
    actual = ensure_document_unchanged(actor, entry, ip=ip, when="при скачивании подписи")
    if actual != signature.document_sha256:
        _refuse_changed_document(actor, entry, actual, ip=ip, when="при скачивании подписи")
    try:
        with default_storage.open(signature.file.name, "rb") as stored:
            content_sha = hashlib.sha256(stored.read(MAX_SIGNATURE_BYTES + 1)).hexdigest()
    except (FileNotFoundError, OSError):
        content_sha = ""
    if content_sha != signature.file_sha256:
        audit.record(
            actor,
            "signature.file_changed",
            f"{entry.title}: файл подписи повреждён или изменён",
            obj=entry,
            case_id=entry.case_id,
            data={"signature_id": signature.pk},
            ip=ip,
        )
        raise DomainError(
            "Файл подписи повреждён или изменён: выдача невозможна. Сообщите об этом "
            "в сетевую организацию.",
            code="signature_file_changed",
        )
    audit.record(
        actor,
        "signature.downloaded",
        f"{entry.title}: {signature.get_method_display()} ({signature.signer_name})",
        obj=entry,
        case_id=entry.case_id,
        data={"signature_id": signature.pk},
        ip=ip,
    )
    return signature


@dataclass(frozen=True)
class ReceiptCheck:
    data: PepReceiptData
    signature: Signature | None
    document_unchanged: bool | None


def check_pep_receipt(actor, content: bytes, *, ip=None) -> ReceiptCheck:
    """The console's «check a ПЭП receipt»: the platform's signature, what it states, and
    whether it is a signature of this company's portal whose document is unchanged."""
    if not (actor.is_authenticated and actor.is_company_staff):
        raise NotFound()
    if not content:
        raise DomainError("Прикрепите файл квитанции (XML).", field="file")
    if len(content) > MAX_RECEIPT_BYTES:
        raise DomainError("Файл слишком большой: это не квитанция ПЭП.", field="file")
    try:
        data = verify_receipt(content)
    except ReceiptVerificationError as exc:
        audit.record(actor, "signature.receipt_rejected", str(exc), ip=ip)
        raise DomainError(f"Квитанция недействительна: {exc}.", field="file") from None
    signature = (
        Signature.objects.select_related("entry")
        .filter(receipt_id=data.receipt_id, method=Method.PEP)
        .first()
    )
    unchanged = None
    if signature is not None:
        actual, _ = _hash_stored_file(signature.entry, streebog=False)
        unchanged = actual == data.sha256 == signature.document_sha256
    audit.record(
        actor,
        "signature.receipt_checked",
        f"Квитанция {data.receipt_id}: подлинная"
        + ("" if signature else "; в этом кабинете не найдена"),
        obj=signature.entry if signature else None,
        case_id=signature.entry.case_id if signature else None,
        data={"receipt_id": str(data.receipt_id), "sha256": data.sha256},
        ip=ip,
    )
    return ReceiptCheck(data=data, signature=signature, document_unchanged=unchanged)
