"""Users: e-mail is the login. One table per schema, so accounts are per tenant."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("E-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", User.Role.OPERATOR)
        fields.update(is_superuser=True)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        APPLICANT = "applicant", "Заявитель"
        STAFF = "staff", "Сотрудник сетевой организации"
        OPERATOR = "operator", "Оператор платформы"

    email = models.EmailField("Email", max_length=254)
    last_name = models.CharField("Фамилия", max_length=100, blank=True)
    first_name = models.CharField("Имя", max_length=100, blank=True)
    middle_name = models.CharField("Отчество", max_length=100, blank=True)
    phone = models.CharField("Сотовый телефон", max_length=12, blank=True)
    role = models.CharField("Роль", max_length=16, choices=Role.choices, default=Role.APPLICANT)
    is_company_admin = models.BooleanField("Администратор ЛК", default=False)
    is_active = models.BooleanField("Активен", default=True)
    date_joined = models.DateTimeField("Зарегистрирован", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def is_staff(self) -> bool:
        """Django admin is not used; staff of a grid company are `Role.STAFF`."""
        return False

    @property
    def is_company_staff(self) -> bool:
        return self.is_active and self.role == self.Role.STAFF

    @property
    def is_applicant(self) -> bool:
        return self.role == self.Role.APPLICANT
