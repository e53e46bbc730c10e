"""Two-sided signing, the rules (core.services.signing): the company first with a УКЭП,
then the applicant with a ПЭП (SMS code) or a УКЭП; real GOST signatures from the
test CA; every refusal named, audited and changing nothing."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import sms
from core.errors import DomainError, NotFound
from core.models import AuditEntry, DocumentDigest, LegalForm, Notification, Signature, SmsCode
from core.models.signatures import ImmutableRecordError
from core.notifications import deliver_pending
from core.pep_receipt import verify_receipt
from core.services import cases as case_services
from core.services import signing
from tests.conftest import in_tenant
from tests.signing_support import *  # noqa: F403 (fixtures)
from tests.signing_support import (
    COMPANY_INN,
    applicant_of,
    expired_identity,
    identity,
    make_signable_document,
    make_staff,
    set_company_inn,
    sign_entry,
    stored_bytes,
)
from tests.unit.gost_ca import sign_cades


@pytest.fixture
def organisation(alpha):
    return applicant_of(alpha, LegalForm.LEGAL_ENTITY)


def company_signs(alpha, staff, entry, who="company"):
    with in_tenant(alpha):
        return signing.submit_cades_signature(
            staff, entry, sign_entry(alpha, entry, who), ip="10.0.0.1"
        )


def refused(alpha, action, *args, match=None, **kwargs) -> DomainError:
    with in_tenant(alpha), pytest.raises(DomainError) as error:
        action(*args, **kwargs)
    if match:
        assert re.search(match, error.value.message), error.value.message
    return error.value


def last_code() -> str:
    assert sms.outbox, "no SMS sent"
    return re.search(r"(\d{6})$", sms.outbox[-1].text).group(1)


def send_code(alpha, applicant, entry, django_capture_on_commit_callbacks):
    with in_tenant(alpha), django_capture_on_commit_callbacks(execute=True):
        return signing.request_sms_code(applicant, entry, ip="10.0.0.2", user_agent="pytest")


# --- The company's УКЭП ---------------------------------------------------------------------


def test_company_signs_with_its_certificate_and_the_applicant_is_told(alpha, staff, person):
    case, entry = make_signable_document(alpha, person, staff)
    signature = company_signs(alpha, staff, entry)
    with in_tenant(alpha):
        signature.refresh_from_db()
        assert signature.side == "company" and signature.method == "qes"
        assert signature.document_sha256 == entry.sha256
        assert signature.cert_inn_le == COMPANY_INN and signature.digest_bits == 256
        assert signature.signer_name == "Админов Админ Админович"
        assert len(signature.cert_thumbprint) == 40 and signature.cert_serial
        assert signature.file.name.startswith(f"gc_alpha/signatures/{case.pk}/")
        assert signature.file.name.endswith(".sig")
        with default_storage.open(signature.file.name) as stored:
            assert stored.read()[:1] == b"\x30"  # stored as DER
        assert "действительна" in signature.verification_result
        audit = AuditEntry.objects.get(action="signature.added")
        assert audit.data["certificate"]["inn_le"] == COMPANY_INN
        assert audit.ip_address == "10.0.0.1"
        mail = Notification.objects.filter(kind="case_changed").latest("id")
        assert mail.recipients == [person.email]
        assert "Ожидается подписание документа со стороны пользователя" in mail.body_text


@pytest.mark.parametrize("bits", [256, 512])
def test_company_signature_of_either_key_size_verifies(alpha, staff, person, bits):
    _, entry = make_signable_document(alpha, person, staff)
    signature = company_signs(alpha, staff, entry, identity("company", bits))
    assert signature.digest_bits == bits


def test_plugin_base64_signature_is_accepted(alpha, staff, person):
    import base64

    _, entry = make_signable_document(alpha, person, staff)
    b64 = base64.b64encode(sign_entry(alpha, entry)).decode()
    with in_tenant(alpha):
        signature = signing.submit_cades_signature(staff, entry, b64)
    assert signature.pk


def test_company_certificate_of_another_organisation_is_refused(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    error = refused(
        alpha,
        signing.submit_cades_signature,
        staff,
        entry,
        sign_entry(alpha, entry, "stranger"),
        match=r"сертификат выдан не на ООО \"Альфа Сети\" \(ИНН 7702070139",
    )
    assert error.code == "signer_mismatch"
    with in_tenant(alpha):
        assert not Signature.objects.exists()
        refusal = AuditEntry.objects.get(action="signature.refused")
        assert refusal.data["code"] == "signer_mismatch"


def test_staff_personal_certificate_needs_the_setting(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    sig = sign_entry(alpha, entry, "personal")
    refused(
        alpha, signing.submit_cades_signature, staff, entry, sig, match="сертификатом организации"
    )
    set_company_inn(alpha, personal=True)
    with in_tenant(alpha):
        signature = signing.submit_cades_signature(staff, entry, sig)
        assert signature.personal_certificate
        assert "личный сертификат" in signature.verification_result


def test_staff_personal_certificate_of_someone_else_is_refused(alpha, person):
    set_company_inn(alpha, personal=True)
    other = make_staff(alpha, last_name="Другой")
    _, entry = make_signable_document(alpha, person, other)
    refused(
        alpha,
        signing.submit_cades_signature,
        other,
        entry,
        sign_entry(alpha, entry, "personal"),
        match="выдан не на вас",
    )


def test_company_without_inn_in_settings_cannot_sign(alpha, staff, person):
    set_company_inn(alpha, "")
    _, entry = make_signable_document(alpha, person, staff)
    refused(
        alpha,
        signing.submit_cades_signature,
        staff,
        entry,
        sign_entry(alpha, entry),
        match="не указан ИНН",
    )


def test_tampered_signature_is_refused(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    der = bytearray(sign_entry(alpha, entry))
    der[-10] ^= 0x01  # inside the signature value
    error = refused(alpha, signing.submit_cades_signature, staff, entry, bytes(der))
    assert error.message.startswith("Подпись не принята")
    with in_tenant(alpha):
        assert not Signature.objects.exists()


def test_signature_of_another_file_is_refused(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    other = sign_cades(b"%PDF-1.4 another document", identity("company"))
    refused(
        alpha, signing.submit_cades_signature, staff, entry, other, match="хэш документа отличается"
    )


def test_garbage_instead_of_a_signature_is_refused(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    refused(
        alpha,
        signing.submit_cades_signature,
        staff,
        entry,
        b"not a signature at all",
        match="не является подписью",
    )
    refused(
        alpha, signing.submit_cades_signature, staff, entry, b"", match="Прикрепите файл подписи"
    )


def test_expired_certificate_is_refused(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    error = refused(
        alpha,
        signing.submit_cades_signature,
        staff,
        entry,
        sign_entry(alpha, entry, expired_identity()),
    )
    assert "истёк" in error.message and error.code == "certificate_expired"


def test_backdated_signature_with_an_expired_certificate_is_refused(alpha, staff, person):
    """signingTime is the signer's claim: a certificate expired by now is refused even
    if the signature says it was made while it was valid."""
    expired = expired_identity()
    _, entry = make_signable_document(alpha, person, staff)
    backdated = sign_entry(
        alpha,
        entry,
        expired,
        signing_time=timezone.now().replace(microsecond=0) - timedelta(days=30),
    )
    error = refused(alpha, signing.submit_cades_signature, staff, entry, backdated)
    assert error.code == "certificate_expired"


def test_tampered_file_is_refused_and_audited(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    sig = sign_entry(alpha, entry)
    with in_tenant(alpha):
        default_storage.delete(entry.file.name)
        default_storage.save(entry.file.name, ContentFile(b"%PDF-1.4 changed after upload"))
    error = refused(
        alpha, signing.submit_cades_signature, staff, entry, sig, match="изменился после загрузки"
    )
    assert error.code == "document_changed"
    with in_tenant(alpha):
        assert AuditEntry.objects.filter(action="signature.document_changed").exists()
        assert not Signature.objects.exists()


def test_document_not_requiring_signatures_cannot_be_signed(alpha, staff, person):
    case, _ = make_signable_document(alpha, person, staff)
    with in_tenant(alpha):
        plain = case.entries.filter(requires_two_sided_signature=False).first()
    refused(
        alpha, signing.submit_cades_signature, staff, plain, b"x", match="не требует двусторонней"
    )


def test_company_cannot_sign_twice(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    error = refused(
        alpha,
        signing.submit_cades_signature,
        staff,
        entry,
        sign_entry(alpha, entry),
        match="уже подписан",
    )
    assert error.code == "already_signed"


# --- Order and sides ------------------------------------------------------------------------


def test_applicant_cannot_sign_before_the_company(
    alpha, staff, entrepreneur, django_capture_on_commit_callbacks
):
    _, entry = make_signable_document(alpha, entrepreneur, staff)
    error = refused(
        alpha,
        signing.submit_cades_signature,
        entrepreneur,
        entry,
        sign_entry(alpha, entry, "ip"),
        match="сначала его подписывает",
    )
    assert error.code == "wrong_order"
    person = applicant_of(alpha)
    _, entry2 = make_signable_document(alpha, person, staff)
    with in_tenant(alpha), pytest.raises(DomainError, match="сначала его подписывает"):
        signing.request_sms_code(person, entry2)
    assert not sms.outbox


def test_other_applicant_and_other_company_do_not_find_the_document(alpha, beta, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    stranger = applicant_of(alpha)
    with in_tenant(alpha), pytest.raises(NotFound):
        signing.request_sms_code(stranger, entry)
    with in_tenant(alpha), pytest.raises(NotFound):
        signing.submit_cades_signature(stranger, entry, b"x")


def test_entrepreneur_signs_with_his_certificate_and_the_company_is_told(
    alpha, staff, entrepreneur
):
    _, entry = make_signable_document(alpha, entrepreneur, staff)
    company_signs(alpha, staff, entry)
    with in_tenant(alpha):
        signature = signing.submit_cades_signature(
            entrepreneur, entry, sign_entry(alpha, entry, "ip")
        )
        assert signature.side == "applicant" and signature.cert_ogrnip == "318420500015205"
        mail = Notification.objects.filter(kind="document_signed").get()
        assert mail.recipients == ["tp@alpha.test"]
        assert "подписал(а) документ" in mail.body_text
        state = signing.signature_state(entry)
        assert state.awaiting is None and state.completed_at == signature.signed_at


def test_legal_entity_signs_with_its_certificate(alpha, staff, organisation):
    _, entry = make_signable_document(alpha, organisation, staff)
    company_signs(alpha, staff, entry)
    with in_tenant(alpha):
        signature = signing.submit_cades_signature(
            organisation, entry, sign_entry(alpha, entry, "ul")
        )
    assert signature.cert_inn_le == "7707083893"


def test_applicant_certificate_of_someone_else_is_refused(alpha, staff, entrepreneur):
    _, entry = make_signable_document(alpha, entrepreneur, staff)
    company_signs(alpha, staff, entry)
    error = refused(
        alpha,
        signing.submit_cades_signature,
        entrepreneur,
        entry,
        sign_entry(alpha, entry, "ul"),
        match="выдан не на заявителя",
    )
    assert error.code == "signer_mismatch"


def test_applicant_cannot_sign_twice(alpha, staff, entrepreneur):
    _, entry = make_signable_document(alpha, entrepreneur, staff)
    company_signs(alpha, staff, entry)
    sig = sign_entry(alpha, entry, "ip")
    with in_tenant(alpha):
        signing.submit_cades_signature(entrepreneur, entry, sig)
    refused(
        alpha, signing.submit_cades_signature, entrepreneur, entry, sig, match="уже подписан вами"
    )


def test_individual_signs_with_pep_not_with_a_certificate(alpha, staff, person, entrepreneur):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    refused(
        alpha,
        signing.submit_cades_signature,
        person,
        entry,
        b"x",
        match="простой электронной подписью",
    )
    _, entry2 = make_signable_document(alpha, entrepreneur, staff)
    company_signs(alpha, staff, entry2)
    refused(
        alpha, signing.request_sms_code, entrepreneur, entry2, match="усиленной квалифицированной"
    )


def test_signed_document_cannot_be_removed(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    with in_tenant(alpha), pytest.raises(DomainError, match="Подписанный документ нельзя удалить"):
        case_services.remove_entry(staff, entry)


# --- ПЭП by SMS code ------------------------------------------------------------------------


def test_individual_signs_with_an_sms_code(
    alpha, staff, person, django_capture_on_commit_callbacks
):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    message = sms.outbox[-1]
    assert message.phone == person.phone
    assert message.text.startswith("Код для подписания документа «Оферта договора")
    code = last_code()
    with in_tenant(alpha):
        stored = SmsCode.objects.get(entry=entry)
        assert code not in stored.code_hash and len(stored.code_hash) == 64
        assert stored.expires_at - stored.created_at == timedelta(minutes=5)
        sent_audit = AuditEntry.objects.get(action="signature.sms_code_sent")
        assert code not in str(sent_audit.data) + sent_audit.summary
        assert "+7******5673" in sent_audit.summary
        signature = signing.confirm_sms_code(
            person, entry, code, ip="10.0.0.3", user_agent="Chromium"
        )
        assert signature.method == "pep" and signature.side == "applicant"
        assert signature.signer_name == "Туксин Артем Александрович"
        with default_storage.open(signature.file.name) as stored_receipt:
            receipt = verify_receipt(stored_receipt.read(), expected_sha256=entry.sha256)
        assert receipt.signer_full_name == "Туксин Артем Александрович"
        assert receipt.signer_snils == "049-114-804-49"
        assert receipt.masked_phone == "+7******5673"
        assert receipt.ip_address == "10.0.0.3" and receipt.user_agent == "Chromium"
        assert receipt.document_id == str(entry.pk) and receipt.file_name == "Договор ТП.pdf"
        assert receipt.receipt_id == signature.receipt_id
        assert SmsCode.objects.get(entry=entry).used_at is not None
        assert signature.download_name == "Договор ТП.pdf.ПЭП.xml"


def test_code_is_locked_after_five_wrong_attempts(
    alpha, staff, person, django_capture_on_commit_callbacks
):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    code = last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        refused(
            alpha, signing.confirm_sms_code, person, entry, wrong, match=f"Осталось попыток: {left}"
        )
    refused(alpha, signing.confirm_sms_code, person, entry, wrong, match="Попытки исчерпаны")
    error = refused(
        alpha, signing.confirm_sms_code, person, entry, code, match="Превышено число попыток"
    )
    assert error.code == "code_locked"
    with in_tenant(alpha):
        assert SmsCode.objects.get(entry=entry).attempts == 5
        assert not Signature.objects.filter(side="applicant").exists()
        assert AuditEntry.objects.filter(action="signature.refused").count() == 6


def test_expired_code_is_refused(alpha, staff, person, django_capture_on_commit_callbacks):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    with in_tenant(alpha):
        SmsCode.objects.filter(entry=entry).update(
            created_at=timezone.now() - timedelta(minutes=6),
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    error = refused(
        alpha,
        signing.confirm_sms_code,
        person,
        entry,
        last_code(),
        match="Срок действия кода истёк",
    )
    assert error.code == "code_expired"


def test_code_for_another_document_does_not_sign_this_one(
    alpha, staff, person, django_capture_on_commit_callbacks
):
    case, first = make_signable_document(alpha, person, staff)
    with in_tenant(alpha):
        from tests.factories import upload

        second = case_services.add_document(
            staff, case, title="Акт", uploaded=upload("Акт.pdf"), requires_two_sided_signature=True
        )
    company_signs(alpha, staff, first)
    company_signs(alpha, staff, second)
    send_code(alpha, person, first, django_capture_on_commit_callbacks)
    refused(alpha, signing.confirm_sms_code, person, second, last_code(), match="не запрашивался")
    with in_tenant(alpha):
        assert not Signature.objects.filter(entry=second, side="applicant").exists()


def test_code_is_bound_to_the_document_hash(
    alpha, staff, person, django_capture_on_commit_callbacks
):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    with in_tenant(alpha):
        SmsCode.objects.filter(entry=entry).update(document_sha256="0" * 64)
    refused(
        alpha, signing.confirm_sms_code, person, entry, last_code(), match="другой версии документа"
    )


def test_new_code_no_sooner_than_a_minute(alpha, staff, person, django_capture_on_commit_callbacks):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    error = refused(
        alpha,
        signing.request_sms_code,
        person,
        entry,
        match=r"Новый код можно запросить через \d+ с",
    )
    assert error.code == "too_soon"
    assert len(sms.outbox) == 1
    with in_tenant(alpha):
        SmsCode.objects.filter(entry=entry).update(
            created_at=timezone.now() - timedelta(seconds=61)
        )
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    assert len(sms.outbox) == 2


def test_reused_code_is_refused(alpha, staff, person, django_capture_on_commit_callbacks):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    code = last_code()
    with in_tenant(alpha):
        signing.confirm_sms_code(person, entry, code)
    error = refused(alpha, signing.confirm_sms_code, person, entry, code, match="уже использован")
    assert error.code == "code_used"


def test_malformed_code_is_not_counted(alpha, staff, person, django_capture_on_commit_callbacks):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    refused(alpha, signing.confirm_sms_code, person, entry, "12a", match="6 цифр")
    with in_tenant(alpha):
        assert SmsCode.objects.get(entry=entry).attempts == 0


def test_tampered_file_stops_the_second_signature(
    alpha, staff, person, django_capture_on_commit_callbacks
):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    send_code(alpha, person, entry, django_capture_on_commit_callbacks)
    with in_tenant(alpha):
        with default_storage.open(entry.file.name, "wb") as stored:
            stored.write(b"%PDF-1.4 replaced")
    refused(
        alpha,
        signing.confirm_sms_code,
        person,
        entry,
        last_code(),
        match="изменился после загрузки",
    )
    with in_tenant(alpha):
        assert not Signature.objects.filter(side="applicant").exists()


def test_sms_goes_through_the_outbox_and_survives_a_gateway_failure(alpha, staff, person, settings):
    _, entry = make_signable_document(alpha, person, staff)
    company_signs(alpha, staff, entry)
    settings.SMS_BACKEND = "tests.test_signing.BrokenSmsBackend"
    with in_tenant(alpha):
        signing.request_sms_code(person, entry)
        notification = Notification.objects.get(kind="pep_code")
        assert notification.channel == "sms" and notification.recipients == [person.phone]
        deliver_pending()
        notification.refresh_from_db()
        assert notification.status == "pending" and notification.attempts == 1
        settings.SMS_BACKEND = "core.sms.InMemoryBackend"
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
        deliver_pending()
        notification.refresh_from_db()
        assert notification.status == "sent"
    assert sms.outbox[-1].text.endswith(last_code())


class BrokenSmsBackend(sms.BaseSmsBackend):
    name = "broken"

    def send(self, phone, text):
        raise sms.SmsError("шлюз недоступен")


# --- Digests, immutability ------------------------------------------------------------------


def test_digest_is_computed_after_upload_and_reused(
    alpha, staff, person, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        _, entry = make_signable_document(alpha, person, staff)
    with in_tenant(alpha):
        digest = DocumentDigest.objects.get(entry=entry)
        assert digest.sha256 == entry.sha256
        from core.gost import streebog_digest

        assert digest.streebog256 == streebog_digest(stored_bytes(alpha, entry), 256).hex()
        calls = []
        real = signing._hash_stored_file
        monkeypatch.setattr(
            signing,
            "_hash_stored_file",
            lambda e, streebog: calls.append(streebog) or real(e, streebog=streebog),
        )
        signing.submit_cades_signature(staff, entry, sign_entry(alpha, entry))
        assert calls == [False]  # only the SHA-256 recheck; no GOST hashing


def test_digest_is_computed_at_verification_when_missing(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    with in_tenant(alpha):
        assert not DocumentDigest.objects.filter(entry=entry).exists()
    company_signs(alpha, staff, entry)
    with in_tenant(alpha):
        assert DocumentDigest.objects.filter(entry=entry).exists()


def test_digest_of_a_changed_file_is_not_stored(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    with in_tenant(alpha):
        with default_storage.open(entry.file.name, "wb") as stored:
            stored.write(b"%PDF-1.4 replaced")
        assert signing.compute_document_digest(entry.pk) is None
        assert not DocumentDigest.objects.exists()


def test_signature_is_never_updated_or_deleted(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    signature = company_signs(alpha, staff, entry)
    with in_tenant(alpha):
        signature.signer_name = "Подделка"
        with pytest.raises(ImmutableRecordError):
            signature.save()
        with pytest.raises(ImmutableRecordError):
            signature.delete()


def test_database_allows_one_signature_per_side(alpha, staff, person):
    _, entry = make_signable_document(alpha, person, staff)
    signature = company_signs(alpha, staff, entry)
    with in_tenant(alpha):
        fields = {
            f.name: getattr(signature, f.name)
            for f in Signature._meta.concrete_fields
            if f.name not in ("id",)
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            Signature.objects.create(**fields)


def test_der_signature_ending_in_a_whitespace_byte_is_kept_intact():
    """DER is binary: a last byte of 0x20 or 0x0a is data, not whitespace to strip."""
    der = b"\x30\x03\x02\x01\x0a"
    assert signing._decode_signature(der) == der
    assert signing._decode_signature(b"  \n" + __import__("base64").b64encode(der) + b"\n") == der


def test_database_refuses_to_change_or_delete_a_signature(alpha, beta, staff, person):
    """The trigger exists in every tenant schema (tenants are cloned from the template)."""
    _, entry = make_signable_document(alpha, person, staff)
    signature = company_signs(alpha, staff, entry)
    with in_tenant(alpha):
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
            Signature.objects.filter(pk=signature.pk).update(signer_name="Подделка")
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
            Signature.objects.filter(pk=signature.pk).delete()
        assert Signature.objects.get(pk=signature.pk).signer_name == signature.signer_name
    with in_tenant(beta), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE t.tgname = 'core_signature_immutable' AND n.nspname = %s",
            [beta.schema_name],
        )
        assert cursor.fetchone()[0] == 1
