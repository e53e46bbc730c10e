"""The one exception the verifier raises for anything wrong with a signature."""

from __future__ import annotations


class SignatureVerificationError(Exception):
    """A signature was rejected.

    ``message`` is Russian and safe to show to the person who uploaded the signature;
    ``code`` is a stable machine-readable reason for logs, API responses and tests.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"SignatureVerificationError({self.message!r}, code={self.code!r})"
