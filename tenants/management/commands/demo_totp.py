"""The current TOTP code of the demo operator (development only), so the operator
console can be tried without an authenticator app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

DEMO_OPERATOR = "operator@example.com"


class Command(BaseCommand):
    help = "Текущий одноразовый код демо-оператора (только для разработки)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Только для разработки (DEBUG).")
        with schema_context("public"):
            device = TOTPDevice.objects.filter(
                user__email=DEMO_OPERATOR, name="demo", confirmed=True
            ).first()
            if device is None:
                raise CommandError("Нет демо-устройства: выполните make seed.")
            code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
