"""Helpers for the API tests: clients bound to a company's host, authenticated by a
personal token (issued through the same service as the profile page) or a session."""

from rest_framework.test import APIClient

from api.tokens import create_token
from tests.conftest import force_login, host_of, in_tenant


def token_for(company, user, name="Тест") -> str:
    with in_tenant(company):
        return create_token(user, name).secret


def api_client(company, user=None, *, token=None, session=False) -> APIClient:
    """A client on the company's host: anonymous, with `user`'s token (default) or,
    with session=True, signed in by session (CSRF enforced as for the site's scripts)."""
    client = APIClient(HTTP_HOST=host_of(company))
    if user is not None and session:
        force_login(client, company, user)
    elif user is not None or token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token or token_for(company, user)}")
    return client


def csrf_session_client(company, user) -> APIClient:
    """A session client that enforces CSRF like a browser does."""
    client = APIClient(HTTP_HOST=host_of(company), enforce_csrf_checks=True)
    force_login(client, company, user)
    return client
