"""Electronic signatures of case documents, one-time SMS codes for ПЭП, and the
per-file Streebog digests that УКЭП verification reuses.

A signature is a legal fact: it is written once, with the document's hash at the
moment of signing and everything the verification found out, and never updated
(`save` refuses an update, `delete` refuses outright, and the database allows one
signature per side of a document).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .cases import CaseEntry

SHA256_REGEX = r"^[0-9a-f]{64}$"


class ImmutableRecordError(Exception):
    """Raised on an attempt to change or delete a stored signature."""


class Signature(models.Model):
    """One side's signature of a document that requires a two-sided signature."""

    class Side(models.TextChoices):
        COMPANY = "company", "Сетевая организация"
        APPLICANT = "applicant", "Пользователь"

    class Method(models.TextChoices):
        PEP = "pep", "ПЭП"
        QES = "qes", "УКЭП"

    entry = models.ForeignKey(
        CaseEntry, on_delete=models.PROTECT, related_name="signatures", verbose_name="Документ"
    )
    side = models.CharField("Сторона", max_length=16, choices=Side.choices)
    method = models.CharField("Вид подписи", max_length=8, choices=Method.choices)
    signer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="Подписант"
    )
    # The name shown next to the signature: the certificate owner (УКЭП) or the
    # applicant's ФИО (ПЭП), as it was at signing.
    signer_name = models.CharField("Подписант (ФИО)", max_length=255)
    signed_at = models.DateTimeField("Дата подписания", default=timezone.now)
    document_sha256 = models.CharField("SHA-256 документа при подписании", max_length=64)
    file = models.FileField("Файл подписи", max_length=700)
    file_sha256 = models.CharField("SHA-256 файла подписи", max_length=64)
    ip_address = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    user_agent = models.CharField("Браузер", max_length=500, blank=True)
    # Verification (УКЭП: the CAdES check; ПЭП: the confirmed SMS code).
    verification_result = models.CharField("Результат проверки", max_length=500)
    digest_bits = models.PositiveSmallIntegerField("Размер хэша ГОСТ", null=True, blank=True)
    signing_time = models.DateTimeField("Время подписи (signingTime)", null=True, blank=True)
    personal_certificate = models.BooleanField(
        "Личный сертификат сотрудника", default=False, editable=False
    )
    # ПЭП receipt
    receipt_id = models.UUIDField("Номер квитанции ПЭП", null=True, blank=True, unique=True)
    # Certificate details (УКЭП)
    cert_subject = models.CharField("Владелец сертификата (CN)", max_length=500, blank=True)
    cert_full_name = models.CharField("ФИО владельца", max_length=255, blank=True)
    cert_organization = models.CharField("Организация", max_length=500, blank=True)
    cert_inn = models.CharField("ИНН", max_length=12, blank=True)
    cert_inn_le = models.CharField("ИНН ЮЛ", max_length=12, blank=True)
    cert_ogrn = models.CharField("ОГРН", max_length=13, blank=True)
    cert_ogrnip = models.CharField("ОГРНИП", max_length=15, blank=True)
    cert_snils = models.CharField("СНИЛС", max_length=14, blank=True)
    cert_serial = models.CharField("Серийный номер", max_length=128, blank=True)
    cert_issuer = models.CharField("Издатель", max_length=500, blank=True)
    cert_valid_from = models.DateTimeField("Действителен с", null=True, blank=True)
    cert_valid_to = models.DateTimeField("Действителен по", null=True, blank=True)
    cert_thumbprint = models.CharField("Отпечаток (SHA-1)", max_length=40, blank=True)

    class Meta:
        verbose_name = "подпись документа"
        verbose_name_plural = "подписи документов"
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "side"], name="signature_one_per_side"),
            models.CheckConstraint(
                name="signature_hashes_hex",
                condition=Q(document_sha256__regex=SHA256_REGEX)
                & Q(file_sha256__regex=SHA256_REGEX),
            ),
            # The company signs with УКЭП only; a УКЭП carries its certificate.
            models.CheckConstraint(
                name="signature_company_qes", condition=~Q(side="company") | Q(method="qes")
            ),
            models.CheckConstraint(
                name="signature_qes_has_certificate",
                condition=~Q(method="qes")
                | (Q(cert_thumbprint__regex=r"^[0-9A-F]{40}$") & Q(digest_bits__in=[256, 512])),
            ),
            models.CheckConstraint(
                name="signature_pep_has_receipt",
                condition=~Q(method="pep") | Q(receipt_id__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.get_side_display()}: {self.signer_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError("A signature is never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("A signature is never deleted")

    @property
    def download_name(self) -> str:
        """«Договор ТП.docx.sig» for УКЭП; the ПЭП receipt keeps the document's name too."""
        if self.method == self.Method.QES:
            return f"{self.entry.file_name}.sig"
        return f"{self.entry.file_name}.ПЭП.xml"


class SmsCode(models.Model):
    """A one-time code for a ПЭП: bound to the user, the document and its hash.

    Only a salted HMAC of the code is stored. A code is good for five minutes and five
    attempts; once used or exhausted it is dead, and a new one can be asked for no
    sooner than a minute after the previous one.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(CaseEntry, on_delete=models.CASCADE, related_name="+")
    document_sha256 = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=128)
    salt = models.CharField(max_length=32)
    phone = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "код подтверждения ПЭП"
        verbose_name_plural = "коды подтверждения ПЭП"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "entry", "-created_at"], name="smscode_user_entry")]
        constraints = [
            models.CheckConstraint(name="smscode_attempts_max_5", condition=Q(attempts__lte=5)),
            models.CheckConstraint(
                name="smscode_expires_after_created",
                condition=Q(expires_at__gt=models.F("created_at")),
            ),
        ]

    def __str__(self):
        return f"SMS-код {self.user_id} / {self.entry_id} ({self.created_at:%d.%m.%Y %H:%M})"


class DocumentDigest(models.Model):
    """Streebog-256/512 of a stored document, computed once (in a background task after
    the upload) so that checking a УКЭП does not re-hash 50 MB with GOST each time.

    `sha256` is the file's SHA-256 read in the same pass: the digests are used only
    while it equals the document's recorded SHA-256.
    """

    entry = models.OneToOneField(CaseEntry, on_delete=models.CASCADE, related_name="digest")
    sha256 = models.CharField(max_length=64)
    streebog256 = models.CharField(max_length=64)
    streebog512 = models.CharField(max_length=128)
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = "хэш ГОСТ документа"
        verbose_name_plural = "хэши ГОСТ документов"
        constraints = [
            models.CheckConstraint(
                name="digest_hex",
                condition=Q(sha256__regex=SHA256_REGEX)
                & Q(streebog256__regex=r"^[0-9a-f]{64}$")
                & Q(streebog512__regex=r"^[0-9a-f]{128}$"),
            )
        ]

    def __str__(self):
        return f"Стрибог {self.entry_id}"

    def as_mapping(self) -> dict[int, bytes]:
        return {256: bytes.fromhex(self.streebog256), 512: bytes.fromhex(self.streebog512)}
