"""Create a platform operator (public schema), like `createsuperuser`.

The operator enrols a TOTP authenticator at the first login on the public host.
Non-interactive use: `--email` and `--noinput` with the password in the
DJANGO_OPERATOR_PASSWORD environment variable (never on the command line).
"""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import create_operator


class Command(BaseCommand):
    help = "Создать оператора платформы (вход в консоль на общем домене с кодом TOTP)."

    def add_arguments(self, parser):
        parser.add_argument("--email", help="Email оператора")
        parser.add_argument("--last-name", default="", help="Фамилия")
        parser.add_argument("--first-name", default="", help="Имя")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Не задавать вопросов; пароль берется из DJANGO_OPERATOR_PASSWORD.",
        )

    def handle(self, *args, email, last_name, first_name, interactive, **options):
        if not email:
            if not interactive:
                raise CommandError("Укажите --email.")
            email = input("Email: ").strip()
        password = os.environ.get("DJANGO_OPERATOR_PASSWORD", "")
        if not password:
            if not interactive:
                raise CommandError(
                    "Задайте пароль в переменной окружения DJANGO_OPERATOR_PASSWORD."
                )
            password = self._ask_password()
        try:
            validate_password(password)
            user = create_operator(
                email=email, password=password, last_name=last_name, first_name=first_name
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Оператор {user.email} создан. При первом входе на общем домене "
            "(/platform/login/) будет предложено подключить приложение-аутентификатор."
        )

    def _ask_password(self) -> str:
        while True:
            first = getpass.getpass("Пароль: ")
            second = getpass.getpass("Пароль (еще раз): ")
            if first and first == second:
                return first
            self.stderr.write("Пароли не совпадают или пусты, попробуйте еще раз.")
