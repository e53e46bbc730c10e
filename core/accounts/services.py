"""Writes on accounts: creating staff and operators."""

from django.db import transaction

from .models import User


@transaction.atomic
def create_company_admin(admin, password: str | None = None) -> User:
    """Create the grid company's administrator (staff with admin rights) in the current schema."""
    user = User.objects.create_user(
        email=admin.email,
        password=password,
        last_name=admin.last_name,
        first_name=admin.first_name,
        middle_name=admin.middle_name,
        role=User.Role.STAFF,
        is_company_admin=True,
    )
    return user
