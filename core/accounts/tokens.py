"""Password-reset tokens bound to the grid company they were issued on."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection


class TenantPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Mixes the schema into the token's hash: a link from tenant A never works on B,
    even for a user with the same id, e-mail and password."""

    def _make_hash_value(self, user, timestamp):
        return f"{connection.schema_name}:{super()._make_hash_value(user, timestamp)}"
