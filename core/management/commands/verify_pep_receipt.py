"""`manage.py verify_pep_receipt <path> [--sha256 HEX]`: check a downloaded ПЭП receipt.

For support staff and disputes: it needs the platform certificate only, not the
database, so it also works on a copy of the receipt from anywhere.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.pep_receipt import MAX_RECEIPT_BYTES, ReceiptVerificationError, verify_receipt


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M:%S %Z")


class Command(BaseCommand):
    help = "Проверяет квитанцию простой электронной подписи (ПЭП): подпись платформы и хеш."

    # Nothing here touches the database; system checks might.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="файл квитанции (XML)")
        parser.add_argument(
            "--sha256", metavar="HEX", help="ожидаемый SHA-256 подписанного документа"
        )

    def handle(self, *args, path, sha256=None, **options):
        try:
            with Path(path).open("rb") as fh:
                content = fh.read(MAX_RECEIPT_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Не удалось прочитать файл {path}: {exc.strerror}") from None
        try:
            data = verify_receipt(content, expected_sha256=sha256)
        except ReceiptVerificationError as exc:
            self.stderr.write(f"Квитанция недействительна: {exc}")
            sys.exit(1)

        lines = [
            "Квитанция подлинная",
            f"Подписант: {data.signer_full_name}, СНИЛС {data.signer_snils}, "
            f"телефон {data.masked_phone}",
            f"Документ: {data.file_name} (№ {data.document_id}, заявка {data.case_id})",
            f"SHA-256: {data.sha256}",
            f"Сетевая организация: {data.company_name}, ИНН {data.company_inn}",
            f"Код отправлен: {_local(data.code_sent_at)}",
            f"Код подтверждён: {_local(data.code_confirmed_at)}",
            f"IP-адрес: {data.ip_address}",
            f"Браузер: {data.user_agent}",
            f"Версия соглашения о ПЭП: {data.pep_agreement_version}",
            f"Номер квитанции: {data.receipt_id}",
        ]
        if sha256:
            lines.insert(1, "Хеш документа совпадает с указанным")
        self.stdout.write("\n".join(lines))
